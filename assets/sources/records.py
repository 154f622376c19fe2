"""The two frames every reader returns: accepted raw records and quarantine rows.

Readers map each export's own headers onto one set of *raw canonical fields*
(values still exactly as typed: normalising them is the standardiser's job), so
that everything downstream of ingestion sees one shape whatever the source.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

#: Columns that say where a record came from; ``raw`` is the original content.
META_COLUMNS: tuple[str, ...] = (
    "source_system",
    "source_file",
    "source_record_id",
    "source_row",
    "raw",
)

#: Raw canonical fields, as typed in the source (see SOURCES.md for the mapping).
RAW_FIELDS: tuple[str, ...] = (
    "name",  # web name / WeCom 备注名 / spreadsheet name / legacy CUST_NAME
    "nickname",  # WeCom 客户名称 (WeChat nickname)
    "gender",
    "birth_date",
    "phone",  # may hold several numbers
    "landline",  # legacy TEL_NO
    "email",
    "company",
    "title",
    "province",
    "city",
    "address",
    "id_card",
    "note",
    "tags",
    "owner",  # WeCom 添加人
    "channel",  # web channel / WeCom 来源
    "form_id",
    "consent_marketing",
    "created_at",
    "updated_at",
    "status",  # legacy STATUS_CD
    "attributes",  # JSON object of columns the contract does not name
)

RECORD_COLUMNS: tuple[str, ...] = META_COLUMNS + RAW_FIELDS

QUARANTINE_COLUMNS: tuple[str, ...] = (
    "source_system",
    "source_file",
    "source_record_id",
    "source_row",
    "reason",
    "reason_detail",
    "raw",
)


@dataclass
class ReadResult:
    """What reading one file (or one whole source kind) produced."""

    records: list[dict[str, Any]] = field(default_factory=list)
    quarantine: list[dict[str, Any]] = field(default_factory=list)

    def extend(self, other: ReadResult) -> None:
        self.records.extend(other.records)
        self.quarantine.extend(other.quarantine)

    def records_frame(self) -> pd.DataFrame:
        return records_frame(self.records)

    def quarantine_frame(self) -> pd.DataFrame:
        return quarantine_frame(self.quarantine)


def records_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows → a frame with exactly ``RECORD_COLUMNS``, every value text or missing."""
    frame = pd.DataFrame.from_records(rows, columns=list(RECORD_COLUMNS))
    return frame.astype("string")


def quarantine_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows, columns=list(QUARANTINE_COLUMNS))
    return frame.astype("string")


def quarantine_row(
    *,
    source_system: str,
    source_file: str,
    reason: str,
    reason_detail: str,
    raw: str | None,
    source_record_id: str | None = None,
    source_row: str | None = None,
) -> dict[str, Any]:
    """One quarantine entry; ``reason`` is a stable code, ``reason_detail`` a sentence."""
    return {
        "source_system": source_system,
        "source_file": source_file,
        "source_record_id": source_record_id,
        "source_row": source_row,
        "reason": reason,
        "reason_detail": reason_detail,
        "raw": raw,
    }


def to_cell_text(value: Any) -> str | None:
    """A cell from csv/openpyxl/json as text, without inventing ``.0`` on integers.

    Excel stores phone numbers typed as numbers as floats (13800138000.0); the
    text a person saw had no decimal point, so integral floats lose it here.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    text = str(value)
    return text


def json_text(mapping: dict[str, Any]) -> str:
    """Stable JSON for ``raw``/``attributes`` (keys kept in source order)."""
    return json.dumps(mapping, ensure_ascii=False, default=str)
