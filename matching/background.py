"""One function run in a forked child process while this process goes on.

Why: after normalisation, the engine's two comparisons (the candidate pairs,
and the random pairs u is estimated from) are independent, each about half a
second of mostly single-threaded numpy on the 35,000-record benchmark set. On a
machine with a second core, comparing the random pairs in a child while this
process blocks and compares the candidates takes one of those halves off the
wall time. The child is forked, so it starts with the normalised keys already
in memory (nothing is pickled on the way in); only its result comes back.

Forking is only safe while the process runs no other threads, so the caller
decides (``enabled``): the ``match`` command does; a Dagster step does not. When
disabled, or when the child dies without an answer, the function runs here,
when its result is first asked for; the result is the same either way.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


def _child(fn: Callable[[], object], conn) -> None:
    try:
        outcome: tuple[bool, object] = (True, fn())
    except BaseException as exc:  # noqa: BLE001 - handed to the parent to raise
        outcome = (False, exc)
    try:
        conn.send(outcome)
    except Exception:  # noqa: BLE001 - an unpicklable error: the parent recomputes
        pass
    finally:
        conn.close()


class Background(Generic[T]):
    """``fn()`` computed in a forked child (``enabled``) or here on demand;
    ``result()`` returns it. Use as a context manager, so a child whose result
    was never asked for (the caller failed first) is stopped."""

    def __init__(self, fn: Callable[[], T], enabled: bool) -> None:
        self._fn = fn
        self._process = self._conn = None
        if enabled and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self._conn, child_end = context.Pipe(duplex=False)
            self._process = context.Process(target=_child, args=(fn, child_end), daemon=True)
            self._process.start()
            child_end.close()

    def result(self) -> T:
        """The function's value (an exception it raised is raised here)."""
        if self._process is None:
            return self._fn()
        try:
            outcome = self._conn.recv()
        except (EOFError, OSError):  # the child died without an answer
            outcome = None
        finally:
            self._stop(kill=False)
        if outcome is None:
            return self._fn()
        ok, value = outcome
        if not ok:
            raise value  # type: ignore[misc]
        return value  # type: ignore[return-value]

    def _stop(self, kill: bool) -> None:
        if self._process is not None:
            self._conn.close()
            if kill:
                self._process.terminate()
            self._process.join()
            self._process = None

    def __enter__(self) -> Background[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop(kill=True)
