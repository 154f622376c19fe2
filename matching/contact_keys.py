"""Key frames of the contact fields, built from what the standardiser already
parsed (``validators.standardise``: name match key and pinyin, E.164 phones
and the record's landline, normalised e-mail, company match key, resident id
validity), instead of parsing every value a second time.

Each builder gives exactly the frame the field kind's normaliser
(``matching.normalise``) would give for that column, so the engine cannot tell
the difference; a test holds them equal. Values are handled once per distinct
value, as the normalisers do.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from validators.phones import parse_phone

from .normalise import NORMALISER_KEYS, OWNER, name_keys

_PRC_MOBILE = re.compile(r"^\+861[3-9]\d{9}$")
_NOT_ALNUM = re.compile(r"[^0-9A-Z\u3400-\u9fff]")


def _per_unique(columns: list[pd.Series], build: Callable[..., dict[str, object]],
                normaliser: str) -> pd.DataFrame:
    """``build(*values)`` once per distinct combination of the columns' values
    (missing as ``""``), spread back to one row per input row."""
    texts = [c.where(c.notna(), "").astype(str).to_numpy(dtype=object) for c in columns]
    codes, uniques = pd.factorize(pd.MultiIndex.from_arrays(texts) if len(texts) > 1
                                  else pd.Index(texts[0]))
    rows = [build(*u) if len(texts) > 1 else build(u) for u in uniques]
    out = {}
    for key in ("value", *NORMALISER_KEYS[normaliser]):
        table = np.array([row[key] for row in rows], dtype=object)
        out[key] = table[codes] if len(codes) else np.array([], dtype=object)
    return pd.DataFrame(out)


def _name(value: str, pinyin: str) -> dict[str, object]:
    return name_keys(value, pinyin)


def _email(value: str) -> dict[str, object]:
    local = value.rpartition("@")[0]
    return {"value": value, "local": local if len(local) >= 4 else ""}


def _company(value: str) -> dict[str, object]:
    return {"value": value, "head": value[:2]}


def _id(raw: str, valid: str) -> dict[str, object]:
    value = _NOT_ALNUM.sub("", raw.upper())
    half = len(value) // 2
    long_enough = len(value) >= 6
    return {"value": value, "head": value[:half] if long_enough else "",
            "tail": value[half:] if long_enough else "",
            "resident_id": value if valid == "True" else ""}


def _line(number: str, landline: str) -> str:
    """The number's kind as ``validators.phones`` gives it, without parsing the
    common cases again: a PRC mobile, or the record's own landline."""
    if _PRC_MOBILE.match(number):
        return "mobile"
    if number == landline:
        return "landline"
    return parse_phone(number).kind or ""


def _phones(phones: pd.Series, landline: pd.Series, kinds: pd.Series | None = None) -> pd.DataFrame:
    split = phones.where(phones.notna(), "").astype(str).str.split(";", regex=False)
    exploded = split.explode()
    keep = (exploded.str.strip() != "").to_numpy()
    listed_kinds = None
    if kinds is not None:
        listed_kinds = kinds.where(kinds.notna(), "").astype(str).str.split(";", regex=False).explode()
        if len(listed_kinds) != len(exploded):  # not one kind per number: parse instead
            listed_kinds = None
    numbers = exploded[keep]
    owner = numbers.index.to_numpy(dtype=np.int64)
    lines = landline.where(landline.notna(), "").astype(str).to_numpy(dtype=object)[owner]
    if listed_kinds is None:
        frame = _per_unique([numbers.reset_index(drop=True), pd.Series(lines)],
                            lambda n, land: {"value": n, "line": _line(n, land)}, "phone")
    else:
        # ``_line`` without parsing: the standardiser's kind of each number is what
        # ``validators.phones`` gives it (the kind is a property of the number).
        values = numbers.to_numpy(dtype=object)
        mobile = numbers.str.match(_PRC_MOBILE.pattern).to_numpy(dtype=bool)
        own = values == lines
        line = np.where(mobile, "mobile", np.where(own, "landline", listed_kinds[keep].to_numpy(dtype=object)))
        frame = pd.DataFrame({"value": values, "line": line.astype(object)})
    frame[OWNER] = owner
    frame = frame[frame["value"] != ""].drop_duplicates([OWNER, "value"])
    return frame.reset_index(drop=True)


def standardised_keys(contacts: pd.DataFrame, columns: dict[str, str]) -> dict[str, pd.DataFrame]:
    """Key frames for the fields ``columns`` maps (field → kind) that a
    standardised contacts frame already holds parsed; other fields are left
    to the engine's normalisers."""
    c = contacts.reset_index(drop=True)
    builders: dict[tuple[str, str], Callable[[], pd.DataFrame]] = {
        ("name", "name"): lambda: _per_unique([c["name_key"], c["name_pinyin"]], _name, "name"),
        ("phone", "phone"): lambda: _phones(c["phones"], c["landline"], c.get("phone_kinds")),
        ("email", "email"): lambda: _per_unique([c["email"]], _email, "email"),
        ("company", "company"): lambda: _per_unique([c["company_key"]], _company, "company"),
        ("id_card", "id"): lambda: _per_unique(
            [c["id_card"], c["id_card_valid"].fillna(False).astype(bool).astype(str)], _id, "id"),
    }
    return {field: builders[(field, kind)]() for field, kind in columns.items()
            if (field, kind) in builders}
