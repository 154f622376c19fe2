"""engine: dask gives exactly what the default in-process engine gives.

The heavy stages (normalising distinct values, comparing candidate pairs) run
as tasks on a small in-process ``LocalCluster``; partitions are made tiny so
that the sample data really is split over many tasks.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
from distributed import LocalCluster

from assets.compute import ComputeEngine
from matching.compare import compare_pairs
from matching.settings import MatchSettings
from pipelines.automation import MAIN_JOB
from pipelines.definitions import defs
from validators.distinct import map_unique
from validators.phones import parse_phone

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sources"
COMPARED = ("standardised_contacts", "scored_pairs", "contact_clusters", "golden_customers")


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                      dashboard_address=None) as local:
        yield local


def _run(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch,
         compute: dict | None = None) -> dict[str, pd.DataFrame]:
    work = tmp_path / name
    monkeypatch.setenv("CUSTOMER_SOURCES_DIR", str(tmp_path / "sources"))
    monkeypatch.setenv("CUSTOMER_STORE_URL", f"sqlite:///{work / 'crm.sqlite'}")
    monkeypatch.setenv("CUSTOMER_OUTPUT_DIR", str(work / "out"))
    monkeypatch.delenv("CUSTOMER_ENGINE", raising=False)
    run_config = {"resources": {"compute": {"config": compute}}} if compute else None
    (work / "home").mkdir(parents=True)
    with dg.instance_for_test(temp_dir=str(work / "home")) as instance:
        result = defs.resolve_job_def(MAIN_JOB).execute_in_process(
            instance=instance, run_config=run_config)
        assert result.success
        return {asset: result.asset_value(asset) for asset in COMPARED}


def test_pipeline_on_dask_gives_the_same_clusters_and_golden_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cluster: LocalCluster
) -> None:
    shutil.copytree(SAMPLE, tmp_path / "sources")
    default = _run(tmp_path, "pandas", monkeypatch)
    prefixes_before = set(cluster.scheduler.task_prefixes)
    on_dask = _run(tmp_path, "dask", monkeypatch, {
        "engine": "dask", "scheduler": cluster.scheduler_address, "partition_size": 40})
    ran = set(cluster.scheduler.task_prefixes) - prefixes_before
    assert {"in_process", "compare_pairs"} <= ran  # the work really went to the cluster
    assert len(default["golden_customers"]) > 100
    for asset in COMPARED:
        pd.testing.assert_frame_equal(on_dask[asset], default[asset], obj=asset)


def test_distinct_values_mapped_on_the_cluster_keep_order(cluster: LocalCluster) -> None:
    compute = ComputeEngine(engine="dask", scheduler=cluster.scheduler_address, partition_size=3)
    raw = pd.Series(["13800138000", None, "+86 139 1234 5678", "０２１-６２３４５６７８", "bad",
                     "+86 139 1234 5678", float("nan"), "13912345679", "010-62345678"])
    try:
        on_dask = map_unique(raw, parse_phone, compute.distinct_mapper())
    finally:
        compute.teardown_after_execution(None)
    assert on_dask == map_unique(raw, parse_phone)


def test_pair_chunks_concatenate_to_the_whole(cluster: LocalCluster) -> None:
    contacts = pd.DataFrame({
        "name": ["王小明", "王晓明", "李娜", "Li Na", "张伟"],
        "name_key": ["王小明", "王晓明", "李娜", None, "张伟"],
        "name_pinyin": ["wang xiao ming", "wang xiao ming", "li na", "li na", "zhang wei"],
        "name_script": ["han", "han", "han", "latin", "han"],
        "family_name": ["王", "王", "李", None, "张"],
        "phones": ["+8613912345678", "+8613912345678", None, "+8613812345679", None],
        "email": [None, None, "lina@qq.com", "lina@qq.com", None],
        "id_card": [None] * 5, "id_card_valid": [False] * 5,
        "birth_date": [None] * 5, "gender": ["M", "M", "F", None, None],
        "company_key": ["华为", "华为技术", None, None, "腾讯"], "city": ["深圳"] * 5,
    })
    pairs = pd.DataFrame({"left": [0, 0, 1, 2, 2, 3], "right": [1, 4, 4, 3, 4, 4]})
    compute = ComputeEngine(engine="dask", scheduler=cluster.scheduler_address, partition_size=2)
    try:
        chunked = compute.map_pair_chunks(compare_pairs, contacts, pairs, MatchSettings())
    finally:
        compute.teardown_after_execution(None)
    pd.testing.assert_frame_equal(chunked, compare_pairs(contacts, pairs, MatchSettings()))


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown compute engine"):
        ComputeEngine(engine="spark").resolved_engine()
