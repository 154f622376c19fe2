"""One measured pipeline run for the scale benchmark (a child process of
``run_scale_benchmark.py``).

    python benchmarks/scale_runner.py --sources DIR --work DIR [--engine dask --scheduler ADDR]

Runs the whole Dagster job in this process, exactly as ``customer-master run``
does (``pipelines.run.run_pipeline``), with a thread that samples the resident set size of this process and its
child processes (standardisation workers, Dask workers) and this process's CPU
time every 20 ms. Afterwards it reads each step's start and end
from the Dagster instance and writes ``<work>/scale_run.json``: per step its
seconds and the peak RSS sampled while it ran, the candidate-pair count, and the
run's outcome. Steps run one after another in this process (Dagster's in-process
executor), so a step's window holds only that step's work; the peak is the
process tree's, i.e. it includes whatever earlier steps' outputs are still held.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path


def own_rss() -> int:
    """This process's resident set size (cheap: no page-table walk)."""
    import psutil

    return psutil.Process().memory_info().rss


def children_private_bytes() -> int:
    """Memory this process's children hold on their own: the unique set size
    (USS: pages no other process maps) of each child process — the pipeline's
    standardisation worker, a step's forked helper, a LocalCluster's Dask workers.

    Why USS and not RSS: a forked child shares its parent's pages until either
    writes one, and its RSS would count every shared page a second time (they
    are in the parent's RSS already). Reading USS walks the child's page tables
    (tens of ms for gigabytes), so the sampler reads it only every half second."""
    import psutil

    total = 0
    for child in psutil.Process().children(recursive=True):
        try:
            total += child.memory_full_info().uss
        except psutil.Error:  # it ended between listing and reading
            pass
    return total


def cpu_seconds() -> float:
    """This process's CPU time so far (user + system, all threads)."""
    times = os.times()
    return times.user + times.system


class RssSampler(threading.Thread):
    """(wall-clock time, memory, CPU seconds) every ``interval`` seconds until
    stopped. Memory: this process's RSS (every sample) plus its children's
    private memory (``children_private_bytes``, re-read every ``children_every``
    samples and carried between reads)."""

    def __init__(self, interval: float = 0.02, children_every: int = 25) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.children_every = children_every
        self.samples: list[tuple[float, int, float]] = []
        self._stop_event = threading.Event()
        self._children = 0

    def _sample(self, count: int) -> None:
        if count % self.children_every == 0:
            self._children = children_private_bytes()
        self.samples.append((time.time(), own_rss() + self._children, cpu_seconds()))

    def run(self) -> None:
        count = 0
        while not self._stop_event.is_set():
            self._sample(count)
            count += 1
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()
        self._sample(0)

    def peak_between(self, start: float, end: float) -> int:
        inside = [rss for t, rss, _ in self.samples if start <= t <= end]
        return max(inside) if inside else 0

    def cpu_between(self, start: float, end: float) -> float:
        """CPU seconds spent between two wall-clock times (to the sampling interval)."""
        inside = [cpu for t, _, cpu in self.samples if start <= t <= end]
        return inside[-1] - inside[0] if len(inside) > 1 else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--engine", default="pandas", choices=("pandas", "dask"))
    parser.add_argument("--scheduler", default="", help="dask scheduler address (engine dask)")
    args = parser.parse_args(argv)

    work = args.work.resolve()
    os.environ["DAGSTER_HOME"] = str(work / "dagster_home")
    os.environ["CUSTOMER_OUTPUT_DIR"] = str(work / "output")
    os.environ["CUSTOMER_SOURCES_DIR"] = str(args.sources.resolve())
    os.environ["CUSTOMER_STORE_URL"] = f"sqlite:///{work / 'crm_store.sqlite'}"
    os.environ["CUSTOMER_ENGINE"] = args.engine
    if args.scheduler:
        os.environ["CUSTOMER_DASK_SCHEDULER"] = args.scheduler
    (work / "dagster_home").mkdir(parents=True, exist_ok=True)

    sampler = RssSampler()
    sampler.start()
    started = time.time()
    import dagster as dg

    from pipelines.run import run_pipeline

    imported = time.time()
    summary = run_pipeline(quiet=True)
    finished = time.time()
    sampler.stop()

    instance = dg.DagsterInstance.get()
    stats = instance.get_run_step_stats(summary.run_id)
    steps = {
        s.step_key: {
            "seconds": round(s.end_time - s.start_time, 3),
            "start": s.start_time,
            "end": s.end_time,
            "peak_rss_mb": round(sampler.peak_between(s.start_time, s.end_time) / 2**20, 1),
            "cpu_seconds": round(sampler.cpu_between(s.start_time, s.end_time), 2),
        }
        for s in stats if s.start_time and s.end_time
    }
    pairs_event = instance.get_latest_materialization_event(dg.AssetKey("candidate_pairs"))
    candidate_pairs = None
    if pairs_event is not None and pairs_event.asset_materialization is not None:
        value = pairs_event.asset_materialization.metadata.get("dagster/row_count")
        candidate_pairs = int(value.value) if value is not None else None
    result = {
        "success": summary.success,
        "failed_steps": summary.failed_steps,
        "errors": summary.errors,
        "numbers": {k: str(v) for k, v in summary.numbers.items()},
        "import_seconds": round(imported - started, 2),
        "run_seconds": round(finished - imported, 2),
        "peak_rss_mb": round(max(r for _, r, _ in sampler.samples) / 2**20, 1),
        "candidate_pairs": candidate_pairs,
        "steps": steps,
    }
    (work / "scale_run.json").write_text(json.dumps(result, indent=1))
    print(summary.render())
    return 0 if summary.success else 1


if __name__ == "__main__":
    sys.exit(main())
