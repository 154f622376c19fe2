"""WeCom (企业微信) customer-contact exports: xlsx (first sheet) or CSV, Chinese headers."""

from __future__ import annotations

from pathlib import Path

from .records import ReadResult
from .table_records import RECORD_ID, TableLayout, read_table
from .tabular import csv_rows, decode_text, synonym_index, xlsx_sheets

SOURCE_SYSTEM = "wechat"

WECHAT_HEADERS: dict[str, tuple[str, ...]] = {
    RECORD_ID: ("外部联系人ID", "外部联系人id", "external_userid"),
    "nickname": ("客户名称", "客户昵称", "昵称"),
    "name": ("备注名", "备注"),
    "gender": ("性别",),
    "phone": ("备注手机号", "手机号", "备注电话"),
    "company": ("备注企业", "企业"),
    "note": ("描述",),
    "tags": ("标签", "企业标签"),
    "owner": ("添加人", "所属员工"),
    "created_at": ("添加时间",),
    "channel": ("来源", "添加渠道"),
}

_LAYOUT = TableLayout(
    source_system=SOURCE_SYSTEM,
    header_index=synonym_index(WECHAT_HEADERS),
    required_any=frozenset({RECORD_ID}),
    record_id=lambda _row, _sheet, mapped: mapped.get(RECORD_ID),
)


def read_wechat_file(path: Path) -> ReadResult:
    """Rows of one export. The same 外部联系人ID may appear on several rows (one
    per staff member who added the customer); they stay separate rows here and
    are combined into one record by the standardiser."""
    if path.suffix.lower() == ".xlsx":
        for sheet, rows in xlsx_sheets(path):
            return read_table(_LAYOUT, path.name, sheet, rows)  # first sheet only
        return ReadResult()
    text, _ = decode_text(path.read_bytes())
    rows = [(i, tuple(r)) for i, r in enumerate(csv_rows(text), start=1)]
    return read_table(_LAYOUT, path.name, "csv", rows)
