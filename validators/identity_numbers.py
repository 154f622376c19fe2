"""PRC resident identity card numbers (居民身份证号码, GB 11643-1999).

An 18-character id is a near-certain identity key, so a wrong one is worse than
none: validity requires both the ISO 7064 MOD 11-2 check character and a real
embedded birth date. Invalid numbers are kept (cleaned) so that a data steward
can see what was typed, but ``valid`` is False and ``problem`` says why.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from validators.text import clean_text

__all__ = ["ResidentIdResult", "id_check_character", "parse_resident_id"]


@dataclass(frozen=True)
class ResidentIdResult:
    """Parsed id. ``problem``: ``"missing"``, ``"bad_length"``, ``"bad_format"``
    (18 characters but not 17 digits + digit/X), ``"bad_date"`` or
    ``"bad_check_digit"``; None when valid."""

    number: str | None
    valid: bool
    birth_date: str | None
    gender: str | None
    problem: str | None


MISSING = ResidentIdResult(None, False, None, None, "missing")

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")
_SEPARATORS = re.compile(r"[\s\-]+")


def id_check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
    return _CHECK_CHARS[total % 11]


def _birth_date(number: str) -> date | None:
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    if born.year < 1800 or born > date.today():
        return None
    return born


@lru_cache(maxsize=200_000)
def _parse_text(text: str) -> ResidentIdResult:
    # Re-normalise after dropping separators: a removed space can let a combining
    # mark compose with the previous character, and upper() can decompose.
    number = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", _SEPARATORS.sub("", text)).upper())
    if not number:
        return MISSING
    if len(number) != 18:
        return ResidentIdResult(number, False, None, None, "bad_length")
    if not _SHAPE.match(number):
        return ResidentIdResult(number, False, None, None, "bad_format")
    born = _birth_date(number)
    if born is None:
        return ResidentIdResult(number, False, None, None, "bad_date")
    if id_check_character(number[:17]) != number[17]:
        return ResidentIdResult(number, False, None, None, "bad_check_digit")
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return ResidentIdResult(number, True, born.isoformat(), gender, None)


def parse_resident_id(raw: object) -> ResidentIdResult:
    """Validate an 18-character resident id and read birth date and gender.

    Why: the legacy CRM's ID_CARD_NO is the only hard identity evidence we have;
    typos must not merge two people, and birth date/gender are cross-checks for
    the other sources. Full-width digits, spaces/dashes and a lower-case ``x``
    are accepted. Never raises.
    """
    text = clean_text(raw)
    if text is None:
        return MISSING
    try:
        return _parse_text(text)
    except Exception:  # noqa: BLE001  # pragma: no cover - defensive
        return ResidentIdResult(text, False, None, None, "bad_format")
