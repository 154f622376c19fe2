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
    columns = [c for c in scored.columns if c.startswith("w_")]
    if not columns:
        return scored.loc[[], ["left", "right"]]
    # The row minimum column by column (NaN skipped, as DataFrame.min does), not
    # as a copy of every weight column at once.
    lowest = np.full(len(scored), np.nan)
    for column in columns:
        lowest = np.fmin(lowest, scored[column].to_numpy(dtype=float))
    strong = (scored["decision"] == NO_MATCH).to_numpy() & (lowest <= contradiction_weight)
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
    # Per record: its root, and for roots their members, enemies and facts. A
    # record alone is its own member set and most records have no enemy, so
    # ``None`` stands for {i} and for "no enemies" (no set per record at a million).
    n = len(contacts)
    parent = list(range(n))
    members: list[set[int] | None] = [None] * n
    enemies: list[set[int] | None] = [None] * n
    facts = _facts(contacts)
    must_link, cannot_link = list(must_link), list(cannot_link)
    position = {key: i for i, key in enumerate(contacts["record_key"])} if must_link or cannot_link else {}
    apart = [(position[a], position[b]) for a, b in cannot_link if a in position and b in position]
    apart += list(contradicting_pairs(scored, settings.contradiction_weight)
                  .itertuples(index=False, name=None))
    for a, b in apart:
        for i, j in ((a, b), (b, a)):
            if enemies[i] is None:
                enemies[i] = set()
            enemies[i].add(j)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def size(r: int) -> int:
        return 1 if members[r] is None else len(members[r])

    def conflict(ra: int, rb: int) -> str | None:
        for fact in EXCLUSIVE_FACTS:
            known_a, known_b = facts[fact][ra], facts[fact][rb]
            if known_a and known_b and len(_values(known_a) | _values(known_b)) > 1:
                return f"different {fact}"
        small, large = sorted((ra, rb), key=size)
        against = enemies[large]
        if against and not (members[small] or {small}).isdisjoint(against):
            return "would join records known to be different people"
        return None

    def union(ra: int, rb: int) -> None:
        if size(ra) < size(rb):
            ra, rb = rb, ra
        parent[rb] = ra
        if members[ra] is None:
            members[ra] = {ra}
        members[ra] |= members[rb] or {rb}
        if enemies[rb]:
            if enemies[ra] is None:
                enemies[ra] = set()
            enemies[ra] |= enemies[rb]
        members[rb], enemies[rb] = None, None  # rb is no root any more: never read again
        for fact in EXCLUSIVE_FACTS:
            facts[fact][ra] = _joined(facts[fact][ra], facts[fact][rb])

    for a, b in must_link:
        if a in position and b in position:
            ra, rb = find(position[a]), find(position[b])
            if ra != rb:
                union(ra, rb)

    best: list[float | None] = [None] * n
    refused = []
    matched = scored.loc[scored["decision"] == MATCH, ["left", "right", "score", "match_probability"]]
    matched = matched.sort_values(["score", "left", "right"], ascending=[False, True, True])
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


def _facts(contacts: pd.DataFrame) -> dict[str, list[str | set[str] | None]]:
    """Per exclusive fact, each record's value (``None`` when unknown); after
    unions a root holds a string, or a set when must-links joined two values."""
    facts = {}
    for fact in EXCLUSIVE_FACTS:
        values = contacts[fact] if fact in contacts.columns else pd.Series([None] * len(contacts))
        if fact == "id_card" and "id_card_valid" in contacts.columns:
            values = values.where(contacts["id_card_valid"].fillna(False).astype(bool))
        # ``tolist``: iterating a string Series fetches each element through pandas.
        facts[fact] = [v if isinstance(v, str) and v else None for v in values.tolist()]
    return facts


def _values(known: str | set[str]) -> set[str]:
    return {known} if isinstance(known, str) else known


def _joined(a: str | set[str] | None, b: str | set[str] | None) -> str | set[str] | None:
    """The values of a fact in two joined clusters (a new set when they differ)."""
    if not a or not b or a == b:
        return a or b
    return _values(a) | _values(b)
