"""Reviewer decisions: checked when recorded, honoured by every later run.

A decision names records (``SOURCE_SYSTEM:SOURCE_RECORD_ID``, the pipeline's
record keys), a customer, or a review item, and says one of

- ``merge``        — these records (or this record and that customer) are one customer;
- ``keep_apart``   — they are not, whatever the scores say;
- ``split_off``    — this record is not part of the customer it was merged into;
- ``choose_value`` — this customer's golden ``field`` is ``value``.

The ledger is append-only, so a decision is reversed by a newer one about the
same pair. Customer-level decisions are expanded against the customer's
records as the store holds them when a run starts (``StoreView``), so "R is
not part of C" still holds when C gains records later. Nothing here reads a
database: callers pass the ledger and the view in.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

MERGE, KEEP_APART, SPLIT_OFF, CHOOSE_VALUE = "merge", "keep_apart", "split_off", "choose_value"
DECISIONS: tuple[str, ...] = (MERGE, KEEP_APART, SPLIT_OFF, CHOOSE_VALUE)
#: Golden fields a reviewer may set with ``choose_value``.
OVERRIDABLE_FIELDS: tuple[str, ...] = (
    "name", "phone", "landline", "email", "company", "title", "province", "city", "address",
    "gender", "birth_date", "id_card_no",
)
#: Ledger columns a decision fills (``merge_decision`` adds id, time, channel, run).
LEDGER_COLUMNS: tuple[str, ...] = (
    "decision", "item_id", "left_record", "right_record", "customer_id", "field", "value",
    "reviewer", "reason",
)

Pair = tuple[str, str]
#: ``(field, raw value) -> (normalised value or None, problem or None)``.
ValueNormaliser = Callable[[str, str], tuple[str | None, str | None]]


class DecisionError(ValueError):
    """A decision that cannot be recorded; the message says why, without personal data."""


@dataclass(frozen=True)
class Decision:
    """What a reviewer said, as typed in the Launchpad, a CSV row or the command line."""

    decision: str
    reviewer: str
    reason: str
    item_id: str | None = None
    records: tuple[str, ...] = ()
    customer_id: str | None = None
    field: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class StoreView:
    """What the store says now: record → customer, alias → customer, open review items."""

    membership: Mapping[str, str]
    aliases: Mapping[str, str] = field(default_factory=dict)
    items: Mapping[str, Mapping[str, object]] = field(default_factory=dict)

    def resolve(self, customer_id: str) -> str:
        return self.aliases.get(customer_id, customer_id)

    def members(self, customer_id: str) -> list[str]:
        target = self.resolve(customer_id)
        return sorted(r for r, c in self.membership.items() if c == target)


@dataclass(frozen=True)
class Constraints:
    """The ledger as clustering and survivorship use it."""

    must_link: list[Pair]
    cannot_link: list[Pair]
    overrides: dict[str, dict[str, tuple[str, int]]]  # customer → field → (value, decision id)
    pair_decisions: dict[Pair, int]  # pair → the decision id that settles it
    applied: list[int]  # decision ids that constrain this run
    contradictions: list[str]


def pair(a: str, b: str) -> Pair:
    return (a, b) if a <= b else (b, a)


def resolve_decision(decision: Decision, view: StoreView, normalise: ValueNormaliser) -> dict:
    """One ledger row for ``decision``, or ``DecisionError`` saying what is wrong."""
    kind = (decision.decision or "").strip()
    if kind not in DECISIONS:
        raise DecisionError(f"unknown decision {kind!r}: use one of {', '.join(DECISIONS)}")
    if not (decision.reviewer or "").strip():
        raise DecisionError("a decision needs the reviewer's name")
    if not (decision.reason or "").strip():
        raise DecisionError("a decision needs a reason")
    row = {c: None for c in LEDGER_COLUMNS}
    row.update(decision=kind, reviewer=decision.reviewer.strip(), reason=decision.reason.strip())
    records = [r.strip() for r in decision.records if r and r.strip()]
    customer = decision.customer_id.strip() if decision.customer_id else None
    if decision.item_id:
        records, customer = _from_item(decision, kind, view, row)
    for record in records:
        if record not in view.membership:
            raise DecisionError(f"unknown record {record}: not in customer_xref of the store "
                                "(name it SOURCE_SYSTEM:SOURCE_RECORD_ID)")
    if customer is not None:
        if view.resolve(customer) not in set(view.membership.values()):
            raise DecisionError(f"unknown customer {customer}")
        customer = view.resolve(customer)
    if kind == CHOOSE_VALUE:
        return _choose_value(decision, records, customer, view, normalise, row)
    if decision.field or decision.value:
        raise DecisionError(f"--field/--value belong to choose_value, not to {kind}")
    if kind == SPLIT_OFF:
        return _split_off(records, customer, view, row)
    if len(records) == 2 and customer is None:
        if records[0] == records[1]:
            raise DecisionError("the two records are the same record")
        row.update(left_record=records[0], right_record=records[1])
        return row
    if len(records) == 1 and customer is not None:
        row.update(left_record=records[0], customer_id=customer)
        return row
    raise DecisionError(f"{kind} needs an item id, two records, or one record and a customer")


def _from_item(decision: Decision, kind: str, view: StoreView, row: dict) -> tuple[list[str], str | None]:
    item = view.items.get(decision.item_id.strip())
    if item is None:
        raise DecisionError(f"unknown review item {decision.item_id} (open items: customer-master review list)")
    row["item_id"] = decision.item_id.strip()
    if item["kind"] == "pair":
        if kind not in (MERGE, KEEP_APART):
            raise DecisionError(f"item {row['item_id']} is a pair: decide merge or keep_apart")
        return [str(item["left_record"]), str(item["right_record"])], None
    if kind != CHOOSE_VALUE:
        raise DecisionError(f"item {row['item_id']} is a field conflict: decide choose_value")
    if decision.field and decision.field != item["field"]:
        raise DecisionError(f"item {row['item_id']} is about {item['field']}, not {decision.field}")
    return [], str(item["left_customer_id"])


def _choose_value(decision: Decision, records: list[str], customer: str | None, view: StoreView,
                  normalise: ValueNormaliser, row: dict) -> dict:
    field_name = decision.field or (view.items.get(row["item_id"] or "", {}) or {}).get("field")
    if customer is None and len(records) == 1:
        customer = view.membership[records[0]]
    if customer is None:
        raise DecisionError("choose_value needs a customer (or a field-conflict item)")
    if field_name not in OVERRIDABLE_FIELDS:
        raise DecisionError(f"choose_value needs --field, one of {', '.join(OVERRIDABLE_FIELDS)}")
    if decision.value is None or not str(decision.value).strip():
        raise DecisionError("choose_value needs --value (with an item: left or right)")
    raw = str(decision.value).strip()
    item = view.items.get(row["item_id"] or "")
    if item is not None and raw in ("left", "right"):
        raw = str(item.get(f"{raw}_value") or "")
    value, problem = normalise(str(field_name), raw)
    if value is None:
        raise DecisionError(f"the value given for {field_name} is not usable: {problem}")
    row.update(customer_id=customer, field=field_name, value=value)
    return row


def _split_off(records: list[str], customer: str | None, view: StoreView, row: dict) -> dict:
    if len(records) != 1:
        raise DecisionError("split_off needs exactly one record (and optionally its customer)")
    record = records[0]
    holder = view.membership[record]
    if customer is not None and customer != holder:
        raise DecisionError(f"record {record} is not part of customer {customer} (it is in {holder})")
    if len(view.members(holder)) < 2:
        raise DecisionError(f"record {record} is the only record of {holder}: nothing to split off")
    row.update(left_record=record, customer_id=holder)
    return row


def constraints_from_ledger(ledger: pd.DataFrame, view: StoreView) -> Constraints:
    """Must-links, cannot-links and field overrides from the ledger, newest decision
    winning per pair and per (customer, field)."""
    settled: dict[Pair, tuple[str, int]] = {}
    overrides: dict[str, dict[str, tuple[str, int]]] = {}
    rows = ledger.sort_values("decision_id") if len(ledger) else ledger
    customers = set(view.membership.values())
    for row in rows.itertuples(index=False):
        decision_id = int(row.decision_id)
        if row.decision == CHOOSE_VALUE:
            if _present(row.customer_id) and _present(row.field):
                target = view.resolve(str(row.customer_id))
                if target in customers or not view.membership:
                    overrides.setdefault(target, {})[str(row.field)] = (str(row.value), decision_id)
            continue
        outcome = "must" if row.decision == MERGE else "cannot"
        pairs = _expand(row, view)
        for p in pairs:
            settled[p] = (outcome, decision_id)
    must = sorted(p for p, (o, _) in settled.items() if o == "must")
    cannot = sorted(p for p, (o, _) in settled.items() if o == "cannot")
    constraints = Constraints(
        must_link=must, cannot_link=cannot, overrides=overrides,
        pair_decisions={p: d for p, (_, d) in settled.items()},
        applied=sorted({d for _, d in settled.values()}
                       | {d for fields in overrides.values() for _, d in fields.values()}),
        contradictions=[],
    )
    return Constraints(**{**constraints.__dict__, "contradictions": find_contradictions(constraints)})


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and str(value) != ""


def _expand(row, view: StoreView) -> list[Pair]:
    left = str(row.left_record) if _present(row.left_record) else None
    if left is None:
        return []
    if _present(row.right_record):
        return [pair(left, str(row.right_record))]
    if not _present(row.customer_id):
        return []
    return [pair(left, other) for other in view.members(str(row.customer_id)) if other != left]


def find_contradictions(constraints: Constraints) -> list[str]:
    """Cannot-links between records that must-links join (directly or through others)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in constraints.must_link:
        parent[find(a)] = find(b)
    must = set(constraints.must_link)
    problems = []
    for a, b in constraints.cannot_link:
        if a in parent and b in parent and find(a) == find(b):
            joining = sorted({d for (x, y), d in constraints.pair_decisions.items()
                              if (x, y) in must and find(x) == find(a)})
            problems.append(
                f"decision #{constraints.pair_decisions[(a, b)]} keeps {a} and {b} apart, but "
                f"decision(s) {', '.join(f'#{d}' for d in joining)} join them"
            )
    return problems


