"""Per-kind normalisers: a raw column (strings) → a frame of comparable keys.

Every frame has ``value`` (the normalised value, ``""`` when missing) plus the
derived keys that comparison tests and blocking rules read (pinyin, sorted
letters, initials, halves of an id…). Each normaliser runs once per *distinct*
raw value, so a column that repeats a city or a placeholder a million times
costs one parse. The project's validators do the parsing, so ``張偉``,
``Zhang Wei`` and ``+86 138-0013-8000`` mean here what they mean everywhere else.
"""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from validators.companies import normalise_company
from validators.emails import parse_email
from validators.identity_numbers import parse_resident_id
from validators.names import parse_name
from validators.phones import parse_phone
from validators.text import clean_text, to_simplified
from validators.values import parse_date

from .fields import FieldSpec

_NOT_ALNUM = re.compile(r"[^0-9A-Z\u3400-\u9fff]")
_NOT_DIGIT = re.compile(r"\D")
_NOT_LETTER = re.compile(r"[\W\d_]")


def _letters(text: str) -> str:
    return _NOT_LETTER.sub("", text)


def _name(raw: str) -> dict[str, object]:
    parsed = parse_name(raw)
    return name_keys(parsed.match_key or "", parsed.pinyin or "")


def name_keys(value: str, pinyin: str) -> dict[str, object]:
    """The name kind's keys from a parsed name's match key and pinyin."""
    spelled = pinyin or value
    tokens = spelled.split()
    letters = _letters(spelled)
    return {
        "value": value,
        "pinyin": pinyin,
        "first_word": tokens[0] if len(tokens) > 1 else "",
        "last_word": tokens[-1] if len(tokens) > 1 else "",
        "only_word": tokens[0] if len(tokens) == 1 else "",
        # Order- and space-blind: "wang xiao ming" / "Xiaoming Wang" / 王小明.
        "anagram": "".join(sorted(letters)),
        "initials": "".join(sorted(t[0] for t in tokens)) if tokens else "",
        "first3": letters[:3],
        "initial": letters[:1],
    }


def _text(raw: str) -> dict[str, object]:
    text = clean_text(raw)
    value = to_simplified(text).casefold() if text else ""
    letters = _letters(value)
    return {"value": value, "first3": letters[:3], "initial": letters[:1]}


def _date(raw: str) -> dict[str, object]:
    """``YYYYMMDD``; a date that does not parse (a typo such as ``19301313``)
    keeps its eight digits so the typo levels can still see it."""
    iso = parse_date(raw)
    if iso:
        value = iso.replace("-", "")
    else:
        digits = _NOT_DIGIT.sub("", clean_text(raw) or "")
        value = digits if len(digits) == 8 and digits[:2] in ("18", "19", "20") else ""
    if not value:
        return {"value": "", "year": "", "year_month": "", "month_day": "", "swapped": ""}
    return {
        "value": value,
        "year": value[:4],
        "year_month": value[:6],
        "month_day": value[4:],
        "swapped": value[:4] + value[6:] + value[4:6],  # day and month swapped
    }


def _phone(raw: str) -> dict[str, object]:
    """E.164 when the number is valid; a placeholder (13800138000) is missing;
    anything else with enough digits keeps its digits (foreign data, typos)."""
    parsed = parse_phone(raw)
    if parsed.e164:
        return {"value": parsed.e164, "line": parsed.kind or ""}
    if parsed.placeholder:
        return {"value": "", "line": ""}
    digits = _NOT_DIGIT.sub("", clean_text(raw) or "")
    return {"value": digits if len(digits) >= 6 else "", "line": ""}


def _email(raw: str) -> dict[str, object]:
    value = parse_email(raw).email or ""
    local = value.rpartition("@")[0]
    return {"value": value, "local": local if len(local) >= 4 else ""}


def _id(raw: str) -> dict[str, object]:
    """Upper-case letters and digits only. ``head``/``tail`` are the halves of a
    long id: an id with one typo still shares one half with the right one."""
    text = clean_text(raw) or ""
    value = _NOT_ALNUM.sub("", text.upper())
    long_enough = len(value) >= 6
    half = len(value) // 2
    return {
        "value": value,
        "head": value[:half] if long_enough else "",
        "tail": value[half:] if long_enough else "",
        "resident_id": value if parse_resident_id(value).valid else "",
    }


