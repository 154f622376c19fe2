"""Small helpers that turn counts into Dagster metadata a person reads at a glance.

Only counts and field names go into metadata: never a phone, an email, a name
or an id (personal data stays in the store).
"""

from __future__ import annotations

from collections.abc import Mapping


def counts_table(counts: Mapping[object, int], label: str, value: str = "count") -> str:
    """A two-column markdown table, largest first."""
    if not counts:
        return f"_no {value}_"
    lines = [f"| {label} | {value} |", "|---|---:|"]
    for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        lines.append(f"| {key} | {count} |")
    return "\n".join(lines)


def matrix_table(rows: Mapping[str, Mapping[str, object]], label: str) -> str:
    """A markdown table with one row per key and one column per inner key."""
    if not rows:
        return "_empty_"
    columns = list(dict.fromkeys(c for inner in rows.values() for c in inner))
    lines = [f"| {label} | " + " | ".join(columns) + " |",
             "|---|" + "---:|" * len(columns)]
    for key, inner in rows.items():
        lines.append(f"| {key} | " + " | ".join(str(inner.get(c, "")) for c in columns) + " |")
    return "\n".join(lines)
