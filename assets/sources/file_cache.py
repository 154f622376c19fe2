"""Reading only what changed: each file's read result, kept by content.

A nightly run sees mostly the files it saw yesterday. Parsing an xlsx or a
large dump is the slow part of ingestion, so each file's records and
quarantine rows are kept under a key made of the file's name, its bytes and
the readers' own source code; an unchanged file is not parsed again, and a
change to a reader invalidates everything it read. Entries not used by a run
are removed, so the cache holds one generation.
"""

from __future__ import annotations

import hashlib
import pickle
from functools import cache
from pathlib import Path

from .records import ReadResult


@cache
def readers_version() -> str:
    """A digest of this package's code: a changed reader means re-reading."""
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


class FileReadCache:
    """Read results on disk, one pickle per (file name, content, reader code)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[Path] = set()
        self.hits = 0
        self.misses = 0

    def _entry(self, path: Path) -> Path:
        digest = hashlib.sha256(path.name.encode() + b"\0" + path.read_bytes()).hexdigest()
        return self.folder / f"{digest}-{readers_version()}.pkl"

    def get(self, path: Path) -> ReadResult | None:
        entry = self._entry(path)
        self.used.add(entry)
        if entry.exists():
            try:
                result = pickle.loads(entry.read_bytes())
            except Exception:  # noqa: BLE001 - a damaged entry is just a miss
                result = None
            if isinstance(result, ReadResult):
                self.hits += 1
                return result
        self.misses += 1
        return None

    def put(self, path: Path, result: ReadResult) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        entry = self._entry(path)
        temporary = entry.with_suffix(".tmp")
        temporary.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        temporary.replace(entry)  # atomic: a crash never leaves half an entry

    def prune(self) -> None:
        """Forget entries this run did not use (files removed or changed)."""
        if self.folder.exists():
            for entry in self.folder.glob("*.pkl"):
                if entry not in self.used:
                    entry.unlink(missing_ok=True)
