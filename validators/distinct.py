"""Normalising each distinct value once, here or on other machines.

Exports repeat the same city, company and placeholder phone thousands of times,
and a normaliser costs 10–80 µs per call, so the standardiser calls each one once
per *distinct* value and maps the results back onto the rows. Which process does
those calls is the caller's choice (a ``Mapper``): this one by default, or a Dask
cluster (``assets/compute.py``). Normalisers are pure, so where they run cannot
change a result, only the time.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import pandas as pd

T = TypeVar("T")

#: ``mapper(fn, values)`` returns ``[fn(v) for v in values]``, in order, computed anywhere.
Mapper = Callable[[Callable[[Any], Any], list], list]


def in_process(fn: Callable[[Any], T], values: list) -> list[T]:
    """The default ``Mapper``: every call in this process."""
    return [fn(value) for value in values]


def is_missing(value: object) -> bool:
    """None, NaN or pd.NA: a cell without a value."""
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def map_unique(series: pd.Series, fn: Callable[[Any], T], mapper: Mapper = in_process) -> list[T | None]:
    """``fn`` applied once per distinct non-missing value, mapped back onto rows."""
    values = series.tolist()
    distinct: dict[Hashable, None] = {}
    for value in values:
        if not is_missing(value):
            distinct.setdefault(value)
    keys = list(distinct)
    results = dict(zip(keys, mapper(fn, keys))) if keys else {}
    return [None if is_missing(value) else results[value] for value in values]


def _run_pickled(payload: bytes, values: list) -> list:
    """In a pool process: the pickled function over ``values``, with the cyclic
    garbage collector off as in the step that asked (``assets.errors``)."""
    import gc

    import cloudpickle

    gc.disable()
    return in_process(cloudpickle.loads(payload), values)


class LocalPool:
    """A ``Mapper`` that shares a large job between this process and ``workers``
    other processes on this machine (both cores of a small server), and runs a
    small one here alone.

    Why processes: the normalisers are pure Python (phonenumbers, pypinyin), so
    threads would take turns on one core. The workers are *spawned*, not forked
    (the caller may have threads, e.g. Dagster's), once, on the first large job,
    and reused until ``close``. Functions travel with cloudpickle, so closures
    such as ``lambda v: parse_phone(v, region)`` work. This process computes the
    first share itself while the workers compute the rest; results come back in
    input order, so the outcome is the same as ``in_process``.
    """

    def __init__(self, workers: int, min_values: int = 20_000) -> None:
        self.workers = max(0, workers)
        self.min_values = min_values
        self._executor = None

    def __call__(self, fn: Callable[[Any], T], values: list) -> list[T]:
        if self.workers == 0 or len(values) < max(self.min_values, 2):
            return in_process(fn, values)
        import cloudpickle

        payload = cloudpickle.dumps(fn)
        shares = self.workers + 1
        size = -(-len(values) // shares)
        parts = [values[i:i + size] for i in range(0, len(values), size)]
        futures = [self._pool().submit(_run_pickled, payload, part) for part in parts[1:]]
        here = in_process(fn, parts[0])
        return here + [result for future in futures for result in future.result()]

    def _pool(self):
        if self._executor is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._executor = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"))
        return self._executor

    def close(self) -> None:
        """Stop the worker processes (if any were started)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> LocalPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
