"""List-valued fields, deterministic rules, the review caps, reference priors
and field options of the matching engine, on small tables with known answers."""

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from matching.cluster import cluster_records
from matching.engine import link_records
from matching.engine_settings import EngineSettings
from matching.estimate import estimate_u, reference_u
from matching.fields import FieldSpec
from matching.levels import expand_pairs, list_level_codes
from matching.model import MATCH, NO_MATCH, REVIEW
from matching.normalise import normalise_list, owners


def test_expand_pairs_gives_every_value_combination_of_each_pair() -> None:
    owner = np.array([0, 0, 1, 2, 2, 2])  # record 0 has 2 values, 1 has 1, 2 has 3
    pair, left, right = expand_pairs(owner, 3, np.array([0, 1]), np.array([2, 2]))
    assert pair.tolist() == [0] * 6 + [1] * 3
    assert sorted(zip(left[:6].tolist(), right[:6].tolist())) == [
        (a, b) for a in (0, 1) for b in (3, 4, 5)]
    assert left[6:].tolist() == [2, 2, 2] and right[6:].tolist() == [3, 4, 5]


def test_a_list_valued_phone_takes_its_strongest_shared_number() -> None:
    spec = FieldSpec("phones", "phone", separator=";")
    raw = pd.Series([
        "13957312468;010-62345678",   # 0: a mobile and a landline
        "010 6234 5678;13700731945",  # 1: shares only the landline with 0
        "13764120853;13957312468",    # 2: shares the mobile with 0 (second in its list)
        None,                          # 3: no phone
        "13588234170",                # 4: nothing shared
    ])
    frame = normalise_list(raw, "phone", ";")
    assert owners(frame).tolist() == [0, 0, 1, 1, 2, 2, 4]
    left, right = np.array([0, 0, 0, 0, 1]), np.array([1, 2, 3, 4, 2])
    codes, chosen = list_level_codes(spec, frame, owners(frame), 5, left, right)
    names = [("null", *spec.level_names)[c + 1] for c in codes]
    assert names == ["landline", "exact", "null", "different", "different"]
    # Term frequencies of an exact match are read from the shared number's row.
    assert frame["value"].iat[chosen[1]] == "+8613957312468"


def test_field_options_parse_and_restrict_levels_and_blocking() -> None:
    assert FieldSpec.parse("phones=phone[;]") == FieldSpec("phones", "phone", ";")
    email = FieldSpec("email", "email", only_levels=("exact", "generic"), block_on=("value",))
    assert email.level_names == ("exact", "generic", "different")
    assert email.blocking == ("value",)
    assert FieldSpec("company", "company", block_on=()).blocking == ()
    with pytest.raises(ValueError, match="no level"):
        FieldSpec("email", "email", only_levels=("nearly",))
    with pytest.raises(ValueError, match="offers blocking"):
        FieldSpec("gender", "exact", block_on=("value",))


def _people(count: int, seed: int = 3) -> list[dict]:
    rng = np.random.default_rng(seed)
    surnames = "王李张刘陈杨赵黄周吴"
    rows = []
    for i in range(count):  # every name different
        name = surnames[i % 10] + chr(0x4E00 + 37 * i + 11) + chr(0x4E00 + 91 * i + 5)
        rows.append({"id": f"p{i}", "name": name, "phone": f"139{rng.integers(10**7, 10**8)}",
                     "email": f"u{i}@example.com", "wecom": None})
    return rows


def test_the_same_wecom_id_is_one_person_whatever_else_differs() -> None:
    rows = _people(40)
    rows.append({"id": "twin", "name": "Nobody Else", "phone": None, "email": None, "wecom": "wmABC"})
    rows[0]["wecom"] = "wmABC"
    specs = [FieldSpec("name", "name"), FieldSpec("phone", "phone"), FieldSpec("email", "email"),
             FieldSpec("wecom", "exact")]
    settings = EngineSettings(names_differ_review=True)
    plain = link_records([pd.DataFrame(rows)], specs, settings, id_column="id")
    ruled = link_records([pd.DataFrame(rows)], specs,
                         EngineSettings(names_differ_review=True, deterministic_fields=("wecom",)),
                         id_column="id")
    for result, together in ((plain, False), (ruled, True)):
        clusters = result.clusters.set_index("record_id")["cluster_id"]
        assert bool(clusters["p0"] == clusters["twin"]) is together
    pair = ruled.pairs[ruled.pairs["record_id_r"] == "twin"]
    assert pair["forced"].tolist() == [True] and pair["decision"].tolist() == [MATCH]


