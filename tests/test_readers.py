"""Readers, per SOURCES.md: every good row loads, every broken one is quarantined with a reason."""

import json
from pathlib import Path

import pytest

from assets.sources import SPECS_BY_KIND, read_source
from assets.sources.legacy import read_legacy_file
from assets.sources.spreadsheets import read_spreadsheet_file
from assets.sources.web_forms import read_web_forms_file
from assets.sources.wechat import read_wechat_file
from tests.sourcefiles import (
    WECHAT_HEADER,
    web_form,
    write_csv,
    write_jsonl,
    write_legacy,
    write_xlsx,
)


def reasons(result) -> list[str]:
    return [q["reason"] for q in result.quarantine]


# --- web forms ---------------------------------------------------------------------------


def test_web_forms_nested_fields_and_broken_lines(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "forms_20241103.jsonl",
        [
            web_form("wf-1", name="王小明", phone="+86 138-0013-8000", email="XiaoMing.Wang@Example.com",
                     company="上海某某科技有限公司", city="上海", title="采购经理", message="要报价"),
            '{"submission_id": "wf-2", "fields": {"name": "李娜"',  # truncated
            '["not", "an", "object"]',
            json.dumps({"submitted_at": "2024-11-03T10:00:00+08:00", "fields": {"name": "无号"}}),
            "",
            web_form("wf-3", name=None, phone="１３９００１３９０００", wechat_id="abc"),
        ],
    )
    result = read_web_forms_file(path)
    assert [r["source_record_id"] for r in result.records] == ["wf-1", "wf-3"]
    first = result.records[0]
    assert (first["name"], first["phone"], first["email"]) == (
        "王小明", "+86 138-0013-8000", "XiaoMing.Wang@Example.com")
    assert (first["company"], first["city"], first["title"], first["note"]) == (
        "上海某某科技有限公司", "上海", "采购经理", "要报价")
    assert (first["channel"], first["form_id"], first["consent_marketing"]) == (
        "website", "expo-2024-signup", "true")
    assert first["created_at"] == "2024-11-03T09:41:07+08:00"
    assert json.loads(result.records[1]["attributes"]) == {"fields.wechat_id": "abc"}
    assert reasons(result) == ["invalid_json", "invalid_json", "missing_record_id"]
    assert result.quarantine[0]["raw"].startswith('{"submission_id": "wf-2"')
    assert all("line" in q["reason_detail"] for q in result.quarantine)


def test_web_forms_bom_crlf_and_non_utf8_line(tmp_path: Path) -> None:
    path = tmp_path / "f.jsonl"
    good = json.dumps(web_form("wf-9", name="张伟"), ensure_ascii=False)
    path.write_bytes(b"\xef\xbb\xbf" + good.encode() + b"\r\n" + "{\"x\": \"张\"}".encode("gbk") + b"\r\n")
    result = read_web_forms_file(path)
    assert [r["source_record_id"] for r in result.records] == ["wf-9"]
    assert reasons(result) == ["not_utf8"]


# --- WeCom ---------------------------------------------------------------------------------


