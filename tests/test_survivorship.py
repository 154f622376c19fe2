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


def test_provenance_is_the_json_a_dict_per_customer_would_give() -> None:
    """Provenance is built column-wise as text: it must be exactly what
    ``json.dumps(entries, ensure_ascii=False, sort_keys=True)`` writes, whatever
    characters a record id holds, and name only the fields that have a value."""
    odd_ids = ['C"1', "C\\2", "客户\t3", "C\u20284"]
    rows = [raw("legacy", rid, name="王小明", phone=f"1360013610{i}", city="深圳" if i else None)
            for i, rid in enumerate(odd_ids)]
    rows.append(raw("web_forms", "wf-9", email="solo@qq.com"))
    frame = contacts(*rows)
    clusters = pd.DataFrame({"record_key": frame["record_key"],
                             "customer_id": ["CM-1"] * len(odd_ids) + ["CM-2"]})
    golden = select_survivors(frame, clusters).set_index("customer_id")
    for customer_id, text in golden["provenance"].items():
        entries = json.loads(text)
        assert text == json.dumps(entries, ensure_ascii=False, sort_keys=True)
        filled = {c for c in ("name", "phone", "email", "city") if golden.at[customer_id, c] != "nan"
                  and pd.notna(golden.at[customer_id, c])}
        assert filled <= set(entries)
        assert all(set(e) == {"rule", "source_record_id", "source_system"} for e in entries.values())
    assert json.loads(golden.at["CM-1", "provenance"])["phone"]["source_record_id"] in odd_ids
    assert "name" not in json.loads(golden.at["CM-2", "provenance"])


def test_json_text_of_a_value_is_what_the_encoder_writes() -> None:
    from matching.survivorship import _json_texts

    values = ["plain", "", 'q"uote', "back\\slash", "tab\t", "\u2028", "\ud800", "王小明", None]
    values += [f"a{chr(c)}b" for c in [*range(0, 0x800), 0xFFFF, 0x10FFFF]]
    assert _json_texts(pd.Series(values, dtype=object)) == [
        json.dumps(v, ensure_ascii=False) for v in values]
