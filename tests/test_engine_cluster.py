"""Clustering of the matching engine: no chaining through contradictions, the
resident-id rule, one record per dataset in link mode; and the settings object."""

import numpy as np
import pandas as pd
import pytest

from matching.engine import link_records
from matching.engine_settings import EngineSettings
from matching.fields import FieldSpec
from matching.link_cluster import cluster_pairs
from matching.model import MATCH, NO_MATCH
from tests.engine_data import dedupe_frame, same_partition


def scored(*rows: tuple[int, int, float, str, float]) -> pd.DataFrame:
    """(left, right, score, decision, w_name) rows as the engine scores them."""
    frame = pd.DataFrame(rows, columns=["left", "right", "score", "decision", "w_name"])
    frame["match_probability"] = 1.0 / (1.0 + 2.0 ** -frame["score"])
    return frame


def clusters_of(result) -> list[int]:
    return result.clusters["cluster"].tolist()


def test_a_contradicted_pair_is_not_joined_through_a_third_record() -> None:
    # B resembles both A and C, but A and C clearly differ (a name weighing -20).
    pairs = scored((0, 1, 12.0, MATCH, 3.0), (1, 2, 10.0, MATCH, 2.0), (0, 2, -15.0, NO_MATCH, -20.0))
    result = cluster_pairs(np.array(["A", "B", "C"], dtype=object), pairs, ["name"], -8.0)
    a, b, c = clusters_of(result)
    assert a == b != c
    assert result.refused_edges["reason"].str.contains("different people").all()
    # Without the contradiction the three form one cluster.
    pairs = scored((0, 1, 12.0, MATCH, 3.0), (1, 2, 10.0, MATCH, 2.0))
    assert len(set(clusters_of(cluster_pairs(np.array(["A", "B", "C"], dtype=object), pairs, ["name"], -8.0)))) == 1


def test_two_valid_resident_ids_never_share_a_cluster() -> None:
    pairs = scored((0, 1, 12.0, MATCH, 3.0), (1, 2, 10.0, MATCH, 2.0))
    ids = np.array(["110105194912310029", "", "11010519491231002X"], dtype=object)
    a, b, c = clusters_of(cluster_pairs(np.array(["A", "B", "C"], dtype=object), pairs, ["name"], -8.0, ids))
    assert a == b != c


def test_link_mode_puts_at_most_one_record_of_each_dataset_in_a_cluster() -> None:
    keys = np.array(["l1", "r1", "r2"], dtype=object)
    dataset = np.array(["left", "right", "right"], dtype=object)
    pairs = scored((0, 1, 12.0, MATCH, 3.0), (0, 2, 10.0, MATCH, 2.0))
    l1, r1, r2 = clusters_of(cluster_pairs(keys, pairs, ["name"], -8.0, dataset=dataset))
    assert l1 == r1 != r2  # the stronger link wins


def test_same_valid_resident_id_is_a_match_whatever_else_differs() -> None:
    frame = dedupe_frame(30)
    twin = frame.iloc[0].copy()
    frame.loc[0, "id_card"] = "11010519491231002X"
    twin["id"], twin["name"], twin["phone"], twin["email"] = "twin", "Mr Nobody", None, None
    twin["id_card"] = "110105 19491231 002x"
    frame = pd.concat([frame, twin.to_frame().T], ignore_index=True)
    specs = [FieldSpec("name", "name"), FieldSpec("phone", "phone"), FieldSpec("id_card", "id")]
    result = link_records([frame], specs, id_column="id")
    pair = result.pairs[(result.pairs[["record_id_l", "record_id_r"]] == "twin").any(axis=1)
                        & result.pairs["forced"]]
    assert len(pair) == 1 and pair["decision"].iat[0] == MATCH
    assert "same valid resident id" in result.explain(int(pair.index[0]))
    clusters = result.clusters.set_index("record_id")["cluster_id"]
    assert clusters["twin"] == clusters[frame.loc[0, "id"]]


def test_dedupe_finds_the_people_of_a_small_synthetic_file() -> None:
    frame = dedupe_frame()
    specs = [FieldSpec.parse(f) for f in ("name=name", "phone=phone", "email=email",
                                         "birth_date=date", "city=exact")]
    progress: list[str] = []
    result = link_records([frame], specs, id_column="id", progress=progress.append)
    assert same_partition(result.clusters["record_id"], result.clusters["cluster_id"], frame["person"])
    # Progress is counts and timings, never values.
    assert progress and not any(frame["name"].iat[0] in line for line in progress)
    assert {"normalise", "blocking", "compare", "train"} <= set(result.stats["timings"])
    match = result.pairs.index[result.pairs["decision"] == MATCH][0]
    assert result.explain(int(match)).startswith("p=")


def test_settings_round_trip_through_json_and_reject_unknown_keys() -> None:
    settings = EngineSettings(match_probability=0.99, max_block_size=40, seed=3)
    assert EngineSettings.from_json(settings.to_json()) == settings
    with pytest.raises(ValueError, match="unknown engine settings: match_prob"):
        EngineSettings.from_json('{"match_prob": 0.9}')
    with pytest.raises(ValueError):
        EngineSettings(match_probability=0.4, review_probability=0.5)


def test_preliminary_components_group_records_as_scipy_does() -> None:
    """The term-frequency step's connected components (numpy, to spare the
    scipy import) give scipy's grouping, chains and repeated edges included."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from matching.weighing import components

    rng = np.random.default_rng(7)
    for trial in range(60):
        n = int(rng.integers(1, 400))
        left, right = rng.integers(0, n, 2 * n), rng.integers(0, n, 2 * n)
        if trial % 3 == 0:  # one long chain, numbered against the hooking order
            left = np.arange(n - 1)[::-1]
            right = left + 1
        graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
        expected = connected_components(graph, directed=False)[1]
        records = pd.Series(np.arange(n))
        assert same_partition(records, pd.Series(components(n, left, right)),
                              pd.Series(expected))
