"""What one engine run on one dataset produced (shared by the runner and the report)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import metrics


@dataclass
class Measured:
    status: str  # "ok", "failed (exit N)", "timeout after N s"
    wall_s: float
    peak_mb: float | None
    log: Path


@dataclass
class Row:
    dataset: str
    engine: str
    status: str
    scores: metrics.Scores | None = None
    wall_s: float | None = None
    peak_mb: float | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)
