"""Small scalar parsers: gender, dates, timestamps, booleans.

Each source encodes these differently (legacy ``GENDER_CD`` 1/2/9, WeCom 男/女/未知,
``BIRTH_DT`` as ``YYYYMMDD``, Excel datetimes, ISO strings with offsets); the
golden record needs one representation so that survivorship can compare values.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from validators.text import clean_text

__all__ = ["parse_bool", "parse_date", "parse_gender", "parse_timestamp"]

_GENDERS: dict[str, str | None] = {
    "男": "M", "男性": "M", "男士": "M", "先生": "M", "m": "M", "male": "M", "man": "M", "1": "M",
    "女": "F", "女性": "F", "女士": "F", "小姐": "F", "f": "F", "female": "F", "woman": "F", "2": "F",
}
_BOOLS: dict[str, bool] = {
    "true": True, "t": True, "yes": True, "y": True, "1": True, "是": True, "对": True, "on": True,
    "false": False, "f": False, "no": False, "n": False, "0": False, "否": False, "不是": False,
    "off": False,
}
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2})\s*[:时]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2})(?:\.(\d{1,9}))?\s*秒?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)
_COMPACT_STAMP = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$")
_EXCEL_EPOCH = datetime(1899, 12, 30)
_CHINA = "Asia/Shanghai"


def parse_gender(raw: object) -> str | None:
    """``"M"``/``"F"`` or None. Why: legacy 1/2/9, WeCom 男/女/未知 and forms'
    male/female must compare equal; unknown (未知, 9, 0) is None, not a value."""
    text = clean_text(raw)
    if text is None:
        return None
    return _GENDERS.get(text.casefold())


def parse_bool(raw: object) -> bool | None:
    """True/False for true/false, 1/0, yes/no, 是/否 (and y/n, on/off); else None.
    Why: consent flags arrive as JSON booleans, strings and Chinese words."""
    if isinstance(raw, bool):
        return raw
    text = clean_text(raw)
    if text is None:
        return None
    return _BOOLS.get(text.casefold())


def _checked(year: int, month: int, day: int) -> date | None:
    try:
        value = date(year, month, day)
    except (ValueError, OverflowError):
        return None
    if value.year < 1900 or value > datetime.now(ZoneInfo(_CHINA)).date():
        return None
    return value


@lru_cache(maxsize=200_000)
def _parse_date_text(text: str) -> str | None:
    match = _COMPACT_DATE.match(text) or _DATE.match(text)
    if not match:
        return None
    value = _checked(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    return value.isoformat() if value else None


def parse_date(raw: object) -> str | None:
    """ISO ``YYYY-MM-DD`` or None.

    Why: birth dates come as ``19900101``, ``1990-1-1``, ``1990/1/1``,
    ``1990年1月1日`` or Excel dates; impossible dates (20230231), years before
    1900 and future dates are rejected because they are typos, not birthdays.
    A time part, if present, is ignored. Never raises.
    """
    try:
        if isinstance(raw, (datetime, date)):
            if type(raw).__name__ == "NaTType":
                return None
            value = _checked(raw.year, raw.month, raw.day)
            return value.isoformat() if value else None
        text = clean_text(raw)
        if text is None:
            return None
        return _parse_date_text(text)
    except Exception:  # noqa: BLE001  # pragma: no cover - defensive
        return None


@lru_cache(maxsize=64)
def _zone(name: object) -> tzinfo:
    try:
        return ZoneInfo(str(name))
    except Exception:  # noqa: BLE001 - never raise
        try:
            return ZoneInfo(_CHINA)
        except Exception:  # noqa: BLE001  # pragma: no cover - no tz database at all
            return timezone(timedelta(hours=8))


def _offset(text: str) -> tzinfo:
    if text.upper() == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _format(value: datetime, zone: tzinfo) -> str | None:
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    value = value.astimezone(zone).replace(microsecond=0)
    if not 1900 <= value.year <= 2100:
        return None
    return value.isoformat()


def _from_number(number: float, zone: tzinfo) -> datetime | None:
    if not math.isfinite(number):
        return None
    if 20000 <= number < 100000:  # Excel serial date (1954..2173), local time
        return _EXCEL_EPOCH + timedelta(days=number)
    if 1e9 <= number < 1e10:  # Unix seconds
        return datetime.fromtimestamp(number, UTC)
    if 1e12 <= number < 1e13:  # Unix milliseconds
        return datetime.fromtimestamp(number / 1000, UTC)
    return None


def _from_text(text: str) -> datetime | None:
    match = _COMPACT_STAMP.match(text)
    if match:
        return datetime(*(int(g) for g in match.groups()))  # type: ignore[misc]
    match = _COMPACT_DATE.match(text)
    if match:
        return datetime(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _DATE.match(text)
    if match:
        year, month, day, hour, minute, second, fraction, offset = match.groups()
        value = datetime.combine(
            date(int(year), int(month), int(day)),
            time(int(hour or 0), int(minute or 0), int(second or 0), int((fraction or "0")[:6].ljust(6, "0"))),
        )
        return value.replace(tzinfo=_offset(offset)) if offset else value
    return datetime.fromisoformat(text)


@lru_cache(maxsize=200_000)
def _parse_timestamp_text(text: str, zone_name: str) -> str | None:
    try:
        value = _from_text(text)
    except (ValueError, OverflowError, TypeError):
        return None
    return _format(value, _zone(zone_name)) if value else None


def parse_timestamp(raw: object, default_tz: str = _CHINA) -> str | None:
    """ISO 8601 with offset, seconds precision, in ``default_tz``
    (``2024-11-03T09:41:07+08:00``), or None.

    Why: ``submitted_at`` has an offset, WeCom and legacy timestamps are naive
    China time, spreadsheets hold Excel datetimes; comparing "latest update"
    across sources needs one zone and one format. Naive values are taken to be
    in ``default_tz``; aware values are converted to it. Plain numbers are read
    as Excel serial dates or Unix seconds/milliseconds. Never raises.
    """
    try:
        if raw is None or type(raw).__name__ in {"NaTType", "NAType"}:
            return None
        zone = _zone(default_tz)
        if hasattr(raw, "to_pydatetime") and not isinstance(raw, datetime):
            raw = raw.to_pydatetime()  # numpy/pandas wrappers
        if isinstance(raw, datetime):
            return _format(raw, zone)
        if isinstance(raw, date):
            return _format(datetime.combine(raw, time()), zone)
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            digits = str(int(raw)) if math.isfinite(raw) and float(raw).is_integer() else ""
            if len(digits) in (8, 14):
                return _parse_timestamp_text(digits, str(default_tz))
            value = _from_number(float(raw), zone)
            return _format(value, zone) if value else None
        text = clean_text(raw)
        if text is None:
            return None
        return _parse_timestamp_text(text, str(default_tz))
    except Exception:  # noqa: BLE001 - never raise
        return None
