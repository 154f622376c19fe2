"""Why records are one customer: the pairs and decisions inside each customer.

Kept per customer in the store (``customer_link``) so ``customer-master explain``
can answer "why is this record in this customer?" long after the run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pandas as pd

from .model import NO_MATCH

LINK_COLUMNS = ("customer_id", "left_record", "right_record", "link_type", "score", "evidence")


def customer_links(
    scored: pd.DataFrame,
    clusters: pd.DataFrame,
    pair_decisions: Mapping[tuple[str, str], int] | None = None,
    merge_pairs: set[tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """Scored pairs (match or review) whose two records share a customer, with
    their per-field weights, plus the reviewer merges that joined records
    (``merge_pairs``, each with the deciding ``pair_decisions`` id)."""
    customer = dict(zip(clusters["record_key"], clusters["customer_id"]))
    weights = [c for c in scored.columns if c.startswith("w_")]
    rows: dict[tuple[str, str], dict] = {}
    kept = scored[scored["decision"] != NO_MATCH]
    for row in kept.itertuples(index=False):
        left, right = sorted((row.left_key, row.right_key))
        owner = customer.get(left)
        if owner is None or owner != customer.get(right):
            continue
        evidence = {c[2:]: round(float(getattr(row, c)), 2) for c in weights
                    if pd.notna(getattr(row, c)) and float(getattr(row, c)) != 0.0}
        rows[(left, right)] = {
            "customer_id": owner, "left_record": left, "right_record": right,
            "link_type": str(row.decision), "score": round(float(row.score), 3),
            "evidence": json.dumps(evidence, ensure_ascii=False, sort_keys=True),
        }
    for left, right in sorted(merge_pairs or ()):
        owner = customer.get(left)
        if owner is None or owner != customer.get(right):
            continue
        decision = (pair_decisions or {}).get((left, right))
        rows[(left, right)] = {
            "customer_id": owner, "left_record": left, "right_record": right,
            "link_type": "decision", "score": None,
            "evidence": json.dumps({"decision_id": decision}),
        }
    return pd.DataFrame(list(rows.values()), columns=list(LINK_COLUMNS))
