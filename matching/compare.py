"""Comparison: for every candidate pair, one *level* per field (exact, pinyin,
fuzzy, different, null …). Levels are data; the model turns them into weights.

Everything is computed on whole columns (rapidfuzz ``cpdist`` for
similarities), never in a Python loop per pair over all fields.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd
from rapidfuzz import distance, fuzz
from rapidfuzz.process import cpdist

from validators.names import pinyin_equal
from validators.phones import parse_phone

from .settings import MatchSettings

NULL = "null"


def generic_values(contacts: pd.DataFrame, column: str, min_names: int) -> set[str]:
    """Values of ``column`` (a ``;`` list) found on records of ``min_names`` or
    more different people: a company switchboard, a shared inbox. Matching on
    them says little about the person.

    People are told apart by full names compared order- and script-blind (the
    pinyin's letters), so 王小明, ``Wang Xiaoming`` and ``Xiaoming Wang`` count
    once; a bare surname (from a remark like 王总) names nobody in particular
    and is not counted.
    """
    frame = contacts[[column, "name_pinyin"]].dropna()
    frame = frame[frame["name_pinyin"].str.contains(" ", regex=False)]
    if frame.empty:
        return set()
    person = frame["name_pinyin"].map(lambda p: "".join(sorted(p.replace(" ", ""))))
    frame = frame.assign(value=frame[column].str.split(";"), person=person).explode("value")
    names = frame.groupby("value")["person"].nunique()
    return set(names[names >= min_names].index)


@cache
def is_mobile(e164: str) -> bool:
    """Mobile numbers belong to one person; a landline is shared by a household
    or an office, so sharing one is weaker evidence. One rule for "mobile": the
    kind the standardiser gives (``validators.phones``)."""
    return parse_phone(e164).kind == "mobile"


def compare_pairs(
    contacts: pd.DataFrame, pairs: pd.DataFrame, settings: MatchSettings
) -> pd.DataFrame:
    """One column per field with the comparison level of each pair."""
    left = contacts.iloc[pairs["left"].to_numpy()].reset_index(drop=True)
    right = contacts.iloc[pairs["right"].to_numpy()].reset_index(drop=True)
    out = pd.DataFrame(index=pairs.index)
    out["name"] = _compare_names(left, right, settings).to_numpy()
    generic_phones = generic_values(contacts, "phones", settings.generic_value_min_names)
    generic_emails = generic_values(contacts, "email", settings.generic_value_min_names)
    out["phone"] = _compare_sets(
        left["phones"], right["phones"], generic_phones, weaker=lambda v: not is_mobile(v)
    ).to_numpy()
    out["email"] = _compare_emails(left["email"], right["email"], generic_emails).to_numpy()
    out["id_card"] = _compare_exact(
        left["id_card"].where(left["id_card_valid"]), right["id_card"].where(right["id_card_valid"]),
        "exact", "different",
    ).to_numpy()
    out["birth_date"] = _compare_dates(left["birth_date"], right["birth_date"]).to_numpy()
    out["gender"] = _compare_exact(left["gender"], right["gender"], "same", "different").to_numpy()
    out["company"] = _compare_fuzzy(
        left["company_key"], right["company_key"], settings.company_fuzzy_threshold
    ).to_numpy()
    out["city"] = _compare_exact(left["city"], right["city"], "same", "different").to_numpy()
    return out


def _levels(n: int) -> np.ndarray:
    return np.full(n, NULL, dtype=object)


def _both(a: pd.Series, b: pd.Series) -> np.ndarray:
    return (a.notna() & b.notna()).to_numpy()


def _compare_exact(a: pd.Series, b: pd.Series, same: str, different: str) -> pd.Series:
    levels = _levels(len(a))
    both = _both(a, b)
    equal = both & (a.fillna("") == b.fillna("")).to_numpy()
    levels[both] = different
    levels[equal] = same
    return pd.Series(levels)


def _similarity(a: pd.Series, b: pd.Series, scorer=fuzz.ratio) -> np.ndarray:
    return cpdist(a.fillna("").tolist(), b.fillna("").tolist(), scorer=scorer, workers=-1)


def _compare_fuzzy(a: pd.Series, b: pd.Series, threshold: float) -> pd.Series:
    levels = _levels(len(a))
    both = _both(a, b)
    levels[both] = "different"
    contains = np.array(
        [bool(x and y and (x in y or y in x)) for x, y in zip(a.fillna(""), b.fillna(""))],
        dtype=bool,
    )
    levels[both & ((_similarity(a, b) >= threshold) | contains)] = "fuzzy"
    levels[both & (a.fillna("") == b.fillna("")).to_numpy()] = "exact"
    return pd.Series(levels)


def _compare_names(left: pd.DataFrame, right: pd.DataFrame, settings: MatchSettings) -> pd.Series:
    a, b = left["name_key"], right["name_key"]
    levels = _levels(len(a))
    both = _both(a, b)
    levels[both] = "different"
    fuzzy = (_similarity(a, b) >= settings.name_fuzzy_threshold) | (
        _similarity(left["name_pinyin"], right["name_pinyin"], fuzz.token_sort_ratio)
        >= settings.name_fuzzy_threshold
    )
    levels[both & fuzzy] = "fuzzy"
    surname_only = np.array(
        [
            bool(x and y and (len(x) == 1 or len(y) == 1) and (fx == fy) and (fx is not None))
            for x, y, fx, fy in zip(a.fillna(""), b.fillna(""), left["family_name"], right["family_name"])
        ],
        dtype=bool,
    )
    levels[both & surname_only] = "surname_only"
    pinyin = np.array(
        [pinyin_equal(x, y) for x, y in zip(left["name_pinyin"].fillna(""), right["name_pinyin"].fillna(""))],
        dtype=bool,
    )
    levels[both & pinyin] = "pinyin"
    levels[both & (a.fillna("") == b.fillna("")).to_numpy()] = "exact"
    return pd.Series(levels)


def _compare_sets(
    a: pd.Series, b: pd.Series, generic: set[str], weaker: Callable[[str], bool] | None = None
) -> pd.Series:
    """``;`` lists: ``exact`` when they share a value, ``shared_weak`` when the
    shared values are all of a weaker kind (landlines), ``generic`` when they
    are all generic ones, ``different`` when they share nothing."""
    levels = _levels(len(a))
    for i, (x, y) in enumerate(zip(a, b)):
        if not isinstance(x, str) or not isinstance(y, str):
            continue
        shared = set(x.split(";")) & set(y.split(";"))
        specific = shared - generic
        if not shared:
            levels[i] = "different"
        elif not specific:
            levels[i] = "generic"
        elif weaker is not None and all(weaker(v) for v in specific):
            levels[i] = "shared_weak"
        else:
            levels[i] = "exact"
    return pd.Series(levels)


def _compare_emails(a: pd.Series, b: pd.Series, generic: set[str]) -> pd.Series:
    levels = pd.Series(_compare_sets(a, b, generic))
    same_local = np.array(
        [
            isinstance(x, str) and isinstance(y, str)
            and len(x.split("@")[0]) >= 4 and x.split("@")[0] == y.split("@")[0]
            for x, y in zip(a, b)
        ],
        dtype=bool,
    )
    levels[(levels == "different").to_numpy() & same_local] = "local_part"
    return levels


def _compare_dates(a: pd.Series, b: pd.Series) -> pd.Series:
    """exact; partial = same year and month, or day and month swapped (a typo
    seen when dates are keyed in by hand); different; null."""
    levels = _compare_exact(a, b, "exact", "different").to_numpy()
    for i in np.flatnonzero(levels == "different"):
        x, y = a.iloc[i], b.iloc[i]
        swapped = x[:4] == y[:4] and x[5:7] == y[8:10] and x[8:10] == y[5:7]
        close = distance.Levenshtein.distance(x, y) <= 1
        if x[:7] == y[:7] or swapped or close:
            levels[i] = "partial"
    return pd.Series(levels)
