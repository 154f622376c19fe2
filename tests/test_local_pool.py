"""Standardisation shared with worker processes gives what one process gives."""

import pandas as pd

from assets.sources.records import records_frame
from tests.contacts import raw
from validators.distinct import LocalPool, in_process
from validators.phones import parse_phone
from validators.standardise import standardise_contacts


def test_a_closure_runs_in_the_workers_and_results_keep_input_order() -> None:
    values = [f"1391234{n:04d}" for n in range(50)] + ["not a phone", "010-62345678-8001"]
    region = "CN"
    with LocalPool(workers=1, min_values=1) as pool:
        shared = pool(lambda v: parse_phone(v, region), values)
    assert shared == in_process(lambda v: parse_phone(v, region), values)


def test_a_job_below_the_threshold_starts_no_process() -> None:
    pool = LocalPool(workers=1, min_values=100)
    assert pool(str.upper, ["a", "b"]) == ["A", "B"]
    assert pool._executor is None


def test_standardising_with_workers_gives_the_same_records_and_quarantine() -> None:
    rows = [
        raw("web_forms", name="王小明", phone="+86 139 1234 5681", email="XM@QQ.COM",
            created_at="2024-01-05T10:00:00+08:00", city="杭州"),
        raw("wechat", "wmA", name="張偉", phone="13912345682, 13912345683", owner="李销售",
            created_at="2024-02-01 09:00:00", tags="VIP,展会"),
        raw("wechat", "wmA", name="張偉", phone="13912345682", owner="张经理",
            created_at="2024-03-01 09:00:00"),
        raw("spreadsheets", name="Li Na", landline="010-62345678-8001", company="阿里巴巴（中国）有限公司"),
        raw("legacy", name="先生", phone="13800138000"),
        raw("legacy", name="", phone=""),
    ]
    alone = standardise_contacts(records_frame(rows))
    with LocalPool(workers=1, min_values=1) as pool:
        shared = standardise_contacts(records_frame(rows), mapper=pool)
    pd.testing.assert_frame_equal(alone.contacts, shared.contacts)
    pd.testing.assert_frame_equal(alone.quarantine, shared.quarantine)
    assert shared.contacts["phone_kinds"].notna().any()


def test_standardising_half_the_rows_in_a_forked_process_gives_the_same(monkeypatch) -> None:
    """``beside``: each half normalised by its own process (so a value in both
    halves is normalised twice); repeated records that straddle the halves are
    combined afterwards, and rejections are the same."""
    import validators.standardise as standardise
    from assets.sources import SOURCE_SPECS, read_source

    sample = __import__("pathlib").Path(__file__).resolve().parents[1] / "data" / "sources"
    frame = pd.concat([read_source(spec, sample).records_frame() for spec in SOURCE_SPECS],
                      ignore_index=True)
    alone = standardise_contacts(frame)
    monkeypatch.setattr(standardise, "SPLIT_ROWS", 2)
    beside = standardise_contacts(frame, beside=True)
    pd.testing.assert_frame_equal(beside.contacts, alone.contacts)
    pd.testing.assert_frame_equal(beside.quarantine, alone.quarantine)
    assert len(alone.quarantine) and (alone.contacts["source_rows"] > 1).any()
