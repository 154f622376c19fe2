"""Blocking: which record pairs are worth comparing at all.

A pair is a candidate when the two records share at least one blocking key
value (a phone, an email, a resident id, a name, a name+city, a pinyin
anagram…). Blocks larger than ``max_block_size`` are skipped, so a placeholder
or a very common name cannot make the work quadratic; the skip is counted so
a run can report it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .settings import MatchSettings


def _split(column: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda c: c[column].str.split(";")


def _single(column: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda c: c[column]


def _joined(*columns: str) -> Callable[[pd.DataFrame], pd.Series]:
    def key(c: pd.DataFrame) -> pd.Series:
        out = c[columns[0]]
        for column in columns[1:]:
            out = out + "|" + c[column]
        return out

    return key


def _pinyin_anagram(c: pd.DataFrame) -> pd.Series:
    """Letters of the pinyin, sorted: ``wang xiao ming``, ``Xiaoming Wang`` and
    ``WANG Xiaoming`` share it, whatever the order and spacing."""
    return c["name_pinyin"].map(
        lambda p: "".join(sorted(p.replace(" ", ""))), na_action="ignore"
    )


def _valid_id(c: pd.DataFrame) -> pd.Series:
    return c["id_card"].where(c["id_card_valid"])


#: Blocking rules: name → function of the contacts frame giving a key (or a list of keys).
BLOCKING_RULES: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    "phone": _split("phones"),
    "email": _single("email"),
    "id_card": _valid_id,
    "name": _single("name_key"),
    "name_city": _joined("name_key", "city"),
    "name_company": _joined("name_key", "company_key"),
    "surname_company": _joined("family_name", "company_key"),
    "pinyin": _pinyin_anagram,
}


@dataclass(frozen=True)
class BlockingResult:
    pairs: pd.DataFrame  # left, right (positions, left < right), blocked_on
    skipped_blocks: dict[str, int]  # rule → number of oversized blocks skipped


def block_candidates(contacts: pd.DataFrame, settings: MatchSettings) -> BlockingResult:
    """Candidate pairs as positions into ``contacts`` (0..n-1), each pair once,
    with the rules that proposed it (for explaining a match later)."""
    found: list[pd.DataFrame] = []
    skipped: dict[str, int] = {}
    for rule, key_of in BLOCKING_RULES.items():
        keys = key_of(contacts)
        frame = pd.DataFrame({"key": keys, "pos": np.arange(len(contacts))})
        frame = frame.explode("key") if frame["key"].map(type).eq(list).any() else frame
        frame = frame.dropna(subset=["key"])
        frame = frame[frame["key"].astype(str).str.len() > 0].drop_duplicates()
        sizes = frame.groupby("key")["pos"].transform("size")
        skipped[rule] = int(frame.loc[sizes > settings.max_block_size, "key"].nunique())
        frame = frame[(sizes > 1) & (sizes <= settings.max_block_size)]
        if frame.empty:
            continue
        joined = frame.merge(frame, on="key", suffixes=("_l", "_r"))
        joined = joined[joined["pos_l"] < joined["pos_r"]]
        found.append(
            pd.DataFrame({"left": joined["pos_l"], "right": joined["pos_r"], "rule": rule})
        )
    if not found:
        empty = pd.DataFrame({"left": pd.Series(dtype="int64"), "right": pd.Series(dtype="int64"),
                              "blocked_on": pd.Series(dtype="str")})
        return BlockingResult(empty, skipped)
    pairs = pd.concat(found, ignore_index=True).drop_duplicates()
    pairs = (
        pairs.groupby(["left", "right"], sort=True)["rule"]
        .agg(lambda rules: ",".join(sorted(set(rules))))
        .rename("blocked_on")
        .reset_index()
    )
    pairs[["left", "right"]] = pairs[["left", "right"]].astype("int64")
    return BlockingResult(pairs, skipped)
