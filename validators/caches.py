"""The per-value memo caches of the parsers, emptied when a step is done with them.

Why: standardising memoises each distinct raw value's parse (``lru_cache`` of
up to 200,000-500,000 entries per parser) so a value repeated across records
is parsed once. At a million records the caches are full and hold ~0.85 GB of
parse results for the rest of the run, although the steps after
standardisation read the standardised columns, not the parsers (matching
normalises names and text again, which refills only the small text caches).
Emptying them changes no result: a cache only saves a recomputation.
"""

from __future__ import annotations

import functools
import sys

#: Caches at least this large are per-value memos; smaller ones hold a loaded
#: resource (an OpenCC converter, a region table) that is costly to rebuild.
PER_VALUE_CACHE = 10_000


def clear_value_caches(package: str = "validators") -> int:
    """Empty the bounded per-value ``lru_cache``s of ``package``'s loaded
    modules; returns how many entries were dropped."""
    dropped = 0
    for name, module in list(sys.modules.items()):
        if module is None or not (name == package or name.startswith(package + ".")):
            continue
        for value in list(vars(module).values()):
            if not isinstance(value, functools._lru_cache_wrapper):
                continue
            info = value.cache_info()
            if info.maxsize is not None and info.maxsize >= PER_VALUE_CACHE:
                dropped += info.currsize
                value.cache_clear()
    return dropped
