"""Match FEBRL2/3/4 and the project's synthetic Chinese contacts with Splink and with
this project's engine, on this machine, and write a table of accuracy, time and memory.

    .venv/bin/python benchmarks/run_matching_benchmark.py \
        --datasets febrl2,febrl3,febrl4,chinese --people 20000 \
        --engines ours,splink --out benchmarks/RESULTS.md

Each engine run is its own child process with a timeout; its wall time is taken
around the process and its peak memory is the child's peak resident set size as
the kernel reports it when the child is reaped (``os.wait4``: the same figure as
``getrusage(RUSAGE_CHILDREN)``, but for that one child and its own children, so
one engine's peak never shows up in another's row). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import datasets as ds  # noqa: E402
import evaluate  # noqa: E402
import metrics  # noqa: E402
import ours_runner  # noqa: E402
import splink_runner  # noqa: E402
from child_process import run_child  # noqa: E402
from report import fmt_num, load_average, machine, render  # noqa: E402
from run_types import Measured, Row  # noqa: E402

ENGINES = ("ours", "splink")
SWEEP = (0.2, 0.5, 0.8, 0.9, 0.95, 0.99)


# ------------------------------------------------------------------ measurement

def measure(argv: list[str], env: dict[str, str], timeout: float, log: Path) -> Measured:
    """Run ``argv`` as a child in its own session; wall time, and its peak RSS from
    ``wait4`` (ru_maxrss: KiB on Linux, the child and the children it waited for)."""
    status, wall, usage = run_child(argv, env, timeout, log, cwd=ds.PROJECT_ROOT)
    scale = 1024 if sys.platform != "darwin" else 1  # macOS reports bytes
    return Measured(status, wall, usage.ru_maxrss * scale / 2**20, log)


def _tail(path: Path, lines: int = 15) -> str:
    text = path.read_text(errors="replace").strip().splitlines()
    return "\n".join(text[-lines:])


# ---------------------------------------------------------------------- engines

def run_splink(data: ds.Dataset, work: Path, timeout: float, u_pairs: float) -> Row:
    model = "chinese" if data.name == "chinese" else "febrl"
    out, pairs = work / "splink_clusters.csv", work / "splink_pairs.csv"
    facts_path, model_path = work / "splink_facts.json", work / "splink_model.json"
    argv = [sys.executable, str(HERE / "splink_runner.py"), str(data.inputs[0])]
    if data.mode == "link":
        argv += ["--link", str(data.inputs[1])]
    argv += ["--model", model, "--id-column", data.id_column, "--out", str(out),
             "--pairs", str(pairs), "--model-json", str(model_path), "--timings", str(facts_path),
             "--u-max-pairs", str(u_pairs)]
    run = measure(argv, dict(os.environ), timeout, work / "splink.log")
    row = Row(data.name, "splink", run.status, wall_s=run.wall_s, peak_mb=run.peak_mb)
    if run.status != "ok":
        row.note = _tail(run.log)
        return row
    clusters, _ = ours_runner.read_clusters(out)
    _score(row, data, clusters)
    row.extra["splink"] = json.loads(facts_path.read_text())
    row.extra["model"] = json.loads(model_path.read_text())
    row.extra["sweep"] = _sweep(data, pd.read_csv(pairs, dtype={"id_l": str, "id_r": str}))
    if data.name == "chinese":
        row.extra["evaluate_py"] = _evaluate_py(data, clusters)
    return row


def run_ours(data: ds.Dataset, work: Path, timeout: float) -> list[Row]:
    """Our rows for one dataset: ``customer-master match`` on the engines' shared
    input; for the Chinese set first the whole pipeline on the raw sources
    (accuracy through the pipeline), then ``match`` on Splink's very CSV as
    ``ours-match`` (the like-for-like comparison with Splink's matching)."""
    if data.name != "chinese":
        return [run_match(data, work, "ours", timeout)]
    pipeline = run_pipeline(data, work / "pipeline", timeout)
    match = run_match(data, work / "match", "ours-match", timeout)
    return [pipeline, match]


def run_pipeline(data: ds.Dataset, work: Path, timeout: float = 1800) -> Row:
    work.mkdir(parents=True, exist_ok=True)
    launch = ours_runner.pipeline_launch(sys.executable, data.sources_dir, work)
    run = measure(launch.argv, launch.env, timeout, work / "ours.log")
    row = Row(data.name, "ours", run.status, wall_s=run.wall_s, peak_mb=run.peak_mb,
              extra={"how": launch.how})
    if run.status != "ok":
        row.note = _tail(run.log)
        return row
    xref = ours_runner.read_xref(ours_runner.store_url(work))
    keys = xref["source_system"] + ":" + xref["source_record_id"].astype(str)
    _score(row, data, pd.Series(xref["customer_id"].to_numpy(), index=keys))
    truth_rows = pd.read_csv(data.truth_csv, dtype=str, keep_default_na=False)
    row.extra["evaluate_py"] = evaluate.evaluate(truth_rows, xref)
    row.extra["steps"] = _step_times(work / "dagster_home")
    return row


def run_match(data: ds.Dataset, work: Path, engine: str, timeout: float = 1800) -> Row:
    """``customer-master match`` on ``data.inputs`` with ``data.fields``, no labels."""
    work.mkdir(parents=True, exist_ok=True)
    entry, why = ours_runner.match_entry(sys.executable)
    if entry is None:
        return Row(data.name, engine, "not available", note=why)
    out = work / "ours_clusters.csv"
    launch = ours_runner.match_launch(
        sys.executable, entry, data.inputs, data.id_column, data.fields, out
    )
    run = measure(launch.argv, launch.env, timeout, work / "ours.log")
    row = Row(data.name, engine, run.status, wall_s=run.wall_s, peak_mb=run.peak_mb,
              extra={"how": launch.how, "entry": why, "fields": dict(data.fields)})
    if run.status != "ok":
        row.note = _tail(run.log)
        return row
    try:
        clusters, _ = ours_runner.read_clusters(out)
    except (OSError, ValueError) as exc:
        row.status, row.note = "bad output", str(exc)
        return row
    _score(row, data, clusters)
    if data.name == "chinese":
        row.extra["evaluate_py"] = _evaluate_py(data, clusters)
    return row


def _score(row: Row, data: ds.Dataset, clusters: pd.Series) -> None:
    row.scores = metrics.score(data.truth, clusters, data.dataset_of)
    row.extra["records_missing_from_output"] = int((~data.truth.index.isin(clusters.index)).sum())
    row.extra["unknown_records_in_output"] = int((~clusters.index.isin(data.truth.index)).sum())


def _sweep(data: ds.Dataset, pairs: pd.DataFrame) -> list[dict]:
    """Splink's clusters at other thresholds: connected components of the scored
    pairs at or above each (what cluster_pairwise_predictions_at_threshold does)."""
    out = []
    for threshold in SWEEP:
        kept = pairs[pairs["match_probability"] >= threshold]
        labels = metrics.components(data.truth.index, kept["id_l"], kept["id_r"])
        s = metrics.score(data.truth, labels, data.dataset_of)
        out.append({"threshold": threshold, "pair_precision": s.pair_precision,
                    "pair_recall": s.pair_recall, "pair_f1": s.pair_f1, "bcubed_f1": s.bcubed_f1})
    return out


def _evaluate_py(data: ds.Dataset, clusters: pd.Series) -> dict:
    """benchmarks/evaluate.py's numbers for a clustering of the Chinese records."""
    keys = clusters.index.to_series()
    xref = pd.DataFrame({
        "source_system": keys.str.split(":", n=1).str[0].to_numpy(),
        "source_record_id": keys.str.split(":", n=1).str[1].to_numpy(),
        "customer_id": clusters.to_numpy(),
    })
    truth_rows = pd.read_csv(data.truth_csv, dtype=str, keep_default_na=False)
    return evaluate.evaluate(truth_rows, xref)


def _step_times(dagster_home: Path) -> dict:
    done = subprocess.run(
        [sys.executable, str(HERE / "ours_runner.py"), "step-times",
         "--dagster-home", str(dagster_home)],
        capture_output=True, text=True, cwd=ds.PROJECT_ROOT,
    )
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {}


# ---------------------------------------------------------------------- machine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=",".join(ds.ALL_DATASETS),
                        help=f"comma-separated, from {','.join(ds.ALL_DATASETS)}")
    parser.add_argument("--engines", default=",".join(ENGINES), help="ours,splink")
    parser.add_argument("--people", type=int, default=20000,
                        help="people in the generated Chinese set (default 20000)")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--timeout", type=float, default=1800,
                        help="seconds one engine may take on one dataset (default 1800)")
    parser.add_argument("--splink-u-pairs", type=float, default=splink_runner.U_MAX_PAIRS,
                        help="max_pairs of Splink's estimate_u_using_random_sampling "
                        f"(default {splink_runner.U_MAX_PAIRS:.0e})")
    parser.add_argument("--work", type=Path,
                        help="keep inputs, outputs and logs here (default: a temp folder, removed)")
    args = parser.parse_args(argv)

    names = [n.strip() for n in args.datasets.split(",") if n.strip()]
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    for name in names:
        if name not in ds.ALL_DATASETS:
            parser.error(f"unknown dataset {name}")
    for engine in engines:
        if engine not in ENGINES:
            parser.error(f"unknown engine {engine}")

    started, clock, load_before = datetime.now(UTC), time.perf_counter(), load_average()
    temp = None if args.work else tempfile.TemporaryDirectory(prefix="cm-bench-")
    work_root = args.work or Path(temp.name)
    work_root.mkdir(parents=True, exist_ok=True)
    command = shlex.join([".venv/bin/python", "benchmarks/run_matching_benchmark.py",
                          *(argv if argv is not None else sys.argv[1:])])
    rows: list[Row] = []
    prepared: dict[str, ds.Dataset] = {}
    try:
        for name in names:
            print(f"[{name}] preparing", file=sys.stderr, flush=True)
            folder = work_root / name
            prepared[name] = data = ds.prepare(name, folder, people=args.people)
            for engine in engines:
                engine_work = folder / engine
                engine_work.mkdir(parents=True, exist_ok=True)
                print(f"[{name}] {engine} …", file=sys.stderr, flush=True)
                if engine == "ours":
                    new = run_ours(data, engine_work, args.timeout)
                else:
                    new = [run_splink(data, engine_work, args.timeout, args.splink_u_pairs)]
                rows += new
                for row in new:
                    summary = (f"pair F1 {row.scores.pair_f1:.4f}, B³ F1 {row.scores.bcubed_f1:.4f}, "
                               if row.scores else "")
                    print(f"[{name}] {row.engine}: {row.status}; {summary}"
                          f"{fmt_num(row.wall_s)} s, {fmt_num(row.peak_mb, 0)} MB",
                          file=sys.stderr, flush=True)
        info = machine()
        info["load average (1/5/15 min) before → after"] = f"{load_before} → {load_average()}"
        text = render(rows, prepared, info, command, started, time.perf_counter() - clock)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    finally:
        if temp is not None:
            temp.cleanup()
        else:
            print(f"work folder kept: {work_root}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
