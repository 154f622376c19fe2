"""One ``SourceSpec`` per source kind, and the one function that reads a kind's folder.

Adding a fifth kind of export is a new spec (a folder name, file suffixes and a
file reader), not a copied asset.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from validators.background import Background

from .file_cache import FileReadCache
from .legacy import read_legacy_file
from .records import ReadResult, quarantine_row
from .spreadsheets import read_spreadsheet_file
from .tabular import UnreadableFile
from .web_forms import read_web_forms_file
from .wechat import read_wechat_file


@dataclass(frozen=True)
class SourceSpec:
    """How one kind of export is found and read."""

    kind: str  # the sub-folder and the ``source_system`` value
    suffixes: tuple[str, ...]
    read_file: Callable[[Path], ReadResult]
    description: str
    #: Whether a record id may appear on several rows (WeCom: one row per owner).
    ids_repeat: bool = False


SOURCE_SPECS: tuple[SourceSpec, ...] = (
    SourceSpec(
        "web_forms", (".jsonl",), read_web_forms_file,
        "Website, mini-program and 公众号 form submissions (JSON Lines).",
    ),
    SourceSpec(
        "wechat", (".xlsx", ".csv"), read_wechat_file,
        "WeCom (企业微信) customer-contact exports, one row per owner.",
        ids_repeat=True,
    ),
    SourceSpec(
        "spreadsheets", (".xlsx", ".csv"), read_spreadsheet_file,
        "Hand-kept sales and exhibition lists (every sheet).",
    ),
    SourceSpec(
        "legacy", (".csv", ".txt"), read_legacy_file,
        "Nightly pipe-delimited GB18030 dump of the old CRM/ERP.",
    ),
)

SPECS_BY_KIND: dict[str, SourceSpec] = {spec.kind: spec for spec in SOURCE_SPECS}

_RAW_EXCERPT_BYTES = 64 * 1024


def source_files(spec: SourceSpec, root: Path) -> list[Path]:
    """Every file of the kind's folder (hidden files and Office lock files aside)."""
    folder = root / spec.kind
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and not p.name.startswith((".", "~$"))
    )


def read_source(spec: SourceSpec, root: Path, cache: FileReadCache | None = None,
                beside: bool = False) -> ReadResult:
    """Read every file of one kind. A file that cannot be read at all, or has the
    wrong type, is one quarantine row; a repeated record id (where ids must be
    unique) quarantines the later row. Nothing raises for bad input. With a
    ``cache``, a file whose name and bytes were read before is not parsed again.
    With ``beside`` (the caller knows a fork is safe and a core is free), a
    forked process parses about half of the files' bytes at the same time."""
    paths = source_files(spec, root)
    reads = {path: cache.get(path) if cache is not None else None for path in paths}
    reads.update(_parse_files(spec, [p for p in paths if reads[p] is None], cache, beside))
    result = ReadResult()
    for path in paths:  # in name order, whoever parsed the file
        result.extend(reads[path])
    if cache is not None:
        cache.prune()
    if not spec.ids_repeat:
        _quarantine_repeated_ids(result)
    return result


def _parse_files(spec: SourceSpec, paths: list[Path], cache: FileReadCache | None,
                 beside: bool) -> dict[Path, ReadResult]:
    """Each file of ``paths`` parsed (and put in the cache), here or, for about
    half of the bytes, in a forked process; files are independent, so who
    parses one cannot change what it gives."""
    def parse(group: list[Path]) -> dict[Path, ReadResult]:
        out = {}
        for path in group:
            out[path] = _read_file(spec, path)
            if cache is not None:
                cache.put(path, out[path])
        return out

    if not beside or len(paths) < 2:
        return parse(paths)
    here, there = _halves(paths)
    with Background(lambda: parse(there), enabled=True) as other:
        mine = parse(here)
        return {**mine, **other.result()}


def _halves(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Two groups of files of about equal bytes (largest first, each to the lighter group)."""
    groups: tuple[list[Path], list[Path]] = ([], [])
    sizes = [0, 0]
    for path in sorted(paths, key=_size, reverse=True):
        lighter = 0 if sizes[0] <= sizes[1] else 1
        groups[lighter].append(path)
        sizes[lighter] += _size(path)
    return groups


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _read_file(spec: SourceSpec, path: Path) -> ReadResult:
    problem = _file_problem(spec, path)
    if problem:
        return ReadResult(quarantine=[problem])
    try:
        return spec.read_file(path)
    except UnreadableFile as exc:
        return ReadResult(quarantine=[_file_quarantine(spec, path, exc.reason, exc.detail)])
    except Exception as exc:  # noqa: BLE001 - a bad file must not stop the run
        return ReadResult(quarantine=[_file_quarantine(
            spec, path, "unreadable_file", f"could not be read ({type(exc).__name__})")])


def _file_problem(spec: SourceSpec, path: Path) -> dict | None:
    if path.suffix.lower() not in spec.suffixes:
        return _file_quarantine(
            spec, path, "unsupported_file_type",
            f"{spec.kind} files must end in {', '.join(spec.suffixes)}",
        )
    if path.stat().st_size == 0:
        return _file_quarantine(spec, path, "empty_file", "the file is empty (0 bytes)")
    return None


def _file_quarantine(spec: SourceSpec, path: Path, reason: str, detail: str) -> dict:
    return quarantine_row(
        source_system=spec.kind,
        source_file=path.name,
        reason=reason,
        reason_detail=f"{path.name}: {detail}",
        raw=file_excerpt(path),
    )


def file_excerpt(path: Path) -> str:
    """The file's content for the quarantine row: text as text (the first 64 KiB),
    a binary file as its size and digest (the file itself stays in the folder)."""
    data = path.read_bytes()
    head = data[:_RAW_EXCERPT_BYTES]
    for encoding in ("utf-8", "gb18030"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            suffix = "" if len(data) <= _RAW_EXCERPT_BYTES else f"\n…[{len(data)} bytes in all]"
            return text + suffix
    digest = hashlib.sha256(data).hexdigest()
    return f"<binary file: {len(data)} bytes, sha256 {digest}>"


def _quarantine_repeated_ids(result: ReadResult) -> None:
    """Keep one row per record id: the newest by ``updated_at``/``created_at``,
    then the last read (files are read in name order, so a later nightly dump
    wins). The others are quarantined as ``duplicate_record_id``, naming the
    row that was kept, so nothing disappears."""
    def recency(position: int) -> tuple[str, str, int]:
        record = result.records[position]
        return (record.get("updated_at") or "", record.get("created_at") or "", position)

    winner: dict[str, int] = {}
    for position, record in enumerate(result.records):
        key = record["source_record_id"]
        if key not in winner or recency(position) > recency(winner[key]):
            winner[key] = position
    kept: list[dict] = []
    for position, record in enumerate(result.records):
        chosen = winner[record["source_record_id"]]
        if chosen == position:
            kept.append(record)
            continue
        other = result.records[chosen]
        result.quarantine.append(
            quarantine_row(
                source_system=record["source_system"],
                source_file=record["source_file"],
                source_record_id=record["source_record_id"],
                source_row=record["source_row"],
                reason="duplicate_record_id",
                reason_detail=(
                    f"{record['source_file']} row {record['source_row']}: the same id is also in "
                    f"{other['source_file']} row {other['source_row']}, which is newer or later "
                    "and was kept"
                ),
                raw=record["raw"],
            )
        )
    result.records = kept
