"""Clustering: matched pairs → groups of records that are one customer.

Plain connected components chain: A–B and B–C merge A with C even when A and C
clearly differ. Here edges are added strongest first, and an edge is refused
when it would put two contradicting facts in one cluster (two different valid
resident ids, two different birth dates) or join records a reviewer said to
keep apart. Must-links from reviewers are applied first, whatever the scores.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from .model import MATCH

#: Facts of which one customer has at most one value.
EXCLUSIVE_FACTS: tuple[str, ...] = ("id_card", "birth_date")


@dataclass(frozen=True)
class ClusterResult:
    clusters: pd.DataFrame  # record_key, cluster (0..k-1), match_score
    refused_edges: pd.DataFrame  # matched pairs left apart, and why


def cluster_records(
    contacts: pd.DataFrame,
    scored: pd.DataFrame,
    must_link: Iterable[tuple[str, str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
) -> ClusterResult:
    """Constrained greedy union of matched pairs, strongest first."""
    n = len(contacts)
    parent = list(range(n))
    facts: list[dict[str, set[str]]] = [
        {fact: _fact(contacts, fact, i) for fact in EXCLUSIVE_FACTS} for i in range(n)
    ]
    members: list[set[int]] = [{i} for i in range(n)]
    position = {key: i for i, key in enumerate(contacts["record_key"])}
    apart: set[frozenset[int]] = {
        frozenset((position[a], position[b]))
        for a, b in cannot_link
        if a in position and b in position
    }

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def conflict(ra: int, rb: int) -> str | None:
        for fact in EXCLUSIVE_FACTS:
            if facts[ra][fact] and facts[rb][fact] and len(facts[ra][fact] | facts[rb][fact]) > 1:
                return f"different {fact}"
        if apart and any(
            frozenset((x, y)) in apart for x in members[ra] for y in members[rb]
        ):
            return "kept apart by a review decision"
        return None

    def union(ra: int, rb: int) -> None:
        if len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
        parent[rb] = ra
        members[ra] |= members[rb]
        members[rb] = set()
        for fact in EXCLUSIVE_FACTS:
            facts[ra][fact] |= facts[rb][fact]

    for a, b in must_link:
        if a in position and b in position:
            ra, rb = find(position[a]), find(position[b])
            if ra != rb:
                union(ra, rb)

    best_score = [None] * n
    refused = []
    matched = scored[scored["decision"] == MATCH].sort_values(
        ["score", "left", "right"], ascending=[False, True, True]
    )
    for left, right, score, probability in zip(
        matched["left"], matched["right"], matched["score"], matched["match_probability"]
    ):
        ra, rb = find(left), find(right)
        if ra != rb:
            why = conflict(ra, rb)
            if why:
                refused.append({"left": left, "right": right, "score": score, "reason": why})
                continue
            union(ra, rb)
        for i in (left, right):  # the strongest accepted link of each record
            if best_score[i] is None or probability > best_score[i]:
                best_score[i] = probability

    roots = [find(i) for i in range(n)]
    # Number clusters by their smallest record key so numbering is deterministic.
    order: dict[int, int] = {}
    for i in sorted(range(n), key=lambda k: contacts["record_key"].iat[k]):
        order.setdefault(roots[i], len(order))
    clusters = pd.DataFrame(
        {
            "record_key": contacts["record_key"].to_numpy(),
            "cluster": [order[r] for r in roots],
            # A record alone in its cluster is its customer's only evidence: 1.0.
            "match_score": [1.0 if s is None else float(s) for s in best_score],
        }
    )
    refused_frame = pd.DataFrame(refused, columns=["left", "right", "score", "reason"])
    return ClusterResult(clusters, refused_frame)


def _fact(contacts: pd.DataFrame, fact: str, i: int) -> set[str]:
    if fact == "id_card" and not contacts["id_card_valid"].iat[i]:
        return set()
    value = contacts[fact].iat[i]
    return {value} if isinstance(value, str) and value else set()
