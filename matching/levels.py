"""Comparison levels, computed on whole arrays of pairs.

A field's levels are tried in order and the first test that holds gives the
pair its level; a pair both of whose values are present and that passes no test
is ``different``; a pair with a missing side is ``null`` (code -1, weight 0).
Each test only sees the pairs that no earlier level has taken, and string
similarities go through ``rapidfuzz.process.cpdist`` (C++, all cores): there is
no Python loop per pair, except for ``pinyin_equal`` on the distinct pairs whose
letters are already anagrams of each other and a substring test (``contains``)
on each distinct pair of values.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Indel, JaroWinkler
from rapidfuzz.process import cpdist

from validators.names import spelling_rotations

from .fields import FieldSpec

NULL_CODE = -1

Columns = dict[str, np.ndarray]
Test = Callable[[Columns, Columns, float], np.ndarray]


def _similar(a: np.ndarray, b: np.ndarray, scorer, **kwargs) -> np.ndarray:
    if len(a) == 0:
        return np.zeros(0)
    return cpdist(list(a), list(b), scorer=scorer, workers=-1, **kwargs)


def _scores(a: Columns, b: Columns, name: str, scorer, **kwargs) -> np.ndarray:
    """``scorer`` of the pairs' values, computed once per pair and field: the
    levels of a field test the same similarity at falling thresholds
    (Jaro-Winkler 0.92 then 0.80), and each pair needs it only once."""
    memo = getattr(a, "memo", None)
    if memo is None:
        return _similar(a["value"], b["value"], scorer, **kwargs)
    full = memo.get(name)
    if full is None:
        full = memo[name] = np.full(a.total, np.nan)
    values = full[a.pairs]
    todo = np.isnan(values)
    if todo.any():
        values[todo] = _similar(a["value"][todo], b["value"][todo], scorer, **kwargs)
        full[a.pairs[todo]] = values[todo]
    return values


def _equal(a: Columns, b: Columns, key: str) -> np.ndarray:
    """Both present and equal (compared as integer codes of the values)."""
    x, y = a["#" + key], b["#" + key]
    return (x == y) & (x >= 0)


def _exact(a: Columns, b: Columns, threshold: float) -> np.ndarray:
    return _equal(a, b, "value")


def _generic_flag(a: Columns) -> np.ndarray:
    flag = a.get("generic")
    return np.zeros(len(a["value"]), dtype=bool) if flag is None else flag.astype(bool)


def _line(a: Columns) -> np.ndarray:
    line = a.get("line")
    return np.zeros(len(a["value"]), dtype=bool) if line is None else line == "landline"


def _generic(a: Columns, b: Columns, threshold: float) -> np.ndarray:
    """Both share a value that many different people use (a switchboard)."""
    return _equal(a, b, "value") & _generic_flag(a)


def _specific(a: Columns, b: Columns, threshold: float) -> np.ndarray:
    """The same value, and one that identifies: not generic, not a landline
    (those have levels of their own)."""
    return _equal(a, b, "value") & ~_generic_flag(a) & ~_line(a)


def _pinyin(a: Columns, b: Columns, threshold: float) -> np.ndarray:
    """Same name in another script or word order (王小明 / Wang Xiaoming /
    XIAOMING WANG): checked only where the sorted letters already agree, and
    once per distinct pair of spellings (``pinyin_equal``; two equal
    spellings are equal unless blank)."""
    out = _equal(a, b, "anagram")
    at = np.flatnonzero(out)
    if len(at):
        out[at] = _spellings_equal(_spelling(a, at), _spelling(b, at))
    return out


def _spelling(rows: _Rows, at: np.ndarray) -> np.ndarray:
    """What ``_pinyin`` compares of the records of some pairs (``at``, not every
    pair's): the pinyin, else the value."""
    pinyin = rows.some("pinyin", at)
    return np.where(pinyin.astype(bool), pinyin, rows.some("value", at))  # ``pinyin or value``


def _spellings_equal(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``pinyin_equal`` of each pair of spellings, computed once per distinct pair."""
    codes, distinct = pd.factorize(np.concatenate([x, y]), use_na_sentinel=False)
    left, right = codes[:len(x)], codes[len(x):]
    rotations = [spelling_rotations(value) for value in distinct]
    usable = np.array([r is not None for r in rotations], dtype=bool)
    out = (left == right) & usable[left]
    differ = np.flatnonzero((left != right) & usable[left] & usable[right])
    if len(differ):
        width = len(distinct)
        pairs, back = np.unique(left[differ] * width + right[differ], return_inverse=True)
        verdict = np.array([not rotations[k // width].isdisjoint(rotations[k % width])
                            for k in pairs.tolist()], dtype=bool)
        out[differ] = verdict[back.ravel()]
    return out


def _jaro_winkler(a: Columns, b: Columns, threshold: float) -> np.ndarray:
    """Jaro-Winkler is made for typos in short strings; it also rates a bare
    surname against a full name (张 / 张俊杰) highly, which is no typo, so
    the shorter value must have at least half the length of the longer."""
    x, y = a["len:value"], b["len:value"]
    similar = _scores(a, b, "jaro_winkler", JaroWinkler.normalized_similarity) >= threshold
    return similar & (2 * np.minimum(x, y) >= np.maximum(x, y))


def _similarity(a: Columns, b: Columns, threshold: float) -> np.ndarray:
    return _scores(a, b, "indel", Indel.normalized_similarity) >= threshold


def _token_set(a: Columns, b: Columns, threshold: float) -> np.ndarray:
    return _scores(a, b, "token_set", fuzz.token_set_ratio) >= 100.0 * threshold


def _edit_distance(a: Columns, b: Columns, threshold: float) -> np.ndarray:
    """Optimal string alignment: insert, delete, substitute or swap two
    neighbours (the usual keying errors) count one each."""
    limit = int(threshold)
    return _scores(a, b, "osa", OSA.distance) <= limit


def _part_of_name(a: _Rows, b: _Rows, threshold: float) -> np.ndarray:
    """A one-word name that is the first or last word of the other: a bare
    surname (梁 / 梁一斌, 苏 / Jinghui Su) or a name typed half."""

    def part(x: _Rows, y: _Rows) -> np.ndarray:
        # Strings are compared only where a one-word name is (few pairs).
        out = np.zeros(len(x.index), dtype=bool)
        one = np.flatnonzero(x["#only_word"] >= 0)
        word = x.some("only_word", one)
        out[one] = (word == y.some("first_word", one)) | (word == y.some("last_word", one))
        return out

    return part(a, b) | part(b, a)


def _landline(a: Columns, b: Columns, threshold: float) -> np.ndarray:
    """The same number, but a landline: shared by an office or a household
    (a landline shared by many names is ``generic`` instead)."""
    return _equal(a, b, "value") & _line(a) & ~_generic_flag(a)


def _initials(a: Columns, b: Columns, threshold: float) -> np.ndarray:
    return _equal(a, b, "initials")


def _contains(a: Columns, b: Columns, threshold: float) -> np.ndarray:
    """One value inside the other (华为 / 华为技术), at least two characters.

    A substring test on each distinct pair of values: it is exactly
    ``fuzz.partial_ratio == 100`` (an alignment scores 100 only where the
    shorter value appears whole in the longer), which computed every
    alignment's score for every pair and was the dearest test of a run;
    a few companies make most of the pairs, so distinct pairs are few."""
    shorter = np.minimum(a["len:value"], b["len:value"])
    first, group = _distinct_pairs(a, b)
    inside = np.fromiter((x in y or y in x for x, y in zip(a["value"][first], b["value"][first])),
                         dtype=bool, count=len(first))
    return inside[group] & (shorter >= 2)


def _distinct_pairs(a: Columns, b: Columns) -> tuple[np.ndarray, np.ndarray]:
    """The first pair of each distinct (left value, right value) and each
    pair's number among them, from the values' integer codes."""
    x, y = a["#value"].astype(np.int64), b["#value"].astype(np.int64)
    if len(x) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    group, uniques = pd.factorize(x * (int(max(x.max(), y.max())) + 2) + (y + 1))
    first = np.empty(len(uniques), dtype=np.int64)
    first[group[::-1]] = np.arange(len(group) - 1, -1, -1)
    return first, group


def _local_part(a: Columns, b: Columns, threshold: float) -> np.ndarray:
    return _equal(a, b, "local")


def _lengths(values: np.ndarray) -> np.ndarray:
    return np.fromiter(map(len, values), dtype=np.int64, count=len(values))


def _day_month_swapped(a: Columns, b: Columns, threshold: float) -> np.ndarray:
    return (a["value"] == b["swapped"]) & (a["value"] != "")


def _year_month(a: Columns, b: Columns, threshold: float) -> np.ndarray:
    return _equal(a, b, "year_month")


def _year_off_by_one(a: Columns, b: Columns, threshold: float) -> np.ndarray:
    same_day = _equal(a, b, "month_day")
    years = np.zeros(len(same_day))
    if same_day.any():
        years[same_day] = np.abs(a["year"][same_day].astype(int) - b["year"][same_day].astype(int))
    return same_day & (years == 1)


TESTS: dict[str, Test] = {
    "exact": _exact,
    "generic": _generic,
    "specific": _specific,
    "pinyin": _pinyin,
    "jaro_winkler": _jaro_winkler,
    "similarity": _similarity,
    "token_set": _token_set,
    "edit_distance": _edit_distance,
    "initials": _initials,
    "landline": _landline,
    "part_of_name": _part_of_name,
    "contains": _contains,
    "local_part": _local_part,
    "day_month_swapped": _day_month_swapped,
    "year_month": _year_month,
    "year_off_by_one": _year_off_by_one,
}


#: The key a term-frequency level's shared value is read from.
TF_KEYS: dict[str, str] = {"exact": "value", "specific": "value", "local_part": "local"}


class _Records(dict):
    """A field's key columns, one entry per record, plus derived columns made
    once per call on demand: ``#<key>`` (integer codes of the key, -1 for
    missing: comparing ints is much cheaper than comparing strings pair by
    pair) and ``len:<key>`` (lengths)."""

    def __missing__(self, key: str) -> np.ndarray:
        if key.startswith("#"):
            column = self[key[1:]]
            codes, uniques = pd.factorize(column)
            empty = np.flatnonzero(uniques == "")
            if len(empty):
                codes = np.where(codes == empty[0], -1, codes)
            self[key] = codes
        elif key.startswith("len:"):
            self[key] = _lengths(self[key[4:]])
        else:
            raise KeyError(key)
        return self[key]


class _Rows(dict):
    """The key columns of some pairs' records, taken only when a test reads them.
    ``pairs``: which of the call's ``total`` pairs these are; ``memo``: the
    similarities already computed in this call (``_scores``)."""

    def __init__(self, columns: dict[str, np.ndarray], index: np.ndarray,
                 pairs: np.ndarray, total: int, memo: dict[str, np.ndarray]) -> None:
        super().__init__()
        self.columns, self.index = columns, index
        self.pairs, self.total, self.memo = pairs, total, memo

    def __missing__(self, key: str) -> np.ndarray:
        self[key] = self.columns[key][self.index]
        return self[key]

    def get(self, key: str, default=None):  # type: ignore[override]
        return self[key] if key in self.columns.keys() else default

    def some(self, key: str, positions: np.ndarray) -> np.ndarray:
        """``self[key][positions]`` without taking the key for every pair."""
        if key in self:
            return self[key][positions]
        return self.columns[key][self.index[positions]]


def level_codes(
    spec: FieldSpec, values: pd.DataFrame, left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """Level code of each pair (``left[i]``, ``right[i]`` are row positions in
    ``values``, the field's normalised frame): the index into
    ``spec.level_names``, or ``NULL_CODE`` when either value is missing."""
    columns = _Records({key: values[key].to_numpy(dtype=object) for key in values.columns
                        if not key.startswith("_")})
    levels = spec.levels
    codes = np.full(len(left), NULL_CODE, dtype=np.int8)
    present = columns["#value"] >= 0  # integer codes: no string compared per pair
    open_ = np.flatnonzero(present[left] & present[right])
    codes[open_] = len(levels)  # "different" until a level claims the pair
    memo: dict[str, np.ndarray] = {}
    for code, level in enumerate(levels):
        if len(open_) == 0:
            break
        a = _Rows(columns, left[open_], open_, len(left), memo)
        b = _Rows(columns, right[open_], open_, len(left), memo)
        held = TESTS[level.test](a, b, level.threshold)
        codes[open_[held]] = code
        open_ = open_[~held]
    return codes


def expand_pairs(
    owner: np.ndarray, n: int, left: np.ndarray, right: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every combination of a list-valued field's values for each pair.

    ``owner[row]`` is the record of each value row (sorted by record). Returns
    (pair number, left row, right row) per combination, built with ``repeat``
    arithmetic, not a loop over pairs."""
    counts = np.bincount(owner, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    per_pair = counts[left] * counts[right]
    pair = np.repeat(np.arange(len(left)), per_pair)
    # Position of each combination inside its pair: 0 .. per_pair-1.
    offset = np.arange(len(pair)) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
    width = counts[right][pair]
    left_rows = starts[left][pair] + offset // np.maximum(width, 1)
    right_rows = starts[right][pair] + offset % np.maximum(width, 1)
    return pair, left_rows, right_rows


def list_level_codes(
    spec: FieldSpec, values: pd.DataFrame, owner: np.ndarray, n: int,
    left: np.ndarray, right: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """``level_codes`` for a list-valued field: each pair takes the strongest
    level (lowest code; ``different`` before ``null``) any of its value
    combinations reaches. Also returns, per pair, the left value row of that
    combination (whose value term frequencies are read from), -1 if none."""
    pair, left_rows, right_rows = expand_pairs(owner, n, left, right)
    codes = np.full(len(left), NULL_CODE, dtype=np.int8)
    chosen = np.full(len(left), -1, dtype=np.int64)
    if len(pair) == 0:
        return codes, chosen
    row_codes = level_codes(spec, values, left_rows, right_rows)
    rank = np.where(row_codes == NULL_CODE, np.iinfo(np.int16).max, row_codes.astype(np.int16))
    order = np.lexsort((rank, pair))  # by pair, then strongest level first
    first = order[np.r_[True, pair[order][1:] != pair[order][:-1]]]
    present = row_codes[first] != NULL_CODE
    codes[pair[first][present]] = row_codes[first][present]
    chosen[pair[first][present]] = left_rows[first][present]
    return codes, chosen
