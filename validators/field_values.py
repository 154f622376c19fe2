"""One golden field's value, typed by a reviewer, normalised like the pipeline's own.

Why: a reviewer who settles a field conflict types ``138 0013 8000`` or ``男``;
the golden record must hold ``+8613800138000`` and ``M``, exactly as if the
value had come from a source. Each field uses the standardiser's own parser.
"""

from __future__ import annotations

from .companies import normalise_company
from .emails import parse_email
from .identity_numbers import parse_resident_id
from .names import parse_name
from .phones import parse_phone
from .text import clean_text
from .values import parse_date, parse_gender


def normalise_field_value(field: str, raw: str) -> tuple[str | None, str | None]:
    """``(value, None)`` when usable, ``(None, problem)`` when not. Never raises;
    the problem names what is wrong without repeating the value."""
    text = clean_text(raw)
    if text is None:
        return None, "empty"
    if field in ("phone", "landline"):
        result = parse_phone(text)
        return (result.e164, None) if result.e164 else (None, f"not a usable phone number ({result.problem})")
    if field == "email":
        email = parse_email(text)
        return (email.email, None) if email.email else (None, f"not a usable e-mail address ({email.problem})")
    if field == "gender":
        gender = parse_gender(text)
        return (gender, None) if gender else (None, "gender must be M or F (or 男 / 女)")
    if field == "birth_date":
        day = parse_date(text)
        return (day, None) if day else (None, "not a date (use YYYY-MM-DD)")
    if field == "id_card_no":
        resident = parse_resident_id(text)
        return (resident.number, None) if resident.valid else (None, "not a valid resident id number")
    if field == "name":
        name = parse_name(text)
        return (name.name, None) if name.name else (None, "not a person's name")
    if field == "company":
        company = normalise_company(text)
        return (company.name, None) if company.name else (None, "not a company name")
    return text, None
