"""Daily runs on growing and changing exports end where one full run ends, keep
the ids of customers that stay the same, and parse only files that changed."""

import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
import sqlalchemy as sa

from pipelines.automation import MAIN_JOB
from pipelines.definitions import defs
from tests.storecontent import content

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sources"
HEADER_STATUS, HEADER_UPDATED, HEADER_CITY = 13, 12, 8


def edit_legacy(path: Path) -> tuple[str, str]:
    """In the old CRM's next dump one customer moved city (UPD_TS changes) and
    another was deleted (STATUS_CD=D). Returns their CUST_IDs."""
    lines = path.read_bytes().decode("gb18030").split("\n")
    active = [i for i, line in enumerate(lines[1:], start=1)
              if line.count("|") == 13 and line.split("|")[HEADER_STATUS].strip() == "A"]
    moved, deleted = active[0], active[1]
    cells = lines[moved].split("|")
    cells[HEADER_CITY], cells[HEADER_UPDATED] = "苏州", "2024-11-20 09:00:00"
    lines[moved] = "|".join(cells)
    cells = lines[deleted].split("|")
    cells[HEADER_STATUS], cells[HEADER_UPDATED] = "D", "2024-11-20 09:00:00"
    lines[deleted] = "|".join(cells)
    path.write_bytes("\n".join(lines).encode("gb18030"))
    return lines[moved].split("|")[0].strip(), lines[deleted].split("|")[0].strip()


def test_n_incremental_runs_equal_one_full_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(SAMPLE, sources)
    web = sorted((sources / "web_forms").iterdir())
    legacy = sorted((sources / "legacy").iterdir())
    later = {p: p.read_bytes() for p in [*web[-3:], legacy[-1]]}
    for path in later:
        path.unlink()
    url = f"sqlite:///{tmp_path / 'crm.sqlite'}"
    monkeypatch.setenv("CUSTOMER_SOURCES_DIR", str(sources))
    monkeypatch.setenv("CUSTOMER_OUTPUT_DIR", str(tmp_path / "out"))
    monkeypatch.setenv("CUSTOMER_STORE_URL", url)
    engine = sa.create_engine(url)
    job = defs.resolve_job_def(MAIN_JOB)
    (tmp_path / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "home")) as instance:
        assert job.execute_in_process(instance=instance).success  # day 1
        day1 = pd.read_sql_table("customer_xref", engine)

        for path in list(later)[:2]:  # day 2: two more days of web forms
            path.write_bytes(later[path])
        day2 = job.execute_in_process(instance=instance)
        assert day2.success
        parsed = day2.asset_materializations_for_node("raw_web_forms_contacts")[0].metadata
        assert parsed["files_parsed"].value == 2
        assert parsed["files_unchanged_not_parsed"].value == len(web) - 3

        for path in list(later)[2:]:  # day 3: the last web forms, the other legacy dump ...
            path.write_bytes(later[path])
        moved, deleted = edit_legacy(legacy[0])  # ... and a changed nightly dump
        assert job.execute_in_process(instance=instance).success

        clean_url = f"sqlite:///{tmp_path / 'clean.sqlite'}"
        monkeypatch.setenv("CUSTOMER_STORE_URL", clean_url)
        monkeypatch.setenv("CUSTOMER_OUTPUT_DIR", str(tmp_path / "clean_out"))
        assert job.execute_in_process(instance=instance).success

    assert content(url) == content(clean_url)

    xref = pd.read_sql_table("customer_xref", engine)
    quarantine = pd.read_sql_table("quarantine", engine)
    assert deleted not in set(xref.loc[xref["source_system"] == "legacy", "source_record_id"])
    assert ((quarantine["source_record_id"] == deleted) & (quarantine["reason"] == "deleted_in_source")).any()
    golden = pd.read_sql_table("golden_customer", engine).set_index("customer_id")
    mover = xref.loc[(xref["source_system"] == "legacy") & (xref["source_record_id"] == moved), "customer_id"]
    assert golden.loc[mover.iloc[0], "city"] == "苏州市"
    # A day-1 customer whose records are still exactly one customer keeps its id.
    now = xref.merge(day1, on=["source_system", "source_record_id"], suffixes=("", "_day1"))
    together = now.groupby("customer_id_day1")["customer_id"].nunique() == 1
    same = now[now["customer_id_day1"].isin(together[together].index)]
    joined_others = same.groupby("customer_id")["customer_id_day1"].nunique() > 1
    stayed = same[~same["customer_id"].isin(joined_others[joined_others].index)]
    assert len(stayed) > 0 and (stayed["customer_id"] == stayed["customer_id_day1"]).all()
