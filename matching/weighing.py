"""Level codes → each pair's per-field weights, caps and decision, a chunk of
pairs at a time.

Scoring runs twice: a first pass without term frequencies gives preliminary
entities (connected components of its matches), then term frequencies counted
once per entity re-weigh the exact levels (``engine_steps.score``). Every
quantity a pair's weight reads is either the pair's own (its level codes, the
value row it shares) or a table over *records* (how many entities hold a
value), never over other pairs. So the pairs can be weighed in chunks, with the
tables built once: the result is the same pair for pair, and at a million
records the float weight per field and pair (10 fields × 12M pairs × 8 bytes,
twice) is held for one chunk instead of for every pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .engine_settings import EngineSettings
from .estimate import term_frequencies
from .levels import TF_KEYS
from .name_frequency import NameFrequencies, name_frequencies
from .normalise import owners
from .scoring import field_weights, probability, scored_frame

#: Pairs weighed at once: 2M pairs × 10 fields of float64 weights ≈ 160 MB.
CHUNK_PAIRS = 2_000_000


@dataclass(frozen=True)
class FieldFrequencies:
    """One term-frequency level of one field: the frequency of the value of
    each *value row* of the field (``per_row``) or, for a whole person name,
    the name-frequency model; and Σ frequency² of the field (``typical``)."""

    typical: float
    per_row: np.ndarray | None = None
    names: NameFrequencies | None = None

    def of_pairs(self, rows: np.ndarray, right: np.ndarray, entity: np.ndarray) -> np.ndarray:
        """The frequency of the value each pair shares (``rows``: the pair's
        left value row; ``right``: its right record)."""
        if self.names is None:
            return self.per_row[rows]
        own = np.where(entity[rows] == entity[right], 1, 2)  # the pair's own entities
        return self.names.of_rows(rows, own)


Frequencies = dict[tuple[int, int], FieldFrequencies]  # (field, level) → its frequencies


def frequency_tables(prepared, settings: EngineSettings, entity: np.ndarray) -> Frequencies:
    """Every term-frequency level's frequencies, counted once per preliminary
    ``entity`` (a customer's own duplicates do not make their phone look
    common); a full name's by ``name_frequency`` when
    ``settings.name_frequency_from_parts``."""
    tables: Frequencies = {}
    for f, spec in enumerate(prepared.specs):
        for number, level in enumerate(spec.levels):
            if not level.tf:
                continue
            frame = prepared.keys[spec.column]
            values = frame[TF_KEYS[level.test]]
            table = term_frequencies(values, entity[owners(frame)])
            typical = float((table**2).sum())
            if settings.name_frequency_from_parts and spec.kind == "name" \
                    and level.test == "exact" and not spec.separator:
                tables[f, number] = FieldFrequencies(typical, names=name_frequencies(values, entity))
            else:
                per_row = values.map(table).fillna(0.0).to_numpy(dtype=float)
                tables[f, number] = FieldFrequencies(typical, per_row=per_row)
    return tables


def pair_weights(prepared, codes: np.ndarray, rows: list[np.ndarray], right: np.ndarray,
                 parameters, settings: EngineSettings, entity: np.ndarray | None = None,
                 tables: Frequencies | None = None) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Each field's weight per pair, and which pairs are capped at review, for
    the pairs ``codes``/``rows``/``right`` describe (a chunk); with ``tables``
    (and the ``entity`` they were counted on) exact levels are weighed by term
    frequency."""
    weights = {}
    for f, (spec, params) in enumerate(zip(prepared.specs, parameters.fields)):
        frequencies = {
            number: (table.of_pairs(rows[f], right, entity), table.typical)
            for (field, number), table in (tables or {}).items() if field == f
        }
        weights[spec.column] = field_weights(codes[:, f], params, frequencies,
                                             settings.tf_minimum_u)
    return weights, capped_pairs(prepared.specs, codes, weights, settings)


def prior_weight(parameters) -> float:
    return float(np.log2(parameters.prior / (1 - parameters.prior)))


def matched_pairs(weights: dict[str, np.ndarray], capped: np.ndarray, forced: np.ndarray,
                  parameters, settings: EngineSettings) -> np.ndarray:
    """Which pairs ``scored_frame`` would decide are matches, without building
    the frame (the first, term-frequency-free scoring needs only this): the
    same sum in the same order, the same thresholds and caps."""
    total = np.full(len(forced), prior_weight(parameters))
    for field_weight in weights.values():
        total = total + field_weight
    probabilities = probability(total)
    probabilities[forced] = 1.0
    return (probabilities >= settings.match_probability) & ~(capped & ~forced)


