"""Web / mini-program / 公众号 form submissions: JSON Lines, one submission a line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .records import ReadResult, json_text, quarantine_row, to_cell_text
from .spreadsheets import SPREADSHEET_INDEX
from .tabular import header_key

SOURCE_SYSTEM = "web_forms"

#: ``fields`` keys, matched like spreadsheet headers; ``message`` is the form's free text.
_FIELD_INDEX = {**SPREADSHEET_INDEX, header_key("message"): "note", header_key("留言"): "note"}
_TOP_LEVEL = {
    "submitted_at": "created_at",
    "form_id": "form_id",
    "channel": "channel",
    "consent_marketing": "consent_marketing",
}


def read_web_forms_file(path: Path) -> ReadResult:
    """Each good line becomes a record; a line that is not a JSON object with a
    ``submission_id`` is quarantined and the rest of the file still loads."""
    result = ReadResult()
    data = path.read_bytes()
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        result.quarantine.append(
            quarantine_row(
                source_system=SOURCE_SYSTEM, source_file=path.name, reason="no_data_rows",
                reason_detail=f"{path.name}: only blank lines", raw=data.decode("utf-8", "replace"),
            )
        )
        return result
    for number, line_bytes in enumerate(data.split(b"\n"), start=1):
        if number == 1 and line_bytes.startswith(b"\xef\xbb\xbf"):
            line_bytes = line_bytes[3:]
        if not line_bytes.strip():
            continue
        problem, record = _parse_line(line_bytes, path.name, number)
        if problem:
            result.quarantine.append(problem)
        else:
            result.records.append(record)
    return result


def _parse_line(line_bytes: bytes, file_name: str, number: int) -> tuple[dict | None, dict | None]:
    def reject(reason: str, detail: str, raw: str, record_id: str | None = None) -> tuple[dict, None]:
        return (
            quarantine_row(
                source_system=SOURCE_SYSTEM,
                source_file=file_name,
                source_row=str(number),
                source_record_id=record_id,
                reason=reason,
                reason_detail=f"{file_name} line {number}: {detail}",
                raw=raw,
            ),
            None,
        )

    try:
        line = line_bytes.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        return reject("not_utf8", "line is not UTF-8 text", line_bytes.decode("utf-8", "replace"))
    try:
        payload = json.loads(line)
    except ValueError as exc:
        return reject("invalid_json", f"not valid JSON ({exc.msg} at column {exc.colno})", line)
    if not isinstance(payload, dict):
        return reject("invalid_json", f"a JSON {type(payload).__name__}, not an object", line)
    record_id = to_cell_text(payload.get("submission_id"))
    record_id = record_id.strip() if record_id else None
    if not record_id:
        return reject("missing_record_id", "no submission_id", line)
    fields = payload.get("fields")
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        return reject("invalid_record", "'fields' is not an object", line, record_id)

    record: dict[str, Any] = {
        "source_system": SOURCE_SYSTEM,
        "source_file": file_name,
        "source_record_id": record_id,
        "source_row": str(number),
        "raw": line,
    }
    attributes: dict[str, Any] = {}
    for key, value in fields.items():
        canonical = _FIELD_INDEX.get(header_key(key))
        if canonical and record.get(canonical) is None:
            record[canonical] = to_cell_text(value)
        elif value is not None:
            attributes[f"fields.{key}"] = value
    for key, value in payload.items():
        if key in _TOP_LEVEL:
            record[_TOP_LEVEL[key]] = to_cell_text(value)
        elif key not in ("submission_id", "fields") and value is not None:
            attributes[key] = value
    record["attributes"] = json_text(attributes) if attributes else None
    return None, record
