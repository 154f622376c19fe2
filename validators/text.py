"""Text cleaning shared by every other normaliser.

Source exports are typed by customers and sales staff, so the same value shows up
with full-width digits, stray zero-width characters copied out of WeChat, NUL bytes
from the legacy dump, and a zoo of "no value" markers. Everything downstream
(phones, emails, names...) starts from :func:`clean_text` so that these quirks are
handled in exactly one place.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

__all__ = ["NULL_MARKERS", "clean_text", "to_simplified"]

#: Values that people type to mean "nothing here". Compared case-insensitively
#: after normalisation. Kept deliberately small: anything looking like real data
#: (e.g. "未知" for gender) is left to the field-specific parsers.
NULL_MARKERS: frozenset[str] = frozenset(
    {
        "null", "none", "nan", "n/a", "na", "nil", "#n/a",
        "-", "--", "---", "—", "——", "/",
        "无", "無", "空", "暂无", "暫無",
    }
)

_WHITESPACE_CC = {"\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85"}
_WS_RUN = re.compile(r"\s+")


def _is_missing(value: object) -> bool:
    """True for None, float NaN/inf and pandas' NA/NaT, without importing pandas."""
    if value is None:
        return True
    if isinstance(value, float):
        return not math.isfinite(value)
    return type(value).__name__ in {"NAType", "NaTType"}


def _to_str(value: object) -> str | None:
    """Turn a scalar into text. Integral floats lose their ``.0`` because Excel
    and pandas hand us phone numbers and ids as floats (13800138000.0)."""
    if isinstance(value, str):
        return value
    if _is_missing(value):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e18:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        for encoding in ("utf-8", "gb18030"):
            try:
                return bytes(value).decode(encoding)
            except UnicodeDecodeError:
                continue
        return None
    try:
        # numpy scalars, Decimal, ...: integral numbers still must not get ".0".
        if hasattr(value, "is_integer") and value.is_integer():  # type: ignore[attr-defined]
            return str(int(value))  # type: ignore[call-overload]
        text = str(value)
    except Exception:  # noqa: BLE001 - never raise
        return None
    return text


def _strip_invisible(text: str) -> str:
    """Drop control (Cc), format (Cf: zero-width space/joiner, BOM, soft hyphen),
    surrogate and unassigned characters; whitespace-like controls become spaces."""
    if text.isprintable():
        # No character of category C* or Z* but the ASCII space: nothing to drop
        # or replace (most values), so skip the per-character loop.
        return text
    out: list[str] = []
    for ch in text:
        if ch in _WHITESPACE_CC:
            out.append(" ")
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Cs", "Cn"):
            continue
        if cat in ("Zl", "Zp"):
            out.append(" ")
            continue
        out.append(ch)
    return "".join(out)


def _one_pass(text: str) -> str:
    text = _strip_invisible(text)
    text = unicodedata.normalize("NFKC", text)
    text = _strip_invisible(text)
    return _WS_RUN.sub(" ", text).strip()


@lru_cache(maxsize=200_000)
def _clean_str(text: str) -> str | None:
    # NFKC can expose new combining sequences once invisible characters are gone
    # (and vice versa), so iterate to a fixed point; that makes clean_text
    # idempotent by construction. In practice one or two passes suffice.
    for _ in range(5):
        cleaned = _one_pass(text)
        if cleaned == text:
            break
        text = cleaned
    if not text or text.casefold() in NULL_MARKERS:
        return None
    return text


def clean_text(value: object) -> str | None:
    """Normalise any cell value to tidy text, or None when there is no value.

    Why: every source hands us the same information in different shapes
    (full-width vs half-width, NUL bytes, zero-width spaces, "n/a"). Doing this
    once, identically, is what makes later comparisons and matching meaningful.
    Never raises; ``clean_text(clean_text(x)) == clean_text(x)``.
    """
    try:
        text = _to_str(value)
        if text is None:
            return None
        return _clean_str(text)
    except Exception:  # noqa: BLE001  # pragma: no cover - contract: never raise
        return None


@lru_cache(maxsize=1)
def _t2s_converter():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=200_000)
def _to_simplified_cached(text: str) -> str:
    if text.isascii():
        return text
    # t2s is not always a fixed point (薴 -> 苧 -> 苎), so convert until stable:
    # that keeps every caller idempotent.
    for _ in range(3):
        try:
            converted = _t2s_converter().convert(text)
        except Exception:  # noqa: BLE001 - never raise
            return text
        if not isinstance(converted, str) or converted == text:
            return text
        text = converted
    return text


def to_simplified(text: str) -> str:
    """Convert traditional Chinese to simplified (OpenCC ``t2s``).

    Why: Hong Kong / Taiwan customers and some legacy records use traditional
    characters, so ``張偉`` and ``张伟`` must compare equal. Non-str input is
    cleaned first; None becomes ``""`` so callers can chain safely.
    """
    if not isinstance(text, str):
        text = clean_text(text) or ""
    if not text:
        return text
    return _to_simplified_cached(text)


#: A spreadsheet treats a cell starting with one of these as a formula.
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: str) -> str:
    """A CSV cell Excel will show as text, never run: a leading ``=``, ``+``,
    ``-``, ``@``, tab or carriage return gets a ``'`` in front (OWASP's advice
    against CSV injection). ``+8613800138000`` becomes ``'+8613800138000``."""
    return "'" + value if value.startswith(_FORMULA_TRIGGERS) else value
