"""Pair-level and cluster-level accuracy of a clustering against ground truth.

Everything is computed from the contingency table of (true entity, predicted
cluster) counts, so a huge wrong cluster costs arithmetic, not a set of pairs.

Pair level (the usual record-linkage measure): a *true pair* is two records of one
entity, a *predicted pair* two records in one predicted cluster. Precision =
predicted pairs that are true / predicted pairs; recall = true pairs that are
predicted / true pairs. In link mode (two datasets) only pairs with one record
from each dataset count, since link-only matching does not look for duplicates
inside a dataset.

Cluster level: **B-cubed** (Bagga & Baldwin 1998; Amigó et al. 2009). For each
record r with predicted cluster C(r) and true entity T(r):
precision(r) = |C(r) ∩ T(r)| / |C(r)|, recall(r) = |C(r) ∩ T(r)| / |T(r)|;
B³ precision and recall are their means over all records and B³ F1 their
harmonic mean. Unlike pair F1 it weighs every record equally (a 40-record
false merge does not dominate) and it rewards getting singletons right.
Also given, as a stricter view: exact-cluster precision/recall (predicted
clusters identical to a true entity / all predicted clusters, resp. / all true
entities).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


@dataclass(frozen=True)
class Scores:
    records: int
    true_entities: int
    predicted_clusters: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    pair_precision: float
    pair_recall: float
    pair_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    exact_cluster_precision: float
    exact_cluster_recall: float

    def as_dict(self) -> dict:
        return asdict(self)


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _choose2(n: np.ndarray) -> int:
    n = n.astype(np.int64)
    return int((n * (n - 1) // 2).sum())


def score(truth: pd.Series, predicted: pd.Series, dataset: pd.Series | None = None) -> Scores:
    """Score ``predicted`` (record id → cluster id) against ``truth`` (record id → entity id).

    Every record of ``truth`` is scored; one the prediction lacks counts as a
    singleton cluster of its own. ``dataset`` (record id → dataset name, exactly
    two names) switches to link mode for the pair measures.
    """
    frame = pd.DataFrame({"entity": truth.astype(str)})
    frame["cluster"] = predicted.reindex(frame.index).astype(object)
    missing = frame["cluster"].isna()
    frame.loc[missing, "cluster"] = "__missing__" + frame.index[missing].astype(str)
    frame["cluster"] = frame["cluster"].astype(str)

    cells = frame.groupby(["entity", "cluster"]).size()
    entity_sizes = frame.groupby("entity").size()
    cluster_sizes = frame.groupby("cluster").size()

    if dataset is None:
        true_pairs = _choose2(entity_sizes.to_numpy())
        predicted_pairs = _choose2(cluster_sizes.to_numpy())
        correct_pairs = _choose2(cells.to_numpy())
    else:
        side = dataset.reindex(frame.index).astype(str)
        names = sorted(side.unique())
        if len(names) != 2:
            raise ValueError(f"link mode needs exactly two datasets, got {names}")
        frame["left"] = (side == names[0]).astype(np.int64)
        frame["right"] = 1 - frame["left"]

        def cross(keys: list[str]) -> int:
            sums = frame.groupby(keys)[["left", "right"]].sum()
            return int((sums["left"] * sums["right"]).sum())

        true_pairs, predicted_pairs = cross(["entity"]), cross(["cluster"])
        correct_pairs = cross(["entity", "cluster"])

    precision = correct_pairs / predicted_pairs if predicted_pairs else 1.0
    recall = correct_pairs / true_pairs if true_pairs else 1.0

    n = cells.to_numpy().astype(float)
    entity_of = entity_sizes.reindex(cells.index.get_level_values("entity")).to_numpy()
    cluster_of = cluster_sizes.reindex(cells.index.get_level_values("cluster")).to_numpy()
    b3_precision = float((n * n / cluster_of).sum() / len(frame))
    b3_recall = float((n * n / entity_of).sum() / len(frame))
    exact = int(((n == entity_of) & (n == cluster_of)).sum())

    return Scores(
        records=len(frame),
        true_entities=len(entity_sizes),
        predicted_clusters=len(cluster_sizes),
        true_pairs=true_pairs,
        predicted_pairs=predicted_pairs,
        correct_pairs=correct_pairs,
        pair_precision=precision,
        pair_recall=recall,
        pair_f1=f1(precision, recall),
        bcubed_precision=b3_precision,
        bcubed_recall=b3_recall,
        bcubed_f1=f1(b3_precision, b3_recall),
        exact_cluster_precision=exact / len(cluster_sizes),
        exact_cluster_recall=exact / len(entity_sizes),
    )


def components(records: pd.Index, left: pd.Series, right: pd.Series) -> pd.Series:
    """Connected components of the graph on ``records`` with edges left[i]–right[i]:
    record id → component number (what Splink's clustering at a threshold does)."""
    position = pd.Series(np.arange(len(records)), index=records)
    a = position.reindex(left.to_numpy()).to_numpy()
    b = position.reindex(right.to_numpy()).to_numpy()
    keep = ~(np.isnan(a) | np.isnan(b)) if a.dtype.kind == "f" else np.ones(len(a), bool)
    a, b = a[keep].astype(np.int64), b[keep].astype(np.int64)
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(len(records), len(records)))
    _, labels = connected_components(graph, directed=False)
    return pd.Series(labels, index=records)


def evidence_ceiling(
    records: pd.DataFrame, entity: str, keys: dict[str, str | None]
) -> dict[str, float | int]:
    """Share of true pairs whose two records are joined, inside their own entity,
    by a chain of records that share a value of one of ``keys``.

    ``records`` has one row per record (index = record id) with the ``entity``
    column and the key columns; ``keys`` maps a column to its list separator
    (``";"``) or ``None`` for a single value. Within each entity a record is
    linked to a node per (column, value) it holds; true pairs in one connected
    component are *reachable by evidence*. No matcher that links only on shared
    values of these keys can find more; fuzzy evidence can (and can be wrong).
    """
    frame = records.reset_index(drop=True)
    n = len(frame)
    rows, values = [], []
    for column, separator in keys.items():
        col = frame[column].dropna().astype(str)
        if separator:
            col = col.str.split(separator).explode()
        col = col[col.str.strip() != ""]
        rows.append(col.index.to_numpy())
        values.append((frame.loc[col.index, entity].astype(str) + "\x1f" + column + "\x1f" + col).to_numpy())
    row = np.concatenate(rows) if rows else np.array([], dtype=np.int64)
    value = np.concatenate(values) if values else np.array([], dtype=object)
    codes, _ = pd.factorize(value)
    graph = coo_matrix(
        (np.ones(len(row)), (row.astype(np.int64), n + codes)),
        shape=(n + (codes.max() + 1 if len(codes) else 0),) * 2,
    )
    _, labels = connected_components(graph, directed=False)
    frame = frame.assign(_component=labels[:n])
    true_pairs = _choose2(frame.groupby(entity).size().to_numpy())
    reachable = _choose2(frame.groupby([entity, "_component"]).size().to_numpy())
    return {
        "true_pairs": true_pairs,
        "reachable_pairs": reachable,
        "ceiling": reachable / true_pairs if true_pairs else 1.0,
    }