def _pair_decision(rows: list[dict], specs: list[FieldSpec], settings: EngineSettings,
                   a: str, b: str) -> str:
    pairs = link_records([pd.DataFrame(rows)], specs, settings, id_column="id").pairs
    ids = pairs[["record_id_l", "record_id_r"]].apply(lambda p: frozenset(p), axis=1)
    return pairs.loc[ids == frozenset((a, b)), "decision"].iat[0]


def test_a_shared_name_alone_goes_to_review_not_to_a_merge() -> None:
    rows = _people(60)
    rows.append({"id": "again", "name": rows[5]["name"], "phone": None, "email": None, "wecom": None})
    specs = [FieldSpec("name", "name"), FieldSpec("phone", "phone"), FieldSpec("email", "email")]
    capped = _pair_decision(rows, specs, EngineSettings(min_other_evidence=1.0), "p5", "again")
    uncapped = _pair_decision(rows, specs, EngineSettings(min_other_evidence=0.0), "p5", "again")
    assert capped in (REVIEW, NO_MATCH)
    assert capped != MATCH and (uncapped == MATCH or capped == uncapped)


def test_different_names_on_one_phone_go_to_review_at_most() -> None:
    rows = _people(60)
    rows.append({"id": "wife", "name": "林秀英", "phone": rows[7]["phone"], "email": None, "wecom": None})
    specs = [FieldSpec("name", "name"), FieldSpec("phone", "phone"), FieldSpec("email", "email")]
    assert _pair_decision(rows, specs, EngineSettings(names_differ_review=True), "p7", "wife") != MATCH


def test_a_shared_landline_needs_a_name_that_says_who() -> None:
    rows = _people(60)
    rows[9]["phone"] = "010-62345678"
    rows.append({"id": "nameless", "name": None, "phone": "010 6234 5678", "email": None, "wecom": None})
    rows.append({"id": "named", "name": rows[9]["name"], "phone": "+86 10 62345678", "email": None,
                 "wecom": None})
    specs = [FieldSpec("name", "name"), FieldSpec("phone", "phone"), FieldSpec("email", "email")]
    settings = EngineSettings(shared_line_name_evidence=6.0)
    assert _pair_decision(rows, specs, settings, "p9", "nameless") != MATCH
    assert _pair_decision(rows, specs, settings, "p9", "named") == MATCH


def test_reference_u_is_a_prior_that_data_outweighs() -> None:
    spec = FieldSpec("phone", "phone")
    reference = [reference_u(spec)]
    assert reference[0].sum() == pytest.approx(1.0) and reference[0][-1] > 0.99
    # Two records that are one person: the only random pair agrees, yet u stays small.
    tiny = estimate_u(np.array([[0]]), [5], np.array([0.0]), reference, 100.0)[0]
    assert tiny[0] < 1e-5
    # Many random pairs: the data decides.
    codes = np.array([[0]] * 100 + [[4]] * 99_900)
    big = estimate_u(codes, [5], None, reference, 100.0)[0]
    assert big[0] == pytest.approx(1e-3, rel=0.01)


def test_two_genders_never_share_a_cluster() -> None:
    records = pd.DataFrame({"record_key": ["a", "b", "c"], "gender": ["F", None, "M"],
                            "id_card": None, "id_card_valid": False, "birth_date": None})
    scored = pd.DataFrame({"left": [0, 1], "right": [1, 2], "score": [12.0, 10.0],
                           "match_probability": [0.99, 0.98], "decision": [MATCH, MATCH],
                           "w_name": [3.0, 2.0]})
    result = cluster_records(records, scored, EngineSettings())
    a, b, c = result.clusters["cluster"].tolist()
    assert a == b != c
    assert result.refused_edges["reason"].str.contains("gender").all()


