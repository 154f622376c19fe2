"""Per-group text results without a Python call per group.

pandas has no compiled min/max/join for text and calls Python once per group
(~0.1 ms): seconds per 100k groups, minutes at a million. These give the same
results by sorting once and using numbers (ranks, bits) or one walk over runs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import numpy as np
import pandas as pd


def sorted_factorize(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(values, sort=True)``: the same codes (-1 for missing) and the
    same sorted distinct values (as an object array). Why: pandas sorts the
    distinct values of text with numpy's object ``argsort``, which took 1.3 of
    the 1.45 s its factorize took on a million record keys; Python's own sort
    of their positions does it in 0.4 s."""
    codes, uniques = pd.factorize(values)
    uniques = np.asarray(uniques, dtype=object)
    try:
        order = np.fromiter(sorted(range(len(uniques)), key=uniques.__getitem__), dtype=np.intp,
                            count=len(uniques))
    except TypeError:  # values that do not compare with each other: pandas' own order
        codes, sorted_uniques = pd.factorize(values, sort=True)
        return codes, np.asarray(sorted_uniques, dtype=object)
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    present = codes >= 0
    codes = codes.copy()
    codes[present] = rank[codes[present]]
    return codes, uniques[order]


def numbered_groups(frame: pd.DataFrame, keys: list[str]) -> tuple[pd.Series, pd.DataFrame]:
    """Each row's group (rows with equal ``keys``) as a number in the keys' sorted
    order, and the groups' keys in that order (what ``groupby(keys, sort=True)``
    puts in its index, as columns). Why: every groupby on text keys factorizes
    them again; several aggregations of one grouping can share one numbering
    (a profile facet grouped a million rows by four text keys three times).
    A row with a missing key is in no group (NaN), as ``groupby`` drops it;
    grouping by the numbers drops it too."""
    numbers = frame.groupby(keys, sort=True).ngroup()
    present = np.flatnonzero(numbers.notna().to_numpy())
    _, first = np.unique(numbers.to_numpy()[present], return_index=True)
    return numbers, frame[keys].iloc[present[first]].reset_index(drop=True)


def text_extreme(values: pd.Series, frame: pd.DataFrame, keys: list[str], how: str) -> pd.Series:
    """``frame.groupby(keys)[values].min()`` (or ``max``) for a text column, missing
    values skipped, as the same Series. Why: pandas has no compiled min/max for
    text and calls Python once per group (seconds per 100k groups); the ranks of
    the sorted distinct values are numbers, whose group min/max is compiled."""
    codes, uniques = sorted_factorize(values)
    ranks = pd.Series(np.where(codes < 0, np.nan, codes), index=frame.index)
    picked = getattr(ranks.groupby([frame[k] for k in keys], sort=True), how)()
    out = pd.Series(np.nan, index=picked.index, dtype=values.dtype, name=values.name)
    found = picked.notna().to_numpy()
    if not found.any():  # no value at all (e.g. a float column of NaN): nothing to set
        return out
    out.iloc[found] = uniques[picked.to_numpy()[found].astype(np.int64)]
    return out


def joined_distinct(groups: pd.Series, values: pd.Series) -> pd.Series:
    """Per group, its distinct non-missing values sorted and comma-joined. With few
    distinct values (source systems): a bit per value summed per group (compiled),
    then the few distinct sums spelled out; else sorted runs joined in one pass."""
    present = values.notna()
    groups, values = groups[present], values[present]
    distinct = sorted(values.unique())
    if len(distinct) <= 62:
        bits = values.map({v: 1 << i for i, v in enumerate(distinct)}).astype("int64")
        masks = _or_per_group(groups, bits)
        names = {m: ",".join(v for i, v in enumerate(distinct) if m >> i & 1) for m in masks.unique()}
        return masks.map(names)
    return _runs(groups, values, ",".join)


def json_lists(groups: pd.Series, values: pd.Series) -> pd.Series:
    """Per group, its distinct non-missing values sorted, as a JSON array."""
    present = values.notna()
    return _runs(groups[present], values[present], _json_list)


#: Text ``json.dumps(..., ensure_ascii=False)`` writes unchanged between quotes.
_JSON_PLAIN = re.compile(r'[^"\\\x00-\x1f]*')


def _json_list(items: list) -> str:
    """``json.dumps(items, ensure_ascii=False)``; a one-item list of plain text (most
    groups: one record) is spelled out directly, the same bytes at a tenth of the cost."""
    if len(items) == 1 and isinstance(items[0], str) and _JSON_PLAIN.fullmatch(items[0]):
        return '["' + items[0] + '"]'
    return json.dumps(items, ensure_ascii=False)


def _or_per_group(groups: pd.Series, bits: pd.Series) -> pd.Series:
    """Bitwise OR of ``bits`` per group: the sum over each group's distinct bits."""
    pairs = pd.DataFrame({"g": groups.to_numpy(), "b": bits.to_numpy()}).drop_duplicates()
    return pairs.groupby("g")["b"].sum()


def _runs(groups: pd.Series, values: pd.Series, render: Callable[[list], str]) -> pd.Series:
    """``render(sorted distinct values)`` per group, by one sort and a walk over runs."""
    frame = pd.DataFrame({"g": groups.to_numpy(), "v": values.to_numpy(dtype=object)})
    frame = frame.drop_duplicates().sort_values(["g", "v"], ignore_index=True)
    g = frame["g"].to_numpy()
    v = frame["v"].tolist()
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]]) if len(g) else np.zeros(0, dtype=int)
    ends = np.r_[starts[1:], len(g)]
    return pd.Series([render(v[a:b]) for a, b in zip(starts, ends)], index=g[starts], dtype=object)
