"""Combining the rows of one source record (a WeCom contact added by several
salespeople, a record repeated in one export) into one: the list fields'
unions, JSON lists and objects merged. Plain-Python per key: a pandas
``groupby().agg(python_function)`` costs ~50 µs per group."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd

from .distinct import is_missing

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
