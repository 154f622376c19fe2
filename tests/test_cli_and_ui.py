"""What a new user does: `customer-master run`, then look at the run in the Dagster UI."""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from tests.webui import free_port, graphql

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("cli")
    env = {**os.environ, "DAGSTER_HOME": str(tmp / "home"), "CUSTOMER_OUTPUT_DIR": str(tmp / "out")}
    env.pop("CUSTOMER_STORE_URL", None)
    env.pop("CUSTOMER_SOURCES_DIR", None)
    (tmp / "home").mkdir()
    completed = subprocess.run(
        [str(BIN / "customer-master"), "run"], cwd=tmp, env=env, capture_output=True, text=True,
        timeout=300,
    )
    return {"tmp": tmp, "env": env, "completed": completed}


def test_run_command_publishes_the_sample_and_prints_a_summary(cli_run: dict) -> None:
    completed = cli_run["completed"]
    assert completed.returncode == 0, completed.stderr[-3000:]
    out = completed.stdout
    assert ": SUCCESS" in out
    for label in ("source rows read", "records accepted", "records quarantined", "golden customers",
                  "records merged into another"):
        assert label in out
    # The default store: a SQLite file in the output folder.
    assert (cli_run["tmp"] / "out" / "crm_store.sqlite").stat().st_size > 0
    # The instance home gets the project's instance settings.
    assert (cli_run["tmp"] / "home" / "dagster.yaml").read_text() == (PROJECT / "dagster.yaml").read_text()


def test_run_command_fails_clearly_on_a_store_it_cannot_open(tmp_path: Path) -> None:
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    (tmp_path / "a_file").write_text("not a folder")
    completed = subprocess.run(
        [str(BIN / "customer-master"), "run", "--quiet", "--store", f"sqlite:///{tmp_path}/a_file/y.db"],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 1
    assert "FAILED" in completed.stdout






def test_dagster_webserver_shows_the_graph_the_run_and_its_metadata(cli_run: dict) -> None:
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "dagster-webserver"), "-m", "pipelines.definitions", "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT, env=cli_run["env"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(server.stderr.read().decode()[-3000:]) from None
                time.sleep(0.5)
        nodes = graphql(port, "{ assetNodes { assetKey { path } groupName } }")["assetNodes"]
        keys = {n["assetKey"]["path"][0] for n in nodes}
        assert keys == {
            "raw_web_forms_contacts", "raw_wechat_contacts", "raw_spreadsheets_contacts",
            "raw_legacy_contacts", "standardised_contacts", "quarantined_records", "candidate_pairs",
            "scored_pairs", "contact_clusters", "golden_customers", "customer_profiles", "quality_scorecard",
            "quality_validation", "crm_store", "crm_export", "merge_review_queue", "customer_links",
        }
        runs = graphql(port, "{ runsOrError { ... on Runs { results { jobName status } } } }")
        assert {"jobName": "customer_master_job", "status": "SUCCESS"} in runs["runsOrError"]["results"]
        asset = graphql(
            port,
            '{ assetOrError(assetKey: {path: ["contact_clusters"]}) { ... on Asset {'
            " assetMaterializations(limit: 1) { metadataEntries { label"
            " ... on IntMetadataEntry { intValue } } } } } }",
        )
        entries = asset["assetOrError"]["assetMaterializations"][0]["metadataEntries"]
        values = {e["label"]: e.get("intValue") for e in entries}
        assert values["customers"] > 0 and "cluster_sizes" in values
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_explain_shows_a_customer_masked_by_default(cli_run: dict) -> None:
    import sqlalchemy as sa

    store = cli_run["tmp"] / "out" / "crm_store.sqlite"
    with sa.create_engine(f"sqlite:///{store}").connect() as conn:
        customer, phone = conn.execute(sa.text(
            "SELECT customer_id, phone FROM golden_customer WHERE phone IS NOT NULL AND source_count > 1 "
            "ORDER BY customer_id LIMIT 1")).one()
    command = [str(BIN / "customer-master"), "explain", customer, "--store", f"sqlite:///{store}"]
    masked = subprocess.run(command, env=cli_run["env"], capture_output=True, text=True, timeout=120)
    assert masked.returncode == 0, masked.stderr
    for section in ("Source records:", "Contact points:", "Channels:", "Owners", "Tags:",
                    "Marketing consent:", "Grade:", "←"):
        assert section in masked.stdout
    assert phone not in masked.stdout and phone[3:] not in masked.stdout
    unmasked = subprocess.run([*command, "--unmask"], env=cli_run["env"], capture_output=True, text=True,
                              timeout=120)
    assert phone in unmasked.stdout
    missing = subprocess.run([str(BIN / "customer-master"), "explain", "CM-NOSUCHCUSTOMER", "--store",
                              f"sqlite:///{store}"], env=cli_run["env"], capture_output=True, text=True)
    assert missing.returncode == 1 and "no customer" in missing.stdout


_MULTIPROCESS_RUN = """
import dagster as dg
from pipelines.run import main_job
if __name__ == "__main__":
    with dg.execute_job(dg.reconstructable(main_job), instance=dg.DagsterInstance.get(),
                        run_config={"execution": {"config": {"multiprocess": {"max_concurrent": 2}}}},
                        raise_on_error=False) as result:
        raise SystemExit(0 if result.success else 1)
"""


def test_a_run_with_every_step_in_its_own_process_publishes_what_the_cli_run_did(
        cli_run: dict, tmp_path: Path) -> None:
    """How the UI launches the main job: Dagster's multiprocess executor, each step in
    a process of its own, where steps still hand halves of their work to a forked
    process (``ComputeEngine.beside``). The store must hold what the in-process run's holds."""
    from tests.cli_runs import result_tables

    (tmp_path / "home").mkdir()
    env = {**cli_run["env"], "DAGSTER_HOME": str(tmp_path / "home"), "CUSTOMER_OUTPUT_DIR": str(tmp_path / "out")}
    script = tmp_path / "multiprocess_run.py"
    script.write_text(_MULTIPROCESS_RUN)
    completed = subprocess.run([sys.executable, str(script)], cwd=PROJECT, env=env, capture_output=True,
                               text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    ours = result_tables(f"sqlite:///{tmp_path / 'out' / 'crm_store.sqlite'}")
    theirs = result_tables(f"sqlite:///{cli_run['tmp'] / 'out' / 'crm_store.sqlite'}")
    for name, frame in theirs.items():
        pd.testing.assert_frame_equal(ours[name], frame, obj=name)
    assert len(ours["customer_xref"]) > 100
