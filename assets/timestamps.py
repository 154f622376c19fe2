"""One clock for everything a run stamps (matched_at, quarantined_at, measured_at)."""

from datetime import UTC, datetime


def now_iso() -> str:
    """Now, in the machine's zone, ISO 8601 to the second with its offset."""
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")
