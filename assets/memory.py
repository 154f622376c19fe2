"""Giving memory back to the operating system between steps.

Why: a run executes every step in one process (the in-process executor), and
glibc's allocator keeps much of what a step freed (millions of small strings,
columns of a few MB) in its heap instead of returning it. Standardising a
million records and then dropping every result still left 2.0 GB resident, of
which ``malloc_trim`` returned 1.6 GB; in a run, each later step's peak came on
top of such leftovers. Trimming returns free pages only: nothing still
referenced moves, no result changes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
from functools import cache


@cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


#: Below this resident size there is too little to give back to be worth a full
#: collection (0.1-0.3 s each, in every step): small runs and the test suite skip it.
RELEASE_ABOVE_BYTES = 1 << 30


def resident_bytes() -> int | None:
    """This process's resident set size (Linux ``/proc``), or None where unknown."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


#: The run whose objects the collector was last told to skip (``gc.freeze``).
_frozen_run: list[str | None] = [None]


def release_freed_memory(above: int = RELEASE_ABOVE_BYTES, run: str | None = None) -> bool:
    """When the process holds more than ``above`` bytes: collect reference cycles,
    then hand the allocator's free pages back to the OS (glibc ``malloc_trim``;
    elsewhere only the collection). Returns whether it did.

    Within a known ``run``, what survives the collection is then frozen
    (``gc.freeze``): later collections skip it. Why: each full collection walks
    every container object alive, and nearly all of them live as long as the
    process (the modules of Dagster, Great Expectations and pandas, pypinyin's
    dictionaries: ~0.8 M objects, counted in a 100k-record run); walking them
    again before every step took 0.17-0.5 s a step at 100k records and 9.5 s
    over the ~22 steps of a million-record run (py-spy), while what a step
    leaves in cycles is new and still collected. A run's frozen objects are
    unfrozen at the next run's first step, so nothing one run leaves behind
    outlives the next run's first collection."""
    if run != _frozen_run[0] and gc.get_freeze_count():
        gc.unfreeze()
    resident = resident_bytes()
    if resident is not None and resident < above:
        return False
    gc.collect()
    if run is not None:
        gc.freeze()
        _frozen_run[0] = run
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
    return True
