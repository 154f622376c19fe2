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
import numpy as np
import pandas as pd
import pytest
from distributed import LocalCluster

from assets.compute import ComputeEngine
from matching.contacts import ContactMatchSettings, block_contacts, prepare_contacts
from matching.engine_steps import compare
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
    assert {"in_process", "compare"} <= ran  # the work really went to the cluster
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


def test_pair_comparison_in_chunks_is_the_whole(cluster: LocalCluster) -> None:
    contacts = _sample_contacts()
    settings = ContactMatchSettings()
    prepared = prepare_contacts(contacts, settings)
    pairs = block_contacts(contacts, settings).pairs
    left, right = pairs["left"].to_numpy(), pairs["right"].to_numpy()
    assert len(left) > 100
    compute = ComputeEngine(engine="dask", scheduler=cluster.scheduler_address, partition_size=37)
    try:
        codes, rows = compute.pair_comparer(compare)(prepared, left, right)
    finally:
        compute.teardown_after_execution(None)
    whole_codes, whole_rows = compare(prepared, left, right)
    np.testing.assert_array_equal(codes, whole_codes)
    assert len(rows) == len(whole_rows)
    for part, whole in zip(rows, whole_rows):
        np.testing.assert_array_equal(part, whole)


def _sample_contacts() -> pd.DataFrame:
    from assets.sources import SOURCE_SPECS, read_source
    from validators.standardise import standardise_contacts

    raw = pd.concat([read_source(spec, SAMPLE).records_frame() for spec in SOURCE_SPECS],
                    ignore_index=True)
    return standardise_contacts(raw).contacts


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown compute engine"):
        ComputeEngine(engine="spark").resolved_engine()


def test_steps_halve_their_work_locally_only_on_the_pandas_engine() -> None:
    """A forked half would bypass the cluster (the standardiser's normalisers run there)."""
    assert ComputeEngine(engine="pandas", local_workers=1).beside()
    assert not ComputeEngine(engine="pandas", local_workers=0).beside()
    assert not ComputeEngine(engine="dask", local_workers=1).beside()
