"""How the benchmark runs this project's engine, and reads back what it wrote.

Two ways, both started by the harness as their own measured process:

- ``customer-master match INPUT.csv [--link OTHER.csv] --id-column COL
  --field COL=KIND ... --out clusters.csv`` (the general matching engine) for the
  FEBRL sets. Until the ``match`` sub-command is wired into the command line, the
  harness calls ``pipelines.match_command`` directly (``add_match_parser`` +
  ``run_match``); until that module exists, our FEBRL rows say "not available".
- ``customer-master run --sources DIR --store sqlite:///…`` (the whole Dagster
  pipeline: read, standardise, match, golden records, checks, publish) for the
  Chinese set, with ``DAGSTER_HOME`` and ``CUSTOMER_OUTPUT_DIR`` in the run's
  work folder; the clusters are the store's ``customer_xref``.

    python benchmarks/ours_runner.py step-times --dagster-home DIR
prints the seconds of each step of the latest run in that Dagster instance (the
report uses it to show how much of the pipeline's time is matching).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MATCH_MODULE = PROJECT_ROOT / "pipelines" / "match_command.py"
MATCH_STEPS = ("candidate_pairs", "scored_pairs", "contact_clusters")

# Used only while ``match`` is not yet a sub-command of ``customer-master``.
_MODULE_SHIM = """
import argparse, sys
from pipelines import match_command as m
argv = sys.argv[1:]
root = argparse.ArgumentParser(prog="customer-master")
try:
    m.add_match_parser(root.add_subparsers(dest="command", required=True))
except (TypeError, AttributeError):
    root = argparse.ArgumentParser(prog="customer-master match")
    m.add_match_parser(root)
    argv = argv[1:]
result = m.run_match(root.parse_args(argv))
sys.exit(result if isinstance(result, int) else 0)
"""


@dataclass(frozen=True)
class Launch:
    argv: list[str]
    env: dict[str, str]
    how: str  # what is run, in words, for the report


def customer_master(python: str) -> str:
    return str(Path(python).parent / "customer-master")


def match_entry(python: str) -> tuple[str | None, str]:
    """("cli" | "module" | None, why): how ``customer-master match`` can be called."""
    cli = customer_master(python)
    if Path(cli).exists():
        probe = subprocess.run(
            [cli, "match", "--help"], capture_output=True, text=True, cwd=PROJECT_ROOT
        )
        if probe.returncode == 0:
            return "cli", "customer-master match"
    if MATCH_MODULE.exists():
        return "module", "pipelines.match_command (match is not yet a customer-master sub-command)"
    return None, "pipelines/match_command.py does not exist yet"


def match_launch(python: str, entry: str, inputs: list[Path], id_column: str,
                 fields: dict[str, str], out: Path) -> Launch:
    args = ["match", str(inputs[0])]
    if len(inputs) > 1:
        args += ["--link", str(inputs[1])]
    args += ["--id-column", id_column]
    for column, kind in fields.items():
        args += ["--field", f"{column}={kind}"]
    args += ["--out", str(out)]
    if entry == "cli":
        argv = [customer_master(python), *args]
    else:
        argv = [python, "-c", _MODULE_SHIM, *args]
    how = ("customer-master match" if entry == "cli"
           else "python -c: pipelines.match_command.run_match (match not yet in the CLI)")
    return Launch(argv, dict(os.environ), how)


def pipeline_launch(python: str, sources: Path, work: Path) -> Launch:
    """The whole pipeline on ``sources``, every byte it writes under ``work``."""
    store = work / "crm_store.sqlite"
    env = dict(os.environ)
    env["DAGSTER_HOME"] = str(work / "dagster_home")
    env["CUSTOMER_OUTPUT_DIR"] = str(work / "output")
    (work / "dagster_home").mkdir(parents=True, exist_ok=True)
    argv = [customer_master(python), "run", "--sources", str(sources),
            "--store", f"sqlite:///{store}", "--quiet"]
    return Launch(argv, env, "customer-master run (full pipeline)")


def store_url(work: Path) -> str:
    return f"sqlite:///{work / 'crm_store.sqlite'}"


def read_xref(url: str) -> pd.DataFrame:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        return pd.read_sql_table("customer_xref", engine)
    finally:
        engine.dispose()


def read_clusters(path: Path) -> tuple[pd.Series, pd.Series | None]:
    """record id → cluster id, and record id → dataset when the file has one."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"record_id", "cluster_id"} - set(frame.columns)
    if missing:
        raise ValueError(f"{path.name}: no column(s) {', '.join(sorted(missing))}")
    if frame["record_id"].duplicated().any():
        raise ValueError(f"{path.name}: a record id appears more than once")
    clusters = frame.set_index("record_id")["cluster_id"]
    dataset = frame.set_index("record_id")["dataset"] if "dataset" in frame else None
    return clusters, dataset


def step_times(dagster_home: Path) -> dict[str, float]:
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    import dagster as dg

    instance = dg.DagsterInstance.get()
    runs = instance.get_runs(limit=1)
    if not runs:
        return {}
    stats = instance.get_run_step_stats(runs[0].run_id)
    return {
        s.step_key: round(s.end_time - s.start_time, 2)
        for s in stats if s.start_time and s.end_time
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Helpers for running our engine in the benchmark.")
    commands = parser.add_subparsers(dest="command", required=True)
    times = commands.add_parser("step-times", help="seconds per step of the latest Dagster run")
    times.add_argument("--dagster-home", type=Path, required=True)
    commands.add_parser("entry", help="say how customer-master match would be called")
    args = parser.parse_args(argv)
    if args.command == "step-times":
        print(json.dumps(step_times(args.dagster_home)))
    else:
        print(json.dumps(match_entry(sys.executable)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
