"""Training: m, u and the prior from the data, robust to how candidates were chosen.

Candidate pairs are not a random sample: every one shares a blocking key, so
among them even non-matches agree on the blocked fields far more often than
u says. One EM over all candidates then takes "agrees on the blocked field"
for "match" and can end with λ ≈ 1 (everything matches). So, as Splink does,
EM runs once per blocking rule on the pairs that rule proposed, with the
rule's own fields left out of the likelihood; each field's m is pooled over
the sessions that left it free, weighted by how many expected matches had
the field present.

Then:
- λ alone is fitted on all candidates with m and u held, and the expected
  number of matches over all possible pairs gives the prior;
- u is re-estimated on the random pairs, each weighed by its probability of
  being a non-match (a file full of duplicates has matches among random
  pairs too);
and the whole is repeated a few rounds, since m, u and the prior depend on
each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .engine_settings import EngineSettings
from .estimate import estimate_u, expectation_maximisation, group_rows
from .levels import NULL_CODE

#: A session needs at least this many pairs to say anything about m.
MIN_SESSION_PAIRS = 10


@dataclass(frozen=True)
class Trained:
    m: list[np.ndarray]
    u: list[np.ndarray]
    proportion: float  # λ: share of matches among all candidate pairs
    prior: float  # probability that two random records match
    expected_matches: float
    sessions: int  # EM sessions that informed m (last round)
    iterations: int  # EM iterations, summed over sessions and rounds
    rounds: int


def log2_odds(codes: np.ndarray, m: list[np.ndarray], u: list[np.ndarray]) -> np.ndarray:
    """Σ log2(m/u) over a pair's fields (0 for null), per pair."""
    total = np.zeros(len(codes))
    for f in range(len(m)):
        table = np.log2(m[f] / u[f])
        column = codes[:, f]
        total += np.where(column == NULL_CODE, 0.0, table[np.where(column == NULL_CODE, 0, column)])
    return total


def _sigmoid2(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp2(-np.clip(x, -1000, 1000)))


def fit_proportion(
    odds: np.ndarray, start: float, weights: np.ndarray | None = None, iterations: int = 200
) -> float:
    """λ by EM with every other parameter held: the share of matches among pairs
    (``weights``: how many pairs each row stands for)."""
    if len(odds) == 0:
        return start
    proportion = start
    for _ in range(iterations):
        posterior = _sigmoid2(np.log2(proportion / (1 - proportion)) + odds)
        new = float(np.clip(np.average(posterior, weights=weights), 1e-9, 1 - 1e-9))
        if abs(new - proportion) < 1e-9:
            return new
        proportion = new
    return proportion


def pooled_m(
    codes: np.ndarray,
    masks: np.ndarray,
    counts: np.ndarray,
    rule_fields: list[set[int]],
    u: list[np.ndarray],
    m_start: list[np.ndarray],
    settings: EngineSettings,
) -> tuple[list[np.ndarray], int, int]:
    """m from one EM session per blocking rule (see the module docstring).
    Rows of ``codes``/``masks`` stand for ``counts`` candidate pairs each.
    Returns m, the number of sessions used and the EM iterations run."""
    n_fields = len(m_start)
    sums = [np.zeros_like(m) for m in m_start]
    support = np.zeros(n_fields)
    sessions = iterations = 0
    for number, fields in enumerate(rule_fields):
        chosen = (masks >> number) & 1 == 1
        free = [f for f in range(n_fields) if f not in fields]
        if counts[chosen].sum() < MIN_SESSION_PAIRS or not free:
            continue
        session = codes[chosen].copy()
        session[:, sorted(fields)] = NULL_CODE
        em = expectation_maximisation(
            session, u, m_start, settings.em_start_proportion, settings.em_max_iterations,
            settings.em_tolerance, settings.em_pseudo_count, weights=counts[chosen],
        )
        sessions += 1
        iterations += em.iterations
        for f in free:
            sums[f] += em.support[f] * em.m[f]
            support[f] += em.support[f]
    m = [sums[f] / support[f] if support[f] > 0 else m_start[f].copy() for f in range(n_fields)]
    return m, sessions, iterations


def train(
    codes: np.ndarray,
    masks: np.ndarray,
    rule_fields: list[set[int]],
    sample_codes: np.ndarray,
    level_counts: list[int],
    m_start: list[np.ndarray],
    total_pairs: int,
    settings: EngineSettings,
    rounds: int = 3,
    reference: list[np.ndarray] | None = None,
    records: int = 0,
) -> Trained:
    """m, u, λ and the prior (see the module docstring). ``reference`` u and
    a reference prior of one match per record (1/``records``) are Dirichlet /
    Beta priors worth ``settings.prior_pairs`` pairs: they decide only when the
    data is too small to say anything."""
    # Millions of candidates have only thousands of distinct (levels, rules)
    # combinations: every step below works on those, with their counts.
    if len(codes):
        # One int64 matrix filled in place: ``column_stack`` of an ``astype`` copy
        # allocated and touched it twice (0.15 s on a million pairs).
        stacked = np.empty((len(codes), codes.shape[1] + 1), dtype=np.int64)
        stacked[:, :-1] = codes
        stacked[:, -1] = masks
        groups, inverse = group_rows(stacked)
        counts = np.bincount(inverse, minlength=len(groups)).astype(float)
        codes, masks = groups[:, :-1].astype(np.int8), groups[:, -1]
    else:
        counts = np.zeros(0)
    weight = settings.prior_pairs if reference is not None else 0.0
    # Half a million random pairs show a few hundred distinct level patterns:
    # the first u (plain counts, exact whichever way they are added up) and
    # each round's odds are computed per pattern. The later rounds' weighted
    # counts are still summed pair by pair, in the same order as ever, so the
    # parameters do not move by a last bit.
    patterns, pattern_of = group_rows(sample_codes)
    pattern_pairs = np.bincount(pattern_of, minlength=len(patterns)).astype(float)
    u = estimate_u(patterns, level_counts, None, reference, weight, rows=pattern_pairs)
    m, proportion, prior, expected = m_start, settings.em_start_proportion, 0.0, 0.0
    sessions = iterations = 0
    done = 0
    for done in range(1, rounds + 1):
        if done > 1:
            odds = np.log2(prior / (1 - prior)) + log2_odds(patterns, m, u)
            non_match = (1.0 - _sigmoid2(odds))[pattern_of]
            u = estimate_u(sample_codes, level_counts, non_match, reference, weight)
        m, sessions, used = pooled_m(codes, masks, counts, rule_fields, u, m_start, settings)
        iterations += used
        proportion = fit_proportion(log2_odds(codes, m, u), settings.em_start_proportion, counts)
        expected = proportion * counts.sum()
        reference_prior = 1.0 / max(records, 2) if records else 0.0
        prior = float(np.clip((expected + weight * reference_prior) / (max(total_pairs, 1) + weight),
                              1e-12, 0.5))
    return Trained(m, u, proportion, prior, expected, sessions, iterations, done)
