"""``customer-master explain CUSTOMER_ID``: why a customer looks the way it does.

Prints the golden record with the source record each field came from, every
source record linked to it, its 360° view (contact points, channels, owners,
tags, consent, grade), the pair evidence that joined its records, the
reviewers' decisions about it and its audit trail. Personal data is masked unless ``--unmask`` is
given: a terminal's scroll-back is no place for it by default.
"""

import argparse
import json

import pandas as pd

from assets.resources import CrmStore
from assets.store import load_customer
from validators.masking import mask_email, mask_id_card, mask_name, mask_phone

_MASKS = {
    "name": mask_name, "name_pinyin": mask_name, "phone": mask_phone, "landline": mask_phone, "email": mask_email,
    "id_card_no": mask_id_card, "address": lambda v: (str(v)[:6] + "…") if v else v,
    "birth_date": lambda v: (str(v)[:4] + "-**-**") if v else v,
}
_SECTIONS = [
    ("customer_xref", "Source records", ["source_system", "source_record_id", "match_score", "matched_at"]),
    ("customer_contact_point", "Contact points",
     ["kind", "value", "extension", "is_primary", "source_systems", "first_seen", "last_seen"]),
    ("customer_channel", "Channels", ["source_system", "channel", "detail", "first_seen", "last_seen",
                                      "record_count"]),
    ("customer_owner", "Owners (WeCom 添加人)", ["owner", "first_added_at", "last_added_at", "rows",
                                               "is_primary", "primary_rule"]),
    ("customer_tag", "Tags", ["tag", "origins", "record_count"]),
    ("customer_consent", "Marketing consent", ["marketing_consent", "stated_at", "source_system",
                                               "source_record_id", "statements"]),
    ("customer_grade", "Grade", ["grade", "score", "completeness", "recency", "touchpoints",
                                 "last_seen"]),
    ("customer_link", "Why these records are one customer (pair evidence: match weight per field)",
     ["left_record", "right_record", "link_type", "score", "evidence"]),
    ("merge_decision", "Reviewer decisions", ["decision_id", "decided_at", "decision", "left_record",
                                              "right_record", "customer_id", "field", "reviewer",
                                              "reason", "channel"]),
    ("merge_event", "Audit trail", ["event_at", "event_type", "detail", "run_id"]),
]


def add_explain_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("explain", help="show one customer: golden record, provenance, "
                                 "source records and 360° view")
    parser.add_argument("customer_id")
    parser.add_argument("--store", help="SQLAlchemy URL (default $CUSTOMER_STORE_URL or output/)")
    parser.add_argument("--unmask", action="store_true", help="show phones, emails, ids in full")


def run_explain(args: argparse.Namespace) -> int:
    store = CrmStore(url=args.store)
    found = load_customer(store.engine(), args.customer_id)
    golden = found.get("golden_customer")
    if golden is None or golden.empty:
        print(f"no customer {args.customer_id} in {store.display_url()}")
        return 1
    print(render(found, unmask=args.unmask))
    return 0


def render(found: dict[str, pd.DataFrame], unmask: bool = False) -> str:
    golden = found["golden_customer"].iloc[0]
    lines = []
    if "merged_into" in found:
        merged = found["merged_into"].iloc[0]
        lines.append(f"{merged['alias_id']} was merged into {merged['customer_id']} "
                     f"at {merged['created_at']}; it is kept as an alias\n")
    lines.append(f"Customer {golden['customer_id']}  ({golden['source_count']} source records from "
                 f"{golden['source_systems']})")
    provenance = json.loads(golden["provenance"])
    for column, value in golden.items():
        if column in ("customer_id", "provenance", "source_count", "source_systems") or pd.isna(value):
            continue
        origin = provenance.get(column)
        source = f"   ← {origin['source_system']}:{origin['source_record_id']} ({origin['rule']})" if origin else ""
        lines.append(f"  {column:<16} {_show(column, value, unmask)}{source}")
    for table, title, columns in _SECTIONS:
        frame = found.get(table)
        lines.append(f"\n{title}:")
        if frame is None or frame.empty:
            lines.append("  (none)")
            continue
        for _, row in frame[columns].iterrows():
            cells = [_show(_field_of(row, c), row[c], unmask) for c in columns if pd.notna(row[c]) and row[c] != ""]
            lines.append("  " + " | ".join(cells))
    return "\n".join(lines)


def _field_of(row: pd.Series, column: str) -> str:
    """Contact point values are masked by their kind."""
    if column == "value" and "kind" in row:
        return {"mobile": "phone", "landline": "phone", "phone": "phone", "email": "email"}.get(row["kind"], column)
    return column


def _show(column: str, value: object, unmask: bool) -> str:
    if unmask or column not in _MASKS:
        return str(value)
    return str(_MASKS[column](value))
