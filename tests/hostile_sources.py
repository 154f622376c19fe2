"""A sources folder full of what real exports do wrong, written by code, with the
outcome each file must have: which records are published, which rows or files
are quarantined and why."""

import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

from tests.sourcefiles import (
    LEGACY_HEADER,
    WECHAT_HEADER,
    web_form,
    write_csv,
    write_jsonl,
    write_legacy,
    write_xlsx,
)

FORMULA = '=HYPERLINK("http://evil.example/x","点我")'
COMMAND = "+cmd|' /C calc'!A0"
SQL_NAME = "Robert'); DROP TABLE golden_customer;--"
BIG_FIELD = "很长的备注" * (5 * 1024 * 1024 // 15)  # ~5 MB of UTF-8


@dataclass
class Case:
    """One hostile file and what must become of it."""

    name: str
    source_system: str
    accepted: set[str] = field(default_factory=set)  # source_record_ids published
    quarantined: list[tuple[str, str]] = field(default_factory=list)  # (source_file, reason)


def build(root: Path) -> list[Case]:
    cases: list[Case] = []

    write_jsonl(root / "web_forms" / "broken_lines.jsonl", [
        web_form("h-wf-1", name="赵敏", phone="13912345601"),
        '{"submission_id": "h-wf-2", "fields": {"name": "周芷若"',
        "[1, 2, 3]",
        json.dumps({"fields": {"name": "没有编号"}}, ensure_ascii=False),
        web_form("h-wf-3", name="张无忌", email="wuji@qq.com"),
    ])
    cases.append(Case("jsonl with broken lines among good ones", "web_forms", {"h-wf-1", "h-wf-3"}, [
        ("broken_lines.jsonl", "invalid_json"), ("broken_lines.jsonl", "invalid_json"),
        ("broken_lines.jsonl", "missing_record_id")]))

    write_csv(root / "wechat" / "gbk_export.csv", [
        WECHAT_HEADER, ["小昭", "小昭", "wmH1", "女", "13912345602", "明教", "", "", "韦一笑", "2024-11-01 10:00:00", "群聊"],
    ], encoding="gbk")
    cases.append(Case("WeCom CSV in GBK without BOM", "wechat", {"wmH1"}))

    good = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["姓名", "手机"])
    workbook.active.append(["殷离", "13912345603"])
    workbook.save(good)
    (root / "spreadsheets" / "truncated.xlsx").write_bytes(good.getvalue()[: len(good.getvalue()) // 2])
    cases.append(Case("truncated xlsx", "spreadsheets", set(), [("truncated.xlsx", "unreadable_workbook")]))

    write_legacy(root / "legacy" / "short_lines.txt", [
        "H1|谢逊|1|19600101|13912345604||xx@163.com|北京|北京|||2020-01-01 10:00:00|2020-01-01 10:00:00|A",
        "H2|黛绮丝|2|19650101|13912345605",
        "H3|杨逍|1|||||||a|b|c|d|e|f|g|A",
        "H4|范遥|1|19610101|13912345606|||||||2020-01-01 10:00:00|2020-01-01 10:00:00|A",
    ])
    cases.append(Case("legacy dump with wrong column counts", "legacy", {"H1", "H4"}, [
        ("short_lines.txt", "wrong_column_count"), ("short_lines.txt", "wrong_column_count")]))

    write_csv(root / "spreadsheets" / "no_header.csv", [["甲", "乙", "丙"], ["1", "2", "3"]])
    cases.append(Case("spreadsheet with no recognisable header", "spreadsheets", set(),
                      [("no_header.csv", "no_header_row")]))

    (root / "legacy" / "empty.txt").write_bytes(b"")
    cases.append(Case("empty file", "legacy", set(), [("empty.txt", "empty_file")]))

    (root / "legacy" / "header_only.txt").write_bytes((LEGACY_HEADER + "\r\n").encode("gb18030"))
    cases.append(Case("header-only file", "legacy", set(), [("header_only.txt", "no_data_rows")]))

    write_csv(root / "spreadsheets" / "nul_bytes.csv", [
        ["姓名", "手机", "备注"], ["宋\x00青书", "13912345607", "a\x00b"], ["周\x00", "13912345608", ""]])
    (root / "web_forms" / "nul_bytes.jsonl").write_bytes(
        json.dumps(web_form("h-wf-4", name="灭\u0000绝"), ensure_ascii=False).encode() + b"\n"
        + b'{"submission_id": "h-wf-5", "fields": {"name": "\x00raw"}}\n')
    cases.append(Case("NUL bytes in cells and lines", "spreadsheets",
                      {"nul_bytes.csv#csv!2", "nul_bytes.csv#csv!3"}))
    cases.append(Case("NUL bytes in JSON", "web_forms", {"h-wf-4"}, [("nul_bytes.jsonl", "invalid_json")]))

    write_csv(root / "spreadsheets" / "big_field.csv", [
        ["姓名", "手机", "备注", "公司"], ["成昆", "13912345609", BIG_FIELD, BIG_FIELD]])
    cases.append(Case("a 5 MB single field", "spreadsheets", {"big_field.csv#csv!2"}))

    write_jsonl(root / "web_forms" / "odd_names.jsonl", [
        web_form("h-wf-6", name="王小明😀🎉", phone="13912345610"),
        web_form("h-wf-7", name="محمد علي", email="ali@example.com"),
        web_form("h-wf-8", name="Zoe\u0308 Li", email="zoe@example.com"),
        web_form("h-wf-9", name="\u202eﻪﺒﺘﻜﻣ\u202c", phone="13912345611"),
    ])
    cases.append(Case("emoji, RTL and combining characters in names", "web_forms",
                      {"h-wf-6", "h-wf-7", "h-wf-8", "h-wf-9"}))

    write_xlsx(root / "spreadsheets" / "payloads.xlsx", {"名单": [
        ["姓名", "手机", "公司", "备注"],
        [FORMULA, "13912345612", COMMAND, "=1+1"],
        [SQL_NAME, "13912345613", "'; DELETE FROM customer_xref; --", "@SUM(A1)"],
    ]})
    cases.append(Case("CSV formula payloads and SQL-looking names", "spreadsheets",
                      {"payloads.xlsx#名单!2", "payloads.xlsx#名单!3"}))
    return cases
