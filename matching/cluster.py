"""Clustering: matched pairs → groups of records that are one customer.

Plain connected components chain: A–B and B–C merge A with C even when A and C
clearly differ. Here edges are added strongest first, and an edge is refused
when it would put into one cluster
- two contradicting facts (two different valid resident ids or birth dates), or
- two records known to be different people: a pair a reviewer kept apart, or a
  scored pair with strong evidence against it (a clearly different name,
  gender or resident id), even if a third record resembles both.
Must-links from reviewers are applied first, whatever the scores.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from .model import MATCH, NO_MATCH
from .settings import MatchSettings

#: Facts of which one customer has at most one value.
EXCLUSIVE_FACTS: tuple[str, ...] = ("id_card", "birth_date")


@dataclass(frozen=True)
class ClusterResult:
    clusters: pd.DataFrame  # record_key, cluster (0..k-1), match_score
    refused_edges: pd.DataFrame  # matched pairs left apart, and why


def contradicting_pairs(scored: pd.DataFrame, settings: MatchSettings) -> pd.DataFrame:
    """Scored pairs that are clearly two people: no match, and at least one field
    weighs ``contradiction_weight`` or less against."""
    weights = scored[[f"w_{f}" for f in settings.weights]]
    strong = (scored["decision"] == NO_MATCH) & (weights.min(axis=1) <= settings.contradiction_weight)
    return scored.loc[strong, ["left", "right"]]


def cluster_records(
    contacts: pd.DataFrame,
    scored: pd.DataFrame,
    settings: MatchSettings = MatchSettings(),
    must_link: Iterable[tuple[str, str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
) -> ClusterResult:
    """Constrained greedy union of matched pairs, strongest first."""
    n = len(contacts)
    parent = list(range(n))
    members: list[set[int]] = [{i} for i in range(n)]
    facts: list[dict[str, set[str]]] = [
        {fact: _fact(contacts, fact, i) for fact in EXCLUSIVE_FACTS} for i in range(n)
    ]
    position = {key: i for i, key in enumerate(contacts["record_key"])}
    enemies: list[set[int]] = [set() for _ in range(n)]
    apart = [(position[a], position[b]) for a, b in cannot_link if a in position and b in position]
    apart += list(contradicting_pairs(scored, settings).itertuples(index=False, name=None))
    for a, b in apart:
        enemies[a].add(b)
        enemies[b].add(a)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def conflict(ra: int, rb: int) -> str | None:
        for fact in EXCLUSIVE_FACTS:
            if facts[ra][fact] and facts[rb][fact] and len(facts[ra][fact] | facts[rb][fact]) > 1:
                return f"different {fact}"
        small, large = sorted((ra, rb), key=lambda r: len(members[r]))
        if not members[small].isdisjoint(enemies[large]):
            return "would join records known to be different people"
        return None

    def union(ra: int, rb: int) -> None:
        if len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
        parent[rb] = ra
        members[ra] |= members[rb]
        enemies[ra] |= enemies[rb]
        members[rb], enemies[rb] = set(), set()
        for fact in EXCLUSIVE_FACTS:
            facts[ra][fact] |= facts[rb][fact]

    for a, b in must_link:
        if a in position and b in position:
            ra, rb = find(position[a]), find(position[b])
            if ra != rb:
                union(ra, rb)

    best: list[float | None] = [None] * n
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
            if best[i] is None or probability > best[i]:
                best[i] = probability

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
            "match_score": [1.0 if b is None else float(b) for b in best],
        }
    )
    refused_frame = pd.DataFrame(refused, columns=["left", "right", "score", "reason"])
    return ClusterResult(clusters, refused_frame)


def _fact(contacts: pd.DataFrame, fact: str, i: int) -> set[str]:
    if fact == "id_card" and not contacts["id_card_valid"].iat[i]:
        return set()
    value = contacts[fact].iat[i]
    return {value} if isinstance(value, str) and value else set()
