"""Fellegi–Sunter parameters from the data itself: no labels needed.

The building blocks (``train`` puts them together):

- ``u`` (how often a level occurs between two *different* entities) comes from
  a large seeded sample of random pairs: almost every random pair is a
  non-match, so level frequencies there are u.
- ``m`` (how often a level occurs between two records of the *same* entity)
  and λ (the share of matches) come from EM on candidate pairs with u held
  fixed: holding u keeps EM anchored to "what chance agreement looks like",
  so it cannot drift into learning some other grouping (same city, same
  surname) as "match".
- Term frequencies: an exact match on a common value (王伟, ``smith``) is weaker
  evidence than on a rare one.

EM runs on the distinct level patterns with their counts, so its cost does not
grow with the number of pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .fields import FieldSpec
from .levels import NULL_CODE


@dataclass(frozen=True)
class FieldParameters:
    """m and u of each level of one field (``different`` last)."""

    field: str
    kind: str
    levels: tuple[str, ...]
    m: tuple[float, ...]
    u: tuple[float, ...]

    def weights(self) -> np.ndarray:
        """log2(m/u) per level: the match weight a level adds to a pair's score."""
        return np.log2(np.asarray(self.m) / np.asarray(self.u))


@dataclass(frozen=True)
class EMResult:
    m: list[np.ndarray]
    proportion: float  # λ: share of matches among the candidate pairs
    iterations: int
    converged: bool
    expected_matches: float  # Σ posterior over the candidate pairs
    #: Per field: expected matches that had the field present (how much the m
    #: of that field rests on), to pool estimates of several EM sessions.
    support: list[float]


def group_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of an integer matrix and each row's group number.

    ``np.unique(axis=0)`` sorts rows as byte strings and takes seconds on
    millions of pairs; one int64 key per row (mixed radix over the columns'
    ranges) and pandas' hashing take a fraction of that. Rows too wide for
    one int64 fall back to hashing the columns together."""
    if len(matrix) == 0:
        return matrix, np.zeros(0, dtype=np.int64)
    low = matrix.min(axis=0).astype(np.int64)
    span = matrix.max(axis=0).astype(np.int64) - low + 1
    if float(np.log2(span.astype(float)).sum()) < 62:
        key = np.zeros(len(matrix), dtype=np.int64)
        for column in range(matrix.shape[1]):
            key = key * span[column] + (matrix[:, column].astype(np.int64) - low[column])
        inverse, uniques = pd.factorize(key)
    else:
        inverse, uniques = pd.MultiIndex.from_arrays(list(matrix.T)).factorize()
    first = np.empty(len(uniques), dtype=np.int64)
    first[inverse[::-1]] = np.arange(len(inverse) - 1, -1, -1)
    return matrix[first], inverse.astype(np.int64)


def sample_pairs(
    n: int, dataset: np.ndarray | None, size: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Random pairs for u: every pair when there are fewer than ``size``,
    otherwise ``size`` pairs drawn with a fixed seed (the same data gives the
    same parameters). Link mode draws one record from each dataset."""
    rng = np.random.default_rng(seed)
    if dataset is None:
        total = n * (n - 1) // 2
        if total <= size:
            left, right = np.triu_indices(n, k=1)
            return left.astype(np.int64), right.astype(np.int64)
        left = rng.integers(0, n, size)
        right = rng.integers(0, n, size)
        keep = left != right
        return np.minimum(left, right)[keep], np.maximum(left, right)[keep]
    labels = pd.unique(dataset)
    a = np.flatnonzero(dataset == labels[0])
    b = np.flatnonzero(dataset != labels[0])
    if len(a) * len(b) <= size:
        left, right = np.meshgrid(a, b, indexing="ij")
        return left.ravel().astype(np.int64), right.ravel().astype(np.int64)
    return a[rng.integers(0, len(a), size)], b[rng.integers(0, len(b), size)]


def estimate_u(
    codes: np.ndarray, level_counts: list[int], non_match: np.ndarray | None = None,
    reference: list[np.ndarray] | None = None, reference_pairs: float = 0.0,
    rows: np.ndarray | None = None,
) -> list[np.ndarray]:
    """u per field from the random pairs' level codes (pairs × fields).
    ``non_match`` (a probability per pair) discounts the random pairs that are
    in fact matches: in a small file full of duplicates they are common enough
    to make a shared phone look like chance. ``reference`` u (``reference_u``)
    is added as ``reference_pairs`` pairs' worth of prior counts (a Dirichlet
    prior); without it a level never seen among random pairs gets half a pair,
    so no weight is infinite. ``rows``: how many pairs each row of ``codes``
    stands for (distinct level patterns with their counts; default one each)."""
    weight = np.ones(len(codes)) if non_match is None else non_match
    if rows is not None:
        weight = weight * rows
    out = []
    for f, k in enumerate(level_counts):
        column = codes[:, f]
        present = column != NULL_CODE
        seen = np.bincount(column[present].astype(np.int64), weights=weight[present], minlength=k)[:k]
        if reference is not None and reference_pairs > 0:
            counts = seen + reference_pairs * reference[f]
        else:
            counts = np.maximum(seen, 0.5)
        out.append(counts / counts.sum())
    return out


