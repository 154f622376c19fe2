"""Scale benchmark: the whole pipeline on N generated source records, per stage time
and peak memory, candidate pairs and F1 against the generator's truth.

    .venv/bin/python benchmarks/run_scale_benchmark.py --sizes 10k,100k,1M

For each N it generates source exports over all four kinds with
``data/generate_sample.py`` (``--people N/1.9``: the generator writes each person
1.9 times on average, seed 20241103, the matching benchmark's messiness), runs
``benchmarks/scale_runner.py`` on them as its own child process (the full Dagster
job in-process: read, standardise, block, score, cluster, golden, checks,
publish, export), scores the store's ``customer_xref`` against the truth with
``benchmarks/metrics.py``, and writes ``benchmarks/SCALE.md`` and the log-log plot
``benchmarks/scale.png``. Results accumulate in ``benchmarks/scale_results.json``
(one entry per N, replaced when re-measured), so sizes can be measured in
separate invocations and the report always shows every size measured so far.
See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shlex
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import metrics  # noqa: E402
from child_process import run_child  # noqa: E402
from datasets import PROJECT_ROOT, generate_chinese, true_person  # noqa: E402
from ours_runner import read_xref  # noqa: E402
from report import load_average, machine  # noqa: E402
from scale_report import render, write_plot  # noqa: E402

MEAN_ROWS_PER_PERSON = 1.9  # data/generate_sample.py's MEAN_ROWS


@dataclass
class Measured:
    status: str
    wall_s: float
    cpu_s: float
    peak_mb: float


def measure(argv: list[str], env: dict[str, str], timeout: float, log: Path,
            memory_limit_gb: float | None = None) -> Measured:
    """Run ``argv`` as a child in its own session: wall time; CPU time (user + system)
    and peak RSS from ``wait4`` (the child and the children it waited for). CPU time
    is the figure to compare across runs on a shared machine: other people's load
    stretches the wall time, not the CPU time. ``memory_limit_gb`` caps the child's
    address space, so a run that would exhaust a shared machine fails instead."""
    def limit() -> None:
        if memory_limit_gb:
            size = int(memory_limit_gb * 2**30)
            resource.setrlimit(resource.RLIMIT_AS, (size, size))

    status, wall, usage = run_child(argv, env, timeout, log, cwd=PROJECT_ROOT, preexec_fn=limit)
    return Measured(status, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def parse_size(text: str) -> int:
    """``10k`` → 10000, ``1M`` → 1000000, ``2500`` → 2500."""
    text = text.strip()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:].lower(), 1)
    number = text[:-1] if factor != 1 else text
    return int(float(number) * factor)


def label(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def generate(n: int, folder: Path) -> tuple[Path, Path, float]:
    sources, truth = folder / "sources", folder / "truth.csv"
    people = max(1, round(n / MEAN_ROWS_PER_PERSON))
    return sources, truth, generate_chinese(people, sources, truth)


def run_size(n: int, folder: Path, args: argparse.Namespace) -> dict:
    print(f"[{label(n)}] generating", file=sys.stderr, flush=True)
    sources, truth_csv, generated = generate(n, folder)
    truth_rows = pd.read_csv(truth_csv, dtype=str, keep_default_na=False)
    run_dir = folder / "run"
    # Every measurement is a first run: an empty store, no file-read cache, no
    # Dagster history from an earlier measurement in the same work folder.
    shutil.rmtree(run_dir, ignore_errors=True)
    argv = [sys.executable, str(HERE / "scale_runner.py"), "--sources", str(sources),
            "--work", str(run_dir), "--engine", args.engine]
    if args.scheduler:
        argv += ["--scheduler", args.scheduler]
    print(f"[{label(n)}] running the pipeline on {len(truth_rows)} source records",
          file=sys.stderr, flush=True)
    load_before = load_average()
    run = measure(argv, _child_env(), args.timeout, folder / "run.log", args.memory_limit_gb)
    entry: dict = {
        "n": n, "label": label(n), "source_records": len(truth_rows),
        "people": int(truth_rows["person_id"].nunique()), "status": run.status,
        "wall_s": round(run.wall_s, 1), "cpu_s": round(run.cpu_s, 1),
        "peak_mb": round(run.peak_mb or 0, 0),
        "generate_s": round(generated, 1), "engine": args.engine,
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_before_after": f"{load_before} → {load_average()}",
    }
    facts_path = run_dir / "scale_run.json"
    if facts_path.exists():
        facts = json.loads(facts_path.read_text())
        entry.update(steps=facts["steps"], candidate_pairs=facts["candidate_pairs"],
                     import_s=facts["import_seconds"], success=facts["success"],
                     errors=facts["errors"])
    if run.status == "ok":
        xref = read_xref(f"sqlite:///{run_dir / 'crm_store.sqlite'}")
        keys = xref["source_system"] + ":" + xref["source_record_id"].astype(str)
        predicted = pd.Series(xref["customer_id"].to_numpy(), index=keys)
        truth = true_person(truth_rows)
        truth = truth.reindex(predicted.index.intersection(truth.index))
        entry["scores"] = metrics.score(truth, predicted.reindex(truth.index)).as_dict()
        entry["accepted_not_in_truth"] = int((~predicted.index.isin(truth.index)).sum())
    else:
        entry["log_tail"] = "\n".join(
            (folder / "run.log").read_text(errors="replace").splitlines()[-15:]
        )
    return entry


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PROJECT_ROOT) + (
        os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""
    )
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1M",
                        help="source records per run, comma-separated (10k,100k,1M)")
    parser.add_argument("--out", type=Path, default=HERE / "SCALE.md")
    parser.add_argument("--plot", type=Path, default=HERE / "scale.png")
    parser.add_argument("--results", type=Path, default=HERE / "scale_results.json",
                        help="measurements so far (one per size; re-measured sizes replaced)")
    parser.add_argument("--engine", default="pandas", choices=("pandas", "dask"))
    parser.add_argument("--scheduler", default="", help="dask scheduler address (engine dask)")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--memory-limit-gb", type=float, default=None,
                        help="cap each run's address space (a shared machine's safety net)")
    parser.add_argument("--work", type=Path,
                        help="keep generated sources, stores and logs here (default: temp, removed)")
    parser.add_argument("--report-only", action="store_true",
                        help="measure nothing: re-render SCALE.md and the plot from --results")
    args = parser.parse_args(argv)
    sizes = [] if args.report_only else [parse_size(s) for s in args.sizes.split(",") if s.strip()]

    results = json.loads(args.results.read_text()) if args.results.exists() else {}
    temp = None if args.work or args.report_only else tempfile.TemporaryDirectory(prefix="cm-scale-")
    work_root = args.work or (Path(temp.name) if temp else HERE)
    command = shlex.join([".venv/bin/python", "benchmarks/run_scale_benchmark.py",
                          *(argv if argv is not None else sys.argv[1:])])
    try:
        for n in sizes:
            folder = work_root / label(n)
            folder.mkdir(parents=True, exist_ok=True)
            entry = run_size(n, folder, args)
            entry["command"] = command
            results[f"{args.engine}:{n}"] = entry
            args.results.write_text(json.dumps(results, indent=1, ensure_ascii=False))
            f1 = entry.get("scores", {}).get("pair_f1", math.nan)
            print(f"[{label(n)}] {entry['status']}: {entry['wall_s']} s, {entry['peak_mb']:.0f} MB,"
                  f" pair F1 {f1:.4f}", file=sys.stderr, flush=True)
        info = machine()
        args.out.write_text(render(results, info), encoding="utf-8")
        write_plot(results, args.plot)
        print(f"wrote {args.out} and {args.plot}", file=sys.stderr)
    finally:
        if temp is not None:
            temp.cleanup()
        elif sizes:
            print(f"work folder kept: {work_root}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
