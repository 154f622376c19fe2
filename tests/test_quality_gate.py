"""The quality gate: a batch that breaks a blocking expectation never reaches the
CRM store; a clean one does, with its scorecard recorded and reported."""

import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
import sqlalchemy as sa

from pipelines.automation import MAIN_JOB
from pipelines.definitions import defs

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sources"


def run(instance, monkeypatch, sources: Path, url: str, tmp: Path, run_config=None):
    monkeypatch.setenv("CUSTOMER_SOURCES_DIR", str(sources))
    monkeypatch.setenv("CUSTOMER_STORE_URL", url)
    monkeypatch.setenv("CUSTOMER_OUTPUT_DIR", str(tmp / "out"))
    return defs.resolve_job_def(MAIN_JOB).execute_in_process(
        instance=instance, run_config=run_config or {}, raise_on_error=False)


def check(result, name: str):
    return next(e for e in result.get_asset_check_evaluations() if e.check_name == name)


def test_a_blocking_expectation_stops_publish_and_leaves_the_store_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(SAMPLE, sources)
    database = tmp_path / "crm.sqlite"
    url = f"sqlite:///{database}"
    (tmp_path / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "home")) as instance:
        clean = run(instance, monkeypatch, sources, url, tmp_path)
        assert clean.success
        assert all(e.passed or e.check_name == "review_queue_empty" for e in clean.get_asset_check_evaluations())
        before = database.read_bytes()

        # New input arrives, and this deployment expects far more customers per
        # record than the batch has: the customers-per-record ratio is a blocking rule.
        extra = sorted((sources / "web_forms").iterdir())[0]
        (sources / "web_forms" / "forms_late.jsonl").write_text(
            extra.read_text(encoding="utf-8").replace('"wf-', '"late-wf-'), encoding="utf-8")
        strict = {"resources": {"quality": {"config": {"min_customers_per_record": 0.95}}}}
        blocked = run(instance, monkeypatch, sources, url, tmp_path, strict)

    gate = check(blocked, "crm_batch_expectations")
    assert not gate.passed and gate.severity == dg.AssetCheckSeverity.ERROR
    assert gate.metadata["failed_errors"].value >= 1
    assert "customers_per_record" in gate.metadata["results"].value
    assert not blocked.asset_materializations_for_node("crm_store")  # publish never ran
    assert database.read_bytes() == before


def test_a_clean_batch_records_its_scorecard_and_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'crm.sqlite'}"
    (tmp_path / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "home")) as instance:
        first = run(instance, monkeypatch, SAMPLE, url, tmp_path)
        second = run(instance, monkeypatch, SAMPLE, url, tmp_path)
    assert first.success and second.success
    metrics = pd.read_sql_table("quality_metric", sa.create_engine(url))
    assert set(metrics["run_id"]) == {first.run_id, second.run_id}
    assert not metrics.duplicated(["run_id", "source_system", "metric"]).any()
    assert {"web_forms", "wechat", "spreadsheets", "legacy", "ALL"} <= set(metrics["source_system"])
    rate = metrics.query("run_id == @first.run_id and source_system == 'ALL' and metric == 'quarantine_rate'")
    quarantined = pd.read_sql_table("quarantine", sa.create_engine(url))
    read = quarantined.shape[0] + pd.read_sql_table("customer_xref", sa.create_engine(url)).shape[0]
    assert rate["value"].iloc[0] == pytest.approx(len(quarantined) / read)

    report = tmp_path / "out" / "reports" / first.run_id / "quality_report.html"
    html = report.read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "customers_per_record" in html
    validation = first.asset_materializations_for_node("quality_validation")[0]
    assert validation.metadata["report_path"].value == str(report.resolve())
    scorecard = first.asset_materializations_for_node("quality_scorecard")[0]
    assert scorecard.metadata["chart"].value.startswith("![quality scorecard](data:image/png;base64,")
