"""How common a full name is (``matching.name_frequency``) and the name-only
rule built on it (``EngineSettings.name_only_exact_match``)."""

import numpy as np
import pandas as pd

from matching.engine_settings import CONTACT_DEFAULTS, EngineSettings
from matching.fields import FieldSpec
from matching.model import MATCH
from matching.name_frequency import name_parts, pair_name_frequencies
from pipelines.match_command import contact_profile
from tests.test_engine_rules import _pair_decision, _people


def test_a_name_is_split_into_surname_and_given_name_or_words() -> None:
    assert name_parts("王小明") == ("s:王", "g:小明")
    assert name_parts("欧阳娜娜") == ("s:欧阳", "g:娜娜")
    assert name_parts("王") == ("s:王",)  # a bare surname is as common as the surname
    assert name_parts("xiaoming wang") == name_parts("wang xiaoming") == ("w:wang", "w:xiaoming")
    assert name_parts("快乐每一天") == () and name_parts("") == ()  # no person name: no model


def test_a_name_others_hold_is_common_whatever_its_parts_say() -> None:
    # 20 entities: 王伟 held by 5 of them, 赵子龙 only by the pair's two records.
    names = ["王伟"] * 5 + ["赵子龙", "赵子龙"] + [f"李{chr(0x4E00 + 7 * i)}" for i in range(13)]
    values = pd.Series(names)
    entity = np.arange(len(names))
    left, right = np.array([0, 5]), np.array([1, 6])
    common, rare = pair_name_frequencies(values, entity, left, right)
    assert common == 3 / 20  # the other three holders of 王伟
    assert rare == (2 / 20) * (2 / 20)  # nobody else: surname share × given-name share
    # one entity holding both records: only the other entities count
    same = pair_name_frequencies(values, np.r_[0, 0, entity[2:]], np.array([0]), np.array([1]))
    assert same[0] == 3 / 19


def test_a_value_that_is_no_person_name_keeps_its_plain_frequency() -> None:
    values = pd.Series(["快乐每一天", "快乐每一天", "王伟", "李娜"])
    frequency = pair_name_frequencies(values, np.arange(4), np.array([0]), np.array([1]))
    assert frequency[0] == 2 / 4


def _rows() -> list[dict]:
    rows = _people(80)
    rare = rows[5]["name"]
    rows.append({"id": "again", "name": rare, "phone": None, "email": None, "wecom": None})
    return rows


def test_an_unopposed_exact_name_is_decided_by_its_probability_alone() -> None:
    rows = _rows()
    specs = [FieldSpec("name", "name"), FieldSpec("phone", "phone"), FieldSpec("email", "email")]
    released = EngineSettings(name_only_exact_match=True, name_frequency_from_parts=True,
                              name_only_min_weight=0.0)
    uncapped = EngineSettings(min_other_evidence=0.0, name_frequency_from_parts=True)
    decision = _pair_decision(rows, specs, released, "p5", "again")
    assert decision == _pair_decision(rows, specs, uncapped, "p5", "again")
    # 80 different names: this one is rare, and nothing speaks against the pair
    assert decision == MATCH
    assert _pair_decision(rows, specs, EngineSettings(), "p5", "again") != MATCH
    # but 81 records cannot show a name to be rarer than the commonest real names
    floor = EngineSettings(name_only_exact_match=True, name_frequency_from_parts=True)
    assert _pair_decision(rows, specs, floor, "p5", "again") != MATCH


def test_a_name_only_pair_with_a_field_against_it_stays_capped() -> None:
    rows = _rows()
    for row in rows:
        row["city"] = "北京市"
    rows[-1]["city"] = "上海市"  # "again" now disagrees on the city
    specs = [FieldSpec("name", "name"), FieldSpec("phone", "phone"), FieldSpec("email", "email"),
             FieldSpec("city", "exact")]
    released = EngineSettings(name_only_exact_match=True, name_frequency_from_parts=True)
    assert _pair_decision(rows, specs, released, "p5", "again") != MATCH


def test_contact_columns_get_the_contact_profile_and_febrl_columns_do_not() -> None:
    specs = [FieldSpec.parse(t) for t in ("name=name", "phones=phone[;]", "email=email",
                                          "company_key=company")]
    adjusted, settings = contact_profile(specs)
    assert settings == CONTACT_DEFAULTS
    assert adjusted[2].only_levels == ("exact", "generic") and adjusted[2].block_on == ("value",)
    assert adjusted[3].block_on == ()
    assert adjusted[:2] == specs[:2]
    febrl = [FieldSpec.parse(t) for t in ("given_name=given_name", "surname=family_name",
                                          "date_of_birth=date", "soc_sec_id=id")]
    assert contact_profile(febrl) == (febrl, {})
    EngineSettings(**settings)  # the profile is valid settings
