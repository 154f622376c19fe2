"""Where the heavy stages compute: in this process (pandas, the default) or on a
Dask cluster (``engine: dask``), for runs one machine cannot carry.

The stages stay the same pure functions either way; this module only decides
where they are called. Two shapes of work are farmed out:

- ``distinct_mapper()``: the standardiser's normalisers over distinct raw values
  (phones, e-mails, names, companies, regions …): with pandas, large jobs shared
  with ``local_workers`` processes on this machine (``validators.distinct.LocalPool``);
  with Dask, in partitions of ``partition_size`` values;
- ``pair_comparer(compare)``: the matching engine's pair comparison over chunks of
  ``partition_size`` candidate pairs, the prepared contacts sent to every worker
  once.

And one permission: ``beside()``, whether a step may fork one process to
compute half of its own work (``validators.background``).

Results are gathered in input order, so both engines give identical frames
(``tests/test_dask_engine.py`` runs the pipeline both ways on the sample data).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import dagster as dg
import numpy as np
from pydantic import Field, PrivateAttr

from validators.distinct import LocalPool, Mapper, in_process

ENGINES = ("pandas", "dask")


class ComputeEngine(dg.ConfigurableResource):
    """The compute engine of the heavy stages: ``pandas`` (in-process) or ``dask``."""

    engine: str | None = Field(
        default=None,
        description="pandas (in this process) or dask. Default: $CUSTOMER_ENGINE, else pandas.",
    )
    scheduler: str | None = Field(
        default=None,
        description="Dask scheduler address, e.g. tcp://10.0.0.5:8786. Default: "
        "$CUSTOMER_DASK_SCHEDULER, else a LocalCluster on this machine (one worker per core).",
    )
    local_workers: int | None = Field(
        default=None,
        description="pandas engine: extra processes that share large jobs with the run's "
        "own process (a forked half of a step's work, spawned workers for distinct values). "
        "Default: one per further core (cores - 1); 0 keeps everything in the run's process.",
    )
    partition_size: int = Field(
        default=100_000,
        description="Values (or candidate pairs) per Dask task. Work smaller than one "
        "partition stays in this process.",
    )

    _client: Any = PrivateAttr(default=None)
    _cluster: Any = PrivateAttr(default=None)
    _pool: LocalPool | None = PrivateAttr(default=None)

    def resolved_engine(self) -> str:
        chosen = (self.engine or os.environ.get("CUSTOMER_ENGINE") or "pandas").strip().lower()
        if chosen not in ENGINES:
            raise ValueError(f"unknown compute engine {chosen!r}; one of {', '.join(ENGINES)}")
        return chosen

    def resolved_scheduler(self) -> str | None:
        return self.scheduler or os.environ.get("CUSTOMER_DASK_SCHEDULER") or None

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        if self._pool is not None:
            self._pool.close()
        self._client = self._cluster = self._pool = None

    def client(self):
        """The ``dask.distributed`` client, connected on first use."""
        if self._client is None:
            from distributed import Client, LocalCluster

            address = self.resolved_scheduler()
            if address:
                self._client = Client(address)
            else:
                self._cluster = LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1)
                self._client = Client(self._cluster)
        return self._client

    def describe(self) -> str:
        """For metadata: the engine and, for Dask, the workers (no credentials)."""
        if self.resolved_engine() == "pandas":
            return "pandas (in-process)"
        workers = len(self.client().scheduler_info().get("workers", {}))
        return f"dask ({workers} workers)"

    def beside(self) -> bool:
        """Whether a step may fork one process to compute part of its own work
        beside it (``validators.background``): when a core is free for it
        (``local_workers`` ≥ 1, the default on a machine with two or more).

        Why forking is safe here: a step executes on its process's main thread;
        the other threads seen in an in-process run (a progress bar's monitor, a
        benchmark's memory sampler) wait on their own events and hold no lock
        the child needs. The child computes on data
        it inherited, writes its result to a file and exits with ``os._exit``:
        no exit handlers of the parent, no database socket of the parent closed.
        A run as the UI launches it (each step in its own process, Dagster's
        multiprocess executor) forks too, and publishes what an in-process run
        does (``tests/test_cli_and_ui.py``).

        Not with Dask: there the heavy stages' work goes to the cluster (a local
        half would bypass it, e.g. the standardiser's normalisers)."""
        if self.resolved_engine() != "pandas":
            return False
        workers = self.local_workers
        return (_cores() - 1 if workers is None else workers) >= 1

    # --- the two shapes of work ---------------------------------------------------

    def distinct_mapper(self) -> Mapper:
        """A ``validators.distinct.Mapper`` for this engine."""
        if self.resolved_engine() == "pandas":
            if self._pool is None:
                workers = self.local_workers
                self._pool = LocalPool(_cores() - 1 if workers is None else workers)
            return self._pool
        return lambda fn, values: self._map_values(fn, values)

    def _map_values(self, fn: Callable[[Any], Any], values: list) -> list:
        if len(values) <= self.partition_size:
            return in_process(fn, values)
        chunks = [values[i:i + self.partition_size] for i in range(0, len(values), self.partition_size)]
        client = self.client()
        futures = client.map(in_process, [fn] * len(chunks), chunks, pure=False)
        return [result for chunk in client.gather(futures) for result in chunk]

    def pair_comparer(self, compare: Callable) -> Callable:
        """``compare(shared, left, right) -> (codes, rows)`` — level codes (pairs ×
        fields) and, per field, one value per pair — as this engine computes it: the
        function itself in-process; with Dask, over chunks of the ``left``/``right``
        position arrays on the cluster (``shared`` sent to every worker once), the
        chunks' results joined in order. Pairs are compared independently, so the
        joined result is the whole one. (Comparing half of the pairs in a forked
        process saved 5 s at a million records but its copy-on-write pages took
        the step over 6 GB: not done.)"""
        if self.resolved_engine() == "pandas":
            return compare
        return lambda shared, left, right: self._compare_in_chunks(compare, shared, left, right)

    def _compare_in_chunks(self, compare: Callable, shared: Any, left: np.ndarray,
                           right: np.ndarray) -> tuple[np.ndarray, list]:
        if len(left) <= self.partition_size:
            return compare(shared, left, right)
        client = self.client()
        remote = client.scatter(shared, broadcast=True)
        bounds = range(0, len(left), self.partition_size)
        futures = [client.submit(compare, remote, left[i:i + self.partition_size],
                                 right[i:i + self.partition_size], pure=False) for i in bounds]
        parts = client.gather(futures)
        codes = np.concatenate([c for c, _ in parts])
        rows = [np.concatenate([r[field] for _, r in parts]) for field in range(len(parts[0][1]))]
        return codes, rows


def _cores() -> int:
    """Cores this process may run on (a container's CPU set, not the host's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1
