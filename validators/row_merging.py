"""Combining the rows of one source record (a WeCom contact added by several
salespeople, a record repeated in one export) into one: the list fields'
unions, JSON lists and objects merged. Plain-Python per key: a pandas
``groupby().agg(python_function)`` costs ~50 µs per group."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from .distinct import is_missing
from .schemas import STANDARD_CONTACT_COLUMNS

#: List fields combined as unions (and phones, with their kinds).
_MULTI_VALUED = ("tags", "source_file", "notes")

T = TypeVar("T")


def per_key(keys: list[str], values: pd.Series, combine: Callable[[list], T]) -> pd.Series:
    """``combine`` over each key's non-missing values, in row order. A plain-Python
    grouping: a pandas ``groupby().agg(python_function)`` costs ~50 µs per group."""
    grouped: dict[str, list] = {}
    for key, value in zip(keys, values.tolist()):
        present = grouped.setdefault(key, [])
        if not is_missing(value):
            present.append(value)
    return pd.Series({key: combine(items) for key, items in grouped.items()}, dtype=object)


def union(values: list) -> str | None:
    items: dict[str, None] = {}
    for value in values:
        for item in str(value).split(";"):
            if item:
                items[item] = None
    return ";".join(items) or None


def union_numbers(values: list[tuple]) -> tuple[str | None, str | None]:
    """The union of rows' ``phones`` (first seen first, as ``union``) and, in the
    same order, each number's kind."""
    numbers: dict[str, str] = {}
    for phones, kinds in values:
        if isinstance(phones, str):
            for number, kind in zip(phones.split(";"), kinds.split(";")):
                if number:
                    numbers.setdefault(number, kind)
    return ";".join(numbers) or None, ";".join(numbers.values()) or None


def concat_json_lists(values: list) -> str | None:
    items: list[dict] = []
    for value in values:
        for item in json.loads(value):
            if item not in items:
                items.append(item)
    items.sort(key=lambda e: (e.get("added_at") or "", e.get("owner") or ""))
    return json.dumps(items, ensure_ascii=False) if items else None


def merge_json(values: list) -> str | None:
    merged: dict[str, Any] = {}
    for value in values:
        for key, item in json.loads(value).items():
            merged.setdefault(key, item)
    return json.dumps(merged, ensure_ascii=False) if merged else None


def combine_repeated_records(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per ``record_key``: scalar fields from the most recent row that has
    them, list fields (phones, owners, tags, files) as the union of all rows."""
    frame = frame.reset_index(drop=True)
    repeated = frame["record_key"].duplicated(keep=False)
    if not repeated.any():
        return finish_contacts(frame)
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
    return finish_contacts(pd.concat([single, combined], ignore_index=True))


def finish_contacts(frame: pd.DataFrame) -> pd.DataFrame:
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


def empty_contacts() -> pd.DataFrame:
    return finish_contacts(pd.DataFrame({c: pd.Series(dtype=object) for c in STANDARD_CONTACT_COLUMNS}))