def _company(raw: str) -> dict[str, object]:
    value = normalise_company(raw).match_key or ""
    return {"value": value, "head": value[:2]}


#: The keys each normaliser gives (besides ``value``).
NORMALISER_KEYS: dict[str, tuple[str, ...]] = {
    "name": ("pinyin", "first_word", "last_word", "only_word", "anagram", "initials", "first3",
             "initial"),
    "text": ("first3", "initial"),
    "date": ("year", "year_month", "month_day", "swapped"),
    "phone": ("line",),
    "email": ("local",),
    "id": ("head", "tail", "resident_id"),
    "company": ("head",),
}

#: The virtual field "all person-name fields together" (its ``anagram``).
PERSON = "_person"

NORMALISERS: dict[str, Callable[[str], dict[str, object]]] = {
    "name": _name,
    "text": _text,
    "date": _date,
    "phone": _phone,
    "email": _email,
    "id": _id,
    "company": _company,
}


def normalise_column(raw: pd.Series, normaliser: str) -> pd.DataFrame:
    """One row per input row (same order, a fresh 0..n-1 index): ``value`` and
    the normaliser's derived keys, all strings, ``""`` for missing."""
    parse = NORMALISERS[normaliser]
    values = pd.Series(raw).reset_index(drop=True)
    present = values.notna().to_numpy()
    texts = values.where(present, "").astype(str).to_numpy(dtype=object)
    uniques, inverse = np.unique(texts, return_inverse=True)
    rows = [parse(text) if text else None for text in uniques]
    columns = ("value", *NORMALISER_KEYS[normaliser])
    out: dict[str, np.ndarray] = {}
    for column in columns:
        table = np.array([(row[column] if row else "") for row in rows], dtype=object)
        out[column] = table[inverse] if len(texts) else np.array([], dtype=object)
    return pd.DataFrame(out)


#: Column of a list-valued field's frame: the record each value row belongs to.
OWNER = "_owner"


def owners(frame: pd.DataFrame) -> np.ndarray:
    """Record position of each row of a field's frame (rows are records unless
    the field is list-valued)."""
    if OWNER in frame.columns:
        return frame[OWNER].to_numpy(dtype=np.int64)
    return np.arange(len(frame), dtype=np.int64)


def normalise_list(raw: pd.Series, normaliser: str, separator: str) -> pd.DataFrame:
    """A list-valued column: one row per distinct non-empty normalised value of
    each record (records in order), with its record in ``OWNER``."""
    values = pd.Series(raw, dtype=object).reset_index(drop=True)
    split = values.where(values.notna(), "").astype(str).str.split(separator, regex=False)
    exploded = split.explode()
    exploded = exploded[exploded.str.strip() != ""]
    frame = normalise_column(exploded, normaliser)
    frame[OWNER] = exploded.index.to_numpy(dtype=np.int64)
    frame = frame[frame["value"] != ""].drop_duplicates([OWNER, "value"])
    return frame.reset_index(drop=True)


#: Below this many distinct raw values over all fields, forking workers costs
#: more than it saves (a worker starts in ~50 ms; a value parses in 20-100 µs).
PARALLEL_MIN_VALUES = 20_000


def _normalise_one(raw: pd.Series, normaliser: str, separator: str | None) -> pd.DataFrame:
    if separator:
        return normalise_list(raw, normaliser, separator)
    return normalise_column(raw, normaliser)


def _normalise_all(columns: dict[str, pd.Series], specs: Sequence[FieldSpec],
                   workers: int) -> dict[str, pd.DataFrame]:
    """Each field's keys, the fields spread over ``workers`` forked processes
    when there are enough values. Parsing names, phones and e-mails is pure
    Python, one value at a time, and is most of a run's time on one core; the
    fields are independent, so the keys are the same whichever process made
    them. Forking is only safe while the process runs no other threads, so
    only the caller knows whether to ask for it (the CLI does; the default,
    1, never forks: a Dagster step does not)."""
    jobs = [(s.column, columns[s.column], s.definition.normaliser, s.separator) for s in specs]
    distinct = {column: int(raw.nunique()) for column, raw, _, _ in jobs}
    if (workers <= 1 or len(jobs) < 2 or sum(distinct.values()) < PARALLEL_MIN_VALUES
            or "fork" not in multiprocessing.get_all_start_methods()):
        return {column: _normalise_one(raw, kind, sep) for column, raw, kind, sep in jobs}
    jobs.sort(key=lambda job: -distinct[job[0]])  # longest first: the pool balances the rest
    # The parsers' tables (pypinyin's take 0.2 s) are loaded by the worker
    # whose field needs them, while the other worker parses: loading them all
    # here first made every worker wait for every table.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context) as pool:
        futures = {column: pool.submit(_normalise_one, raw, kind, sep)
                   for column, raw, kind, sep in jobs}
        return {column: future.result() for column, future in futures.items()}


