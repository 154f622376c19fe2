"""The general entity-resolution engine: any table(s), columns given kinds, no labels.

    result = link_records([frame], [FieldSpec("name", "name"), ...], EngineSettings(),
                          id_column="id")
    result.clusters      # record_id, cluster_id (+ dataset in link mode)
    result.pairs         # every candidate pair with its level and weight per field
    result.explain(i)    # why pair i scored what it did

The steps are the Fellegi–Sunter recipe, each in its own module: normalise each
field by its kind (``normalise``), block on keys the kinds allow
(``candidates``), compare (``levels``), learn m, u and the prior (``train``),
weigh and decide (``scoring``), cluster without chaining (``link_cluster``).
One frame is deduplicated; two frames are linked (only pairs across the two
are compared). Term frequencies are counted per preliminary cluster (a first
scoring without them), so a customer's own duplicates do not make their phone
look common. Progress goes to the ``progress`` callback as counts and timings,
never values, so a caller can log it without leaking data.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .candidates import BlockingRule, block_pairs, blocking_keys, derive_blocking_rules, rule_names
from .engine_settings import EngineSettings
from .estimate import FieldParameters, initial_m, sample_pairs, term_frequencies
from .fields import FieldSpec
from .levels import TF_KEYS, level_codes
from .link_cluster import cluster_pairs
from .model import MATCH
from .normalise import normalise_fields, resident_ids
from .scoring import explain, field_weights, scored_frame
from .train import train

DATASETS = ("left", "right")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ModelParameters:
    """What the engine learned from the data: m and u per field, the share of
    matches among candidates (λ) and the prior that two random records match."""

    fields: tuple[FieldParameters, ...]
    proportion: float
    prior: float
    em_iterations: int
    em_sessions: int

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class LinkResult:
    clusters: pd.DataFrame  # record_id, cluster_id (+ dataset first in link mode)
    pairs: pd.DataFrame  # candidate pairs: ids, blocked_on, level_/w_<field>, score, …
    refused: pd.DataFrame  # matched pairs clustering kept apart, and why
    parameters: ModelParameters
    fields: tuple[str, ...]
    stats: dict[str, object] = field(default_factory=dict)

    def explain(self, pair: int) -> str:
        """Why candidate pair number ``pair`` (a row of ``pairs``) scored as it did."""
        return explain(self.pairs.iloc[pair], list(self.fields))


class _Stopwatch:
    """Phase timings for the progress callback and the result's stats."""

    def __init__(self, say: Progress) -> None:
        self.say, self.timings = say, {}
        self.started = self.last = time.perf_counter()

    def lap(self, phase: str, message: str) -> None:
        now = time.perf_counter()
        self.timings[phase] = round(now - self.last, 3)
        self.last = now
        self.say(f"{phase}: {message} ({self.timings[phase]:.2f} s)")


def _records(frames: Sequence[pd.DataFrame], specs: Sequence[FieldSpec], id_column: str | None):
    if len(frames) not in (1, 2):
        raise ValueError("give one frame to deduplicate or two frames to link")
    if not specs:
        raise ValueError("give at least one field")
    ids, labels = [], []
    for label, frame in zip(DATASETS, frames):
        missing = [s.column for s in specs if s.column not in frame.columns]
        if id_column is not None and id_column not in frame.columns:
            missing.insert(0, id_column)
        if missing:
            raise KeyError(f"{label} data has no column(s): {', '.join(missing)}")
        own = frame[id_column] if id_column is not None else frame.index.to_series()
        own = own.astype(str).reset_index(drop=True)
        if own.duplicated().any():
            raise ValueError(f"{label} data: {int(own.duplicated().sum())} repeated record id(s)")
        ids.append(own)
        labels.append(np.full(len(own), label, dtype=object))
    columns = [s.column for s in specs]
    data = pd.concat([f[columns].reset_index(drop=True) for f in frames], ignore_index=True)
    dataset = np.concatenate(labels) if len(frames) == 2 else None
    return data, pd.concat(ids, ignore_index=True), dataset