def check_new_decisions(new_rows: list[dict], ledger: pd.DataFrame, view: StoreView) -> None:
    """Raise ``DecisionError`` when the new rows contradict each other or the ledger."""
    seen: dict[Pair, str] = {}
    for row in new_rows:
        if row["decision"] in (MERGE, KEEP_APART, SPLIT_OFF):
            for p in _expand(_Row(row), view):
                outcome = "merge" if row["decision"] == MERGE else "apart"
                if seen.setdefault(p, outcome) != outcome:
                    raise DecisionError(f"contradictory decisions in one batch about {p[0]} and {p[1]}")
    next_id = int(ledger["decision_id"].max()) + 1 if len(ledger) else 1
    pending = pd.DataFrame([{**r, "decision_id": next_id + i} for i, r in enumerate(new_rows)])
    combined = pd.concat([ledger, pending], ignore_index=True) if len(ledger) else pending
    problems = constraints_from_ledger(combined, view).contradictions
    if problems:
        raise DecisionError("contradicts earlier decisions: " + "; ".join(problems)
                            + " (reverse those first with a newer decision)")


class _Row:
    """Attribute access over a ledger dict, like a DataFrame row."""

    def __init__(self, values: dict) -> None:
        self.__dict__.update(values)


def apply_overrides(golden: pd.DataFrame, overrides: Mapping[str, Mapping[str, tuple[str, int]]]) -> pd.DataFrame:
    """Golden records with the reviewers' chosen values, provenance naming the decision."""
    if not overrides or golden.empty:
        return golden
    out = golden.copy()
    index = {c: i for i, c in enumerate(out["customer_id"])}
    for customer, fields in overrides.items():
        if customer not in index:
            continue
        position = index[customer]
        provenance = json.loads(out["provenance"].iat[position])
        for field_name, (value, decision_id) in fields.items():
            if field_name not in out.columns:
                continue
            out.iat[position, out.columns.get_loc(field_name)] = value
            provenance[field_name] = {"source_system": "review", "source_record_id": f"decision #{decision_id}",
                                      "rule": "reviewer"}
        out.iat[position, out.columns.get_loc("provenance")] = json.dumps(
            provenance, ensure_ascii=False, sort_keys=True)
    return out
