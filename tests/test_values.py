"""Table-driven tests for validators.values."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from validators.values import parse_bool, parse_date, parse_gender, parse_timestamp


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("男", "M"), ("女", "F"), ("男性", "M"), ("女性", "F"),
        ("M", "M"), ("F", "F"), ("m", "M"), ("f", "F"),
        ("male", "M"), ("Female", "F"), ("MALE", "M"),
        ("1", "M"), ("2", "F"), (1, "M"), (2, "F"), (1.0, "M"),  # legacy GENDER_CD
        ("９", None), ("9", None), (9, None), ("0", None), ("未知", None), ("unknown", None),
        ("", None), (None, None), (float("nan"), None), ("其他", None),
    ],
)
def test_parse_gender(raw: object, expected: str | None) -> None:
    assert parse_gender(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("19900101", "1990-01-01"),
        (19900101, "1990-01-01"),
        (19900101.0, "1990-01-01"),
        ("1990-01-01", "1990-01-01"),
        ("1990/1/1", "1990-01-01"),
        ("1990/01/31", "1990-01-31"),
        ("1990.1.1", "1990-01-01"),
        ("1990年1月1日", "1990-01-01"),
        ("１９９０年１月１日", "1990-01-01"),
        ("1990-01-01 00:00:00", "1990-01-01"),
        (date(1990, 1, 1), "1990-01-01"),
        (datetime(1990, 1, 1, 8, 30), "1990-01-01"),
        (pd.Timestamp("1990-01-01"), "1990-01-01"),
        ("20000229", "2000-02-29"),
        ("20230231", None),  # impossible date
        ("19000229", None),
        ("18991231", None),  # before 1900
        ("1990-13-01", None),
        ("20991231", None),  # future
        ((date.today() + timedelta(days=400)).strftime("%Y%m%d"), None),
        ("1990", None),
        ("abc", None),
        ("", None),
        (None, None),
        (pd.NaT, None),
        (float("nan"), None),
    ],
)
def test_parse_date(raw: object, expected: str | None) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-11-03T09:41:07+08:00", "2024-11-03T09:41:07+08:00"),
        ("2024-11-03T01:41:07Z", "2024-11-03T09:41:07+08:00"),
        ("2024-11-03T01:41:07+00:00", "2024-11-03T09:41:07+08:00"),
        ("2024-11-02T20:41:07-05:00", "2024-11-03T09:41:07+08:00"),
        ("2024-11-03 09:41:07", "2024-11-03T09:41:07+08:00"),  # WeCom / legacy: China time
        ("2024-11-03 09:41:07.123456", "2024-11-03T09:41:07+08:00"),
        ("2024/11/3 9:41", "2024-11-03T09:41:00+08:00"),
        ("2024年11月3日 9时41分7秒", "2024-11-03T09:41:07+08:00"),
        ("2024-11-03", "2024-11-03T00:00:00+08:00"),
        ("20241103094107", "2024-11-03T09:41:07+08:00"),
        (datetime(2024, 11, 3, 9, 41, 7), "2024-11-03T09:41:07+08:00"),  # openpyxl datetime
        (datetime(2024, 11, 3, 1, 41, 7, tzinfo=UTC), "2024-11-03T09:41:07+08:00"),
        (pd.Timestamp("2024-11-03 09:41:07"), "2024-11-03T09:41:07+08:00"),
        (pd.Timestamp("2024-11-03 01:41:07", tz="UTC"), "2024-11-03T09:41:07+08:00"),
        (date(2024, 11, 3), "2024-11-03T00:00:00+08:00"),
        (45599.5, "2024-11-03T12:00:00+08:00"),  # Excel serial number
        (1730598067, "2024-11-03T09:41:07+08:00"),  # Unix seconds
        ("garbage", None),
        ("2024-13-03 09:41:07", None),
        ("", None),
        (None, None),
        (pd.NaT, None),
        (float("nan"), None),
    ],
)
def test_parse_timestamp(raw: object, expected: str | None) -> None:
    assert parse_timestamp(raw) == expected


def test_parse_timestamp_other_zone() -> None:
    assert parse_timestamp("2024-11-03 09:41:07", default_tz="UTC") == "2024-11-03T09:41:07+00:00"
    assert parse_timestamp("2024-11-03 09:41:07", default_tz="Not/AZone") == "2024-11-03T09:41:07+08:00"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (True, True), (False, False), ("true", True), ("FALSE", False), ("1", True), ("0", False),
        (1, True), (0, False), ("yes", True), ("No", False), ("是", True), ("否", False),
        ("Y", True), ("n", False),
        ("maybe", None), ("2", None), ("", None), (None, None), (float("nan"), None),
    ],
)
def test_parse_bool(raw: object, expected: bool | None) -> None:
    assert parse_bool(raw) is expected
