"""Hostile input: the run completes, every good record is published, every bad
record or file is quarantined with a specific reason and its raw content, and
the counts add up exactly."""

from collections import Counter

import dagster as dg
import pandas as pd
import pytest
import sqlalchemy as sa

from pipelines.automation import MAIN_JOB
from pipelines.definitions import defs
from tests.hostile_sources import SQL_NAME, Case, build


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("hostile")
    root = tmp / "sources"
    for kind in ("web_forms", "wechat", "spreadsheets", "legacy"):
        (root / kind).mkdir(parents=True)
    cases = build(root)
    url = f"sqlite:///{tmp / 'crm.sqlite'}"
    patch = pytest.MonkeyPatch()
    patch.setenv("CUSTOMER_SOURCES_DIR", str(root))
    patch.setenv("CUSTOMER_STORE_URL", url)
    (tmp / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp / "home")) as instance:
        result = defs.resolve_job_def(MAIN_JOB).execute_in_process(instance=instance, raise_on_error=False)
    patch.undo()
    engine = sa.create_engine(url)
    return {
        "cases": cases,
        "result": result,
        "xref": pd.read_sql_table("customer_xref", engine),
        "quarantine": pd.read_sql_table("quarantine", engine),
        "golden": pd.read_sql_table("golden_customer", engine),
    }


def test_the_run_completes_and_publishes(hostile) -> None:
    assert hostile["result"].success
    evaluations = hostile["result"].get_asset_check_evaluations()
    # Blocking (ERROR) checks pass; quality warnings about such a batch are expected.
    assert all(e.passed or e.severity == dg.AssetCheckSeverity.WARN for e in evaluations)
    assert hostile["result"].asset_materializations_for_node("crm_store")


def test_counts_add_up_exactly(hostile) -> None:
    cases: list[Case] = hostile["cases"]
    assert len(hostile["xref"]) == sum(len(c.accepted) for c in cases)
    assert len(hostile["quarantine"]) == sum(len(c.quarantined) for c in cases)


def test_each_hostile_file_ends_where_it_should(hostile) -> None:
    xref, quarantine = hostile["xref"], hostile["quarantine"]
    case: Case
    for case in hostile["cases"]:
        published = set(xref.loc[xref["source_system"] == case.source_system, "source_record_id"])
        assert case.accepted <= published, case.name
        files = {f for f, _ in case.quarantined}
        mine = quarantine[(quarantine["source_system"] == case.source_system)
                          & quarantine["source_file"].isin(files)]
        assert Counter(zip(mine["source_file"], mine["reason"])) == Counter(case.quarantined), case.name
        assert mine["raw"].notna().all(), case.name  # an empty file's raw content is ""
        assert mine["reason_detail"].str.len().gt(10).all(), case.name


def test_hostile_values_are_stored_as_plain_text(hostile) -> None:
    golden = hostile["golden"]
    # The SQL-looking name did nothing to the store: the tables are all there and counted.
    assert len(golden) > 0 and golden["customer_id"].is_unique
    names = " ".join(golden["name"].dropna())
    assert "Robert" in names
    assert SQL_NAME not in names  # punctuation is not part of a person's name


def test_oversized_fields_are_left_unparsed_and_noted(hostile) -> None:
    xref = hostile["xref"]
    golden = hostile["golden"].set_index("customer_id")
    customer = xref.loc[xref["source_record_id"] == "big_field.csv#csv!2", "customer_id"].iloc[0]
    assert golden.loc[customer, "name"] == "成昆"
    assert pd.isna(golden.loc[customer, "company"])
