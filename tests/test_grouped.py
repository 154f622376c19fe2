"""Per-group text helpers give what a plain pandas groupby gives."""

import json

import pandas as pd

from matching.grouped import joined_distinct, json_lists, numbered_groups, sorted_factorize


def _frame(values: list[str | None]) -> pd.DataFrame:
    groups = [i % 7 for i in range(len(values))]
    return pd.DataFrame({"g": groups, "v": values})


def _expected(frame: pd.DataFrame, render) -> dict:
    present = frame.dropna(subset=["v"])
    return {g: render(sorted(set(v))) for g, v in present.groupby("g")["v"]}


def test_joined_distinct_with_few_values_uses_bits_and_matches_groupby() -> None:
    frame = _frame(["web", "legacy", None, "wechat", "web", "legacy", "list", "web"] * 5)
    got = joined_distinct(frame["g"], frame["v"]).to_dict()
    assert got == _expected(frame, ",".join)


def test_joined_distinct_with_many_values_matches_groupby() -> None:
    frame = _frame([f"v{n % 90:03d}" for n in range(400)] + [None, "王", "Ä"])
    got = joined_distinct(frame["g"], frame["v"]).to_dict()
    assert got == _expected(frame, ",".join)


def test_json_lists_escape_and_sort_like_json_dumps() -> None:
    frame = _frame(['a"b', "c\\d", "王小明", None, 'a"b', "z", "\x01"])
    got = json_lists(frame["g"], frame["v"]).to_dict()
    assert got == _expected(frame, lambda items: json.dumps(items, ensure_ascii=False))


def test_sorted_factorize_gives_pandas_sorted_codes_and_values() -> None:
    text = pd.Series(["王伟", None, "b", "a", "王伟", "", "B", None, "a"], dtype="str")
    mixed = pd.Series([3, "x", 1.5, "x"], dtype=object)  # not comparable: pandas' own order
    for values in (text, text.astype(object), mixed, pd.Series([], dtype="str"),
                   pd.Series([None, None], dtype="str")):
        codes, uniques = sorted_factorize(values)
        expected_codes, expected_uniques = pd.factorize(values, sort=True)
        assert codes.tolist() == expected_codes.tolist()
        assert list(uniques) == list(expected_uniques)


def test_numbered_groups_share_one_grouping_as_groupby_would_make_it() -> None:
    frame = pd.DataFrame({"a": ["y", "x", None, "x", "y", "x"], "b": ["2", "1", "1", "1", "1", "2"],
                          "v": ["p", "q", "r", "s", "t", "u"]}).astype("str")
    group, keys = numbered_groups(frame, ["a", "b"])
    expected = frame.groupby(["a", "b"], sort=True)["v"].agg(lambda s: ",".join(sorted(s)))
    assert list(keys.itertuples(index=False, name=None)) == list(expected.index)
    assert frame["v"].groupby(group).agg(lambda s: ",".join(sorted(s))).tolist() == expected.tolist()
    assert group.isna().tolist() == [False, False, True, False, False, False]  # a missing key: no group
