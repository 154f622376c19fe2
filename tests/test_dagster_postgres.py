"""The Dagster instance on PostgreSQL (dagster.postgres.yaml), as the README describes it:
DAGSTER_HOME holds that file as dagster.yaml and the DAGSTER_PG_* variables say where.

Only the instance is on PostgreSQL here; the CRM store is a temp SQLite file.
"""

import shutil
import time
from pathlib import Path

import sqlalchemy as sa
import yaml

from tests import pg_server
from tests.cli_runs import PROJECT_ROOT, cli_env, describe, finish, run_id_of, start_run

INSTANCE_FILE = PROJECT_ROOT / "dagster.postgres.yaml"


def test_instance_file_is_valid_and_matches_the_default_concurrency():
    postgres = yaml.safe_load(INSTANCE_FILE.read_text())
    default = yaml.safe_load((PROJECT_ROOT / "dagster.yaml").read_text())
    assert postgres["concurrency"] == default["concurrency"]
    db = postgres["storage"]["postgres"]["postgres_db"]
    assert {k: v["env"] for k, v in db.items() if isinstance(v, dict)} == {
        "username": "DAGSTER_PG_USERNAME", "password": "DAGSTER_PG_PASSWORD",
        "hostname": "DAGSTER_PG_HOST", "db_name": "DAGSTER_PG_DB", "port": "DAGSTER_PG_PORT"}
    assert db["scheme"] == "postgresql+psycopg2"


def test_cli_run_is_recorded_in_a_postgres_instance(postgres_url, tmp_path: Path):
    instance_url = pg_server.fresh_database(postgres_url, "dagster_instance")
    parsed = sa.make_url(instance_url)
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(INSTANCE_FILE, home / "dagster.yaml")
    env = cli_env(tmp_path / "output", f"sqlite:///{tmp_path / 'store.sqlite'}", dagster_home=home,
                  DAGSTER_PG_USERNAME=parsed.username, DAGSTER_PG_PASSWORD="unused-trust-auth",
                  DAGSTER_PG_HOST=parsed.host, DAGSTER_PG_DB=parsed.database,
                  DAGSTER_PG_PORT=str(parsed.port))

    started = time.monotonic()
    code, out, err = finish(start_run(env))
    elapsed = time.monotonic() - started
    assert code == 0, describe(code, out, err)
    run_id = run_id_of(out)
    assert run_id, describe(code, out, err)
    print(f"customer-master run with the instance on PostgreSQL: {elapsed:.1f} s")

    # The home still holds the PostgreSQL instance file, and no SQLite run storage was made.
    assert (home / "dagster.yaml").read_bytes() == INSTANCE_FILE.read_bytes(), \
        "the instance file in DAGSTER_HOME was replaced"
    assert not list(home.rglob("*.db")), sorted(str(p) for p in home.rglob("*.db"))

    engine = sa.create_engine(instance_url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            runs = conn.execute(sa.text("SELECT run_id, status FROM runs")).all()
            assert [(r.run_id, r.status) for r in runs] == [(run_id, "SUCCESS")]
            events = dict(conn.execute(sa.text(
                "SELECT dagster_event_type, count(*) FROM event_logs WHERE run_id = :r "
                "GROUP BY dagster_event_type"), {"r": run_id}).all())
            assert events.get("PIPELINE_SUCCESS") == 1, events  # RUN_SUCCESS's stored name
            assert events.get("ASSET_MATERIALIZATION", 0) >= 10, events
            assert events.get("ASSET_CHECK_EVALUATION", 0) >= 1, events
            published = conn.execute(sa.text(
                "SELECT count(*) FROM event_logs WHERE run_id = :r AND asset_key LIKE :k "
                "AND dagster_event_type = 'ASSET_MATERIALIZATION'"),
                {"r": run_id, "k": '%"crm_store"%'}).scalar_one()
            assert published == 1
    finally:
        engine.dispose()