def _rule_fields(rules: Sequence[BlockingRule], specs: Sequence[FieldSpec]) -> list[set[int]]:
    """The field positions each blocking rule reads (the person key reads every name field)."""
    position = {s.column: i for i, s in enumerate(specs)}
    names = {i for i, s in enumerate(specs) if s.definition.person_name}
    return [
        set().union(*({position[f]} if f in position else names for f, _ in rule.parts))
        for rule in rules
    ]


def _codes(specs, keys, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    if len(left) == 0:
        return np.zeros((0, len(specs)), dtype=np.int8)
    return np.column_stack([level_codes(s, keys[s.column], left, right) for s in specs])


def _score(specs, keys, codes, left, right, parameters: ModelParameters,
           settings: EngineSettings, entity: np.ndarray | None) -> pd.DataFrame:
    """Weights, score and decision of each candidate pair; with ``entity``
    (preliminary clusters) exact matches are weighed by term frequency."""
    levels, weights = {}, {}
    forced = np.zeros(len(left), dtype=bool)
    for f, (spec, params) in enumerate(zip(specs, parameters.fields)):
        frequencies: dict[int, tuple[np.ndarray, float]] = {}
        for number, level in enumerate(spec.definition.levels):
            if entity is not None and level.tf:
                values = keys[spec.column][TF_KEYS[level.test]]
                table = term_frequencies(values, entity)
                per_pair = values.map(table).fillna(0.0).to_numpy(dtype=float)[left]
                frequencies[number] = (per_pair, float((table**2).sum()))
        weights[spec.column] = field_weights(codes[:, f], params, frequencies,
                                             settings.tf_minimum_u)
        levels[spec.column] = pd.Categorical.from_codes(codes[:, f] + 1, ["null", *spec.level_names])
        if settings.resident_id_rule and "resident_id" in keys[spec.column].columns:
            resident = keys[spec.column]["resident_id"].to_numpy(dtype=object)
            forced |= (resident[left] == resident[right]) & (resident[left] != "")
    prior = parameters.prior
    return scored_frame(pd.DataFrame({"left": left, "right": right}), levels, weights,
                        float(np.log2(prior / (1 - prior))), forced,
                        settings.match_probability, settings.review_probability)


def _fit(specs, codes, sample_codes, masks, rules, n, dataset, settings: EngineSettings):
    """Train m, u and the prior; the parameters as a serialisable object."""
    total_pairs = n * (n - 1) // 2 if dataset is None else int(
        (dataset == DATASETS[0]).sum() * (dataset == DATASETS[1]).sum())
    trained = train(codes, masks, _rule_fields(rules, specs), sample_codes,
                    [len(s.level_names) for s in specs], [initial_m(s) for s in specs],
                    total_pairs, settings)
    parameters = ModelParameters(
        tuple(FieldParameters(s.column, s.kind, s.level_names, tuple(map(float, m)),
                              tuple(map(float, u)))
              for s, m, u in zip(specs, trained.m, trained.u)),
        trained.proportion, trained.prior, trained.iterations, trained.sessions,
    )
    return trained, parameters


def _readable(scored: pd.DataFrame, masks: pd.Series, rules, ids: pd.Series,
              dataset: np.ndarray | None) -> pd.DataFrame:
    """Record ids (and datasets) of both sides and the rules that proposed each pair."""
    left, right = scored["left"].to_numpy(), scored["right"].to_numpy()
    named = {mask: rule_names(int(mask), rules) for mask in np.unique(masks)}
    scored.insert(2, "blocked_on", masks.map(named).to_numpy())
    scored.insert(0, "record_id_l", ids.to_numpy()[left])
    scored.insert(1, "record_id_r", ids.to_numpy()[right])
    if dataset is not None:
        scored.insert(0, "dataset_l", dataset[left])
        scored.insert(1, "dataset_r", dataset[right])
    return scored


