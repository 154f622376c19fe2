"""Why records are one customer: the pairs and decisions inside each customer.

Kept per customer in the store (``customer_link``) so ``customer-master explain``
can answer "why is this record in this customer?" long after the run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pandas as pd

from .model import NO_MATCH
from .review import evidence_json

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
    customer = clusters.set_index("record_key")["customer_id"]
    kept = scored[scored["decision"] != NO_MATCH]
    left = kept["left_key"].astype(str)
    right = kept["right_key"].astype(str)
    owner = left.map(customer)
    inside = (owner.notna() & (owner == right.map(customer))).to_numpy()
    kept, left, right, owner = kept[inside], left[inside], right[inside], owner[inside]
    low = left.where(left <= right, right)
    high = right.where(left <= right, left)
    frame = pd.DataFrame({
        "customer_id": owner.to_numpy(), "left_record": low.to_numpy(), "right_record": high.to_numpy(),
        "link_type": kept["decision"].astype(str).to_numpy(), "score": kept["score"].astype(float).round(3).to_numpy(),
        "evidence": evidence_json(kept),
    })
    owners = customer.to_dict()
    decided = []
    for a, b in sorted(merge_pairs or ()):
        if owners.get(a) is not None and owners.get(a) == owners.get(b):
            decision = (pair_decisions or {}).get((a, b))
            decided.append({"customer_id": owners[a], "left_record": a, "right_record": b,
                            "link_type": "decision", "score": None,
                            "evidence": json.dumps({"decision_id": decision})})
    if not decided:
        return frame
    decisions = pd.DataFrame(decided, columns=list(LINK_COLUMNS))
    # A reviewer's merge explains the pair better than its score: it replaces the scored row.
    pair_key = frame["left_record"] + "\x1f" + frame["right_record"]
    replaced = set(decisions["left_record"] + "\x1f" + decisions["right_record"])
    return pd.concat([frame[~pair_key.isin(replaced)], decisions], ignore_index=True)
