"""Parameter estimation of the matching engine: u, EM for m, term frequencies."""

import numpy as np
import pandas as pd

from matching.engine import link_records
from matching.engine_settings import EngineSettings
from matching.estimate import estimate_u, expectation_maximisation, sample_pairs
from matching.fields import FieldSpec
from matching.levels import NULL_CODE
from matching.train import fit_proportion, log2_odds

#: Three fields with levels (exact, close, different).
TRUE_M = [np.array([0.85, 0.10, 0.05]), np.array([0.70, 0.20, 0.10]), np.array([0.90, 0.05, 0.05])]
TRUE_U = [np.array([0.01, 0.04, 0.95]), np.array([0.05, 0.10, 0.85]), np.array([0.002, 0.02, 0.978])]


def synthetic_codes(pairs: int, proportion: float, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Level codes drawn from known m (matches) and u (non-matches), 5 % missing."""
    rng = np.random.default_rng(seed)
    is_match = rng.random(pairs) < proportion
    codes = np.empty((pairs, 3), dtype=np.int8)
    for f in range(3):
        codes[is_match, f] = rng.choice(3, size=is_match.sum(), p=TRUE_M[f])
        codes[~is_match, f] = rng.choice(3, size=(~is_match).sum(), p=TRUE_U[f])
    codes[rng.random((pairs, 3)) < 0.05] = NULL_CODE
    return codes, is_match


def test_em_recovers_known_m_and_proportion() -> None:
    codes, is_match = synthetic_codes(40_000, proportion=0.2)
    start = [np.array([0.6, 0.2, 0.2])] * 3
    em = expectation_maximisation(codes, TRUE_U, start, proportion=0.5, max_iterations=500,
                                  tolerance=1e-7, pseudo_count=1.0)
    assert em.converged
    assert abs(em.proportion - is_match.mean()) < 0.01
    for estimated, true in zip(em.m, TRUE_M):
        assert np.abs(estimated - true).max() < 0.03


def test_u_from_random_pairs_and_a_share_of_matches_from_odds() -> None:
    codes, is_match = synthetic_codes(40_000, proportion=0.001)
    u = estimate_u(codes, [3, 3, 3])
    for estimated, true in zip(u, TRUE_U):
        assert np.abs(estimated - true).max() < 0.01
    share = fit_proportion(log2_odds(codes, TRUE_M, TRUE_U), start=0.1)
    assert abs(share - is_match.mean()) < 0.002


def test_random_pairs_are_seeded_and_cover_small_inputs_completely() -> None:
    left, right = sample_pairs(10, None, 1000, seed=1)
    assert len(left) == 45 and (left < right).all()
    a = sample_pairs(5000, None, 2000, seed=1)
    b = sample_pairs(5000, None, 2000, seed=1)
    assert all((x == y).all() for x, y in zip(a, b))
    dataset = np.array(["left"] * 30 + ["right"] * 40, dtype=object)
    left, right = sample_pairs(70, dataset, 100, seed=1)
    assert (dataset[left] == "left").all() and (dataset[right] == "right").all()


def _people_with_a_common_name() -> pd.DataFrame:
    """40 people; 12 of them are called 王伟 (a very common name), one 欧阳修.
    Two of the 王伟 and the 欧阳修 each appear twice with a shared city only."""
    rows = []
    for i in range(40):
        name = "王伟" if i < 12 else "欧阳修" if i == 12 else f"用户{chr(0x4E00 + 37 * i)}{chr(0x4E00 + 91 * i)}"
        rows.append({"id": f"a{i}", "name": name, "phone": f"1391234{i:04d}",
                     "city": ["北京", "上海", "广州", "深圳"][i % 4]})
    for i in (0, 1, 12):
        rows.append({"id": f"b{i}", "name": rows[i]["name"], "phone": None, "city": rows[i]["city"]})
    return pd.DataFrame(rows)


def test_a_common_name_weighs_less_than_a_rare_one() -> None:
    frame = _people_with_a_common_name()
    specs = [FieldSpec("name", "name"), FieldSpec("phone", "phone"), FieldSpec("city", "exact")]
    result = link_records([frame], specs, id_column="id")
    pairs = result.pairs.set_index(["record_id_l", "record_id_r"])
    pairs.index = pairs.index.map(lambda p: tuple(sorted(p)))
    common = pairs.loc[("a0", "b0"), "w_name"]
    rare = pairs.loc[("a12", "b12"), "w_name"]
    assert pairs.loc[("a0", "b0"), "level_name"] == pairs.loc[("a12", "b12"), "level_name"] == "exact"
    assert rare > common + 2
    # Without term frequencies both are the field's one average weight.
    flat = link_records([frame], specs, EngineSettings(term_frequency=False), id_column="id")
    assert flat.pairs.loc[flat.pairs["level_name"] == "exact", "w_name"].nunique() == 1


def test_a_phone_shared_by_many_names_is_generic() -> None:
    rows = [{"id": f"s{i}", "name": n, "phone": "010-62345678"}
            for i, n in enumerate(["王建国", "李秀英", "张伟", "刘洋", "王建国"])]
    rows += [{"id": f"p{i}", "name": f"陈{chr(0x4E00 + 50 * i)}", "phone": f"1392345{i:04d}"} for i in range(20)]
    rows += [{"id": "p0b", "name": rows[5]["name"], "phone": rows[5]["phone"]}]
    specs = [FieldSpec("name", "name"), FieldSpec("phone", "phone")]
    result = link_records([pd.DataFrame(rows)], specs, id_column="id")
    switchboard = result.pairs[result.pairs["record_id_l"].str.startswith("s")
                               & result.pairs["record_id_r"].str.startswith("s")]
    # The shared number is not a blocking key any more (only the two 王建国 are
    # compared, through their name), and it weighs as "generic", not as an identifier.
    assert len(switchboard) == 1
    assert switchboard["level_phone"].tolist() == ["generic"]
    exact = result.parameters.fields[1]
    assert switchboard["w_phone"].iloc[0] < exact.weights()[exact.levels.index("exact")]
    clusters = result.clusters.set_index("record_id")["cluster_id"]
    assert clusters[["s0", "s1", "s2", "s3"]].nunique() == 4
    assert clusters["p0"] == clusters["p0b"]
