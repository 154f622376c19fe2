"""One function run in a forked child process while this process goes on.

Why: a 2-core machine runs a pipeline step on one core unless the step hands
part of its own work to a second process. Many steps split naturally in two
independent halves: the engine's candidate and random-pair comparisons, the
rows a standardiser normalises, the files of a source, the customers of an
export, the facets of the 360° profile. The child is forked, so it starts with
the step's inputs already in memory (nothing is pickled on the way in; pages
are shared until written); only its result comes back through a pipe.

Forking is only safe when no other thread holds a lock the child needs, so the
caller decides (``enabled``): the ``match`` command; a Dagster step through
``ComputeEngine.beside()`` (the reasoning is there). When
disabled, or when the child dies without an answer, the function runs here,
when its result is first asked for; the result is the same either way.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import tempfile
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


def _child(fn: Callable[[], object], path: str, conn) -> None:
    """In the child: ``fn()``'s outcome pickled into ``path``, then a word on the pipe."""
    try:
        outcome: tuple[bool, object] = (True, fn())
    except BaseException as exc:  # noqa: BLE001 - handed to the parent to raise
        outcome = (False, exc)
    try:
        with open(path, "wb") as out:
            pickle.dump(outcome, out, protocol=pickle.HIGHEST_PROTOCOL)
        conn.send(True)
    except Exception:  # noqa: BLE001 - an unpicklable result or error: the parent recomputes
        pass
    finally:
        conn.close()


class Background(Generic[T]):
    """``fn()`` computed in a forked child (``enabled``) or here on demand;
    ``result()`` returns it. Use as a context manager, so a child whose result
    was never asked for (the caller failed first) is stopped.

    The result comes back through a temporary file, not the pipe: pickle writes
    and reads a file as a stream, so neither process holds the whole pickled
    result in memory beside the result itself (hundreds of MB for a half of a
    million records)."""

    def __init__(self, fn: Callable[[], T], enabled: bool) -> None:
        self._fn = fn
        self._process = self._conn = None
        self._path: str | None = None
        if enabled and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            handle, self._path = tempfile.mkstemp(prefix="customer-master-", suffix=".pickle")
            os.close(handle)
            self._conn, child_end = context.Pipe(duplex=False)
            self._process = context.Process(target=_child, args=(fn, self._path, child_end), daemon=True)
            self._process.start()
            child_end.close()

    def result(self) -> T:
        """The function's value (an exception it raised is raised here)."""
        if self._process is None:
            return self._fn()
        try:
            self._conn.recv()
            with open(self._path, "rb") as source:  # type: ignore[arg-type]
                outcome = pickle.load(source)
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
        if self._path is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._path)
            self._path = None

    def __enter__(self) -> Background[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop(kill=True)
