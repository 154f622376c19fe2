"""Helpers for tests that run ``customer-master run`` as a separate process."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_SOURCES = PROJECT_ROOT / "data" / "sources"
RUN_TIMEOUT_S = 180

#: The store tables that are the result of a run, and the columns a publish stamps with its time.
RESULT_TABLES = ("golden_customer", "customer_xref", "quarantine")
TIME_COLUMNS = {"customer_xref": ["matched_at"], "quarantine": ["quarantined_at"]}
_RUN_LINE = re.compile(r"customer-master run ([0-9a-f-]{36}): (SUCCESS|FAILED)")


def cli_env(output_dir: Path, store_url: str, sources: Path = SAMPLE_SOURCES,
            dagster_home: Path | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DAGSTER_HOME", "CUSTOMER_STORE_URL", "CUSTOMER_SOURCES_DIR")}
    env.update(CUSTOMER_OUTPUT_DIR=str(output_dir), CUSTOMER_STORE_URL=store_url,
               CUSTOMER_SOURCES_DIR=str(sources), **extra)
    if dagster_home is not None:
        env["DAGSTER_HOME"] = str(dagster_home)
    return env


def start_run(env: dict[str, str]) -> subprocess.Popen:
    """``customer-master run --quiet`` in its own process (not waited for)."""
    return subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "run", "--quiet"], cwd=PROJECT_ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    return process.returncode, out, err


def run_id_of(stdout: str) -> str | None:
    found = _RUN_LINE.search(stdout)
    return found.group(1) if found else None


def describe(code: int, out: str, err: str) -> str:
    return f"exit {code}\n--- stdout\n{out[-3000:]}\n--- stderr\n{err[-3000:]}"


def result_tables(store_url: str) -> dict[str, pd.DataFrame]:
    """golden_customer, customer_xref and quarantine without publish times, sorted by key."""
    engine = sa.create_engine(store_url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            tables = {}
            for name in RESULT_TABLES:
                frame = pd.read_sql_table(name, conn).drop(columns=TIME_COLUMNS.get(name, []))
                columns = sorted(frame.columns)
                frame = frame[columns].astype(object).where(frame[columns].notna(), None)
                tables[name] = frame.sort_values(columns, key=lambda s: s.astype(str)).reset_index(drop=True)
            return tables
    finally:
        engine.dispose()


def last_publishing_run(store_url: str) -> str:
    """The run id of the publish that committed last (the newest crm_changes row's)."""
    engine = sa.create_engine(store_url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(
                "SELECT run_id FROM crm_changes ORDER BY change_id DESC LIMIT 1")).scalar_one()
    finally:
        engine.dispose()
