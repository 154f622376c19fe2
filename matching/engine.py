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

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from validators.background import Background

from .candidates import rule_labels
from .engine_settings import EngineSettings
from .engine_steps import (
    DATASETS,
    ModelParameters,
    compare,
    find_candidates,
    fit_model,
    prepare,
    random_pair_codes,
    score,
)
from .fields import FieldSpec
from .link_cluster import cluster_pairs
from .normalise import resident_ids
from .scoring import explain

__all__ = ["DATASETS", "LinkResult", "ModelParameters", "link_records"]

Progress = Callable[[str], None]

#: Below this many random pairs, forking a child to compare them costs more than
#: it saves (a fork takes 10-30 ms; 50,000 pairs compare in about 50 ms).
BACKGROUND_MIN_PAIRS = 50_000


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


def _readable(scored: pd.DataFrame, masks: pd.Series, rules, ids: pd.Series,
              dataset: np.ndarray | None) -> pd.DataFrame:
    """Record ids (and datasets) of both sides and the rules that proposed each pair."""
    left, right = scored["left"].to_numpy(), scored["right"].to_numpy()
    scored.insert(2, "blocked_on", rule_labels(masks, rules))
    scored.insert(0, "record_id_l", ids.to_numpy()[left])
    scored.insert(1, "record_id_r", ids.to_numpy()[right])
    if dataset is not None:
        scored.insert(0, "dataset_l", dataset[left])
        scored.insert(1, "dataset_r", dataset[right])
    return scored


def link_records(
    frames: Sequence[pd.DataFrame],
    specs: Sequence[FieldSpec],
    settings: EngineSettings = EngineSettings(),
    *,
    id_column: str | None = None,
    progress: Progress | None = None,
    workers: int = 1,
) -> LinkResult:
    """Deduplicate one frame or link two; see the module docstring. ``workers``:
    processes to normalise the fields in, and above one, the random pairs for
    u are compared in another while blocking (forked: only for a caller that
    runs no other threads); the result is the same for any number."""
    watch = _Stopwatch(progress or (lambda message: None))
    specs = list(specs)
    data, ids, dataset = _records(frames, specs, id_column)
    n = len(data)
    prepared = prepare(data, specs, settings, dataset, workers=workers)
    keys = prepared.keys
    generic = sum(int(k["generic"].sum()) for k in keys.values() if "generic" in k.columns)
    watch.lap("normalise", f"{n:,} records, {len(specs)} fields, {generic:,} records with a generic value")

    # The random pairs for u are compared in a forked child meanwhile (with
    # ``workers`` > 1): the two comparisons are independent (``background``).
    forked = workers > 1 and min(settings.u_sample_pairs, prepared.total_pairs) >= BACKGROUND_MIN_PAIRS
    with Background(lambda: random_pair_codes(prepared, settings), enabled=forked) as sample:
        candidates = find_candidates(prepared, settings)
        rules = candidates.rules
        left, right = candidates.pairs["left"].to_numpy(), candidates.pairs["right"].to_numpy()
        watch.lap("blocking", f"{len(left):,} candidate pairs from {len(rules)} rules, "
                  f"{sum(candidates.skipped_blocks.values()):,} oversized blocks skipped")

        codes, rows = compare(prepared, left, right)
        watch.lap("compare", f"{len(left):,} candidate pairs")

        parameters = fit_model(prepared, candidates, settings, codes, sample.result())
    watch.lap("train", f"{parameters.em_sessions} EM sessions, {parameters.em_iterations} "
              f"iterations, λ={parameters.proportion:.4f}, expected matches "
              f"{parameters.expected_matches:,.0f}")

    internal = ids.to_numpy(dtype=object)
    if dataset is not None:
        internal = dataset + "\x1f" + internal
    resident = resident_ids(keys, specs, n)
    columns = [s.column for s in specs]
    one_per_dataset = dataset if settings.one_per_dataset else None
    scored = score(prepared, candidates.pairs, parameters, settings, codes, rows)
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
