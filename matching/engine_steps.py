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
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .candidates import (
    MAX_RULES,
    BlockingRule,
    Candidates,
    block_pairs,
    blocking_keys,
    derive_blocking_rules,
)
from .engine_settings import EngineSettings
from .estimate import FieldParameters, initial_m, reference_u, sample_pairs, term_frequencies
from .fields import FieldSpec
from .levels import TF_KEYS, level_codes, list_level_codes
from .name_frequency import pair_name_frequencies
from .normalise import normalise_fields, owners, record_values, resident_ids
from .scoring import field_weights, probability, scored_frame
from .train import train

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


def fit_model(prepared: Prepared, candidates: Candidates, settings: EngineSettings,
              codes: np.ndarray | None = None) -> ModelParameters:
    """m by EM per blocking rule, u from seeded random pairs, λ and the prior
    (``train``); ``codes``: the candidates' level codes when already computed."""
    specs = prepared.specs
    pairs = candidates.pairs
    if codes is None:
        codes, _ = compare(prepared, pairs["left"].to_numpy(), pairs["right"].to_numpy())
    sample_left, sample_right = sample_pairs(prepared.n, prepared.dataset,
                                             settings.u_sample_pairs, settings.seed)
    sample_codes, _ = compare(prepared, sample_left, sample_right)
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


def _field_weights(prepared: Prepared, codes, rows, parameters: ModelParameters,
                   settings: EngineSettings, entity: np.ndarray | None, right: np.ndarray
                   ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Each field's weight per pair, and which pairs are capped at review; with
    ``entity`` (preliminary clusters) exact matches are weighed by term frequency
    (a full name's by ``name_frequency`` when ``settings.name_frequency_from_parts``)."""
    specs, keys = prepared.specs, prepared.keys
    weights = {}
    for f, (spec, params) in enumerate(zip(specs, parameters.fields)):
        frequencies: dict[int, tuple[np.ndarray, float]] = {}
        for number, level in enumerate(spec.levels):
            if entity is not None and level.tf:
                frame = keys[spec.column]
                values = frame[TF_KEYS[level.test]]
                table = term_frequencies(values, entity[owners(frame)])
                if settings.name_frequency_from_parts and _full_name(spec, level) \
                        and not spec.separator:
                    per_pair = pair_name_frequencies(values, entity, rows[f], right)
                else:
                    per_pair = values.map(table).fillna(0.0).to_numpy(dtype=float)[rows[f]]
                frequencies[number] = (per_pair, float((table**2).sum()))
        weights[spec.column] = field_weights(codes[:, f], params, frequencies,
                                             settings.tf_minimum_u)
    return weights, _capped(specs, codes, weights, settings)


def _full_name(spec: FieldSpec, level) -> bool:
    """The exact level of a whole-name field (kind ``name``), whose value's
    frequency ``name_frequency`` estimates from its parts."""
    return spec.kind == "name" and level.test == "exact"


def _prior_weight(parameters: ModelParameters) -> float:
    return float(np.log2(parameters.prior / (1 - parameters.prior)))


def _matched(weights: dict[str, np.ndarray], capped: np.ndarray, forced: np.ndarray,
             parameters: ModelParameters, settings: EngineSettings) -> np.ndarray:
    """Which pairs ``scored_frame`` would decide are matches, without building
    the frame (the first, term-frequency-free scoring needs only this): the
    same sum in the same order, the same thresholds and caps."""
    total = np.full(len(forced), _prior_weight(parameters))
    for field_weight in weights.values():
        total = total + field_weight
    probabilities = probability(total)
    probabilities[forced] = 1.0
    return (probabilities >= settings.match_probability) & ~(capped & ~forced)


def _weigh(prepared: Prepared, codes, weights: dict[str, np.ndarray], capped: np.ndarray,
           left, right, forced, parameters: ModelParameters,
           settings: EngineSettings, every_pair: bool = True) -> pd.DataFrame:
    """The scored pairs: levels, weights, score and decision of each pair (or,
    without ``every_pair``, of the pairs ``scored_frame`` keeps for clustering,
    evidence and review)."""
    levels = {
        spec.column: pd.Categorical.from_codes(codes[:, f] + 1, ["null", *spec.level_names])
        for f, spec in enumerate(prepared.specs)
    }
    return scored_frame(pd.DataFrame({"left": left, "right": right}), levels, weights,
                        _prior_weight(parameters), forced,
                        settings.match_probability, settings.review_probability, capped & ~forced,
                        None if every_pair else settings.contradiction_weight)


def _capped(specs, codes: np.ndarray, weights: dict[str, np.ndarray],
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
            name_only &= ~(_unopposed_exact_name(specs, codes, names)
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


def _unopposed_exact_name(specs, codes: np.ndarray, names: list[int]) -> np.ndarray:
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


def _components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected components of the matched pairs: a rough grouping into
    entities, good enough to count a value once per entity for term frequencies."""
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def score(prepared: Prepared, pairs: pd.DataFrame, parameters: ModelParameters,
          settings: EngineSettings, codes=None, rows=None, every_pair: bool = True) -> pd.DataFrame:
    """``pairs`` (``left``, ``right``) with ``level_``/``w_<field>``, ``score``,
    ``match_probability``, ``decision`` and ``forced``. Term frequencies are
    counted per preliminary cluster (a first scoring without them), so a
    customer's own duplicates do not make their phone look common. Without
    ``every_pair``, only the matches, review pairs and no-match pairs with a
    field at ``contradiction_weight`` or below are returned, indexed by their
    row in ``pairs`` (``scoring.scored_frame``)."""
    left, right = pairs["left"].to_numpy(), pairs["right"].to_numpy()
    if codes is None or rows is None:
        codes, rows = compare(prepared, left, right)
    forced = forced_pairs(prepared, left, right, settings)
    weights, capped = _field_weights(prepared, codes, rows, parameters, settings, None, right)
    if settings.term_frequency:
        matched = _matched(weights, capped, forced, parameters, settings)
        del weights, capped  # a weight per field and pair: not held twice
        entity = _components(prepared.n, left[matched], right[matched])
        weights, capped = _field_weights(prepared, codes, rows, parameters, settings, entity,
                                          right)
    return _weigh(prepared, codes, weights, capped, left, right, forced, parameters, settings,
                  every_pair)
