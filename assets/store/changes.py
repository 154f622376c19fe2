"""The change feed: which customers a publish inserted or changed (``upsert``),
merged into another (``merge``) or left without any record (``retire``).

Written in the publish transaction from the publisher's own diff, so the feed
can never disagree with the tables; a publish that changes nothing adds nothing.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from .bulk import executemany, marker
from .schema import crm_changes

UPSERT, MERGE, RETIRE = "upsert", "merge", "retire"


def record_changes(
    conn: sa.Connection,
    golden_plan,
    child_plans: dict,
    merged: pd.DataFrame,
    run_id: str,
    now: str,
) -> int:
    """Append this publish's changes to ``crm_changes``; returns how many."""
    gone = set(golden_plan.deleted_customer_ids())
    touched = set(golden_plan.upserted_customer_ids())
    for plan in child_plans.values():
        touched.update(plan.upserted_customer_ids())
        touched.update(plan.deleted_customer_ids())
    touched -= gone
    touched.difference_update({None, ""})
    into = dict(zip(merged["old_customer_id"], merged["customer_id"])) if len(merged) else {}
    rows = [(run_id, now, c, UPSERT, None) for c in sorted(touched)] + [
        (run_id, now, c, MERGE if c in into else RETIRE, into.get(c)) for c in sorted(gone)
    ]
    if rows:
        columns = ("run_id", "changed_at", "customer_id", "change_type", "merged_into")
        quote = conn.dialect.identifier_preparer.quote
        executemany(conn, f"INSERT INTO {quote(crm_changes.name)} ({', '.join(map(quote, columns))}) "
                          f"VALUES ({', '.join([marker(conn)] * len(columns))})",
                    rows)
    return len(rows)
