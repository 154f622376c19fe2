"""Level codes + estimated parameters → per-field match weights → one decision per pair.

A pair's score is the prior's log-odds plus the sum of its fields' weights
(log2 m/u, with exact matches on common values weighed by their own
frequency), so it reads as "log2 odds that these two are one entity"; the
probability follows, and two probability thresholds cut it into match /
review / no_match. Every pair keeps its level and weight per field, so any
merge can be explained field by field.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .estimate import FieldParameters
from .levels import NULL_CODE
from .model import MATCH, NO_MATCH, REVIEW


def field_weights(
    codes: np.ndarray,
    parameters: FieldParameters,
    term_frequencies: dict[int, tuple[np.ndarray, float]] | None = None,
    tf_minimum_u: float = 1e-6,
) -> np.ndarray:
    """Weight of each pair for one field: log2(m/u) of its level, 0 for null.

    ``term_frequencies`` maps a level to (frequency of each pair's shared value,
    Σ frequency² of the field). Such a level's weight moves by
    log2(Σf² / f): Σf² is the chance that two random records agree on *some*
    value, f what the shared value alone would give, so a common value
    (王伟, gmail.com) weighs less and a rare one more. Centring on the learned
    u, not replacing it by f, keeps identifiers right: in a small file every
    phone is "1 in N" yet two strangers almost never share one."""
    table = parameters.weights()
    weights = np.where(codes == NULL_CODE, 0.0, table[np.where(codes == NULL_CODE, 0, codes)])
    for level, (frequencies, typical) in (term_frequencies or {}).items():
        hit = codes == level
        shift = np.log2(max(typical, tf_minimum_u) / np.maximum(frequencies[hit], tf_minimum_u))
        weights[hit] = weights[hit] + shift
    return weights


def probability(score: np.ndarray) -> np.ndarray:
    """log2 odds → probability, without overflow for very large scores."""
    return 1.0 / (1.0 + np.exp2(-np.clip(score, -1000, 1000)))


#: The decisions in the order of their codes in ``decide``.
DECISIONS = (NO_MATCH, REVIEW, MATCH)


def decide(probabilities: np.ndarray, match: float, review: float) -> np.ndarray:
    """Each pair's decision as its position in ``DECISIONS`` (int8)."""
    out = np.zeros(len(probabilities), dtype=np.int8)
    out[probabilities >= review] = 1
    out[probabilities >= match] = 2
    return out


def scored_frame(
    pairs: pd.DataFrame,
    levels: dict[str, np.ndarray],
    weights: dict[str, np.ndarray],
    prior_weight: float,
    forced: np.ndarray,
    match: float,
    review: float,
    capped: np.ndarray | None = None,
    contradiction_weight: float | None = None,
) -> pd.DataFrame:
    """Pairs with ``level_<field>``, ``w_<field>``, ``score`` (log2 odds),
    ``match_probability`` and ``decision``. ``forced`` pairs (a deterministic
    rule such as the same valid resident id) are matches whatever their score;
    ``capped`` pairs (only a name speaks for them) are at most ``review``.

    With ``contradiction_weight``, a ``no_match`` pair is left out unless one of
    its (rounded) weights is that low or lower: matches and review pairs are
    what is explained and reviewed, strong contradictions are what clustering
    keeps apart, and the rest (most pairs, at a million records ~9 in 10) are
    read by nothing, so their ten weight columns are not built at all. The
    frame keeps ``pairs``' index."""
    total = np.full(len(pairs), prior_weight)
    for field in levels:
        total = total + weights[field]
    probabilities = probability(total)
    probabilities[forced] = 1.0
    decision = decide(probabilities, match, review)
    if capped is not None:
        decision[capped & (decision == 2)] = 1  # a match capped at review
    if contradiction_weight is None:
        out = pairs.copy()
        kept = slice(None)
    else:
        keep = decision != 0
        for field in levels:
            keep |= np.round(weights[field], 3) <= contradiction_weight
        kept = np.flatnonzero(keep)
        del keep
        out = pairs.iloc[kept].copy()
    for field, level in levels.items():
        out[f"level_{field}"] = level[kept]
        out[f"w_{field}"] = np.round(weights[field][kept], 3)
    out["score"] = np.round(total[kept], 3)
    out["match_probability"] = probabilities[kept]
    out["decision"] = pd.Categorical.from_codes(decision[kept], DECISIONS)
    out["forced"] = forced[kept]
    return out


def explain(row: pd.Series, fields: list[str]) -> str:
    """One line a person can read: which fields pushed the pair which way."""
    parts = [
        f"{field} {row[f'level_{field}']} {row[f'w_{field}']:+.1f}"
        for field in fields
        if row[f"w_{field}"]
    ]
    rule = " (same valid resident id)" if row.get("forced", False) else ""
    return (
        f"p={row['match_probability']:.4f} score {row['score']:+.1f}{rule}: "
        f"{', '.join(parts) or 'no evidence'}"
    )
