"""Scoring: comparison levels → per-field match weights → one decision per pair.

The weights are log2 likelihood ratios (Fellegi–Sunter): positive evidence
for "same person", negative against, zero when a field is missing. Their sum
is the pair's score; two thresholds cut it into match / review / no_match.
Each pair keeps its per-field weights, so every merge can be explained.
"""

from __future__ import annotations

import pandas as pd

from .settings import MatchSettings

MATCH, REVIEW, NO_MATCH = "match", "review", "no_match"


def score_pairs(
    pairs: pd.DataFrame, levels: pd.DataFrame, settings: MatchSettings
) -> pd.DataFrame:
    """``pairs`` (left, right, blocked_on) + ``levels`` (one column per field) →
    the pairs with ``w_<field>`` weights, ``score``, ``match_probability`` and
    ``decision``."""
    scored = pairs.reset_index(drop=True).copy()
    total = pd.Series(0.0, index=scored.index)
    for field, weights in settings.weights.items():
        level = levels[field].reset_index(drop=True)
        weight = level.map(weights.levels).fillna(0.0).astype(float)
        scored[f"level_{field}"] = level.astype(str)
        scored[f"w_{field}"] = weight
        total = total + weight
    scored["score"] = total.round(3)
    # The probability a score corresponds to, taking the review threshold as even odds.
    scored["match_probability"] = (
        1.0 / (1.0 + 2.0 ** (-(total - settings.review_threshold)))
    ).round(4)
    scored["decision"] = NO_MATCH
    scored.loc[total >= settings.review_threshold, "decision"] = REVIEW
    scored.loc[total >= settings.match_threshold, "decision"] = MATCH
    return scored


def explain_pair(scored_row: pd.Series, settings: MatchSettings) -> str:
    """One line a person can read: which fields pushed the score which way."""
    parts = []
    for field in settings.weights:
        weight = scored_row[f"w_{field}"]
        if weight:
            parts.append(f"{field} {scored_row[f'level_{field}']} {weight:+.1f}")
    return f"score {scored_row['score']:.1f} ({', '.join(parts) or 'no evidence'})"
