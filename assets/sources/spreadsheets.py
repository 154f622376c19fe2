"""Hand-kept sales and exhibition lists: xlsx (every sheet) or CSV, headers vary."""

from __future__ import annotations

from pathlib import Path

from .records import ReadResult
from .table_records import RECORD_ID, TableLayout, read_table
from .tabular import csv_rows, decode_text, synonym_index, xlsx_sheets

SOURCE_SYSTEM = "spreadsheets"

#: Header spellings from SOURCES.md (matched case-, width- and punctuation-insensitively).
SPREADSHEET_HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "联系人", "客户姓名", "Name", "Contact", "联系人姓名", "客户名称"),
    "phone": ("手机", "手机号", "手机号码", "电话", "联系电话", "Mobile", "Phone", "Tel",
              "移动电话", "Mobile Phone", "Cell"),
    "email": ("邮箱", "电子邮箱", "E-mail", "Email", "邮件", "Mail", "邮箱地址"),
    "company": ("公司", "单位", "公司名称", "企业", "Company", "单位名称", "企业名称"),
    "title": ("职位", "职务", "Title", "Position"),
    "province": ("省", "省份", "Province"),
    "city": ("市", "城市", "City"),
    "address": ("地址", "详细地址", "联系地址", "Address"),
    "note": ("备注", "Remark", "Notes", "Note", "Remarks"),
    "gender": ("性别", "Gender", "Sex"),
}

SPREADSHEET_INDEX = synonym_index(SPREADSHEET_HEADERS)


def _sheet_row_id(file_name: str):
    def record_id(row: int, sheet: str, _mapped: dict) -> str:
        return f"{file_name}#{sheet}!{row}"

    return record_id


def read_spreadsheet_file(path: Path) -> ReadResult:
    """Every sheet of an xlsx, or the one table of a CSV (UTF-8, BOM or GB18030)."""
    layout = TableLayout(
        source_system=SOURCE_SYSTEM,
        header_index={k: v for k, v in SPREADSHEET_INDEX.items()},
        required_any=frozenset({"name", "phone", "email"}),
        record_id=_sheet_row_id(path.name),
    )
    result = ReadResult()
    if path.suffix.lower() == ".xlsx":
        for sheet, rows in xlsx_sheets(path):
            result.extend(read_table(layout, path.name, sheet, rows))
        return result
    text, _ = decode_text(path.read_bytes())
    rows = [(i, tuple(r)) for i, r in enumerate(csv_rows(text), start=1)]
    result.extend(read_table(layout, path.name, "csv", rows))
    return result


__all__ = ["RECORD_ID", "SPREADSHEET_INDEX", "read_spreadsheet_file"]