def reference_u(spec: FieldSpec) -> np.ndarray:
    """The kind's reference u per level (``Level.u_prior``), ``different`` the rest."""
    agree = np.array([level.u_prior for level in spec.levels], dtype=float)
    return np.append(agree, max(1.0 - agree.sum(), 0.5))


def initial_m(spec: FieldSpec) -> np.ndarray:
    """Start EM from "a match mostly agrees exactly, sometimes nearly, rarely
    not" (a level's own ``m_prior`` where the kind gives one). It is also EM's
    Dirichlet prior (``EngineSettings.em_pseudo_count`` pairs' worth)."""
    levels = spec.levels
    m = np.full(len(levels) + 1, 0.0)
    m[-1] = 0.05
    first = next((i for i, lv in enumerate(levels) if lv.test != "generic"), 0)
    m[first] = 0.7
    rest = [i for i in range(len(levels)) if i != first]
    for i in rest:
        m[i] = 0.25 / len(rest)
    if not rest:
        m[first] += 0.25
    for i, level in enumerate(levels):
        if level.m_prior is not None:
            m[i] = level.m_prior
    return m / m.sum()


def expectation_maximisation(
    codes: np.ndarray,
    u: list[np.ndarray],
    m_start: list[np.ndarray],
    proportion: float,
    max_iterations: int,
    tolerance: float,
    pseudo_count: float,
    weights: np.ndarray | None = None,
) -> EMResult:
    """m and λ by EM on candidate pairs' level codes (pairs × fields), u fixed.
    ``weights``: how many pairs each row stands for (default one each).

    ``pseudo_count`` pairs' worth of the starting m are added to every M step
    (a Dirichlet prior): a level no match ever showed keeps a small m instead
    of an infinite negative weight."""
    if len(codes) == 0:
        return EMResult([m.copy() for m in m_start], proportion, 0, True, 0.0, [0.0] * len(m_start))
    patterns, inverse = group_rows(codes)
    counts = np.bincount(inverse, weights=weights, minlength=len(patterns)).astype(float)
    present = patterns != NULL_CODE
    index = np.where(present, patterns, 0).astype(np.int64)
    m = [x.copy() for x in m_start]
    log_u = [np.log(x) for x in u]
    converged = False
    iteration = 0
    posterior = np.zeros(len(patterns))
    while iteration < max_iterations:
        iteration += 1
        logit = np.full(len(patterns), np.log(proportion / (1.0 - proportion)))
        for f in range(len(m)):
            ratio = np.log(m[f]) - log_u[f]
            logit += np.where(present[:, f], ratio[index[:, f]], 0.0)
        posterior = 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))
        weighted = posterior * counts
        new_m = []
        for f in range(len(m)):
            k = len(m[f])
            sums = np.bincount(index[present[:, f], f], weights=weighted[present[:, f]], minlength=k)
            sums = sums[:k] + pseudo_count * m_start[f]
            new_m.append(sums / sums.sum())
        new_proportion = float(np.clip(weighted.sum() / counts.sum(), 1e-9, 1 - 1e-9))
        change = max([abs(new_proportion - proportion)] + [float(np.abs(a - b).max()) for a, b in zip(new_m, m)])
        m, proportion = new_m, new_proportion
        if change < tolerance:
            converged = True
            break
    weighted = posterior * counts
    support = [float(weighted[present[:, f]].sum()) for f in range(len(m))]
    return EMResult(m, proportion, iteration, converged, float(weighted.sum()), support)


def term_frequencies(values: pd.Series, entity: np.ndarray | None = None) -> pd.Series:
    """Share of the non-missing records holding each value (value → frequency).

    With ``entity`` (a preliminary cluster per record), a value is counted once
    per entity: in a file where one customer appears four times with the same
    phone, that phone is not "common", it is one person's."""
    frame = pd.DataFrame({"value": values.to_numpy()})
    if entity is not None:
        frame["entity"] = entity
        frame = frame.drop_duplicates()
    present = frame.loc[frame["value"] != "", "value"]
    if present.empty:
        return pd.Series(dtype=float)
    return present.value_counts(normalize=True)
