"""Clustering: matched pairs → groups of records that are one customer.

Plain connected components chain: A–B and B–C merge A with C even when A and C
clearly differ. Here edges are added strongest first, and an edge is refused
when it would put into one cluster
- two contradicting facts (two different valid resident ids, birth dates or
  genders: a relative who left the family's phone is often known only by a
  surname, and then the gender is what tells them apart), or
- two records known to be different people: a pair a reviewer kept apart, or a
  scored pair with strong evidence against it (a clearly different name,
  gender or resident id), even if a third record resembles both.
Must-links from reviewers are applied first, whatever the scores.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from .gc_pause import gc_paused
from .model import MATCH, NO_MATCH

#: Facts of which one customer has at most one value (a column absent from the
#: records is simply not checked).
EXCLUSIVE_FACTS: tuple[str, ...] = ("id_card", "birth_date", "gender")


class ClusterSettings(Protocol):
    """What clustering reads from a settings object (``EngineSettings`` has it)."""

    @property
    def contradiction_weight(self) -> float: ...


@dataclass(frozen=True)
class ClusterResult:
    clusters: pd.DataFrame  # record_key, cluster (0..k-1), match_score
    refused_edges: pd.DataFrame  # matched pairs left apart, and why


def contradicting_pairs(scored: pd.DataFrame, contradiction_weight: float) -> pd.DataFrame:
    """Scored pairs that are clearly two people: no match, and at least one field
    (a ``w_<field>`` column) weighs ``contradiction_weight`` or less against."""
    weights = scored[[c for c in scored.columns if c.startswith("w_")]]
    if weights.empty:
        return scored.loc[[], ["left", "right"]]
    strong = (scored["decision"] == NO_MATCH) & (weights.min(axis=1) <= contradiction_weight)
    return scored.loc[strong, ["left", "right"]]


def cluster_records(
    contacts: pd.DataFrame,
    scored: pd.DataFrame,
    settings: ClusterSettings,
    must_link: Iterable[tuple[str, str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
) -> ClusterResult:
    """Constrained greedy union of matched pairs, strongest first.

    ``contacts`` has ``record_key`` and the ``EXCLUSIVE_FACTS`` columns
    (``id_card`` counts only where ``id_card_valid``); ``scored`` has ``left``,
    ``right`` (positions into ``contacts``), ``score``, ``match_probability``,
    ``decision`` and ``w_<field>`` columns. Must-links and cannot-links are
    record-key pairs and win over any score."""
    with gc_paused():  # a few small containers per record: see ``gc_pause``
        return _cluster_records(contacts, scored, settings, must_link, cannot_link)


def _cluster_records(
    contacts: pd.DataFrame,
    scored: pd.DataFrame,
    settings: ClusterSettings,
    must_link: Iterable[tuple[str, str]],
    cannot_link: Iterable[tuple[str, str]],
) -> ClusterResult:
    n = len(contacts)
    parent = list(range(n))
    members: list[set[int]] = [{i} for i in range(n)]
    facts = _facts(contacts)
    position = {key: i for i, key in enumerate(contacts["record_key"])}
    enemies: list[set[int]] = [set() for _ in range(n)]
    apart = [(position[a], position[b]) for a, b in cannot_link if a in position and b in position]
    apart += list(contradicting_pairs(scored, settings.contradiction_weight)
                  .itertuples(index=False, name=None))
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
        matched["left"].tolist(), matched["right"].tolist(), matched["score"].tolist(),
        matched["match_probability"].tolist(),
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

    roots = np.array([find(i) for i in range(n)], dtype=np.int64)
    # Number clusters by their smallest record key so numbering is deterministic.
    keys = contacts["record_key"].to_numpy(dtype=object)
    by_key = np.argsort(keys, kind="stable")
    _, first_roots = pd.factorize(roots[by_key])
    cluster_of_root = pd.Series(np.arange(len(first_roots)), index=first_roots)
    clusters = pd.DataFrame(
        {
            "record_key": keys,
            "cluster": cluster_of_root.reindex(roots).to_numpy(dtype=np.int64),
            # A record alone in its cluster is its customer's only evidence: 1.0.
            "match_score": [1.0 if b is None else float(b) for b in best],
        }
    )
    refused_frame = pd.DataFrame(refused, columns=["left", "right", "score", "reason"])
    return ClusterResult(clusters, refused_frame)


def _facts(contacts: pd.DataFrame) -> list[dict[str, set[str]]]:
    """Each record's exclusive facts as one-element sets (empty when unknown)."""
    columns = {}
    for fact in EXCLUSIVE_FACTS:
        values = contacts[fact] if fact in contacts.columns else pd.Series([None] * len(contacts))
        if fact == "id_card" and "id_card_valid" in contacts.columns:
            values = values.where(contacts["id_card_valid"].fillna(False).astype(bool))
        columns[fact] = [v if isinstance(v, str) and v else None for v in values]
    return [
        {fact: ({columns[fact][i]} if columns[fact][i] else set()) for fact in EXCLUSIVE_FACTS}
        for i in range(len(contacts))
    ]
