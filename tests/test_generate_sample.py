"""The synthetic sample generator: deterministic, and its truth matches the files it writes."""
from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

GENERATOR = Path(__file__).resolve().parents[1] / "data" / "generate_sample.py"
LEGACY_HEADER = ("CUST_ID|CUST_NAME|GENDER_CD|BIRTH_DT|MOBILE_NO|TEL_NO|EMAIL_ADDR|PROV_NM|"
                 "CITY_NM|ADDR|ID_CARD_NO|CRT_TS|UPD_TS|STATUS_CD")
PEOPLE, SEED = 60, 7


def _load_generator():
    spec = importlib.util.spec_from_file_location("generate_sample_under_test", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    gen = _load_generator()
    root = tmp_path_factory.mktemp("sample")
    truth = gen.generate(root / "a", PEOPLE, SEED)
    again = gen.generate(root / "b", PEOPLE, SEED)
    return gen, root, truth, again


def _rows(truth, name):
    return truth[truth["source_file"] == name].sort_values("source_line")


def test_two_runs_are_byte_identical(sample):
    _, root, truth, again = sample
    first, second = _digests(root / "a"), _digests(root / "b")
    assert first == second
    assert {Path(p).parts[0] for p in first} == {"web_forms", "wechat", "spreadsheets", "legacy"}
    assert any(p.endswith(".xlsx") for p in first) and any(p.endswith(".csv") for p in first)
    pd.testing.assert_frame_equal(truth, again)


def test_truth_shape(sample):
    gen, _, truth, _ = sample
    assert tuple(truth.columns) == gen.TRUTH_COLUMNS
    assert set(truth["source_system"]) == {"web_forms", "wechat", "spreadsheets", "legacy"}
    codes = {"accepted"} | {f"quarantine:{c}" for c in (
        "invalid_json", "missing_record_id", "wrong_column_count", "no_contact_details",
        "deleted_in_source")}
    assert set(truth["expected"]) <= codes
    assert len(set(truth["person_id"]) - {""}) == PEOPLE  # everybody is written at least once
    # an accepted row always has a source record id and a true person
    accepted = truth[truth["expected"] == "accepted"]
    assert (accepted["source_record_id"] != "").all() and (accepted["person_id"] != "").all()


def test_web_forms_lines_match_truth(sample):
    _, root, truth, _ = sample
    files = sorted((root / "a" / "web_forms").glob("*.jsonl"))
    total = 0
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        rows = _rows(truth, path.name)
        assert list(rows["source_line"]) == list(range(1, len(lines) + 1))
        for line, (_, row) in zip(lines, rows.iterrows(), strict=True):
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                record = None
            if not isinstance(record, dict):
                assert row["expected"] == "quarantine:invalid_json"
            elif "submission_id" not in record:
                assert row["expected"] == "quarantine:missing_record_id"
            else:
                assert record["submission_id"] == row["source_record_id"]
                assert record["submitted_at"].endswith("+08:00")
        total += len(lines)
    assert total == (truth["source_system"] == "web_forms").sum()


def test_wechat_files(sample):
    _, root, truth, _ = sample
    for path in sorted((root / "a" / "wechat").iterdir()):
        if path.suffix == ".csv":
            assert path.read_bytes().startswith(b"\xef\xbb\xbf")
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        else:
            frame = pd.read_excel(path, dtype=str).fillna("")
        assert list(frame.columns[:3]) == ["客户名称", "备注名", "外部联系人ID"]
        rows = _rows(truth, path.name)
        assert list(rows["source_record_id"]) == list(frame["外部联系人ID"])
        assert list(rows["source_line"]) == list(range(2, len(frame) + 2))
    owners = truth[truth["source_system"] == "wechat"].groupby("source_record_id")["person_id"]
    assert (owners.nunique() == 1).all()


def test_legacy_files(sample):
    _, root, truth, _ = sample
    for path in sorted((root / "a" / "legacy").iterdir()):
        lines = path.read_bytes().decode("gb18030").splitlines()
        assert lines[0] == LEGACY_HEADER
        rows = _rows(truth, path.name)
        assert len(rows) == len(lines) - 1
        for line, (_, row) in zip(lines[1:], rows.iterrows(), strict=True):
            values = [v.strip() for v in line.split("|")]
            assert values[0] == row["source_record_id"]
            if len(values) != 14:
                assert row["expected"] == "quarantine:wrong_column_count"
            else:
                assert (values[13] == "D") == (row["expected"] == "quarantine:deleted_in_source")


def _sheet_rows(path: Path) -> dict[str, list[list]]:
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book}
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return {"csv": list(csv.reader(io.StringIO(raw.decode(encoding))))}
        except UnicodeDecodeError:
            continue
    raise AssertionError(f"{path} is neither UTF-8 nor GB18030")


def test_spreadsheet_ids_point_at_their_rows(sample):
    _, root, truth, _ = sample
    expected = truth[truth["source_system"] == "spreadsheets"].set_index("source_record_id")
    seen = set()
    for path in sorted((root / "a" / "spreadsheets").iterdir()):
        for sheet, rows in _sheet_rows(path).items():
            header_at = next(i for i, r in enumerate(rows)
                             if sum(c not in (None, "") for c in r) > 3)
            for number, row in enumerate(rows[header_at + 1:], start=header_at + 2):
                record_id = f"{path.name}#{sheet}!{number}"
                if all(c in (None, "") for c in row):
                    assert record_id not in expected.index  # an empty row is no record
                    continue
                seen.add(record_id)
                has_contact = any(c not in (None, "") for c in row[:3])  # name, phone, email
                assert has_contact == (expected.loc[record_id, "expected"] == "accepted")
    assert seen == set(expected.index)