WECHAT_ROWS = [
    WECHAT_HEADER + ["客户类型"],
    ["🌸小美🌸", "张总-华为", "wmAAA111", "男", "13800138001，13900139002", "华为", "展会认识", "VIP,展会",
     "李销售", "2024-11-01 10:00:00", "扫描二维码", "企业客户"],
    ["阳光", "张伟", "wmAAA111", "男", "138 0013 8001", "", "", "重点", "王销售", "2024-11-02 11:00:00",
     "名片分享", ""],
    ["Lily", "", "", "女", "", "", "", "", "王销售", "2024-11-02 11:00:00", "群聊", ""],
]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_wechat_export_rows_keep_ids_and_owners(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"wecom_export{suffix}"
    if suffix == ".csv":
        write_csv(path, WECHAT_ROWS, encoding="utf-8-sig")
    else:
        write_xlsx(path, {"客户列表": WECHAT_ROWS, "说明": [["这张表不读"]]})
    result = read_wechat_file(path)
    assert [r["source_record_id"] for r in result.records] == ["wmAAA111", "wmAAA111"]
    first = result.records[0]
    assert (first["name"], first["nickname"], first["phone"], first["owner"], first["channel"]) == (
        "张总-华为", "🌸小美🌸", "13800138001，13900139002", "李销售", "扫描二维码")
    assert first["created_at"] == "2024-11-01 10:00:00"
    assert json.loads(first["attributes"]) == {"客户类型": "企业客户"}
    assert reasons(result) == ["missing_record_id"]


def test_wechat_gbk_csv_without_bom(tmp_path: Path) -> None:
    rows = [WECHAT_HEADER, ["小美", "王芳", "wmB", "女", "13900139003", "", "", "", "赵", "", ""]]
    path = write_csv(tmp_path / "wecom_gbk.csv", rows, encoding="gbk")
    result = read_wechat_file(path)
    assert [(r["name"], r["source_record_id"]) for r in result.records] == [("王芳", "wmB")]


def test_wechat_without_id_column_is_quarantined_whole(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "wrong.csv", [["客户名称", "备注名"], ["a", "b"]])
    result = read_wechat_file(path)
    assert result.records == [] and reasons(result) == ["no_header_row"]


# --- spreadsheets -------------------------------------------------------------------


def test_spreadsheet_xlsx_every_sheet_title_rows_and_ids(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "2024工博会.xlsx",
        {
            "第一天": [
                ["2024上海工业博览会 客户登记表"],
                [],
                ["序号", "姓名", "ＭＯＢＩＬＥ", "E-mail", "单位", "职务", "备注"],
                [1, "張偉", 13800138002, "ZW@QQ.COM", "某某公司", "经理", None],
                [None, None, None, None, None, None, None],
                [2, "李娜女士", "139 0013 9000转123", None, None, None, "下周回访"],
            ],
            "第二天": [["contact", "Tel", "company"], ["Wang Xiaoming", "0086 13600136000", "Acme"]],
            "空白": [],
            "统计": [["总数", 3]],
        },
    )
    result = read_spreadsheet_file(path)
    ids = [r["source_record_id"] for r in result.records]
    assert ids == ["2024工博会.xlsx#第一天!4", "2024工博会.xlsx#第一天!6", "2024工博会.xlsx#第二天!2"]
    first = result.records[0]
    assert (first["name"], first["phone"], first["email"], first["company"], first["title"]) == (
        "張偉", "13800138002", "ZW@QQ.COM", "某某公司", "经理")
    assert json.loads(first["attributes"]) == {"序号": "1"}
    assert result.records[1]["note"] == "下周回访"
    # A sheet with content but no recognisable header is quarantined, the empty one is skipped.
    assert reasons(result) == ["no_header_row"]
    assert result.quarantine[0]["source_row"] == "统计"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_spreadsheet_csv_encodings(tmp_path: Path, encoding: str) -> None:
    rows = [["展会名单"], ["联系人", "手机号码", "公司名称", "城市"], ["欧阳娜", "13700137000", "深圳某某", "深圳"]]
    path = write_csv(tmp_path / "list.csv", rows, encoding=encoding)
    result = read_spreadsheet_file(path)
    assert [(r["source_record_id"], r["name"], r["city"]) for r in result.records] == [
        ("list.csv#csv!3", "欧阳娜", "深圳")]


# --- legacy ---------------------------------------------------------------------------------


def test_legacy_dump_gb18030_padding_codes_and_bad_lines(tmp_path: Path) -> None:
    path = write_legacy(
        tmp_path / "crm_dump_20241103.txt",
        [
            "C0001|張三    |1|19800101|13800138003  |010-62345678|zs@163.com |北京 |北京|海淀区中关村|"
            "11010519491231002X|2020-01-01 10:00:00|2024-10-01 10:00:00|A",
            "C0002|李四|2||||||||||",  # too few columns
            "C0003|王五|9|||(0755)8765 4321||广东|深圳|||2020-01-01 10:00:00|2020-01-01 10:00:00|D",
        ],
    )
    result = read_legacy_file(path)
    assert [r["source_record_id"] for r in result.records] == ["C0001", "C0003"]
    first = result.records[0]
    assert (first["name"], first["phone"], first["landline"], first["id_card"], first["status"]) == (
        "張三", "13800138003", "010-62345678", "11010519491231002X", "A")
    assert first["raw"].startswith("C0001|張三    |1")
    assert result.records[1]["status"] == "D"
    assert reasons(result) == ["wrong_column_count"]
    assert result.quarantine[0]["source_row"] == "3"


# --- a whole kind ---------------------------------------------------------------------------


def test_read_source_quarantines_bad_files_and_keeps_the_rest(sources: Path) -> None:
    write_xlsx(sources / "spreadsheets" / "good.xlsx", {"S": [["姓名", "手机"], ["张伟", "13800138004"]]})
    (sources / "spreadsheets" / "corrupt.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    (sources / "spreadsheets" / "empty.csv").write_bytes(b"")
    (sources / "spreadsheets" / "notes.docx").write_bytes(b"whatever")
    (sources / "spreadsheets" / "~$good.xlsx").write_bytes(b"office lock file")
    result = read_source(SPECS_BY_KIND["spreadsheets"], sources)
    assert [r["name"] for r in result.records] == ["张伟"]
    assert sorted((q["source_file"], q["reason"]) for q in result.quarantine) == [
        ("corrupt.xlsx", "unreadable_workbook"),
        ("empty.csv", "empty_file"),
        ("notes.docx", "unsupported_file_type"),
    ]


def test_repeated_ids_keep_the_newest_row(sources: Path) -> None:
    line = ("C9|赵六|1|||||||||2020-01-01 10:00:00|{upd}|A")
    write_legacy(sources / "legacy" / "dump_1.txt", [line.format(upd="2024-01-01 00:00:00")])
    write_legacy(sources / "legacy" / "dump_2.txt", [line.format(upd="2024-06-01 00:00:00")])
    result = read_source(SPECS_BY_KIND["legacy"], sources)
    assert [(r["source_file"], r["updated_at"]) for r in result.records] == [
        ("dump_2.txt", "2024-06-01 00:00:00")]
    assert [(q["source_file"], q["reason"]) for q in result.quarantine] == [
        ("dump_1.txt", "duplicate_record_id")]


def test_wechat_ids_may_repeat_across_files(sources: Path) -> None:
    for owner in ("甲", "乙"):
        write_csv(sources / "wechat" / f"{owner}.csv",
                  [WECHAT_HEADER, ["x", "张伟", "wmX", "", "", "", "", "", owner, "", ""]])
    result = read_source(SPECS_BY_KIND["wechat"], sources)
    assert sorted(r["owner"] for r in result.records) == ["乙", "甲"]
    assert result.quarantine == []


@pytest.mark.parametrize("kind", sorted(SPECS_BY_KIND))
def test_a_forked_process_parsing_half_the_files_reads_the_same(kind: str, tmp_path: Path) -> None:
    """``beside``: a second process parses about half of the bytes; the result, its
    order and what lands in the file cache are what one process gives."""
    from assets.sources.file_cache import FileReadCache

    sample = Path(__file__).resolve().parents[1] / "data" / "sources"
    spec = SPECS_BY_KIND[kind]
    alone = read_source(spec, sample)
    assert alone.records
    together = read_source(spec, sample, beside=True)
    assert together.records == alone.records and together.quarantine == alone.quarantine
    cache = FileReadCache(tmp_path / "cache")
    first = read_source(spec, sample, cache, beside=True)
    reused = FileReadCache(tmp_path / "cache")
    again = read_source(spec, sample, reused)
    assert first.records == again.records == alone.records
    assert reused.misses == 0 and reused.hits == len(list((sample / kind).iterdir()))
