"""The Dagster definitions a data engineer schedules and monitors, and the packaging around them."""

import json
import shutil
import tomllib
from pathlib import Path

import dagster as dg
import pandas as pd

import matching
import validators
from assets.checks import _schema_result
from assets.resources import SourcesFolder
from pipelines.automation import daily_schedule, new_source_files_sensor
from pipelines.definitions import defs
from validators.schemas import StandardContact

PROJECT = Path(__file__).resolve().parents[1]


def test_validators_and_matching_are_this_projects_packages() -> None:
    # Both names are also PyPI packages; the imported ones must be ours.
    assert Path(validators.__file__).resolve().parent == PROJECT / "validators"
    assert Path(matching.__file__).resolve().parent == PROJECT / "matching"


def test_pyproject_names_the_entry_points() -> None:
    pyproject = tomllib.loads((PROJECT / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == "customer-master"
    assert pyproject["project"]["scripts"]["customer-master"] == "pipelines.cli:main"
    assert pyproject["tool"]["dagster"]["module_name"] == "pipelines.definitions"
    assert "dev" in pyproject["project"]["optional-dependencies"]


def test_definitions_load_with_job_schedule_sensor_and_checks() -> None:
    dg.Definitions.validate_loadable(defs)
    job = defs.resolve_job_def("customer_master_job")
    assert len(job.asset_layer.executable_asset_keys) == 17
    assert defs.resolve_job_def("review_decisions").name == "review_decisions"
    assert daily_schedule.cron_schedule == "0 2 * * *"
    assert daily_schedule.execution_timezone == "Asia/Shanghai"
    checks = {key.name for key in defs.resolve_asset_graph().asset_check_keys}
    assert checks == {"standardised_contacts_schema", "golden_customers_schema", "every_record_accounted_for",
                      "quarantined_records_schema", "contact_clusters_schema",
                      "standardised_contacts_expectations", "crm_batch_expectations",
                      "review_queue_empty"}


def _evaluate(cursor: str | None, root: Path):
    with dg.build_sensor_context(cursor=cursor, resources={"sources": SourcesFolder(path=str(root))}) as ctx:
        result = new_source_files_sensor(ctx)
        return result, ctx.cursor


def test_sensor_starts_a_run_only_when_a_source_file_changes(tmp_path: Path) -> None:
    root = tmp_path / "sources"
    shutil.copytree(PROJECT / "data" / "sources", root)
    first, cursor = _evaluate(None, root)
    assert isinstance(first, dg.RunRequest)
    again, cursor = _evaluate(cursor, root)
    assert isinstance(again, dg.SkipReason)
    # Touching a file without changing it starts nothing; new content does.
    legacy = next((root / "legacy").iterdir())
    legacy.write_bytes(legacy.read_bytes())
    touched, cursor = _evaluate(cursor, root)
    assert isinstance(touched, dg.SkipReason)
    (root / "web_forms" / "forms_new.jsonl").write_text('{"submission_id": "x"}\n')
    added, cursor = _evaluate(cursor, root)
    assert isinstance(added, dg.RunRequest) and added.run_key != first.run_key
    assert added.tags["customer_master/changed_files"] == "1"
    assert "web_forms/forms_new.jsonl" in json.loads(cursor)


def test_a_schema_failure_is_reported_without_the_offending_values() -> None:
    frame = pd.DataFrame({"record_key": ["x:1"], "phone": ["+8613912345670"]})
    result = _schema_result(StandardContact, frame)
    assert result.passed is False
    text = json.dumps({k: str(v.value) for k, v in result.metadata.items()}, ensure_ascii=False)
    assert "column_in_schema" in text or "column_in_dataframe" in text
    assert "13912345670" not in text