def weighed_frame(prepared, codes: np.ndarray, weights: dict[str, np.ndarray],
                  capped: np.ndarray, pairs: pd.DataFrame, forced: np.ndarray, parameters,
                  settings: EngineSettings, every_pair: bool = True) -> pd.DataFrame:
    """The scored pairs of ``pairs`` (a chunk, indexed by each pair's row in
    the whole): levels, weights, score and decision of each pair (or, without
    ``every_pair``, of the pairs ``scored_frame`` keeps for clustering,
    evidence and review)."""
    levels = {
        spec.column: pd.Categorical.from_codes(codes[:, f] + 1, ["null", *spec.level_names])
        for f, spec in enumerate(prepared.specs)
    }
    return scored_frame(pairs, levels, weights, prior_weight(parameters), forced,
                        settings.match_probability, settings.review_probability, capped & ~forced,
                        None if every_pair else settings.contradiction_weight)


def chunks(n: int, size: int | None = None) -> list[slice]:
    """Consecutive slices covering ``range(n)``, ``CHUNK_PAIRS`` long (one
    empty slice when n is 0, so an empty input still yields one, empty, frame)."""
    size = size or CHUNK_PAIRS
    return [slice(start, min(start + size, n)) for start in range(0, n, size)] or [slice(0, 0)]


def rows_of(rows: list[np.ndarray], part: slice) -> list[np.ndarray]:
    return [r[part] for r in rows]


def components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected components of the matched pairs: a rough grouping into
    entities, good enough to count a value once per entity for term frequencies.
    Only the grouping is used, not the labels (each is the smallest record of
    its component). In numpy (hooking and pointer jumping, a few rounds) because
    importing ``scipy.sparse.csgraph`` alone takes about 0.2 s of a CSV run."""
    label = np.arange(n, dtype=np.int64)
    while True:
        a, b = label[left], label[right]
        if np.array_equal(a, b):
            return label
        low = np.minimum(a, b)
        np.minimum.at(label, a, low)  # hook each root under the smaller one
        np.minimum.at(label, b, low)
        while True:  # point every record at its root
            up = label[label]
            if np.array_equal(up, label):
                break
            label = up


def capped_pairs(specs, codes: np.ndarray, weights: dict[str, np.ndarray],
                 settings: EngineSettings) -> np.ndarray:
    """Pairs that may be ``review`` at most, whatever their score: only the
    name speaks for them, their names clearly differ, or only a shared line
    (without a name that says which of its people a record is) does."""
    n = len(codes)
    capped = np.zeros(n, dtype=bool)
    names = [f for f, s in enumerate(specs) if s.definition.person_name]
    if not names:
        return capped
    others = [f for f, s in enumerate(specs) if not s.definition.person_name]
    support = sum((np.maximum(weights[specs[f].column], 0.0) for f in others), np.zeros(n))
    if settings.min_other_evidence > 0:
        name_only = support < settings.min_other_evidence
        if settings.name_only_exact_match:
            name_weight = sum((weights[specs[f].column] for f in names), np.zeros(n))
            name_only &= ~(unopposed_exact_name(specs, codes, names)
                           & (name_weight >= settings.name_only_min_weight))
        capped |= name_only
    if settings.names_differ_review:
        for f in names:
            capped |= codes[:, f] == len(specs[f].levels)  # the "different" level
    if settings.shared_line_name_evidence > 0:
        personal = support.copy()
        for f in others:
            shared = [i for i, level in enumerate(specs[f].levels) if level.shared]
            on_shared = np.isin(codes[:, f], shared)
            personal -= np.where(on_shared, np.maximum(weights[specs[f].column], 0.0), 0.0)
        name_support = sum((np.maximum(weights[specs[f].column], 0.0) for f in names), np.zeros(n))
        capped |= (personal < support) & (personal < settings.min_other_evidence) \
            & (name_support < settings.shared_line_name_evidence)
    return capped


def unopposed_exact_name(specs, codes: np.ndarray, names: list[int]) -> np.ndarray:
    """Pairs whose person names all agree exactly, at the level weighed by how
    common the name is, and no compared field is at its ``different`` level:
    nothing speaks against them, and the name's weight says how much it speaks for."""
    unopposed = np.ones(len(codes), dtype=bool)
    for f in names:
        exact = [i for i, level in enumerate(specs[f].levels) if level.test == "exact" and level.tf]
        unopposed &= np.isin(codes[:, f], exact)
    for f, spec in enumerate(specs):
        unopposed &= codes[:, f] != len(spec.levels)
    return unopposed
