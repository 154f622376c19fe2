"""``customer-master db upgrade|current|history``: the store's schema migrations (Alembic).

``db upgrade`` brings the store to the latest migration (the pipeline does the
same on its own before it first writes); ``db current`` shows where a store is;
``db history`` lists the migrations in assets/store/migrations/versions/.
"""

import argparse

from assets.resources import CrmStore
from assets.store import migrate

STORE_HELP = "SQLAlchemy URL (default $CUSTOMER_STORE_URL or output/crm_store.sqlite)"


def add_db_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("db", help="the CRM store's schema migrations (Alembic)")
    actions = parser.add_subparsers(dest="db_command", required=True)
    upgrade = actions.add_parser("upgrade", help="migrate the store to the latest revision")
    upgrade.add_argument("--store", help=STORE_HELP)
    current = actions.add_parser("current", help="the revision the store is at")
    current.add_argument("--store", help=STORE_HELP)
    actions.add_parser("history", help="the migrations, newest first")


def _label(revisions: tuple[str, ...]) -> str:
    if not revisions:
        return "none"
    heads = set(migrate.head_revisions())
    return ", ".join(f"{r} (head)" if r in heads else r for r in revisions)


def run_db(args: argparse.Namespace) -> int:
    if args.db_command == "history":
        heads = set(migrate.head_revisions())
        for script in migrate.script_directory().walk_revisions():
            mark = " (head)" if script.revision in heads else ""
            title = (script.doc or "").strip().splitlines()[0] if script.doc else ""
            print(f"{script.down_revision or '<base>'} -> {script.revision}{mark}: {title}")
        return 0
    store = CrmStore(url=getattr(args, "store", None))
    engine = store.engine()
    where = store.display_url()
    if args.db_command == "current":
        revisions = migrate.current_revisions(engine)
        print(f"{where}: {_label(revisions)}")
        return 0
    if args.db_command == "upgrade":
        before = migrate.current_revisions(engine)
        try:
            migrate.upgrade(engine)
        except migrate.StoreSchemaError as exc:
            print(f"error: {where}: {exc}")
            return 2
        after = migrate.current_revisions(engine)
        if before == after:
            print(f"{where}: already at {_label(after)}")
        else:
            print(f"{where}: {_label(before)} -> {_label(after)}")
        return 0
    raise ValueError(f"unknown db command {args.db_command!r}")