def _components(n: int, scored: pd.DataFrame) -> np.ndarray:
    """Connected components of the matched pairs: a rough grouping into
    entities, good enough to count a value once per entity for term frequencies."""
    matched = scored[scored["decision"] == MATCH]
    graph = coo_matrix((np.ones(len(matched)), (matched["left"], matched["right"])), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def link_records(
    frames: Sequence[pd.DataFrame],
    specs: Sequence[FieldSpec],
    settings: EngineSettings = EngineSettings(),
    *,
    id_column: str | None = None,
    progress: Progress | None = None,
) -> LinkResult:
    """Deduplicate one frame or link two; see the module docstring."""
    watch = _Stopwatch(progress or (lambda message: None))
    specs = list(specs)
    data, ids, dataset = _records(frames, specs, id_column)
    n = len(data)
    keys = normalise_fields(data, specs, settings.generic_min_names)
    generic = sum(int(k["generic"].sum()) for k in keys.values() if "generic" in k.columns)
    watch.lap("normalise", f"{n:,} records, {len(specs)} fields, {generic:,} records with a generic value")

    rules = derive_blocking_rules(specs)
    candidates = block_pairs(blocking_keys(keys), rules, dataset, settings.max_block_size)
    left, right = candidates.pairs["left"].to_numpy(), candidates.pairs["right"].to_numpy()
    watch.lap("blocking", f"{len(left):,} candidate pairs from {len(rules)} rules, "
              f"{sum(candidates.skipped_blocks.values()):,} oversized blocks skipped")

    sample_left, sample_right = sample_pairs(n, dataset, settings.u_sample_pairs, settings.seed)
    sample_codes = _codes(specs, keys, sample_left, sample_right)
    codes = _codes(specs, keys, left, right)
    watch.lap("compare", f"{len(left):,} candidate and {len(sample_left):,} random pairs")

    trained, parameters = _fit(specs, codes, sample_codes, candidates.pairs["rules"].to_numpy(),
                               rules, n, dataset, settings)
    watch.lap("train", f"{trained.sessions} EM sessions, {trained.iterations} iterations, "
              f"λ={trained.proportion:.4f}, expected matches {trained.expected_matches:,.0f}")

    internal = ids.to_numpy(dtype=object)
    if dataset is not None:
        internal = dataset + "\x1f" + internal
    resident = resident_ids(keys, specs, n)
    columns = [s.column for s in specs]
    one_per_dataset = dataset if settings.one_per_dataset else None
    scored = _score(specs, keys, codes, left, right, parameters, settings, None)
    if settings.term_frequency:
        entity = _components(n, scored)
        scored = _score(specs, keys, codes, left, right, parameters, settings, entity)
    clustered = cluster_pairs(internal, scored, columns, settings.contradiction_weight,
                              resident_ids=resident, dataset=one_per_dataset)
    entity = clustered.clusters["cluster"].to_numpy()
    decisions = {str(k): int(v) for k, v in scored["decision"].value_counts().items()}
    clusters = pd.DataFrame({"record_id": ids, "cluster_id": entity})
    if dataset is not None:
        clusters.insert(0, "dataset", dataset)
    watch.lap("score_and_cluster", ", ".join(f"{k} {v:,}" for k, v in sorted(decisions.items()))
              + f"; {clusters['cluster_id'].nunique():,} clusters, "
              f"{len(clustered.refused_edges):,} matched pairs kept apart")

    scored = _readable(scored, candidates.pairs["rules"], rules, ids, dataset)
    stats: dict[str, object] = {
        "records": n,
        "candidate_pairs": len(left),
        "pairs_per_rule": candidates.pairs_per_rule,
        "skipped_blocks": candidates.skipped_blocks,
        "decisions": decisions,
        "clusters": int(clusters["cluster_id"].nunique()),
        "refused_edges": len(clustered.refused_edges),
        "timings": watch.timings,
        "seconds": round(time.perf_counter() - watch.started, 3),
    }
    return LinkResult(clusters, scored, clustered.refused_edges, parameters, tuple(columns), stats)
