"""The engine's steps as functions, so the CSV command (``engine.link_records``)
and the contacts pipeline (``matching.contacts``, one Dagster asset per step)
run the same code.

    prepared = prepare(data, specs, settings)            # normalise each field by kind
    candidates = find_candidates(prepared, settings)     # blocking rules from the kinds
    model = fit_model(prepared, candidates, settings)    # m by EM, u from random pairs, prior
    scored = score(prepared, candidates.pairs, model, settings)   # weights, TF, rules, decision
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from .candidates import (
    MAX_RULES,
    BlockingRule,
    Candidates,
    block_pairs,
    blocking_keys,
    derive_blocking_rules,
)
from .engine_settings import EngineSettings
from .estimate import FieldParameters, initial_m, reference_u, sample_pairs
from .fields import FieldSpec
from .levels import level_codes, list_level_codes
from .normalise import normalise_fields, owners, record_values, resident_ids
from .train import train
from .weighing import (
    chunks,
    components,
    frequency_tables,
    matched_pairs,
    pair_weights,
    rows_of,
    weighed_frame,
)

DATASETS = ("left", "right")


@dataclass(frozen=True)
class ModelParameters:
    """What the engine learned from the data: m and u per field, the share of
    matches among candidates (λ) and the prior that two random records match."""

    fields: tuple[FieldParameters, ...]
    proportion: float
    prior: float
    em_iterations: int
    em_sessions: int
    expected_matches: float = 0.0

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class Prepared:
    """Records with every field normalised by its kind (``normalise``)."""

    specs: tuple[FieldSpec, ...]
    keys: dict[str, pd.DataFrame]
    n: int
    dataset: np.ndarray | None  # "left"/"right" per record in link mode

    @property
    def total_pairs(self) -> int:
        if self.dataset is None:
            return self.n * (self.n - 1) // 2
        return int((self.dataset == DATASETS[0]).sum() * (self.dataset == DATASETS[1]).sum())


def prepare(data: pd.DataFrame, specs: Sequence[FieldSpec], settings: EngineSettings,
            dataset: np.ndarray | None = None,
            given: dict[str, pd.DataFrame] | None = None, workers: int = 1) -> Prepared:
    """Normalise ``data``'s field columns (rows are records, in order);
    ``given``: key frames already known, ``workers``: processes to parse in
    (``normalise.normalise_fields``)."""
    data = data.reset_index(drop=True)
    keys = normalise_fields(data, specs, settings.generic_min_names, given, workers)
    return Prepared(tuple(specs), keys, len(data), dataset)


def blocking_rules(specs: Sequence[FieldSpec], settings: EngineSettings) -> tuple[BlockingRule, ...]:
    """The rules the kinds allow, plus one per deterministic field (a pair a
    rule makes certain must be looked at)."""
    rules = derive_blocking_rules(list(specs))
    known = {rule.name for rule in rules}
    columns = {s.column for s in specs}
    extra = tuple(BlockingRule(f"{column}.value", ((column, "value"),))
                  for column in settings.deterministic_fields
                  if column in columns and f"{column}.value" not in known)
    return (rules + extra)[:MAX_RULES]


def find_candidates(prepared: Prepared, settings: EngineSettings) -> Candidates:
    """Candidate pairs (``left``, ``right``, ``rules`` bit mask) of ``blocking_rules``."""
    rules = blocking_rules(prepared.specs, settings)
    return block_pairs(blocking_keys(prepared.keys), rules, prepared.dataset,
                       settings.max_block_size, prepared.n)


def rule_fields(rules: Sequence[BlockingRule], specs: Sequence[FieldSpec]) -> list[set[int]]:
    """The field positions each blocking rule reads (the person key reads every name field)."""
    position = {s.column: i for i, s in enumerate(specs)}
    names = {i for i, s in enumerate(specs) if s.definition.person_name}
    return [
        set().union(*({position[f]} if f in position else names for f, _ in rule.parts))
        for rule in rules
    ]


def compare(prepared: Prepared, left: np.ndarray, right: np.ndarray):
    """Level codes (pairs × fields) and, per field, the value row of each pair's
    left record that term frequencies are read from."""
    codes, rows = [], []
    for spec in prepared.specs:
        frame = prepared.keys[spec.column]
        if spec.separator:
            field_codes, field_rows = list_level_codes(spec, frame, owners(frame), prepared.n,
                                                       left, right)
        else:
            field_codes, field_rows = level_codes(spec, frame, left, right), left
        codes.append(field_codes)
        rows.append(field_rows)
    if not len(left):
        return np.zeros((0, len(prepared.specs)), dtype=np.int8), rows
    return np.column_stack(codes).astype(np.int8), rows


def random_pair_codes(prepared: Prepared, settings: EngineSettings) -> np.ndarray:
    """Level codes of the seeded random pairs u is estimated from (``fit_model``;
    apart so a caller can compute them while it blocks, see ``engine``)."""
    sample_left, sample_right = sample_pairs(prepared.n, prepared.dataset,
                                             settings.u_sample_pairs, settings.seed)
    return compare(prepared, sample_left, sample_right)[0]


def fit_model(prepared: Prepared, candidates: Candidates, settings: EngineSettings,
              codes: np.ndarray | None = None,
              sample_codes: np.ndarray | None = None) -> ModelParameters:
    """m by EM per blocking rule, u from seeded random pairs, λ and the prior
    (``train``); ``codes``: the candidates' level codes and ``sample_codes``:
    ``random_pair_codes``, when already computed."""
    specs = prepared.specs
    pairs = candidates.pairs
    if codes is None:
        codes, _ = compare(prepared, pairs["left"].to_numpy(), pairs["right"].to_numpy())
    if sample_codes is None:
        sample_codes = random_pair_codes(prepared, settings)
    trained = train(codes, pairs["rules"].to_numpy(), rule_fields(candidates.rules, specs),
                    sample_codes, [len(s.level_names) for s in specs],
                    [initial_m(s) for s in specs], prepared.total_pairs, settings,
                    reference=[reference_u(s) for s in specs], records=prepared.n)
    return ModelParameters(
        tuple(FieldParameters(s.column, s.kind, s.level_names, tuple(map(float, m)),
                              tuple(map(float, u)))
              for s, m, u in zip(specs, trained.m, trained.u)),
        trained.proportion, trained.prior, trained.iterations, trained.sessions,
        float(trained.expected_matches),
    )


def forced_pairs(prepared: Prepared, left: np.ndarray, right: np.ndarray,
                 settings: EngineSettings) -> np.ndarray:
    """Pairs a deterministic rule makes matches: the same valid resident id, the
    same value of a ``deterministic_fields`` column (a WeCom external id)."""
    forced = np.zeros(len(left), dtype=bool)
    certain = []
    if settings.resident_id_rule:
        certain.append(resident_ids(prepared.keys, prepared.specs, prepared.n))
    certain += [record_values(prepared.keys, column, prepared.n)
                for column in settings.deterministic_fields if column in prepared.keys]
    for values in certain:
        forced |= (values[left] == values[right]) & (values[left] != "")
    return forced


def score(prepared: Prepared, pairs: pd.DataFrame, parameters: ModelParameters,
          settings: EngineSettings, codes=None, rows=None, every_pair: bool = True) -> pd.DataFrame:
    """``pairs`` (``left``, ``right``) with ``level_``/``w_<field>``, ``score``,
    ``match_probability``, ``decision`` and ``forced``. Term frequencies are
    counted per preliminary cluster (a first scoring without them), so a
    customer's own duplicates do not make their phone look common. Without
    ``every_pair``, only the matches, review pairs and no-match pairs with a
    field at ``contradiction_weight`` or below are returned (``scoring.scored_frame``).
    The frame is indexed by each pair's row in ``pairs``. Pairs are weighed in
    chunks (``weighing``): the same result, with one chunk's weights in memory."""
    left, right = pairs["left"].to_numpy(), pairs["right"].to_numpy()
    if codes is None or rows is None:
        codes, rows = compare(prepared, left, right)
    forced = forced_pairs(prepared, left, right, settings)
    parts = chunks(len(left))
    entity = tables = None
    if settings.term_frequency:
        matched = np.zeros(len(left), dtype=bool)
        for part in parts:
            weights, capped = pair_weights(prepared, codes[part], rows_of(rows, part),
                                           right[part], parameters, settings)
            matched[part] = matched_pairs(weights, capped, forced[part], parameters, settings)
            del weights, capped
        entity = components(prepared.n, left[matched], right[matched])
        del matched
        tables = frequency_tables(prepared, settings, entity)
    frames = []
    for part in parts:
        weights, capped = pair_weights(prepared, codes[part], rows_of(rows, part), right[part],
                                       parameters, settings, entity, tables)
        chunk = pd.DataFrame({"left": left[part], "right": right[part]},
                             index=pd.RangeIndex(part.start, part.stop))
        frames.append(weighed_frame(prepared, codes[part], weights, capped, chunk, forced[part],
                                    parameters, settings, every_pair))
        del weights, capped
    return frames[0] if len(frames) == 1 else pd.concat(frames)
