"""Raw source records → ``StandardContact`` rows (plus the records rejected here).

Each normaliser runs once per *distinct* raw value (exports repeat the same
city, company and placeholder phone thousands of times), then the results are
mapped back onto the rows. Rows that share a record id (a WeCom contact added
by several staff) are combined into one record here, so that every later
stage sees one row per source record.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from .addresses import normalise_region
from .background import Background
from .companies import normalise_company
from .distinct import Mapper, in_process, map_unique
from .emails import parse_email
from .identity_numbers import parse_resident_id
from .names import NameResult, looks_like_person_name, parse_name
from .phones import PhoneResult, parse_phone, parse_phone_list
from .row_merging import concat_json_lists, merge_json, per_key, union, union_numbers
from .schemas import STANDARD_CONTACT_COLUMNS
from .text import clean_text
from .values import parse_bool, parse_date, parse_gender, parse_timestamp

T = TypeVar("T")
#: ``each(series, fn)``: ``fn`` once per distinct value of ``series``, mapped back onto rows.
_Each = Callable[[pd.Series, Callable[[Any], Any]], list]

#: Legacy STATUS_CD values meaning the customer was deleted in the old system.
DELETED_STATUS = frozenset({"D"})

_MULTI_VALUED = ("tags", "source_file", "notes")  # and phones, with their kinds

#: Longest raw value each parsed field may have. Anything longer is not a name,
#: phone or address a person typed (a pasted document, an attack): it is left
#: unparsed and noted, so one 5 MB cell cannot stall the run.
MAX_FIELD_CHARS: dict[str, int] = {
    "name": 100, "nickname": 100, "phone": 200, "landline": 100, "email": 320,
    "company": 200, "title": 100, "province": 50, "city": 50, "address": 500,
    "id_card": 40, "gender": 20, "birth_date": 40, "tags": 2000, "owner": 200,
    "channel": 100, "form_id": 200, "consent_marketing": 20, "created_at": 60,
    "updated_at": 60, "status": 10,
}


@dataclass(frozen=True)
class StandardiseSettings:
    """Knobs of standardisation (data, so a run's settings can be recorded)."""

    default_region: str = "CN"
    #: Tags separators seen in WeCom exports.
    tag_separators: tuple[str, ...] = (",", "，", ";", "；", "、")


@dataclass(frozen=True)
class StandardisedContacts:
    contacts: pd.DataFrame  # StandardContact
    quarantine: pd.DataFrame  # QUARANTINE_COLUMNS: deleted and content-less records


def standardise_contacts(
    raw: pd.DataFrame,
    settings: StandardiseSettings = StandardiseSettings(),
    mapper: Mapper = in_process,
    beside: bool = False,
) -> StandardisedContacts:
    """Normalise every raw record, reject the ones that cannot become a customer,
    and combine rows that are one source record. ``mapper`` runs the normalisers
    over the distinct values (in this process by default; see ``validators.distinct``).

    With ``beside`` (the caller knows a fork is safe and a core is free), a
    forked process normalises the second half of the rows while this one
    normalises the first, each over its own distinct values: a row's normalised
    fields depend on that row alone, so the halves joined are the whole. Then
    rejection and the combining of repeated records run here, on all rows."""
    if raw.empty:
        return StandardisedContacts(_empty_contacts(), _quarantine_of(raw.iloc[0:0], []))

    rows, too_long = _drop_oversized(raw.reset_index(drop=True))
    if beside and len(rows) >= SPLIT_ROWS:
        half = len(rows) // 2
        with Background(lambda: _normalised(rows.iloc[half:], too_long[half:], settings, in_process),
                        enabled=True) as other:
            first = _normalised(rows.iloc[:half], too_long[:half], settings, in_process)
            out = pd.concat([first, other.result()])
        del first
    else:
        out = _normalised(rows, too_long, settings, mapper)

    status = rows["status"].to_numpy(dtype=object)
    deleted = pd.Series([isinstance(v, str) and clean_text(v) in DELETED_STATUS for v in status],
                        index=rows.index, dtype=bool)
    contentless = ~_has_identity(out)
    rejected = deleted | contentless
    reasons = [
        ("deleted_in_source", "the old CRM marks this customer as deleted (STATUS_CD=D)")
        if d
        else ("no_contact_details", _contentless_detail(out.iloc[i]))
        for i, d in zip(rows.index[rejected], deleted[rejected])
    ]
    quarantine = _quarantine_of(rows[rejected], reasons)
    contacts = _combine_repeated_records(out[~rejected])
    return StandardisedContacts(contacts, quarantine)


#: Below this many rows one process normalises them all (a fork costs more than it saves).
SPLIT_ROWS = 50_000


def _normalised(rows: pd.DataFrame, too_long: list[str | None], settings: StandardiseSettings,
                mapper: Mapper) -> pd.DataFrame:
    """Every normalised field of ``rows`` (same index), before rejection and combining."""
    def each(series: pd.Series, fn: Callable[[Any], T]) -> list[T | None]:
        return map_unique(series, fn, mapper)

    out = pd.DataFrame(index=rows.index)
    out["record_key"] = rows["source_system"] + ":" + rows["source_record_id"]
    for column in ("source_system", "source_record_id", "source_file"):
        out[column] = rows[column]
    out["source_rows"] = 1

    _add_names(out, rows, each)
    _add_phones(out, rows, settings.default_region, each)
    emails = each(rows["email"], parse_email)
    out["email"] = [r.email if r else None for r in emails]
    out["email_placeholder"] = [bool(r and r.placeholder) for r in emails]
    _add_company_and_region(out, rows, each)
    _add_identity(out, rows, each)
    out["wecom_id"] = rows["source_record_id"].where(rows["source_system"] == "wechat")
    owner_names = each(rows["owner"], clean_text)
    out["tags"] = each(rows["tags"], lambda v: _normalise_tags(v, settings))
    out["channel"] = each(rows["channel"], clean_text)
    out["form_id"] = each(rows["form_id"], clean_text)
    consent = each(rows["consent_marketing"], parse_bool)
    out["consent_marketing"] = [None if c is None else ("true" if c else "false") for c in consent]
    out["created_at"] = each(rows["created_at"], parse_timestamp)
    updated = each(rows["updated_at"], parse_timestamp)
    out["updated_at"] = [u or c for u, c in zip(updated, out["created_at"])]
    out["owners"] = [
        _owner_entry(owner, added, channel, source_file)
        for owner, added, channel, source_file in zip(
            owner_names, out["created_at"], out["channel"], out["source_file"]
        )
    ]
    out["attributes"] = rows["attributes"]
    out["notes"] = [
        ";".join(filter(None, parts)) or None
        for parts in zip(*_problems(rows, out), too_long)
    ]
    return out


# --- per-field groups -------------------------------------------------------------


def _drop_oversized(rows: pd.DataFrame) -> tuple[pd.DataFrame, list[str | None]]:
    """Blank out values longer than ``MAX_FIELD_CHARS``; say which, per row."""
    notes: list[list[str]] = [[] for _ in range(len(rows))]
    rows = rows.copy()
    for field, limit in MAX_FIELD_CHARS.items():
        long = rows[field].str.len().gt(limit).fillna(False).to_numpy(dtype=bool)
        if long.any():
            rows.loc[long, field] = None
            for i in long.nonzero()[0]:
                notes[i].append(f"{field}:too_long")
    return rows, [";".join(n) or None for n in notes]


def _add_names(out: pd.DataFrame, rows: pd.DataFrame, each: _Each) -> None:
    """Name from the name column; for WeCom, fall back to the nickname only when
    it looks like a person's name (nicknames are often slogans or emoji)."""
    names = each(rows["name"], parse_name)
    nicknames = each(rows["nickname"], parse_name)
    chosen: list[NameResult | None] = []
    for name, nickname, raw_nick in zip(names, nicknames, rows["nickname"]):
        if name is not None and name.name:
            chosen.append(name)
        elif nickname is not None and nickname.name and looks_like_person_name(raw_nick):
            chosen.append(nickname)
        else:
            chosen.append(None)
    out["name"] = [n.name if n else None for n in chosen]
    out["name_key"] = [n.match_key if n else None for n in chosen]
    out["name_pinyin"] = [n.pinyin if n else None for n in chosen]
    out["name_script"] = [n.script if n else "none" for n in chosen]
    out["family_name"] = [n.family_name if n else None for n in chosen]
    out["honorific"] = [n.honorific if n else None for n in chosen]
    out["nickname"] = each(rows["nickname"], clean_text)
    out["_company_hint"] = [n.company_hint if n else None for n in names]


def _add_phones(out: pd.DataFrame, rows: pd.DataFrame, region: str, each: _Each) -> None:
    mobiles = each(rows["phone"], lambda v: parse_phone_list(v, region))
    landlines = each(rows["landline"], lambda v: parse_phone(v, region))
    phones, kinds, primary, extension, landline, placeholder = [], [], [], [], [], []
    for listed, fixed in zip(mobiles, landlines):
        results: list[PhoneResult] = list(listed or []) + ([fixed] if fixed else [])
        usable = [r for r in results if r.e164]
        numbers: dict[str, str] = {}  # each number once, in input order, with its kind
        for r in usable:
            numbers.setdefault(r.e164, r.kind)
        phones.append(";".join(numbers) or None)
        kinds.append(";".join(numbers.values()) or None)
        mobile = next((r for r in usable if r.kind == "mobile"), None)
        first = mobile or (usable[0] if usable else None)
        primary.append(first.e164 if first else None)
        extension.append(next((r.extension for r in usable if r.extension), None))
        landline.append(next((r.e164 for r in usable if r.kind == "landline"), None))
        placeholder.append(any(r.placeholder for r in results))
    out["phone"] = primary
    out["phones"] = phones
    # The kind of each number in ``phones`` (same order), so later stages need not
    # parse every number again (~30 µs each; the profiles' mobile/landline split).
    out["phone_kinds"] = kinds
    out["phone_extension"] = extension
    out["landline"] = landline
    out["phone_placeholder"] = placeholder


def _add_company_and_region(out: pd.DataFrame, rows: pd.DataFrame, each: _Each) -> None:
    company_raw = rows["company"].where(rows["company"].notna(), out["_company_hint"])
    companies = each(company_raw, normalise_company)
    out["company"] = [c.name if c else None for c in companies]
    out["company_key"] = [c.match_key if c else None for c in companies]
    out["title"] = each(rows["title"], clean_text)
    triples = list(zip(rows["province"], rows["city"], rows["address"]))
    regions = each(pd.Series(triples, dtype=object), lambda t: normalise_region(*t))
    out["province"] = [r.province if r else None for r in regions]
    out["city"] = [r.city if r else None for r in regions]
    out["address"] = [r.address if r else None for r in regions]
    out.drop(columns="_company_hint", inplace=True)


def _add_identity(out: pd.DataFrame, rows: pd.DataFrame, each: _Each) -> None:
    """Resident id, and birth date / gender from the source or, failing that,
    from a valid resident id (whose digits encode both)."""
    ids = each(rows["id_card"], parse_resident_id)
    out["id_card"] = [r.number if r else None for r in ids]
    out["id_card_valid"] = [bool(r and r.valid) for r in ids]
    births = each(rows["birth_date"], parse_date)
    genders = each(rows["gender"], parse_gender)
    out["birth_date"] = [b or (r.birth_date if r and r.valid else None) for b, r in zip(births, ids)]
    out["gender"] = [g or (r.gender if r and r.valid else None) for g, r in zip(genders, ids)]


def _normalise_tags(value: Any, settings: StandardiseSettings) -> str | None:
    """Width-normalised (NFKC), trimmed, de-duplicated case-insensitively
    (``VIP``/``vip``/``ＶＩＰ`` are one tag; the first spelling is kept)."""
    text = clean_text(value)
    if not text:
        return None
    for separator in settings.tag_separators[1:]:
        text = text.replace(separator, settings.tag_separators[0])
    tags: dict[str, str] = {}
    for tag in (t.strip() for t in text.split(settings.tag_separators[0])):
        if tag:
            tags.setdefault(tag.casefold(), tag)
    return ";".join(tags.values()) or None


def _owner_entry(owner: str | None, added_at: str | None, channel: str | None,
                 source_file: str) -> str | None:
    """A WeCom row says: this staff member added the customer, then, this way.
    Kept per row (JSON list) so combining rows loses no owner and no date."""
    if not owner:
        return None
    entry = {"owner": owner, "added_at": added_at, "channel": channel, "source_file": source_file}
    return json.dumps([entry], ensure_ascii=False)


# --- acceptance -------------------------------------------------------------------


def _has_identity(out: pd.DataFrame) -> pd.Series:
    """A record can become a customer when something names or reaches a person."""
    return (
        out["name"].notna()
        | out["phones"].notna()
        | out["email"].notna()
        | out["id_card_valid"]
        | out["wecom_id"].notna()
    )


def _contentless_detail(row: pd.Series) -> str:
    parts = ["no name, no usable phone, email or resident id"]
    if row["phone_placeholder"]:
        parts.append("the only phone is a placeholder number")
    if row["email_placeholder"]:
        parts.append("the only email is a placeholder address")
    if pd.notna(row["id_card"]) and not row["id_card_valid"]:
        parts.append("the resident id fails its check digit")
    return "; ".join(parts)


def _problems(raw: pd.DataFrame, std: pd.DataFrame) -> list[list[str | None]]:
    """Which raw values were present but unusable (no values: this may be shown):
    per problem kind (phone, email, resident id) one column of labels or None.
    Column-wise, because a per-row ``iloc`` costs ~0.1 ms a row (seconds at scale)."""
    lost_phone = raw["phone"].notna().to_numpy() & std["phones"].isna().to_numpy()
    phone_placeholder = std["phone_placeholder"].to_numpy(dtype=bool)
    lost_email = raw["email"].notna().to_numpy() & std["email"].isna().to_numpy()
    email_placeholder = std["email_placeholder"].to_numpy(dtype=bool)
    bad_id = std["id_card"].notna().to_numpy() & ~std["id_card_valid"].to_numpy(dtype=bool)
    return [
        [("phone:placeholder" if p else "phone:invalid") if lost else None
         for lost, p in zip(lost_phone, phone_placeholder)],
        [("email:placeholder" if p else "email:invalid") if lost else None
         for lost, p in zip(lost_email, email_placeholder)],
        ["id_card:invalid" if bad else None for bad in bad_id],
    ]


def _quarantine_of(rows: pd.DataFrame, reasons: list[tuple[str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "source_system": rows.get("source_system"),
            "source_file": rows.get("source_file"),
            "source_record_id": rows.get("source_record_id"),
            "source_row": rows.get("source_row"),
            "reason": [r for r, _ in reasons],
            "reason_detail": [
                f"{f} row {row}: {d}"
                for f, row, (_, d) in zip(rows.get("source_file", []), rows.get("source_row", []), reasons)
            ],
            "raw": rows.get("raw"),
        }
    )
    return frame.reset_index(drop=True).astype("string")


# --- combining rows of one record ----------------------------------------------------


def _combine_repeated_records(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per ``record_key``: scalar fields from the most recent row that has
    them, list fields (phones, owners, tags, files) as the union of all rows."""
    frame = frame.reset_index(drop=True)
    repeated = frame["record_key"].duplicated(keep=False)
    if not repeated.any():
        return _finish(frame)
    single = frame[~repeated]
    multi = frame[repeated].sort_values(["record_key", "updated_at"], ascending=[True, False])
    combined = multi.groupby("record_key", sort=False).first()
    keys = multi["record_key"].tolist()
    for column in _MULTI_VALUED:
        combined[column] = per_key(keys, multi[column], union)
    numbers = pd.Series(list(zip(multi["phones"], multi["phone_kinds"])), index=multi.index, dtype=object)
    numbers = per_key(keys, numbers, union_numbers)
    combined["phones"] = numbers.map(lambda pair: pair[0])
    combined["phone_kinds"] = numbers.map(lambda pair: pair[1])
    combined["source_rows"] = multi.groupby("record_key", sort=False).size()
    combined["phone_placeholder"] = multi.groupby("record_key", sort=False)["phone_placeholder"].any()
    combined["email_placeholder"] = multi.groupby("record_key", sort=False)["email_placeholder"].any()
    combined["id_card_valid"] = multi.groupby("record_key", sort=False)["id_card_valid"].any()
    combined["attributes"] = per_key(keys, multi["attributes"], merge_json)
    combined["owners"] = per_key(keys, multi["owners"], concat_json_lists)
    combined["created_at"] = multi.groupby("record_key", sort=False)["created_at"].min()
    combined = combined.reset_index()
    return _finish(pd.concat([single, combined], ignore_index=True))


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.sort_values("record_key", kind="stable").reset_index(drop=True)
    frame = frame[list(STANDARD_CONTACT_COLUMNS)].copy()
    for column in STANDARD_CONTACT_COLUMNS:
        if column in ("phone_placeholder", "email_placeholder", "id_card_valid"):
            frame[column] = frame[column].astype(bool)
        elif column == "source_rows":
            frame[column] = frame[column].astype("int64")
        else:
            # Missing stays missing: mixed None / pd.NA would otherwise become "None"/"<NA>".
            values = frame[column].astype(object)
            frame[column] = values.where(values.notna(), np.nan).astype("str")
    return frame


def _empty_contacts() -> pd.DataFrame:
    return _finish(pd.DataFrame({c: pd.Series(dtype=object) for c in STANDARD_CONTACT_COLUMNS}))
