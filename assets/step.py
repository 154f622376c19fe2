"""``step_body``: the one wrapper around every asset and check body.

It runs the body

- with errors masked (``errors.masked_errors``): no personal data in Dagster's
  event log;
- with CPython's cyclic garbage collector paused (``matching.gc_pause``): a step
  at a million records holds millions of small containers (parsed values,
  profile rows, export lines), and the collector walking all of them again and
  again took more time than the work (an export 92 s → 53 s CPU). The bodies
  make no cycles worth collecting; reference counting frees their objects;
- after handing back to the operating system what earlier steps freed
  (``memory.release_freed_memory``): steps run one after another in one
  process, and memory a finished step freed stayed in the process's heap, so
  the next step's peak stood on the last one's. (A Dagster success hook would
  run at the right moment too, but any hook makes Dagster keep every step's
  outputs for the hook's context, which held the standardised contacts for the
  whole run.)
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import dagster as dg

from matching.gc_pause import gc_paused

from .errors import masked_errors
from .memory import release_freed_memory

P = ParamSpec("P")
R = TypeVar("R")


def _current_run_id() -> str | None:
    """The run of the asset or check being executed (None outside one)."""
    for context in (dg.AssetExecutionContext, dg.AssetCheckExecutionContext):
        try:
            return context.get().run.run_id
        except dg.DagsterInvariantViolationError:
            continue
    return None


def step_body(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorator for asset and check bodies (keeps the signature Dagster reads)."""
    masked = masked_errors(fn)

    if inspect.isgeneratorfunction(fn):  # a multi-asset that yields its outputs

        @functools.wraps(fn)
        def generator(*args: P.args, **kwargs: P.kwargs):
            release_freed_memory(run=_current_run_id())
            with gc_paused():
                yield from masked(*args, **kwargs)

        return generator  # type: ignore[return-value]

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        release_freed_memory(run=_current_run_id())
        with gc_paused():
            return masked(*args, **kwargs)

    return wrapper
