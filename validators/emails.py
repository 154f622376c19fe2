"""E-mail address normalisation.

Customers type addresses on Chinese keyboards, so ``＠`` and ``。`` show up in place
of ``@`` and ``.``, and addresses arrive wrapped as ``mailto:`` links or
``Name <addr>``. Validation is left to ``email_validator`` (syntax only: no DNS,
no network), and the result is case-folded so that it can be used as a match key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from email_validator import SPECIAL_USE_DOMAIN_NAMES, validate_email

from validators.text import clean_text

__all__ = ["PLACEHOLDER_LOCAL_PARTS", "EmailResult", "parse_email"]


@dataclass(frozen=True)
class EmailResult:
    """Outcome of parsing one address.

    ``email`` is set only when usable; otherwise ``problem`` is ``"missing"``
    (blank input), ``"placeholder"`` or ``"invalid"``.
    """

    email: str | None
    placeholder: bool
    problem: str | None


MISSING = EmailResult(None, False, "missing")
INVALID = EmailResult(None, False, "invalid")
PLACEHOLDER = EmailResult(None, True, "placeholder")

#: Local parts people type when a form forces them to give an address. Small on
#: purpose: a real address must never be thrown away.
PLACEHOLDER_LOCAL_PARTS: frozenset[str] = frozenset(
    {"test", "none", "null", "noemail", "nomail", "no", "na", "xxx", "abc", "123", "123456", "000000"}
)

_MAILTO = re.compile(r"^mailto:", re.IGNORECASE)
_ANGLE = re.compile(r"<([^<>]*@[^<>]*)>")
_WS = re.compile(r"\s+")
# Punctuation that Chinese IMEs produce instead of "." inside a domain.
_DOMAIN_DOTS = str.maketrans({"。": ".", "．": ".", "，": ".", ",": ".", "｡": ".", "、": "."})


def _prepare(text: str) -> str:
    """Undo typing accidents before validation; never validates."""
    text = text.replace("＠", "@").replace("﹫", "@")
    angle = _ANGLE.search(text)
    if angle:  # "王小明 <xiaoming@qq.com>"
        text = angle.group(1)
    text = _WS.sub("", text)
    text = _MAILTO.sub("", text)
    text = text.strip("<>\"'()[]")
    if "@" in text:
        local, _, domain = text.rpartition("@")
        domain = domain.translate(_DOMAIN_DOTS).strip(".")
        text = f"{local}@{domain}"
    return text


#: A plainly well-formed ASCII address (checked on its lower-cased form): a dot-atom
#: local part, hostname labels without ``--`` (no Punycode/IDNA questions) and an
#: alphabetic top-level domain. ``email_validator`` accepts every such address
#: unchanged but for case, so ``_plain_address`` can skip it (~77 µs per address).
_PLAIN = re.compile(
    r"[a-z0-9_+-]{1,64}(?:\.[a-z0-9_+-]{1,64})*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,8}[a-z]{2,24}"
)
_SPECIAL_USE_TLDS = frozenset(SPECIAL_USE_DOMAIN_NAMES)


def _plain_address(candidate: str) -> str | None:
    """The normalised address when ``candidate`` is plainly well formed, else None
    (then the full validator decides). Gives exactly what the validator path gives:
    tests/test_emails.py compares both on generated addresses."""
    if len(candidate) > 128 or not candidate.isascii():
        return None
    lower = candidate.lower()  # ASCII: lower() is casefold()
    if not _PLAIN.fullmatch(lower) or "--" in lower.rpartition("@")[2]:
        return None
    local, _, domain = lower.rpartition("@")
    if len(local) > 64 or domain.rpartition(".")[2] in _SPECIAL_USE_TLDS:
        return None
    return lower


@lru_cache(maxsize=500_000)
def _parse_text(text: str) -> EmailResult:
    candidate = _prepare(text)
    if "@" not in candidate:
        return INVALID
    local = candidate.rpartition("@")[0]
    if local.casefold() in PLACEHOLDER_LOCAL_PARTS:
        return PLACEHOLDER
    plain = _plain_address(candidate)
    if plain is not None:
        return EmailResult(plain, False, None)
    return _validated(candidate)


def _validated(candidate: str) -> EmailResult:
    """The full ``email_validator`` path for an address that is not a placeholder."""
    try:
        validated = validate_email(candidate, check_deliverability=False)
    except Exception:  # noqa: BLE001 - EmailNotValidError, and anything odd from IDNA
        return INVALID
    normalised = validated.normalized.casefold()
    if normalised.rpartition("@")[0] in PLACEHOLDER_LOCAL_PARTS:
        return PLACEHOLDER
    if normalised != validated.normalized:
        # Case folding can change what the validator accepts (e.g. unusual
        # Unicode); only return a value that validates on its own so the
        # function stays idempotent.
        try:
            again = validate_email(normalised, check_deliverability=False).normalized
        except Exception:  # noqa: BLE001 - never raise
            return INVALID
        if again != normalised:
            return INVALID
    return EmailResult(normalised, False, None)


def parse_email(raw: object) -> EmailResult:
    """Normalise and validate one e-mail address.

    Why: e-mail is a strong match key, so ``XiaoMing.Wang＠Example。com`` and
    ``xiaoming.wang@example.com`` must become the same string, and filler
    addresses like ``test@qq.com`` must not link unrelated customers.
    ``example.com`` is accepted (no special-use rejection beyond the library's).
    Never raises; ``parse_email(parse_email(x).email) == parse_email(x)`` for
    usable results.
    """
    text = clean_text(raw)
    if text is None:
        return MISSING
    try:
        return _parse_text(text)
    except Exception:  # noqa: BLE001  # pragma: no cover - defensive
        return INVALID
