"""Clustering for the general engine, by adapting its output to
``matching.cluster.cluster_records`` (strongest match first, refuse an edge
that would join contradicting records) rather than writing a second one.

``cluster_records`` knows two exclusive facts, ``id_card`` and ``birth_date``:
a cluster may hold at most one distinct value of each. The adapter fills them so
that they mean what the engine needs:

- dedupe: ``id_card`` is the record's valid PRC resident id, so two different
  valid ids never end up in one cluster; ``birth_date`` is left empty (typed
  dates have typos, so they are weighed, not enforced).
- link mode, one record per dataset: ``id_card`` is the record's own key for
  the first dataset and ``birth_date`` for the second; "at most one value"
  then means "at most one record of each dataset". Different resident ids
  still keep two records apart through their strongly negative weight.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .cluster import ClusterResult, cluster_records
from .engine_settings import EngineSettings


def cluster_pairs(
    keys: np.ndarray,
    scored: pd.DataFrame,
    fields: list[str],
    contradiction_weight: float,
    resident_ids: np.ndarray | None = None,
    dataset: np.ndarray | None = None,
) -> ClusterResult:
    """``keys``: one unique string per record (positions match ``scored``'s
    ``left``/``right``). Returns ``cluster_records``' result."""
    n = len(keys)
    keys = np.asarray(keys, dtype=object)
    id_card = np.full(n, None, dtype=object)
    birth_date = np.full(n, None, dtype=object)
    if dataset is not None:
        first = dataset == pd.unique(dataset)[0]
        id_card[first] = keys[first]
        birth_date[~first] = keys[~first]
    elif resident_ids is not None:
        valid = resident_ids != ""
        id_card[valid] = resident_ids[valid]
    records = pd.DataFrame(
        {
            "record_key": keys,
            "id_card": id_card,
            "id_card_valid": pd.notna(id_card),
            "birth_date": birth_date,
        }
    )
    settings = EngineSettings(contradiction_weight=contradiction_weight)
    weights = [f"w_{field}" for field in fields]
    columns = ["left", "right", "score", "match_probability", "decision", *weights]
    return cluster_records(records, scored[columns], settings)
