"""The CRM export: what changed since the last export, JSON Lines and Excel-safe CSV."""

import csv
import io
import json
import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
import sqlalchemy as sa

from assets.export import _customers, export_changes
from assets.export_scan import customer_stream
from pipelines.automation import MAIN_JOB
from pipelines.definitions import defs
from validators.text import neutralise_formula

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sources"


@pytest.mark.parametrize("cell, safe", [
    ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-1+2", "'-1+2"), ("@SUM(A1)", "'@SUM(A1)"), ("+8613800138000", "'+8613800138000"),
    ("王小明", "王小明"), ("", ""), ("a=b", "a=b"),
])
def test_formula_cells_are_neutralised(cell: str, safe: str) -> None:
    assert neutralise_formula(cell) == safe


def exports(folder: Path) -> list[Path]:
    return sorted(folder.glob("crm_export_*")) if folder.exists() else []


def test_export_after_each_run_carries_only_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(SAMPLE, sources)
    held = sorted((sources / "web_forms").iterdir())[-1]
    held_bytes = held.read_bytes()
    held.unlink()
    url = f"sqlite:///{tmp_path / 'crm.sqlite'}"
    out = tmp_path / "out" / "exports"
    monkeypatch.setenv("CUSTOMER_SOURCES_DIR", str(sources))
    monkeypatch.setenv("CUSTOMER_STORE_URL", url)
    monkeypatch.setenv("CUSTOMER_OUTPUT_DIR", str(tmp_path / "out"))
    (tmp_path / "home").mkdir()
    job = defs.resolve_job_def(MAIN_JOB)
    with dg.instance_for_test(temp_dir=str(tmp_path / "home")) as instance:
        first = job.execute_in_process(instance=instance)
        [initial] = exports(out)
        lines = [json.loads(text) for text in (initial / "customers.jsonl").read_text(encoding="utf-8").splitlines()]
        golden = pd.read_sql_table("golden_customer", sa.create_engine(url))
        assert {line["customer_id"] for line in lines} == set(golden["customer_id"])
        assert {line["change_type"] for line in lines} == {"upsert"}
        assert all("grade" in line["customer"] and "channels" in line["customer"] for line in lines)
        assert sum("contact_points" in line["customer"] for line in lines) > 0.9 * len(lines)
        with sa.create_engine(url).connect() as conn:  # a large export reads the tables side by side
            ids = golden["customer_id"].tolist()
            assert dict(customer_stream(conn.connection, conn.dialect)) == _customers(conn, ids)
        raw_csv = (initial / "customers.csv").read_bytes()
        assert raw_csv.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(raw_csv.decode("utf-8-sig"))))
        assert len(rows) == len(lines)
        assert all(r["phone"].startswith("'+") for r in rows if r["phone"])

        job.execute_in_process(instance=instance)  # same input: nothing to export
        assert exports(out) == [initial]

        held.write_bytes(held_bytes)  # a new day of web forms arrives
        third = job.execute_in_process(instance=instance)
        assert third.success
        [_, latest] = exports(out)
        changes = [json.loads(text) for text in (latest / "customers.jsonl").read_text(encoding="utf-8").splitlines()]
        assert 0 < len(changes) < len(lines)
        golden_now = set(pd.read_sql_table("golden_customer", sa.create_engine(url))["customer_id"])
        for change in changes:
            if change["change_type"] == "upsert":
                assert change["customer_id"] in golden_now
            elif change["change_type"] == "merge":
                assert change["customer_id"] not in golden_now and change["merged_into"] in golden_now

    again = export_changes(sa.create_engine(url), tmp_path / "replay", since=first.run_id)
    assert again.changes == len(golden_now | {c["customer_id"] for c in changes})
    with pytest.raises(ValueError, match="neither a run id"):
        export_changes(sa.create_engine(url), tmp_path / "replay", since="not-a-run-or-time")


def test_a_large_export_writes_the_same_bytes_as_customer_by_customer_lookups(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above ``_SCAN_ABOVE`` customers the export reads every table side by side
    instead of looking customers up: straight to the files when the changes are
    in key order (a first export, as here), else through a spool; in one process
    or two. The files must not tell the difference."""
    import assets.export as export
    from assets import export_scan
    from assets.export_scan import in_key_order

    url = f"sqlite:///{tmp_path / 'crm.sqlite'}"
    monkeypatch.setenv("CUSTOMER_SOURCES_DIR", str(SAMPLE))
    monkeypatch.setenv("CUSTOMER_STORE_URL", url)
    monkeypatch.setenv("CUSTOMER_OUTPUT_DIR", str(tmp_path / "out"))
    (tmp_path / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "home")) as instance:
        run = defs.resolve_job_def(MAIN_JOB).execute_in_process(instance=instance)
    engine = sa.create_engine(url)
    written = {}
    streamed = []

    def stream_export(*args, **kwargs) -> None:
        streamed.append(1)
        export_scan.stream_export(*args, **kwargs)

    monkeypatch.setattr(export, "stream_export", stream_export)
    cases = (("lookups", 10**9, False, True), ("scan", 0, False, True), ("two", 0, True, True),
             ("spooled", 0, False, False), ("spooled two", 0, True, False))
    for name, threshold, beside, ordered in cases:
        monkeypatch.setattr(export, "_SCAN_ABOVE", threshold)
        monkeypatch.setattr(export, "in_key_order", in_key_order if ordered else lambda changes: False)
        result = export_changes(engine, tmp_path / name, since=run.run_id, beside=beside)
        written[name] = [(result.folder / f).read_bytes() for f in ("customers.jsonl", "customers.csv")]
        assert sorted(p.name for p in result.folder.iterdir()) == ["customers.csv", "customers.jsonl"]
    assert len(streamed) == 2  # "scan" and "two"
    for name in ("scan", "two", "spooled", "spooled two"):  # "two": each process half the customers
        assert written[name] == written["lookups"], name
    assert written["scan"][0].count(b"\n") > 100


def test_only_upserts_in_ascending_customer_order_are_streamed() -> None:
    from types import SimpleNamespace

    from assets.export_scan import in_key_order

    def changes(*pairs: tuple[str, object]) -> list:
        return [SimpleNamespace(change_type=t, customer_id=c) for t, c in pairs]

    assert in_key_order(changes(("upsert", "CM-1"), ("upsert", "CM-2"), ("upsert", "CM-a")))
    assert not in_key_order(changes(("upsert", "CM-2"), ("upsert", "CM-1")))
    assert not in_key_order(changes(("upsert", "CM-1"), ("merge", "CM-2")))
    assert not in_key_order(changes(("upsert", "CM-1"), ("upsert", "CM-1")))
    assert not in_key_order(changes(("upsert", None), ("upsert", "CM-1")))
