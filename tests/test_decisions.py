"""Reviewer decisions as pure logic: checked when recorded, honoured as constraints,
newest first, and the review queue they empty."""

import json

import pandas as pd
import pytest

from matching.cluster import cluster_records
from matching.contacts import ContactMatchSettings
from matching.decisions import (
    Decision,
    DecisionError,
    StoreView,
    apply_overrides,
    check_new_decisions,
    constraints_from_ledger,
    resolve_decision,
)
from matching.identity import assign_customer_ids, identity_events
from matching.review import build_review_queue
from validators.field_values import normalise_field_value

VIEW = StoreView(
    membership={"web_forms:1": "CM-A", "wechat:2": "CM-A", "legacy:3": "CM-B", "legacy:4": "CM-C"},
    aliases={"CM-OLD": "CM-B"},
    items={
        "RV-1": {"kind": "pair", "left_record": "legacy:3", "right_record": "legacy:4"},
        "FC-1": {"kind": "field_conflict", "left_customer_id": "CM-A", "field": "email",
                 "left_value": "wang@qq.com", "right_value": "wx@163.com"},
    },
)


def decide(**kwargs) -> dict:
    base = {"decision": "merge", "reviewer": "alice", "reason": "checked by phone"}
    return resolve_decision(Decision(**{**base, **kwargs}), VIEW, normalise_field_value)


def ledger(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame([{**r, "decision_id": i} for i, r in enumerate(rows, start=1)])


def test_a_pair_item_resolves_to_its_two_records() -> None:
    row = decide(item_id="RV-1")
    assert (row["left_record"], row["right_record"], row["item_id"]) == ("legacy:3", "legacy:4", "RV-1")


def test_a_customer_alias_resolves_to_the_customer_it_merged_into() -> None:
    row = decide(records=("legacy:4",), customer_id="CM-OLD")
    assert row["customer_id"] == "CM-B"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"records": ("legacy:9", "legacy:3")}, "unknown record legacy:9"),
    ({"records": ("legacy:3",), "customer_id": "CM-NOPE"}, "unknown customer CM-NOPE"),
    ({"item_id": "RV-404"}, "unknown review item RV-404"),
    ({"decision": "unmerge", "records": ("legacy:3", "legacy:4")}, "unknown decision"),
    ({"reviewer": " ", "records": ("legacy:3", "legacy:4")}, "reviewer"),
    ({"records": ("legacy:3",)}, "needs an item id, two records"),
    ({"decision": "split_off", "records": ("legacy:3",)}, "only record of CM-B"),
    ({"decision": "split_off", "records": ("web_forms:1",), "customer_id": "CM-B"}, "not part of customer CM-B"),
    ({"decision": "choose_value", "item_id": "FC-1", "value": "not-an-email"}, "not a usable e-mail"),
    ({"decision": "choose_value", "customer_id": "CM-A", "field": "shoe_size", "value": "42"}, "needs --field"),
    ({"decision": "keep_apart", "item_id": "FC-1"}, "field conflict: decide choose_value"),
])
def test_bad_decisions_are_rejected_with_a_clear_message(kwargs: dict, message: str) -> None:
    with pytest.raises(DecisionError, match=message):
        decide(**kwargs)


def test_choose_value_normalises_like_the_pipeline_and_takes_a_side_of_an_item() -> None:
    assert decide(decision="choose_value", customer_id="CM-A", field="phone",
                  value="139 5762 1834")["value"] == "+8613957621834"
    assert decide(decision="choose_value", item_id="FC-1", value="right")["value"] == "wx@163.com"
    assert decide(decision="choose_value", customer_id="CM-A", field="gender", value="女")["value"] == "F"


def test_the_newest_decision_about_a_pair_wins() -> None:
    rows = ledger(decide(item_id="RV-1"), decide(decision="keep_apart", item_id="RV-1"))
    constraints = constraints_from_ledger(rows, VIEW)
    assert constraints.must_link == [] and constraints.cannot_link == [("legacy:3", "legacy:4")]
    assert constraints.applied == [2]  # the reversed decision constrains nothing now
    again = constraints_from_ledger(ledger(*rows.drop(columns="decision_id").to_dict("records"),
                                           decide(item_id="RV-1")), VIEW)
    assert again.must_link == [("legacy:3", "legacy:4")] and again.cannot_link == []


def test_split_off_keeps_the_record_apart_from_every_other_record_of_its_customer() -> None:
    rows = ledger(decide(decision="split_off", records=("wechat:2",)))
    constraints = constraints_from_ledger(rows, VIEW)
    assert constraints.cannot_link == [("web_forms:1", "wechat:2")]


def test_contradictions_with_the_ledger_are_rejected() -> None:
    earlier = ledger(decide(records=("legacy:3", "legacy:4")), decide(records=("legacy:4", "web_forms:1")))
    with pytest.raises(DecisionError, match="contradicts earlier decisions.*#1, #2"):
        check_new_decisions([decide(decision="keep_apart", records=("legacy:3", "web_forms:1"))], earlier, VIEW)
    with pytest.raises(DecisionError, match="contradictory decisions in one batch"):
        check_new_decisions([decide(records=("legacy:3", "legacy:4")),
                             decide(decision="keep_apart", records=("legacy:4", "legacy:3"))], ledger(), VIEW)
    # Reversing one of the joining decisions first makes it consistent.
    check_new_decisions([decide(decision="keep_apart", records=("legacy:4", "web_forms:1")),
                         decide(decision="keep_apart", records=("legacy:3", "web_forms:1"))], earlier, VIEW)


