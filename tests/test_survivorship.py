"""Survivorship: the right value per field, from one record per field group, with provenance."""

import json

import pandas as pd

from matching.survivorship import select_survivors
from tests.contacts import contacts, raw


def golden_of(*rows: dict) -> pd.Series:
    frame = contacts(*rows)
    clusters = pd.DataFrame({"record_key": frame["record_key"], "customer_id": "CM-000000000001"})
    golden = select_survivors(frame, clusters)
    assert len(golden) == 1
    return golden.iloc[0]


def test_fields_follow_their_rules_and_record_where_they_came_from() -> None:
    web = raw("web_forms", "wf-1", name="Wang Xiaoming", phone="13600136101", email="new@qq.com",
              created_at="2024-11-03T09:00:00+08:00", city="上海")
    wecom = raw("wechat", "wmA", name="王小明", phone="13600136101", company="某某科技",
                created_at="2024-06-01 10:00:00")
    legacy = raw("legacy", "C1", name="王小明", birth_date="19850203", gender="1", phone="13600136102",
                 email="old@qq.com", province="广东", city="深圳", address="南山区科技园1号",
                 created_at="2019-01-01 10:00:00", updated_at="2020-01-01 10:00:00")
    golden = golden_of(web, wecom, legacy)
    assert golden["name"] == "王小明"  # characters beat pinyin; trusted source
    assert golden["phone"] == "+8613600136101"  # most frequent
    assert golden["email"] == "new@qq.com"  # most recent
    assert (golden["birth_date"], golden["gender"]) == ("1985-02-03", "M")
    # Address fields come together from the most complete record, never stitched.
    assert (golden["province"], golden["city"], golden["address"]) == ("广东省", "深圳市", "南山区科技园1号")
    assert golden["source_count"] == 3
    assert golden["source_systems"] == "legacy,web_forms,wechat"
    assert golden["updated_at"] == "2024-11-03T09:00:00+08:00"
    provenance = json.loads(golden["provenance"])
    assert provenance["email"] == {"source_system": "web_forms", "source_record_id": "wf-1", "rule": "recent"}
    assert provenance["name"]["source_system"] == "legacy"
    assert provenance["city"]["source_record_id"] == "C1"


def test_invalid_resident_id_never_survives() -> None:
    golden = golden_of(raw("legacy", "C7", name="李雷", id_card="110105194912310021"))
    assert pd.isna(golden["id_card_no"])
