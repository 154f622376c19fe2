"""``customer-master review list|decide``: the review queue and decisions on the command line.

    customer-master review list [--format table|csv]
    customer-master review decide --decision merge|keep_apart|split_off|choose_value \\
        (--item ITEM_ID | --record SRC:ID [--record SRC:ID] [--customer CUSTOMER_ID]) \\
        [--field FIELD --value VALUE] --reviewer NAME --reason TEXT

The store comes from ``--store`` or ``CUSTOMER_STORE_URL``. Items show personal
data masked. A decision is recorded at once (or rejected with the reason, and
nothing recorded) and applied by the next run.
"""

import argparse
import csv
import sys

from assets.resources import CrmStore
from assets.store.decisions import read_open_items, record_decisions
from matching.decisions import DECISIONS, Decision, DecisionError
from validators.masking import mask_text

from .db_command import STORE_HELP

#: What ``review list`` shows: never the full values of a field conflict.
LIST_COLUMNS = ("item_id", "kind", "field", "score", "left_masked", "right_masked", "evidence",
                "left_customer_id", "right_customer_id", "left_record", "right_record", "first_seen")


def add_review_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("review", help="the review queue and reviewers' decisions")
    actions = parser.add_subparsers(dest="review_command", required=True)
    listing = actions.add_parser("list", help="open review items (personal data masked)")
    listing.add_argument("--format", choices=("table", "csv"), default="table")
    listing.add_argument("--store", help=STORE_HELP)
    decide = actions.add_parser("decide", help="record a decision; the next run applies it")
    decide.add_argument("--decision", required=True, choices=DECISIONS)
    decide.add_argument("--item", help="a review item id (RV-… or FC-…)")
    decide.add_argument("--record", action="append", default=[], metavar="SRC:ID",
                        help="a source record, SOURCE_SYSTEM:SOURCE_RECORD_ID (once or twice)")
    decide.add_argument("--customer", help="a customer id (with one --record)")
    decide.add_argument("--field", help="choose_value: the golden field")
    decide.add_argument("--value", help="choose_value: the value (with --item: or left / right)")
    decide.add_argument("--reviewer", required=True)
    decide.add_argument("--reason", required=True)
    decide.add_argument("--store", help=STORE_HELP)


def run_review(args: argparse.Namespace) -> int:
    store = CrmStore(url=args.store)
    if args.review_command == "list":
        items = read_open_items(store.engine())
        if args.format == "csv":
            writer = csv.writer(sys.stdout, lineterminator="\n")
            writer.writerow(LIST_COLUMNS)
            for row in items[list(LIST_COLUMNS)].itertuples(index=False):
                writer.writerow(["" if v is None or v != v else v for v in row])
            return 0
        if items.empty:
            print(f"no items waiting for review in {store.display_url()}")
            return 0
        print(f"{len(items)} items waiting for review in {store.display_url()}:")
        for row in items.itertuples(index=False):
            what = row.kind if row.field is None else f"{row.kind} ({row.field})"
            score = "" if row.score is None or row.score != row.score else f"  score {row.score:.2f}"
            print(f"\n{row.item_id}  {what}{score}\n  left:  {row.left_masked}\n  right: {row.right_masked}"
                  f"\n  evidence: {row.evidence}")
        return 0
    decision = Decision(decision=args.decision, reviewer=args.reviewer, reason=args.reason,
                        item_id=args.item, records=tuple(args.record), customer_id=args.customer,
                        field=args.field, value=args.value)
    try:
        ids = record_decisions(store.engine(), [decision], channel="cli")
    except DecisionError as error:
        print(f"error: {mask_text(str(error))}", file=sys.stderr)
        return 2
    print(f"recorded decision #{ids[0]} ({args.decision}) in {store.display_url()}; "
          "the next run applies it (customer-master run)")
    return 0
