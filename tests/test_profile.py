"""The 360° view: nothing a source said is lost when records merge."""

import json

import pandas as pd

from matching.profile import build_profiles, text_extreme
from matching.settings import ProfileSettings
from matching.survivorship import select_survivors
from tests.contacts import contacts, raw

WECOM_A = json.dumps
CUSTOMER = "CM-0000000000AA"


def profile_of(*rows: dict, settings: ProfileSettings = ProfileSettings()):
    frame = contacts(*rows)
    clusters = pd.DataFrame({"record_key": frame["record_key"], "customer_id": CUSTOMER})
    golden = select_survivors(frame, clusters)
    return build_profiles(frame, clusters, golden, settings), golden.iloc[0]


def test_a_merge_keeps_both_phones_both_owners_and_the_newer_consent() -> None:
    older = raw("web_forms", "wf-1", name="王小明", phone="13912345681", email="xm@qq.com",
                consent_marketing="true", created_at="2024-01-05T10:00:00+08:00", form_id="expo-2024")
    newer = raw("web_forms", "wf-2", name="王小明", phone="13912345682", email="xm@qq.com",
                consent_marketing="false", created_at="2024-06-01T10:00:00+08:00", form_id="contact-us")
    wecom_1 = raw("wechat", "wmX", name="王小明", phone="13912345681", owner="李销售",
                  created_at="2024-02-01 09:00:00", channel="扫描二维码", tags="VIP,展会")
    wecom_2 = raw("wechat", "wmX", name="王小明", phone="13912345681", owner="张经理",
                  created_at="2024-03-01 09:00:00", channel="名片分享", tags="ｖｉｐ")
    profile, golden = profile_of(older, newer, wecom_1, wecom_2)

    phones = profile.contact_points.query("kind == 'mobile'")
    assert set(phones["value"]) == {"+8613912345681", "+8613912345682"}
    assert phones.set_index("value").loc[golden["phone"], "is_primary"]
    assert phones["is_primary"].sum() == 1
    assert set(profile.contact_points["kind"]) == {"mobile", "email", "wecom_id"}

    owners = profile.owners.set_index("owner")
    assert set(owners.index) == {"李销售", "张经理"}
    assert owners.loc["张经理", "is_primary"] and not owners.loc["李销售", "is_primary"]  # most recent
    assert owners.loc["李销售", "first_added_at"] == "2024-02-01T09:00:00+08:00"

    consent = profile.consent.iloc[0]
    assert (consent["marketing_consent"], consent["source_record_id"], consent["statements"]) == (
        "refused", "wf-2", 2)

    channels = set(zip(profile.channels["source_system"], profile.channels["channel"], profile.channels["detail"]))
    assert channels == {("web_forms", "unknown", "expo-2024"), ("web_forms", "unknown", "contact-us"),
                        ("wechat", "扫描二维码", ""), ("wechat", "名片分享", "")}

    tags = dict(zip(profile.tags["tag"], profile.tags["origins"]))
    assert tags == {"VIP": "wecom", "展会": "wecom", "表单:expo-2024": "form", "表单:contact-us": "form"}


def test_consent_is_never_invented_and_placeholders_are_no_contact_points() -> None:
    profile, _ = profile_of(
        raw("spreadsheets", name="赵敏", phone="13800138000", email="test@qq.com", company="某某"),
        raw("legacy", "C1", name="赵敏", phone="13912345683", status="A"),
    )
    assert profile.consent.empty
    assert list(profile.contact_points["value"]) == ["+8613912345683"]
    assert list(profile.tags["tag"]) == ["名单:test"]


def test_primary_owner_rule_is_configurable_and_recorded() -> None:
    rows = [raw("wechat", "wmY", name="周芷若", owner=o, created_at=t)
            for o, t in [("甲", "2024-01-01 00:00:00"), ("乙", "2024-05-01 00:00:00"),
                         ("甲", "2024-06-01 00:00:00")]]
    profile, _ = profile_of(*rows, settings=ProfileSettings(primary_owner_rule="most_rows"))
    owners = profile.owners.set_index("owner")
    assert owners.loc["甲", "rows"] == 2 and owners.loc["甲", "is_primary"]
    assert set(owners["primary_rule"]) == {"most_rows"}
    first, _ = profile_of(*rows, settings=ProfileSettings(primary_owner_rule="first_added"))
    assert first.owners.set_index("owner").loc["甲", "is_primary"]


def test_grade_uses_completeness_recency_and_touchpoints_with_its_inputs() -> None:
    profile, _ = profile_of(
        raw("web_forms", "wf-9", name="张三", phone="13912345684", email="zs@qq.com", company="某某科技",
            city="上海", created_at="2024-06-01T10:00:00+08:00"),
        raw("legacy", "C9", name="张三", phone="13912345684", updated_at="2024-05-01 10:00:00"),
    )
    grade = profile.grades.iloc[0]
    # completeness 5/5 → 40; seen on the newest date → 30; 2 of 3 touchpoints → 20.
    assert (grade["completeness"], grade["recency"], grade["touchpoints"]) == (1.0, 1.0, 2)
    assert grade["last_seen"] == "2024-06-01T10:00:00+08:00"
    assert grade["score"] == 90.0 and grade["grade"] == "A"
    assert json.loads(grade["rule"])["grade_a"] == 70.0


def test_text_extreme_is_groupby_min_max_of_text() -> None:
    frame = pd.DataFrame({
        "customer_id": ["a", "a", "b", "b", "c", "a"],
        "owner": ["x", "x", "y", "z", "y", "y"],
        "seen": ["2024-03-01", None, "2023-01-05", "2025-07-07", None, "2022-12-31"],
    })
    frame["seen"] = frame["seen"].astype("str")
    for keys in (["customer_id"], ["customer_id", "owner"]):
        for how in ("min", "max"):
            expected = getattr(frame.groupby(keys, sort=True)["seen"], how)()
            pd.testing.assert_series_equal(text_extreme(frame["seen"], frame, keys, how), expected)
    empty = pd.Series([float("nan")] * len(frame), name="seen")
    expected = frame.assign(seen=empty).groupby(["customer_id"])["seen"].min()
    pd.testing.assert_series_equal(text_extreme(empty, frame, ["customer_id"], "min"), expected)


def test_a_forked_process_computing_half_the_facets_gives_the_same_profile() -> None:
    rows = [raw("web_forms", f"wf-{i}", name=f"客户{i % 7}", phone=f"139123456{i % 50:02d}",
                email=f"c{i % 9}@qq.com", consent_marketing="true" if i % 3 else "false",
                created_at=f"2024-0{1 + i % 9}-05T10:00:00+08:00", form_id=f"form-{i % 4}")
            for i in range(60)]
    rows += [raw("wechat", f"wm{i}", name=f"客户{i % 7}", phone=f"139123456{i % 50:02d}",
                 owner=f"销售{i % 3}", created_at="2024-02-01 09:00:00", channel="扫描二维码",
                 tags="VIP,展会" if i % 2 else "新客") for i in range(40)]
    frame = contacts(*rows)
    clusters = pd.DataFrame({"record_key": frame["record_key"],
                             "customer_id": [f"CM-{i % 11:012d}" for i in range(len(frame))]})
    golden = select_survivors(frame, clusters)
    here = build_profiles(frame, clusters, golden)
    beside = build_profiles(frame, clusters, golden, beside=True)
    for facet in ("contact_points", "channels", "owners", "tags", "consent", "grades"):
        assert len(getattr(here, facet)) > 0, facet
        pd.testing.assert_frame_equal(getattr(beside, facet), getattr(here, facet))
