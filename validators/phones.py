"""Phone number parsing for Chinese customer data.

Phones are the strongest match key we have, so they must be normalised to E.164
exactly once and dummy numbers (13800138000, 11111111111, ...) must never be used
to merge two customers. Parsing and validation is delegated to ``phonenumbers``;
this module only adds what it does not know: Chinese extension markers
(``转123``, ``分机123``), ``(86)``/``86-`` prefixes, multi-number cells, and the
placeholder heuristics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from validators.cn_mobile import PLAIN_MOBILE, plain_mobile_type
from validators.text import clean_text

__all__ = [
    "PhoneResult",
    "is_placeholder_phone",
    "parse_phone",
    "parse_phone_list",
]


@dataclass(frozen=True)
class PhoneResult:
    """Outcome of parsing one phone number.

    ``e164`` is only set when the number is usable (valid and not a dummy);
    ``problem`` is then None. Otherwise ``problem`` is one of ``"missing"``
    (blank input), ``"placeholder"``, ``"invalid"`` or ``"unparseable"`` and
    ``e164``/``kind``/``extension`` are None.
    """

    e164: str | None
    kind: str | None  # "mobile" | "landline" | "other"
    extension: str | None
    placeholder: bool
    problem: str | None


MISSING = PhoneResult(None, None, None, False, "missing")
UNPARSEABLE = PhoneResult(None, None, None, False, "unparseable")
INVALID = PhoneResult(None, None, None, False, "invalid")
PLACEHOLDER = PhoneResult(None, None, None, True, "placeholder")

#: Classic dummy numbers (national significant numbers) that people type into
#: forms. Kept short on purpose: the digit-pattern rules below catch the rest.
DUMMY_NUMBERS: frozenset[str] = frozenset(
    {
        "13800138000",
        "13900139000",
        "13888888888",
        "13999999999",
        "12345678901",
        "13812345678",
    }
)

_EXTENSION = re.compile(
    r"^(?P<main>.*?\d.*?)[\s,;:\-]*"
    r"(?:转|轉|分机号?|分機號?|extension|ext|x|#)[\s.:：]*(?P<ext>\d{1,6})\s*$",
    re.IGNORECASE,
)
_TRAILING_DASH_GROUP = re.compile(r"^(?P<main>.*\d)\s*-\s*(?P<ext>\d{1,5})\s*$")
_LIST_SEPARATORS = re.compile(r"[,，;；、/|\n]+")
_EXT_WORDS = re.compile(r"转|轉|分机号?|分機號?")
_NON_DIGIT = re.compile(r"\D")

_VALID_REGIONS = frozenset(phonenumbers.SUPPORTED_REGIONS)


def _has_counting_run(digits: str, length: int = 8) -> bool:
    """True when ``digits`` contains a keyboard-style counting run of ``length``
    digits: up from 0 or 1 (``01234567``, ``12345678``) or down from 9
    (``98765432``).

    Why anchored: people faking a number count from the start of the row. An
    unanchored rule would also reject ordinary landlines such as
    ``0755-87654321`` (the contract's own example), which real companies own.
    """
    for start in ("0123456789"[:length], "123456789"[:length], "9876543210"[:length]):
        if len(start) == length and start in digits:
            return True
    return False


def _is_placeholder_nsn(nsn: str) -> bool:
    """Placeholder rules on a national significant number (digits only)."""
    if not nsn or not nsn.isdigit():
        return False
    if nsn in DUMMY_NUMBERS:
        return True
    if len(set(nsn)) <= 2:  # 11111111111, 18888888888, 0, 00000000, 10000000000
        return True
    return _has_counting_run(nsn)


def is_placeholder_phone(e164_or_digits: str) -> bool:
    """True when the number is an obvious dummy that must never link two customers.

    Accepts E.164 (``+8613800138000``) or national/raw digits
    (``13800138000``, ``010-12345678``). Never raises.
    """
    text = clean_text(e164_or_digits)
    if text is None:
        return False
    digits = _NON_DIGIT.sub("", text)
    if not digits:
        return False
    national = _plain_national(text, "CN")
    if national is not None and PLAIN_MOBILE.fullmatch(national):
        # A plain Chinese mobile: its national significant number is these 11
        # digits, as a parse would give (validators.cn_mobile), without the parse.
        return _is_placeholder_nsn(national)
    number = _try_parse(text, "CN")
    nsn = phonenumbers.national_significant_number(number) if number else (digits.lstrip("0") or "0")
    return _is_placeholder_nsn(nsn)


def _kind(number: phonenumbers.PhoneNumber, e164: str) -> str:
    return _kind_of(phonenumbers.number_type(number), e164)


def _kind_of(number_type: int, e164: str) -> str:
    if number_type == PhoneNumberType.MOBILE:
        return "mobile"
    if number_type == PhoneNumberType.FIXED_LINE_OR_MOBILE:
        return "mobile" if e164.startswith("+861") else "other"
    if number_type == PhoneNumberType.FIXED_LINE:
        return "landline"
    return "other"


def _try_parse(main: str, region: str) -> phonenumbers.PhoneNumber | None:
    """Parse the digits of ``main`` (keeping a leading ``+``) or return None."""
    digits = _NON_DIGIT.sub("", main)
    if not digits:
        return None
    candidate = ("+" if main.lstrip().startswith("+") else "") + digits
    if candidate.startswith("00"):
        # International dialling prefix, e.g. 0086: independent of default region.
        candidate = "+" + candidate[2:]
    try:
        return phonenumbers.parse(candidate, region)
    except NumberParseException:
        return None
    except Exception:  # noqa: BLE001  # pragma: no cover - defensive
        return None


def _usable(number: phonenumbers.PhoneNumber, extension: str | None) -> PhoneResult:
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return PhoneResult(e164, _kind(number, e164), extension, False, None)


@lru_cache(maxsize=500_000)
def _parse_text(text: str, region: str) -> PhoneResult:
    extension: str | None = None
    main = text
    match = _EXTENSION.match(text)
    if match:
        main, extension = match.group("main"), match.group("ext")
    plain = _plain_mobile(_plain_national(main, region), extension)
    if plain is not None:
        return plain
    number = _try_parse(main, region)
    if number is None:
        digits = _NON_DIGIT.sub("", main)
        if digits and _is_placeholder_nsn(digits.lstrip("0") or "0"):
            return PLACEHOLDER
        return UNPARSEABLE
    nsn = phonenumbers.national_significant_number(number)
    if _is_placeholder_nsn(nsn):
        return PLACEHOLDER
    if phonenumbers.is_valid_number(number):
        return _usable(number, extension)
    if extension is None:
        # 010-62345678-8001: a trailing dash group is an extension when the rest
        # is a valid number on its own.
        dash = _TRAILING_DASH_GROUP.match(main)
        if dash:
            shorter = _try_parse(dash.group("main"), region)
            if shorter is not None and phonenumbers.is_valid_number(shorter):
                if _is_placeholder_nsn(phonenumbers.national_significant_number(shorter)):
                    return PLACEHOLDER
                return _usable(shorter, dash.group("ext"))
    return INVALID


def _plain_national(main: str, region: str) -> str | None:
    """The national number ``_try_parse`` would hand phonenumbers when it is
    certainly Chinese: after ``+86`` or ``0086``, or bare digits with the
    default region CN; None otherwise (``8613812345678`` without a plus is
    left to phonenumbers, which decides whether 86 is a country code)."""
    digits = _NON_DIGIT.sub("", main)
    if main.lstrip().startswith("+"):
        return digits[2:] if digits.startswith("86") else None
    if digits.startswith("0086"):
        return digits[4:]
    return digits if region == "CN" else None


def _plain_mobile(digits: str | None, extension: str | None) -> PhoneResult | None:
    """``_parse_text``'s result for a plain Chinese mobile number (``digits``:
    its national number), from phonenumbers' own tables without a parse
    (``cn_mobile``); None for anything else, and for an invalid one (the full
    way also tries a trailing dash group as an extension)."""
    if digits is None or not PLAIN_MOBILE.fullmatch(digits):
        return None
    if _is_placeholder_nsn(digits):
        return PLACEHOLDER
    number_type = plain_mobile_type(digits)
    if number_type == PhoneNumberType.UNKNOWN:
        return None
    e164 = "+86" + digits
    return PhoneResult(e164, _kind_of(number_type, e164), extension, False, None)


def _region(default_region: object) -> str:
    if isinstance(default_region, str) and default_region.upper() in _VALID_REGIONS:
        return default_region.upper()
    return "ZZ"  # unknown region: only +<country code> numbers can parse


def parse_phone(raw: object, default_region: str = "CN") -> PhoneResult:
    """Parse one phone number into E.164, kind and extension.

    Why: the same customer types ``+86 138-0013-8000``, ``0086 138 0013 8000`` and
    ``１３８００１３８０００``; only a canonical E.164 lets us match them. Dummy
    numbers are flagged rather than returned so they never link customers.
    Never raises; ``parse_phone(parse_phone(x).e164).e164 == parse_phone(x).e164``.
    """
    text = clean_text(raw)
    if text is None:
        return MISSING
    try:
        return _parse_text(text, _region(default_region))
    except Exception:  # noqa: BLE001  # pragma: no cover - contract: never raise
        return UNPARSEABLE


def _group_tokens(chunk: str, region: str) -> list[PhoneResult]:
    """Digit-grouping fallback: join whitespace tokens greedily into the longest
    run that forms a valid (or placeholder) number, e.g. ``138 0013 8001 139 0013 9001``."""
    tokens = chunk.split()
    results: list[PhoneResult] = []
    i = 0
    while i < len(tokens):
        best: tuple[int, PhoneResult] | None = None
        for j in range(i + 1, min(len(tokens), i + 6) + 1):
            result = _parse_text(" ".join(tokens[i:j]), region)
            if result.e164 is not None or result.placeholder:
                best = (j, result)
        if best is None:
            i += 1
            continue
        results.append(best[1])
        i = best[0]
    return results


def _parse_chunk(chunk: str, region: str) -> list[PhoneResult]:
    whole = _parse_text(chunk, region)
    if whole.e164 is not None or whole.placeholder:
        return [whole]
    # Several numbers separated only by spaces: let phonenumbers find them.
    prepared = _EXT_WORDS.sub(" ext ", chunk)
    try:
        matches = list(
            phonenumbers.PhoneNumberMatcher(
                prepared, region, leniency=phonenumbers.Leniency.POSSIBLE
            )
        )
    except Exception:  # noqa: BLE001  # pragma: no cover - defensive
        matches = []
    if matches:
        return [_parse_text(m.raw_string, region) for m in matches]
    grouped = _group_tokens(chunk, region)
    return grouped or [whole]


@lru_cache(maxsize=200_000)
def _parse_list_text(text: str, region: str) -> tuple[PhoneResult, ...]:
    results: list[PhoneResult] = []
    seen: set[object] = set()
    for raw_chunk in _LIST_SEPARATORS.split(text):
        chunk = clean_text(raw_chunk)
        if chunk is None:
            continue
        for result in _parse_chunk(chunk, region):
            key: object = result.e164 if result.e164 is not None else result
            if key in seen:
                continue
            seen.add(key)
            results.append(result)
    return tuple(results)


def parse_phone_list(raw: object, default_region: str = "CN") -> list[PhoneResult]:
    """Parse a cell that may hold zero, one or several phone numbers.

    Why: WeCom's 备注手机号 and hand-kept sheets put several numbers in one cell,
    separated by ``,`` ``，`` ``;`` ``、`` ``/`` or just spaces, while a single
    number is itself often written with spaces (``+86 138 0013 8000``). Results
    keep input order and are de-duplicated by E.164 (unusable results by value).
    Blank input gives ``[]``. Never raises.
    """
    text = clean_text(raw)
    if text is None:
        return []
    try:
        return list(_parse_list_text(text, _region(default_region)))
    except Exception:  # noqa: BLE001  # pragma: no cover - defensive
        return [UNPARSEABLE]
