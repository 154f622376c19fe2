"""Turn the rows of one table (a sheet, a CSV, a pipe dump) into raw records.

One function serves WeCom exports, hand-kept spreadsheets and the legacy dump:
they differ only in their header vocabulary, how a record id is formed and
whether a short row is an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .records import RAW_FIELDS, ReadResult, json_text, quarantine_row, to_cell_text
from .tabular import find_header_row, header_key, is_blank_row

#: The canonical name of the column that holds the source record id.
RECORD_ID = "record_id"

#: Given (excel row number, sheet name, mapped values) → the source record id.
RecordIdRule = Callable[[int, str, dict[str, str | None]], str | None]


@dataclass(frozen=True)
class TableLayout:
    """What a reader knows about a kind of table."""

    source_system: str
    header_index: dict[str, str]  # header_key(spelling) → canonical field
    required_any: frozenset[str]  # a header row must name at least one of these
    record_id: RecordIdRule
    exact_width: bool = False  # a row with a different cell count is broken


def read_table(
    layout: TableLayout,
    file_name: str,
    sheet: str,
    rows: list[tuple[int, tuple[Any, ...]]],
    raw_lines: dict[int, str] | None = None,
) -> ReadResult:
    """Records of one table; broken rows and a missing header go to quarantine."""
    result = ReadResult()
    if not rows or all(is_blank_row(values) for _, values in rows):
        return result
    where = file_name if sheet == "csv" else f"{file_name}#{sheet}"
    whole_table = None if sheet == "csv" else sheet

    def reject(reason: str, detail: str, raw: str, row: str | None) -> None:
        result.quarantine.append(quarantine_row(
            source_system=layout.source_system, source_file=file_name, source_row=row,
            reason=reason, reason_detail=f"{where}{detail}", raw=raw,
        ))

    header_at = find_header_row(rows, layout.header_index, layout.required_any)
    if header_at is None:
        reject("no_header_row",
               f": no row in the first 30 names the expected columns "
               f"(one of {', '.join(sorted(layout.required_any))} and one more)",
               json_text({"first_rows": [_texts(v) for _, v in rows[:5]]}), whole_table)
        return result

    headers = [to_cell_text(h) or "" for h in rows[header_at][1]]
    columns: list[str | None] = []
    seen: set[str] = set()
    for header in headers:
        canonical = layout.header_index.get(header_key(header))
        if canonical in seen:  # a second "电话" column: keep it, as an attribute
            canonical = None
        if canonical:
            seen.add(canonical)
        columns.append(canonical)

    data_rows = [(n, v) for n, v in rows[header_at + 1 :] if not is_blank_row(v)]
    if not data_rows:
        reject("no_data_rows", ": a header row but no data below it (an export that failed?)",
               json_text({"header": headers}), whole_table)
        return result
    for number, values in data_rows:
        cells = _texts(values)
        raw_text = (raw_lines or {}).get(number) or json_text(
            {h or f"column_{i + 1}": c for i, (h, c) in enumerate(zip(headers, cells)) if c is not None}
        )
        row_ref = str(number) if sheet == "csv" else f"{sheet}!{number}"
        if layout.exact_width and len(values) != len(headers):
            reject("wrong_column_count",
                   f" line {number}: {len(values)} columns where the header has {len(headers)}",
                   raw_text, row_ref)
            continue
        mapped: dict[str, str | None] = {}
        extras: dict[str, str] = {}
        for i, cell in enumerate(cells):
            canonical = columns[i] if i < len(columns) else None
            if canonical:
                mapped[canonical] = cell
            elif cell is not None:
                extras[headers[i] if i < len(headers) and headers[i] else f"column_{i + 1}"] = cell
        record_id = layout.record_id(number, sheet, mapped)
        if not record_id:
            reject("missing_record_id", f" row {number}: the id column is empty", raw_text, row_ref)
            continue
        record = {f: mapped.get(f) for f in RAW_FIELDS if f != "attributes"}
        record.update(
            source_system=layout.source_system,
            source_file=file_name,
            source_record_id=record_id,
            source_row=row_ref,
            raw=raw_text,
            attributes=json_text(extras) if extras else None,
        )
        result.records.append(record)
    return result


def _texts(values: tuple[Any, ...]) -> list[str | None]:
    out: list[str | None] = []
    for value in values:
        text = to_cell_text(value)
        out.append(text.strip() if text is not None and text.strip() else None)
    return out
