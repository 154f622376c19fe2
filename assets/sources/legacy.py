"""The old CRM/ERP's nightly dump: pipe-delimited GB18030 text with a header row."""

from __future__ import annotations

from pathlib import Path

from .records import ReadResult
from .table_records import RECORD_ID, TableLayout, read_table
from .tabular import decode_text, synonym_index

SOURCE_SYSTEM = "legacy"

LEGACY_COLUMNS: dict[str, str] = {
    "CUST_ID": RECORD_ID,
    "CUST_NAME": "name",
    "GENDER_CD": "gender",
    "BIRTH_DT": "birth_date",
    "MOBILE_NO": "phone",
    "TEL_NO": "landline",
    "EMAIL_ADDR": "email",
    "PROV_NM": "province",
    "CITY_NM": "city",
    "ADDR": "address",
    "ID_CARD_NO": "id_card",
    "CRT_TS": "created_at",
    "UPD_TS": "updated_at",
    "STATUS_CD": "status",
}

_LAYOUT = TableLayout(
    source_system=SOURCE_SYSTEM,
    header_index=synonym_index({canon: (col,) for col, canon in LEGACY_COLUMNS.items()}),
    required_any=frozenset({RECORD_ID}),
    record_id=lambda _row, _sheet, mapped: mapped.get(RECORD_ID),
    exact_width=True,
)


def read_legacy_file(path: Path) -> ReadResult:
    """Lines split on ``|`` (the dump does not quote); values lose trailing spaces.

    GB18030 is the contract. Strict UTF-8 is tried first all the same: GB18030
    text is almost never valid UTF-8, while UTF-8 often decodes as GB18030
    mojibake without error, so this order reads both kinds right.
    """
    text, _ = decode_text(path.read_bytes())
    if text.startswith("\ufeff"):
        text = text[1:]
    rows: list[tuple[int, tuple[str, ...]]] = []
    raw_lines: dict[int, str] = {}
    # Split on line feeds only: str.splitlines() would also break a value at a
    # form feed or U+2028, which can sit inside a field of an old system's dump.
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        rows.append((number, tuple(line.split("|"))))
        raw_lines[number] = line
    return read_table(_LAYOUT, path.name, "csv", rows, raw_lines=raw_lines)
