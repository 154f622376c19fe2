"""Masking of personal data for logs, Dagster metadata and error messages.

Personal information (PIPL) must never appear unmasked outside the CRM store.
Every function here returns a masked string (or None for None) and never raises;
when in doubt it masks more, not less.
"""

from __future__ import annotations

import re

import phonenumbers

from .cn_mobile import PLAIN_MOBILE_E164

__all__ = ["mask_email", "mask_id_card", "mask_name", "mask_phone", "mask_text"]

_FULL_WIDTH = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)}, "＋": "+", "＠": "@", "Ｘ": "X", "ｘ": "x",
     "－": "-", "．": ".", "（": "(", "）": ")"}
)
_NON_DIGIT = re.compile(r"\D")
_FALLBACK = "***"


def _stars(n: int) -> str:
    return "*" * max(n, 1)


def _mask_digits(digits: str) -> str:
    """Keep the first 3 and last 4 digits, as the Chinese convention 138****8000."""
    if len(digits) >= 8:
        return digits[:3] + _stars(len(digits) - 7) + digits[-4:]
    if len(digits) >= 3:
        return _stars(len(digits) - 2) + digits[-2:]
    return _stars(len(digits))


def mask_phone(value: object) -> str | None:
    """``+8613800138000`` → ``+86 138****8000``; national/landline forms keep the
    first 3 and last 4 digits of the national number (``010****5678``)."""
    if value is None:
        return None
    try:
        text = str(value).translate(_FULL_WIDTH).strip()
        digits = _NON_DIGIT.sub("", text)
        if not digits:
            return _FALLBACK
        if PLAIN_MOBILE_E164.fullmatch(text):  # what the parse below gives, without parsing
            return f"+86 {_mask_digits(text[3:])}"
        if text.startswith(("+", "00")):
            international = digits[2:] if text.startswith("00") else digits
            try:
                number = phonenumbers.parse("+" + international, None)
                nsn = phonenumbers.national_significant_number(number)
                return f"+{number.country_code} {_mask_digits(nsn)}"
            except Exception:  # noqa: BLE001 - never raise
                return "+" + _mask_digits(digits)
        return _mask_digits(digits)
    except Exception:  # noqa: BLE001  # pragma: no cover - defensive
        return _FALLBACK


def mask_email(value: object) -> str | None:
    """``xiaoming.wang@qq.com`` → ``x***@qq.com`` (the domain is not personal)."""
    if value is None:
        return None
    try:
        text = str(value).translate(_FULL_WIDTH).strip()
        local, at, domain = text.rpartition("@")
        if not at or not local:
            return _FALLBACK
        return f"{local[0]}***@{domain}"
    except Exception:  # noqa: BLE001  # pragma: no cover - defensive
        return _FALLBACK


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or ch >= "\U00020000"


def mask_name(value: object) -> str | None:
    """``王小明`` → ``王*明``, ``王伟`` → ``王*``, ``Wang Xiaoming`` → ``W*** X***``."""
    if value is None:
        return None
    try:
        text = " ".join(str(value).split())
        if not text:
            return _FALLBACK
        if any(_is_han(c) for c in text):
            compact = text.replace(" ", "")
            if len(compact) == 1:
                return "*"
            if len(compact) == 2:
                return compact[0] + "*"
            return compact[0] + _stars(len(compact) - 2) + compact[-1]
        return " ".join(tok[0] + "***" for tok in text.split())
    except Exception:  # noqa: BLE001  # pragma: no cover - defensive
        return _FALLBACK


def mask_id_card(value: object) -> str | None:
    """``11010519491231002X`` → ``110105********002X`` (region code and last 4 kept)."""
    if value is None:
        return None
    try:
        text = re.sub(r"\s", "", str(value).translate(_FULL_WIDTH)).upper()
        if len(text) >= 14:
            return text[:6] + _stars(len(text) - 10) + text[-4:]
        return _stars(len(text) - 2) + text[-2:] if len(text) > 4 else _stars(len(text))
    except Exception:  # noqa: BLE001  # pragma: no cover - defensive
        return _FALLBACK


_ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)")
_EMAIL_PATTERN = re.compile(r"[\w.+\-]+@[\w\-]+(?:[.。][\w\-]+)+")
# Mobiles with optional +86/0086/86 prefix and separators, then landlines with
# an area code (010-62345678, (0755)8765 4321).
_PHONE_PATTERNS = (
    re.compile(r"(?<![\d*])(?:(?:\+|00)?86[\s\-]?)?1[3-9]\d(?:[\s\-]?\d){8}(?![\d*])"),
    re.compile(r"(?<![\d*])(?:\(0\d{2,3}\)|0\d{2,3})[\s\-]?\d{3,4}[\s\-]?\d{4}(?![\d*])"),
)


def mask_text(text: str) -> str:
    """Mask phone numbers, e-mail addresses and resident ids inside free text.

    Why: exceptions, quarantine reasons and log lines quote raw values; they go to
    Dagster's event log, which is not a place for personal data. Ids are masked
    before phones (an id contains phone-like digit runs); international numbers
    are found with phonenumbers' matcher. None → None.
    """
    if text is None:
        return None  # type: ignore[return-value]
    try:
        masked = str(text).translate(_FULL_WIDTH)
        masked = _ID_PATTERN.sub(lambda m: mask_id_card(m.group(0)) or _FALLBACK, masked)
        masked = _EMAIL_PATTERN.sub(lambda m: mask_email(m.group(0)) or _FALLBACK, masked)
        for pattern in _PHONE_PATTERNS:
            masked = pattern.sub(lambda m: mask_phone(m.group(0)) or _FALLBACK, masked)
        for match in reversed(list(phonenumbers.PhoneNumberMatcher(masked, "CN"))):
            if match.raw_string.lstrip().startswith(("+", "00")):
                replacement = mask_phone(match.raw_string) or _FALLBACK
                masked = masked[: match.start] + replacement + masked[match.end :]
        return masked
    except Exception:  # noqa: BLE001  # pragma: no cover - never leak on failure
        return _FALLBACK
