"""Shared plumbing for the tabular exports (WeCom, spreadsheets, legacy dumps).

Decoding, header matching and sheet iteration live here once, so the per-kind
readers only say which headers mean what.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

#: Encodings tried in order for text exports. ``utf-8-sig`` also reads plain
#: UTF-8; GB18030 is a superset of GBK and GB2312, which older Windows tools write.
TEXT_ENCODINGS: tuple[str, ...] = ("utf-8-sig", "gb18030")

_HEADER_JUNK = re.compile(r"[\s_\-:：*（）()\[\]【】.]+")


class UnreadableFile(Exception):
    """A file that cannot be read at all; its message says why, for the quarantine."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def header_key(text: Any) -> str:
    """Width-, case- and punctuation-insensitive form of a header cell.

    ``ＥＭＡＩＬ``, ``E-mail``, ``e_mail `` and ``Email:`` all become ``email``.
    """
    if text is None:
        return ""
    return _folded_header(text if isinstance(text, str) else str(text))


@lru_cache(maxsize=4096)
def _folded_header(text: str) -> str:
    """Cached: a JSON Lines export repeats the same few keys on every line."""
    return _HEADER_JUNK.sub("", unicodedata.normalize("NFKC", text).casefold())


def synonym_index(synonyms: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """``{canonical: (spellings…)}`` → ``{header_key(spelling): canonical}``."""
    index: dict[str, str] = {}
    for canonical, spellings in synonyms.items():
        for spelling in spellings:
            index[header_key(spelling)] = canonical
    return index


def decode_text(data: bytes, encodings: tuple[str, ...] = TEXT_ENCODINGS) -> tuple[str, str]:
    """Decode bytes with the first encoding that fits; returns ``(text, encoding)``."""
    for encoding in encodings:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(
        "undecodable_file",
        f"file is neither {' nor '.join(encodings)} text",
    )


def csv_rows(text: str, delimiter: str = ",") -> list[list[str]]:
    """Parse CSV text; a malformed file raises ``UnreadableFile``.

    The field size limit is lifted because a real export can carry a long
    free-text cell, which should load rather than fail the whole file.
    """
    csv.field_size_limit(sys.maxsize)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise UnreadableFile("malformed_csv", f"CSV could not be parsed: {exc}") from exc


def xlsx_sheets(path: Path) -> Iterator[tuple[str, list[tuple[int, tuple[Any, ...]]]]]:
    """Yield ``(sheet name, [(excel row number, values), …])`` for every sheet.

    Row numbers are the ones Excel shows (1-based), taken from the cells
    themselves so that blank rows openpyxl skips do not shift them.
    """
    from openpyxl import load_workbook  # heavy import, only when an xlsx is read

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip errors, XML errors, not-a-workbook …
        raise UnreadableFile(
            "unreadable_workbook", f"not a readable xlsx workbook ({type(exc).__name__})"
        ) from exc
    try:
        for sheet in workbook.worksheets:
            rows: list[tuple[int, tuple[Any, ...]]] = []
            for cells in sheet.iter_rows():
                number = next((c.row for c in cells if getattr(c, "row", None)), None)
                if number is None:
                    continue
                rows.append((number, tuple(c.value for c in cells)))
            yield sheet.title, rows
    finally:
        workbook.close()


def is_blank_row(values: tuple[Any, ...] | list[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def find_header_row(
    rows: list[tuple[int, tuple[Any, ...]]],
    index: dict[str, str],
    required_any: frozenset[str],
    scan: int = 30,
) -> int | None:
    """Position (in ``rows``) of the header row: the first of the top ``scan`` rows
    where at least two cells are known headers and one of them is in
    ``required_any``. Title rows above it ("2024 工博会客户登记表") are skipped.
    """
    for position, (_, values) in enumerate(rows[:scan]):
        canon = {index.get(header_key(v)) for v in values if v is not None}
        canon.discard(None)
        if len(canon) >= 2 and canon & required_any:
            return position
    return None
