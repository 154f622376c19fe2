"""Stable customer ids: kept across runs, decided deterministically on merges and splits."""

import pandas as pd

from matching.identity import assign_customer_ids, find_merges, mint_customer_id


def clusters(groups: list[list[str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(key, number) for number, keys in enumerate(groups) for key in keys],
        columns=["record_key", "cluster"],
    )


def previous(mapping: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(list(mapping.items()), columns=["record_key", "customer_id"])


def ids(result) -> dict[int, str]:
    return dict(zip(result.assignments["cluster"], result.assignments["customer_id"]))


def test_new_ids_depend_only_on_the_records() -> None:
    first = assign_customer_ids(clusters([["a:1", "b:2"], ["c:3"]]), previous({}))
    again = assign_customer_ids(clusters([["c:3"], ["b:2", "a:1"]]), previous({}))
    assert ids(first)[0] == ids(again)[1] == mint_customer_id("a:1")
    assert ids(first)[1] == ids(again)[0]
    assert all(i.startswith("CM-") and len(i) == 15 for i in ids(first).values())


def test_ids_survive_a_new_record_joining() -> None:
    result = assign_customer_ids(
        clusters([["a:0", "a:1", "b:2"], ["c:3"]]), previous({"a:1": "CM-OLD1", "b:2": "CM-OLD1", "c:3": "CM-OLD2"})
    )
    assert ids(result) == {0: "CM-OLD1", 1: "CM-OLD2"}
    assert result.merged.empty and result.retired == []


def test_a_merge_keeps_the_larger_customer_id_and_reports_the_other() -> None:
    before = previous({"a:1": "CM-BIG", "a:2": "CM-BIG", "b:3": "CM-SMALL"})
    result = assign_customer_ids(clusters([["a:1", "a:2", "b:3"]]), before)
    assert ids(result) == {0: "CM-BIG"}
    assert result.merged.to_dict("records") == [{"old_customer_id": "CM-SMALL", "customer_id": "CM-BIG"}]


def test_a_split_gives_the_old_id_to_the_larger_part() -> None:
    before = previous({"a:1": "CM-X", "a:2": "CM-X", "b:3": "CM-X"})
    result = assign_customer_ids(clusters([["b:3"], ["a:1", "a:2"]]), before)
    assert ids(result)[1] == "CM-X"
    assert ids(result)[0] != "CM-X" and ids(result)[0].startswith("CM-")


def test_ids_of_customers_whose_records_all_left_are_retired() -> None:
    result = assign_customer_ids(clusters([["a:1"]]), previous({"a:1": "CM-A", "z:9": "CM-GONE"}))
    assert result.retired == ["CM-GONE"]


def test_find_merges_uses_the_majority_of_moved_records() -> None:
    before = previous({"a:1": "CM-1", "a:2": "CM-1", "a:3": "CM-1", "b:1": "CM-2"})
    now = previous({"a:1": "CM-2", "a:2": "CM-2", "a:3": "CM-3", "b:1": "CM-2"})
    assert find_merges(before, now).to_dict("records") == [{"old_customer_id": "CM-1", "customer_id": "CM-2"}]
