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