def normalise_columns(data: pd.DataFrame, specs: Sequence[FieldSpec], workers: int = 1) -> dict[str, pd.DataFrame]:
    """Each field's keys alone (no person key, no generic flags): what
    ``normalise_fields`` makes for the fields it is not ``given``."""
    return _normalise_all({s.column: data[s.column] for s in specs}, specs, workers)


def normalise_fields(
    data: pd.DataFrame, specs: Sequence[FieldSpec], generic_min_names: int,
    given: dict[str, pd.DataFrame] | None = None, workers: int = 1,
) -> dict[str, pd.DataFrame]:
    """Normalised keys per field, the person key (sorted letters of all name
    fields) and the generic flag of phone/email values found on records of
    ``generic_min_names`` or more different people. ``given``: key frames a
    caller already has for some fields (exactly what the field's normaliser
    would give, e.g. built from a standardiser's output), used as they are.
    ``workers``: processes to parse in (``_normalise_all``); same keys either way."""
    given = given or {}
    todo = [s for s in specs if s.column not in given]
    made = _normalise_all({s.column: data[s.column] for s in todo}, todo, workers)
    keys = {s.column: given[s.column] if s.column in given else made[s.column] for s in specs}
    names = [s.column for s in specs if s.definition.person_name and not s.separator]
    if not names:
        return keys
    letters = keys[names[0]]["anagram"]
    for column in names[1:]:
        letters = letters + keys[column]["anagram"]
    if len(names) > 1:  # one field's anagram is sorted already
        letters = letters.map(lambda text: "".join(sorted(text)))
    keys[PERSON] = pd.DataFrame({"anagram": letters})
    person = keys[PERSON]["anagram"].to_numpy(dtype=object).copy()
    if len(names) == 1:  # a one-word name (a bare surname from 王总) names nobody in particular
        person[keys[names[0]]["only_word"].to_numpy(dtype=object) != ""] = ""
    for spec in specs:
        if spec.definition.generic:
            frame = pd.DataFrame({"value": keys[spec.column]["value"].to_numpy(),
                                  "person": person[owners(keys[spec.column])]})
            frame = frame[(frame["value"] != "") & (frame["person"] != "")]
            people = frame.groupby("value")["person"].nunique()
            generic = set(people[people >= generic_min_names].index)
            keys[spec.column]["generic"] = keys[spec.column]["value"].isin(generic).to_numpy()
    return keys


def resident_ids(keys: dict[str, pd.DataFrame], specs: Sequence[FieldSpec], n: int) -> np.ndarray:
    """Each record's valid PRC resident id from the first id-like field that has one."""
    out = np.full(n, "", dtype=object)
    for spec in specs:
        frame = keys[spec.column]
        if "resident_id" in frame.columns:
            found = np.full(n, "", dtype=object)
            ids = frame["resident_id"].to_numpy(dtype=object)
            record = owners(frame)
            valid = np.flatnonzero(ids != "")
            first = valid[~pd.Series(record[valid]).duplicated().to_numpy()]
            found[record[first]] = ids[first]
            out = np.where(out == "", found, out)
    return out


def record_values(keys: dict[str, pd.DataFrame], column: str, n: int) -> np.ndarray:
    """One normalised value per record (a list-valued field's values joined with
    ``;`` in order), ``""`` when missing: for deterministic rules."""
    frame = keys[column]
    if OWNER not in frame.columns:
        return frame["value"].to_numpy(dtype=object)
    joined = frame.groupby(OWNER)["value"].agg(";".join)
    out = np.full(n, "", dtype=object)
    out[joined.index.to_numpy()] = joined.to_numpy(dtype=object)
    return out