def test_overrides_win_over_survivorship_and_name_the_decision() -> None:
    golden = pd.DataFrame({"customer_id": ["CM-A"], "email": ["old@qq.com"],
                           "provenance": [json.dumps({"email": {"rule": "recent"}})]})
    out = apply_overrides(golden, {"CM-A": {"email": ("new@qq.com", 7)}})
    assert out["email"].iat[0] == "new@qq.com"
    assert json.loads(out["provenance"].iat[0])["email"]["source_record_id"] == "decision #7"


def contacts(*keys: str) -> pd.DataFrame:
    n = len(keys)
    return pd.DataFrame({
        "record_key": list(keys), "name": ["王小明"] * n, "phone": ["+8613800138000"] * n,
        "email": [None] * n, "company": [None] * n, "city": [None] * n, "gender": [None] * n,
        "birth_date": [None] * n, "id_card": [None] * n, "id_card_valid": [False] * n,
    })


def scored(*pairs: tuple[int, int, str, float]) -> pd.DataFrame:
    """Scored pairs as the pipeline makes them: a weight per compared field."""
    return pd.DataFrame([{"left": a, "right": b, "decision": d, "score": s, "match_probability": 0.9,
                          "w_name": 5.0, "w_phone": s - 5.0} for a, b, d, s in pairs])


def test_ids_over_a_sequence_of_runs_add_merge_split_rerun() -> None:
    """Run 1: two customers. Run 2: a new record joins A. Run 3: a reviewer merges
    A and B: A (more history) keeps its id, B becomes an alias. Run 4: the reviewer
    splits b off again: it gets a new id, never B's. Run 5: nothing changes."""
    def run(keys, pairs, previous, must=(), cannot=(), reserved=()):
        frame = contacts(*keys)
        pairs = scored(*pairs).assign(left_key=lambda f: [keys[i] for i in f["left"]],
                                      right_key=lambda f: [keys[i] for i in f["right"]])
        clusters = cluster_records(frame, pairs, ContactMatchSettings(), must_link=must,
                                   cannot_link=cannot).clusters
        identity = assign_customer_ids(clusters, previous, reserved=reserved)
        current = clusters.merge(identity.assignments, on="cluster")[["record_key", "customer_id"]]
        return current, identity

    one, _ = run(["a:1", "a:2", "b:1"], [(0, 1, "match", 9.0)], pd.DataFrame(columns=["record_key", "customer_id"]))
    ids = dict(zip(one["record_key"], one["customer_id"]))
    customer_a, customer_b = ids["a:1"], ids["b:1"]
    assert ids["a:2"] == customer_a != customer_b
    two, _ = run(["a:1", "a:2", "a:3", "b:1"], [(0, 1, "match", 9.0), (1, 2, "match", 9.0)], one)
    assert set(two["customer_id"]) == {customer_a, customer_b}
    three, identity = run(["a:1", "a:2", "a:3", "b:1"], [(0, 1, "match", 9.0), (1, 2, "match", 9.0)], two,
                          must=[("a:1", "b:1")])
    assert set(three["customer_id"]) == {customer_a}
    assert identity.merged.to_dict("records") == [{"old_customer_id": customer_b, "customer_id": customer_a}]
    events = identity_events(two, three)
    assert list(events["event_type"]) == ["merge", "alias"]
    four, _ = run(["a:1", "a:2", "a:3", "b:1"], [(0, 1, "match", 9.0), (1, 2, "match", 9.0)], three,
                  cannot=[("b:1", k) for k in ("a:1", "a:2", "a:3")], reserved=[customer_b])
    split_id = dict(zip(four["record_key"], four["customer_id"]))["b:1"]
    assert split_id not in (customer_a, customer_b)
    assert list(identity_events(three, four)["event_type"]) == ["split"]
    five, _ = run(["a:1", "a:2", "a:3", "b:1"], [(0, 1, "match", 9.0), (1, 2, "match", 9.0)], four,
                  cannot=[("b:1", k) for k in ("a:1", "a:2", "a:3")], reserved=[customer_b])
    assert five.sort_values("record_key").equals(four.sort_values("record_key"))
    assert identity_events(four, five).empty


def test_the_review_queue_holds_grey_pairs_across_customers_and_field_conflicts_masked() -> None:
    frame = contacts("a:1", "a:2", "b:1").assign(email=["wang@qq.com", "xiaoming@163.com", None])
    pairs = scored((0, 2, "review", 5.0), (0, 1, "match", 9.0)).assign(
        left_key=["a:1", "a:1"], right_key=["b:1", "a:2"])
    clusters = pd.DataFrame({"record_key": ["a:1", "a:2", "b:1"], "customer_id": ["CM-A", "CM-A", "CM-B"]})
    queue = build_review_queue(frame, pairs, clusters)
    assert list(queue["kind"]) == ["pair", "field_conflict"]
    pair_item, conflict = queue.iloc[0], queue.iloc[1]
    assert (pair_item["left_record"], pair_item["right_record"]) == ("a:1", "b:1")
    assert "王*明" in pair_item["left_masked"] and "+86 138****8000" in pair_item["left_masked"]
    assert json.loads(pair_item["evidence"]) == {"name": 5.0}
    assert conflict["field"] == "email" and "w***@qq.com" in conflict["left_masked"] + conflict["right_masked"]
    shown = " ".join(queue[["left_masked", "right_masked", "evidence"]].to_numpy().ravel())
    assert "13800138000" not in shown and "wang@qq.com" not in shown
    # The same question keeps its id; a decided one leaves the queue.
    assert build_review_queue(frame, pairs, clusters)["item_id"].tolist() == queue["item_id"].tolist()
    settled = build_review_queue(frame, pairs, clusters, {("a:1", "b:1"): 1}, {"CM-A": {"email": ("x", 2)}})
    assert settled.empty
