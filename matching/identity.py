"""Stable customer ids.

A customer keeps its ``customer_id`` from run to run while it is the same
customer: each new cluster inherits the previous id most of its records
carried. When two customers merge, the larger claim wins and the other id is
reported as merged into it; when one splits, the part with most of the old
records keeps the id. New customers get an id derived from their smallest
record key, so a fresh store built from the same input gives the same ids.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

ID_PREFIX = "CM-"


@dataclass(frozen=True)
class IdentityResult:
    assignments: pd.DataFrame  # cluster, customer_id
    merged: pd.DataFrame  # old_customer_id, customer_id (the id it was merged into)
    retired: list[str]  # previous ids that no longer denote any customer


def mint_customer_id(seed: str, salt: int = 0) -> str:
    digest = hashlib.sha256(f"{seed}#{salt}".encode()).hexdigest()[:12].upper()
    return f"{ID_PREFIX}{digest}"


def assign_customer_ids(
    clusters: pd.DataFrame, previous: pd.DataFrame, reserved: Iterable[str] = ()
) -> IdentityResult:
    """``clusters`` (record_key, cluster) + ``previous`` (record_key, customer_id)
    from the store → one customer id per cluster. ``reserved`` ids (aliases of
    merged customers) are never given to a new customer: they still resolve."""
    prior = clusters.merge(previous[["record_key", "customer_id"]], on="record_key", how="left")
    votes = (
        prior.dropna(subset=["customer_id"])
        .groupby(["cluster", "customer_id"]).size().rename("votes").reset_index()
    )
    sizes = clusters.groupby("cluster").size()
    # Each cluster's smallest record key (a sort, not a groupby min: pandas has no
    # compiled min for text and calls Python per group).
    first_key = (clusters.sort_values("record_key", kind="stable").drop_duplicates("cluster")
                 .set_index("cluster")["record_key"])
    # Strongest claims first: most votes, then the larger cluster, then a fixed order.
    votes["size"] = votes["cluster"].map(sizes)
    votes["first_key"] = votes["cluster"].map(first_key)
    votes = votes.sort_values(
        ["votes", "size", "first_key", "customer_id"], ascending=[False, False, True, True]
    )
    chosen: dict[int, str] = {}
    taken: set[str] = set()
    for cluster, customer_id in zip(votes["cluster"], votes["customer_id"]):
        if cluster in chosen or customer_id in taken:
            continue
        chosen[cluster] = customer_id
        taken.add(customer_id)

    known = set(previous["customer_id"].dropna())
    never_again = known | set(reserved)
    firsts = first_key.to_dict()
    for cluster in sorted(sizes.index, key=firsts.__getitem__):
        if cluster in chosen:
            continue
        salt = 0
        candidate = mint_customer_id(firsts[cluster])
        while candidate in taken or candidate in never_again:
            salt += 1
            candidate = mint_customer_id(firsts[cluster], salt)
        chosen[cluster] = candidate
        taken.add(candidate)

    assignments = pd.DataFrame(
        {"cluster": list(chosen), "customer_id": list(chosen.values())}
    ).sort_values("cluster", ignore_index=True)
    current = clusters.merge(assignments, on="cluster")[["record_key", "customer_id"]]
    merged = find_merges(previous, current)
    retired = sorted(known - taken - set(merged["old_customer_id"]))
    return IdentityResult(assignments, merged, retired)


def find_merges(previous: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Previous ids that no longer exist but whose records live on: each is
    reported as merged into the id most of those records carry now."""
    gone = previous[~previous["customer_id"].isin(set(current["customer_id"]))]
    moved = gone.merge(current, on="record_key", suffixes=("_old", ""))
    if moved.empty:
        return pd.DataFrame({"old_customer_id": pd.Series(dtype="str"),
                             "customer_id": pd.Series(dtype="str")})
    counts = moved.groupby(["customer_id_old", "customer_id"]).size().rename("n").reset_index()
    counts = counts.sort_values(["customer_id_old", "n", "customer_id"], ascending=[True, False, True])
    winners = counts.drop_duplicates("customer_id_old")
    return pd.DataFrame({"old_customer_id": winners["customer_id_old"].to_numpy(),
                         "customer_id": winners["customer_id"].to_numpy()})


MERGE_EVENT, ALIAS_EVENT, SPLIT_EVENT = "merge", "alias", "split"
EVENT_COLUMNS = ("event_type", "customer_id", "other_customer_id", "detail")


def identity_events(previous: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """What happened to customer ids between two runs, for the audit trail:
    merges (with the alias they leave) and splits (a new id for records that
    left a customer which still exists). ``previous``/``current``: record_key, customer_id."""
    rows = []
    for old, new in find_merges(previous, current).itertuples(index=False):
        rows.append((MERGE_EVENT, new, old, f"{old} merged into {new}"))
        rows.append((ALIAS_EVENT, new, old, f"{old} is kept as an alias that resolves to {new}"))
    before = set(previous["customer_id"])
    after = set(current["customer_id"])
    moved = previous.merge(current, on="record_key", suffixes=("_old", ""))
    moved = moved[~moved["customer_id"].isin(before) & moved["customer_id_old"].isin(after)]
    for (new, old), group in moved.groupby(["customer_id", "customer_id_old"]):
        rows.append((SPLIT_EVENT, new, old,
                     f"{len(group)} record(s) split off from {old} into the new customer {new}"))
    return pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
