"""Writers for small source files in the formats of SOURCES.md, so every test says what it reads."""

import json
from pathlib import Path

from openpyxl import Workbook

LEGACY_HEADER = (
    "CUST_ID|CUST_NAME|GENDER_CD|BIRTH_DT|MOBILE_NO|TEL_NO|EMAIL_ADDR|PROV_NM|CITY_NM|ADDR|"
    "ID_CARD_NO|CRT_TS|UPD_TS|STATUS_CD"
)
WECHAT_HEADER = ["客户名称", "备注名", "外部联系人ID", "性别", "备注手机号", "备注企业", "描述", "标签",
                 "添加人", "添加时间", "来源"]


def write_jsonl(path: Path, lines: list[object]) -> Path:
    """Dicts are dumped as JSON; strings are written as they are (broken lines)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8-sig") -> Path:
    import csv
    import io

    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_legacy(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join([LEGACY_HEADER, *lines]) + "\r\n").encode("gb18030"))
    return path


def web_form(submission_id: str, **fields: object) -> dict:
    return {
        "submission_id": submission_id,
        "submitted_at": "2024-11-03T09:41:07+08:00",
        "form_id": "expo-2024-signup",
        "channel": "website",
        "fields": fields,
        "consent_marketing": True,
    }
