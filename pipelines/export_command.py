"""``customer-master export [--since RUN|TIME]``: write the CRM export now."""

import argparse
from pathlib import Path

from assets.compute import ComputeEngine
from assets.export import export_changes
from assets.resources import CrmStore, output_dir


def add_export_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "export", help="write what changed since the last export (JSON Lines + Excel-safe CSV)")
    parser.add_argument("--since", help="a run id (its changes and later ones) or an ISO time; "
                        "default: after the last export")
    parser.add_argument("--store", help="SQLAlchemy URL (default $CUSTOMER_STORE_URL or output/)")
    parser.add_argument("--out", help="folder for export folders (default output/exports)")


def run_export(args: argparse.Namespace) -> int:
    store = CrmStore(url=args.store)
    try:
        result = export_changes(store.engine(), Path(args.out) if args.out else output_dir() / "exports",
                                since=args.since, beside=ComputeEngine().beside())
    except ValueError as exc:
        print(f"error: {exc}")
        return 2
    if not result.changes:
        print("nothing changed since the last export")
        return 0
    print(f"{result.changes} changes ({result.upserts} upserts, {result.merges} merges, "
          f"{result.retirements} retirements) → {result.folder}")
    return 0
