"""The change feed: which customers a publish inserted or changed (``upsert``),
merged into another (``merge``) or left without any record (``retire``).

Written in the publish transaction from the publisher's own diff, so the feed
can never disagree with the tables; a publish that changes nothing adds nothing.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

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
    gone = {row["customer_id"] for row in golden_plan.deletes}
    touched = {row["customer_id"] for row in golden_plan.inserts + golden_plan.updates}
    for plan in child_plans.values():
        for row in plan.inserts + plan.updates + plan.deletes:
            customer = row.get("customer_id")  # xref deletes carry only their own key
            if customer and customer not in gone:
                touched.add(customer)
    into = dict(zip(merged["old_customer_id"], merged["customer_id"])) if len(merged) else {}
    rows = [
        {"run_id": run_id, "changed_at": now, "customer_id": c, "change_type": UPSERT, "merged_into": None}
        for c in sorted(touched)
    ] + [
        {"run_id": run_id, "changed_at": now, "customer_id": c,
         "change_type": MERGE if c in into else RETIRE, "merged_into": into.get(c)}
        for c in sorted(gone)
    ]
    if rows:
        conn.execute(crm_changes.insert(), rows)
    return len(rows)