def test_normalising_in_worker_processes_gives_the_same_keys(monkeypatch) -> None:
    """The CLI parses fields in forked workers; the keys must not depend on it."""
    import matching.normalise as normalise

    data = pd.DataFrame({
        "name": ["王小明", "Wang Xiaoming", "李娜", None, "張偉"],
        "phones": ["13957312468;010-62345678", "13957312468", None, "13700731945", "abc"],
        "email": ["a@example.com", None, "B@Example.com", "x", "a@example.com"],
        "birth": ["1990-01-02", "19900102", None, "1990/2/1", ""],
    })
    specs = [FieldSpec("name", "name"), FieldSpec("phones", "phone", separator=";"),
             FieldSpec("email", "email"), FieldSpec("birth", "date")]
    serial = normalise.normalise_fields(data, specs, 2, workers=1)
    monkeypatch.setattr(normalise, "PARALLEL_MIN_VALUES", 0)
    forked = normalise.normalise_fields(data, specs, 2, workers=2)
    assert serial.keys() == forked.keys()
    for column, frame in serial.items():
        pd.testing.assert_frame_equal(frame, forked[column])


def test_a_background_child_gives_what_this_process_gives() -> None:
    """The random pairs for u are compared in a forked child by the CLI
    (``validators.background``): same value, errors raised in the caller."""
    from validators.background import Background

    data = np.arange(1000)
    with Background(lambda: np.cumsum(data), enabled=True) as child:
        assert child._process is not None
        spool = Path(child._path)
        assert child.result().tolist() == np.cumsum(data).tolist()
    assert not spool.exists()  # the result's temporary file is removed
    # Computed by the child, not by this process after a failed hand-over.
    with Background(os.getpid, enabled=True) as elsewhere:
        assert elsewhere.result() != os.getpid()
    with Background(lambda: np.cumsum(data), enabled=False) as here:
        assert here._process is None
        assert here.result().tolist() == np.cumsum(data).tolist()
    with Background(lambda: int("not a number"), enabled=True) as failing:
        with pytest.raises(ValueError):
            failing.result()
    with Background(lambda: sum(range(10**9)), enabled=True) as abandoned:
        pass  # the caller failed before asking: the child is stopped, not waited for
    assert abandoned._process is None


def test_link_records_gives_the_same_result_with_workers(monkeypatch) -> None:
    """Forked normalising and the background comparison change no score."""
    import matching.engine as engine
    import matching.normalise as normalise

    monkeypatch.setattr(normalise, "PARALLEL_MIN_VALUES", 0)
    monkeypatch.setattr(engine, "BACKGROUND_MIN_PAIRS", 0)
    rng = np.random.default_rng(5)
    names = ["王小明", "Wang Xiaoming", "李娜", "張偉", "张伟", "刘洋", "陈静", "Li Na"]
    frame = pd.DataFrame({
        "id": [f"r{i}" for i in range(300)],
        "name": rng.choice(names, 300),
        "phone": [f"1391234{n:04d}" for n in rng.integers(0, 60, 300)],
        "birth": rng.choice(["1990-01-02", "1985-05-06", "1990-02-01", None], 300),
    })
    specs = [FieldSpec("name", "name"), FieldSpec("phone", "phone"), FieldSpec("birth", "date")]
    settings = EngineSettings(u_sample_pairs=5_000)
    serial = link_records([frame], specs, settings, id_column="id", workers=1)
    forked = link_records([frame], specs, settings, id_column="id", workers=2)
    pd.testing.assert_frame_equal(serial.clusters, forked.clusters)
    pd.testing.assert_frame_equal(serial.pairs, forked.pairs)
    assert serial.parameters == forked.parameters


def test_block_pairs_are_the_self_join_of_each_block() -> None:
    """``candidates._rule_pairs`` (integer codes, no frame merge) gives every
    pair of distinct records sharing a key in a block of acceptable size:
    what a self-join of the (key, record) rows gives, repeated rows included."""
    from itertools import combinations

    from matching.candidates import _rule_pairs

    rng = np.random.default_rng(3)
    for limit in (1, 2, 4, 100):
        keys = rng.choice(np.array(["", "a", "b", "c", "d", "e"], dtype=object), 200)
        records = rng.integers(0, 60, 200)  # list-valued: a record may repeat a key
        left, right, skipped = _rule_pairs(keys, records, 60, limit)
        blocks: dict[str, set[int]] = {}
        for key, record in zip(keys, records):
            if key:
                blocks.setdefault(key, set()).add(int(record))
        # A pair sharing two keys comes once per key (``block_pairs`` merges them).
        expected = [pair for members in blocks.values() if len(members) <= limit
                    for pair in combinations(sorted(members), 2)]
        assert sorted(zip(left.tolist(), right.tolist())) == sorted(expected)
        assert skipped == sum(len(members) > limit for members in blocks.values())
