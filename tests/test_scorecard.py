"""The quality scorecard on a five-record example whose every number is worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from validators.scorecard import SCORECARD_COLUMNS, batch_metrics, quality_scorecard

RUN, AT = "run-20240601", "2024-06-01T02:00:00+08:00"


def example_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Five source records: four accepted (two web forms, two WeCom contacts), one
    web-form line quarantined. 王小明 appears in both sources and is one customer."""
    contacts = pd.DataFrame(
        {
            "record_key": ["web_forms:wf-001", "web_forms:wf-002", "wechat:wmA01", "wechat:wmB02"],
            "source_system": ["web_forms", "web_forms", "wechat", "wechat"],
            "name": ["王小明", "李娜", "王小明", None],
            "phone": ["+8613911082345", None, "+8613911082345", None],
            "email": ["wang.xiaoming@163.com", None, None, None],
            "company": ["腾讯科技（深圳）有限公司", None, "腾讯科技（深圳）有限公司", None],
            "city": ["深圳市", "上海市", None, None],
            # 李娜 typed "lina＠qq" (unusable); the nickname-only contact gave 13800138000.
            "notes": [None, "email:invalid", None, "phone:placeholder"],
        },
        dtype="str",
    )
    quarantine = pd.DataFrame(
        {
            "source_system": ["web_forms"],
            "source_file": ["form_20240601.jsonl"],
            "source_record_id": [None],
            "source_row": ["3"],
            "reason": ["invalid_json"],
            "reason_detail": ["form_20240601.jsonl row 3: not valid JSON"],
            "raw": ['{"name": "张伟", "phone": "139'],
        },
        dtype="string",
    )
    clusters = pd.DataFrame(
        {
            "record_key": list(contacts["record_key"]),
            "cluster": [0, 1, 0, 2],
            "match_score": [1.0, 1.0, 0.98, 1.0],
            "customer_id": ["CM-0A1B2C3D4E5F", "CM-1B2C3D4E5F60", "CM-0A1B2C3D4E5F", "CM-2C3D4E5F6071"],
            "source_system": list(contacts["source_system"]),
            "source_record_id": ["wf-001", "wf-002", "wmA01", "wmB02"],
        }
    )
    return contacts, quarantine, clusters


def as_dict(scorecard: pd.DataFrame) -> dict[str, dict[str, float]]:
    return {
        source: dict(zip(rows["metric"], rows["value"]))
        for source, rows in scorecard.groupby("source_system", sort=False)
    }


def test_every_number_of_the_example_by_hand() -> None:
    card = quality_scorecard(*example_frames(), run_id=RUN, measured_at=AT)
    expected = {
        # 3 read = 2 accepted + 1 quarantined; 王小明 has everything, 李娜 a name and a city.
        "web_forms": {
            "records_read": 3, "records_accepted": 2, "records_quarantined": 1,
            "quarantine_rate": 1 / 3,
            "completeness_name": 2 / 2, "completeness_phone": 1 / 2, "completeness_email": 1 / 2,
            "completeness_company": 1 / 2, "completeness_city": 2 / 2,
            "validity_phone": 1 / 1,  # 李娜 never gave a phone: not counted
            "validity_email": 1 / 2,  # one usable, one email:invalid
            "duplicate_rate": 1 - 2 / 2,  # two records, two customers
            "quarantine_rate_invalid_json": 1 / 3,
        },
        # No quarantine, no e-mail seen at all: no validity_email, no per-reason rate.
        "wechat": {
            "records_read": 2, "records_accepted": 2, "records_quarantined": 0,
            "quarantine_rate": 0 / 2,
            "completeness_name": 1 / 2, "completeness_phone": 1 / 2, "completeness_email": 0 / 2,
            "completeness_company": 1 / 2, "completeness_city": 0 / 2,
            "validity_phone": 1 / 2,  # one usable, one phone:placeholder
            "duplicate_rate": 1 - 2 / 2,  # its two records are two different customers
        },
        "ALL": {
            "records_read": 5, "records_accepted": 4, "records_quarantined": 1,
            "quarantine_rate": 1 / 5,
            "completeness_name": 3 / 4, "completeness_phone": 2 / 4, "completeness_email": 1 / 4,
            "completeness_company": 2 / 4, "completeness_city": 2 / 4,
            "validity_phone": 2 / 3, "validity_email": 1 / 2,
            "duplicate_rate": 1 - 3 / 4,  # four records, three customers (王小明 twice)
            "quarantine_rate_invalid_json": 1 / 5,
        },
    }
    got = as_dict(card)
    assert list(got) == ["web_forms", "wechat", "ALL"]
    for source, metrics in expected.items():
        assert got[source] == pytest.approx(metrics), source
    assert len(card) == sum(len(m) for m in expected.values())


def test_frame_shape_is_the_store_contract() -> None:
    card = quality_scorecard(*example_frames(), run_id=RUN, measured_at=AT)
    assert tuple(card.columns) == SCORECARD_COLUMNS
    assert card["value"].dtype == "float64"
    assert set(card["run_id"]) == {RUN} and set(card["measured_at"]) == {AT}
    assert not card.duplicated(["run_id", "source_system", "metric"]).any()


def test_unusable_notes_are_found_among_other_notes() -> None:
    contacts, quarantine, clusters = example_frames()
    contacts.loc[0, "phone"] = None
    contacts.loc[0, "notes"] = "id_card:invalid;phone:too_long"  # a 300-character phone cell
    card = as_dict(quality_scorecard(contacts, quarantine, clusters, RUN, AT))
    assert card["web_forms"]["validity_phone"] == 0.0
    assert card["ALL"]["validity_phone"] == pytest.approx(1 / 3)


def test_empty_run_reports_counts_and_no_ratios() -> None:
    contacts, quarantine, clusters = (f.iloc[0:0] for f in example_frames())
    card = quality_scorecard(contacts, quarantine, clusters, RUN, AT)
    assert as_dict(card) == {"ALL": {"records_read": 0, "records_accepted": 0, "records_quarantined": 0}}
    bare = quality_scorecard(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), RUN, AT)
    assert as_dict(bare) == as_dict(card)


def test_a_source_with_only_quarantined_records() -> None:
    contacts, quarantine, clusters = example_frames()
    legacy = pd.DataFrame({"source_system": ["legacy"], "reason": ["wrong_column_count"]})
    card = as_dict(quality_scorecard(contacts, pd.concat([quarantine, legacy]), clusters, RUN, AT))
    assert list(card) == ["web_forms", "wechat", "legacy", "ALL"]
    assert card["legacy"] == {
        "records_read": 1, "records_accepted": 0, "records_quarantined": 1,
        "quarantine_rate": 1.0, "quarantine_rate_wrong_column_count": 1.0,
    }


def test_batch_metrics_agree_with_the_scorecard() -> None:
    counts = batch_metrics(*example_frames()).set_index("source_system")
    assert counts.loc["web_forms", ["records_read", "records_accepted", "quarantined"]].tolist() == [3, 2, 1]
    assert counts.loc["ALL", "quarantine_rate"] == pytest.approx(0.2)
    assert counts.loc["ALL", "customers_per_record"] == pytest.approx(3 / 4)
    assert counts["customers_per_record"].isna().tolist() == [True, True, False]
