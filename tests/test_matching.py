"""The matching chain on the cases the product promises to get right."""

import json
import math

from matching.contacts import CONTACT_FIELDS, ContactMatchSettings, block_contacts, score_contacts
from matching.model import MATCH, NO_MATCH, REVIEW
from matching.scoring import explain
from tests.contacts import contacts, raw, resolve, same_customer


def test_pinyin_name_matches_its_hanzi_form_with_a_shared_phone() -> None:
    a = raw("web_forms", name="Wang Xiaoming", phone="+86 136-0013-6001")
    b = raw("wechat", name="王小明", phone="13600136001")
    c = raw("spreadsheets", name="XIAOMING WANG", email="xm.wang@163.com")
    d = raw("legacy", name="王小明", email="XM.Wang@163.com", phone="136 0013 6001")
    clusters, scored = resolve(contacts(a, b, c, d))
    assert same_customer(clusters, a, b) and same_customer(clusters, b, c) and same_customer(clusters, c, d)
    assert set(scored["level_name"]) >= {"pinyin"}


def test_traditional_and_simplified_names_match() -> None:
    a = raw("legacy", name="張偉", phone="13700137011")
    b = raw("spreadsheets", name="张伟先生", phone="137 0013 7011")
    clusters, _ = resolve(contacts(a, b))
    assert same_customer(clusters, a, b)


def test_namesakes_with_nothing_else_in_common_stay_apart() -> None:
    a = raw("legacy", name="王伟", phone="13700137021", city="北京", email="ww1@qq.com")
    b = raw("spreadsheets", name="王伟", phone="13700137022", city="广州", email="wangwei@163.com")
    c = raw("web_forms", name="王伟", phone="13700137023")
    clusters, scored = resolve(contacts(a, b, c))
    assert len({clusters[k] for k in clusters}) == 3
    assert MATCH not in set(scored["decision"])


def test_a_phone_shared_by_a_family_does_not_merge_them() -> None:
    husband = raw("legacy", name="王建国", phone="13700137031", gender="1", address="北京市朝阳区望京街1号")
    wife = raw("legacy", name="李秀英", phone="13700137031", gender="2", address="北京市朝阳区望京街1号")
    son = raw("web_forms", name="王小军", phone="13700137031")
    clusters, scored = resolve(contacts(husband, wife, son))
    assert len(set(clusters.values())) == 3
    assert set(scored["decision"]) <= {NO_MATCH, REVIEW}


def test_placeholder_and_switchboard_phones_are_not_identifiers() -> None:
    people = [raw("web_forms", name=n, phone="13800138000") for n in ("赵一", "钱二", "孙三", "李四")]
    staff = [raw("spreadsheets", name=n, phone="021-61234567", company="某某科技")
             for n in ("周五", "吴六", "郑七")]
    frame = contacts(*people, *staff)
    assert not frame["phones"].str.contains("+8613800138000", regex=False).any()
    clusters, _ = resolve(frame)
    assert len(set(clusters.values())) == 7


def test_contradicting_resident_ids_are_not_chained_together() -> None:
    # A–B share a phone, B–C share an email; A and C carry different valid resident ids.
    a = raw("legacy", name="刘洋", phone="13700137041", id_card="11010519491231002X")
    b = raw("web_forms", name="刘洋", phone="13700137041", email="liuyang@qq.com")
    c = raw("legacy", name="刘洋", email="liuyang@qq.com", id_card="110105198001010032")
    frame = contacts(a, b, c)
    assert frame["id_card_valid"].sum() == 2
    clusters, _ = resolve(frame)
    assert not same_customer(clusters, a, c)
    assert same_customer(clusters, a, b) or same_customer(clusters, b, c)


def test_same_valid_resident_id_is_the_same_person() -> None:
    a = raw("legacy", name="陈静", id_card="11010519491231002X", city="北京")
    b = raw("spreadsheets", name="陈静", id_card="11010519491231002x", phone="13700137051")
    clusters, _ = resolve(contacts(a, b))
    assert same_customer(clusters, a, b)


def test_cannot_link_and_must_link_are_honoured() -> None:
    a = raw("web_forms", name="黄磊", phone="13700137061")
    b = raw("wechat", name="黄磊", phone="13700137061")
    c = raw("spreadsheets", name="Huang Lei", company="某某", email="hl@qq.com")
    frame = contacts(a, b, c)
    key = lambda r: f"{r['source_system']}:{r['source_record_id']}"  # noqa: E731
    clusters, _ = resolve(frame, cannot_link=[(key(a), key(b))], must_link=[(key(a), key(c))])
    assert not same_customer(clusters, a, b)
    assert same_customer(clusters, a, c)


def test_every_scored_pair_explains_itself() -> None:
    a = raw("web_forms", name="周杰", phone="13700137071", email="zj@qq.com")
    b = raw("legacy", name="周杰", phone="13700137071")
    frame = contacts(a, b)
    settings = ContactMatchSettings()
    result = score_contacts(frame, block_contacts(frame, settings).pairs, settings)
    row = result.pairs.iloc[0]
    assert row["decision"] == MATCH
    assert {row["left_key"], row["right_key"]} == set(frame["record_key"])
    prior = result.parameters.prior
    weights = sum(row[f"w_{spec.column}"] for spec in CONTACT_FIELDS)
    assert abs(row["score"] - (weights + math.log2(prior / (1 - prior)))) < 0.01
    assert row["w_name"] > 0 and row["w_phone"] > 0 and row["w_email"] == 0  # one side has no email
    text = explain(row, [spec.column for spec in CONTACT_FIELDS])
    assert "name exact +" in text and "phone exact +" in text and "email" not in text


def test_settings_round_trip_through_json() -> None:
    settings = ContactMatchSettings().with_thresholds(0.99, 0.6, 40)
    assert ContactMatchSettings.from_json(settings.to_json()) == settings
    assert json.loads(settings.to_json())["engine"]["match_probability"] == 0.99


def test_oversized_blocks_are_skipped_not_exploded() -> None:
    frame = contacts(*[raw("web_forms", name="王伟", phone=f"1370013{i:04d}") for i in range(60)])
    result = block_contacts(frame, ContactMatchSettings().with_thresholds(0.95, 0.5, 50))
    assert result.skipped_blocks["name.anagram"] == 1
    assert len(result.pairs) == 0


def test_normalised_fields_are_kept_for_the_same_frame_or_the_same_name_only() -> None:
    """Blocking and scoring in one run normalise once: the last preparation is
    kept under the compared values, or under the name the asset layer gives a
    run's output; another name or other values prepare again."""
    from matching.contacts import prepare_contacts

    a = raw("web_forms", name="王小明", phone="13600136001")
    b = raw("wechat", name="李娜", phone="13600136002")
    frame = contacts(a, b)
    settings = ContactMatchSettings()
    first = prepare_contacts(frame, settings)
    assert prepare_contacts(frame.copy(), settings) is first  # same values
    other = contacts(a, raw("wechat", name="张伟", phone="13600136003"))
    assert prepare_contacts(other, settings) is not first
    named = prepare_contacts(frame, settings, same_as="run-1/standardised_contacts")
    assert prepare_contacts(frame.copy(), settings, same_as="run-1/standardised_contacts") is named
    assert prepare_contacts(frame, settings, same_as="run-2/standardised_contacts") is not named
