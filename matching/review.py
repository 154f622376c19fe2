"""The review queue: what a person should look at before the pipeline is sure.

Two kinds of item, each with an id that stays the same run after run while the
question stays the same (so a decision can name it, and a decided item leaves
the queue):

- ``pair`` (``RV-…``): a grey-zone pair — scored between the review and the
  match threshold — whose records ended up in different customers;
- ``field_conflict`` (``FC-…``): one customer whose records hold two different
  valid values of a field a person has only one of (e-mail, birth date, gender,
  resident id).

Each item shows both sides with personal data masked but recognisable
(王*明, +86 138****8000, x***@qq.com) and the per-field evidence.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

import pandas as pd

from validators.masking import mask_email, mask_id_card, mask_name, mask_phone

from .model import REVIEW

PAIR, FIELD_CONFLICT = "pair", "field_conflict"
#: contact column → golden field, for the fields one person has one value of.
CONFLICT_FIELDS: dict[str, str] = {
    "email": "email", "birth_date": "birth_date", "gender": "gender", "id_card": "id_card_no",
}
QUEUE_COLUMNS: tuple[str, ...] = (
    "item_id", "kind", "left_record", "right_record", "left_customer_id", "right_customer_id",
    "field", "score", "left_masked", "right_masked", "left_value", "right_value", "evidence",
)
_MASKED_FIELDS = {
    "name": mask_name, "phone": mask_phone, "email": mask_email, "id_card": mask_id_card,
    "id_card_no": mask_id_card, "birth_date": lambda v: f"{str(v)[:4]}-**-**",
}


def item_id(prefix: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:12].upper()
    return f"{prefix}-{digest}"


def mask_value(field: str, value: object) -> str:
    """A field's value as the review queue shows it."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    masker = _MASKED_FIELDS.get(field)
    return str(masker(value)) if masker else str(value)


def build_review_queue(
    contacts: pd.DataFrame,
    scored: pd.DataFrame,
    clusters: pd.DataFrame,
    settled_pairs: Mapping[tuple[str, str], int] | None = None,
    settled_fields: Mapping[str, Mapping[str, object]] | None = None,
) -> pd.DataFrame:
    """Open review items (``QUEUE_COLUMNS``): pairs first, highest score first; then
    field conflicts.

    ``settled_pairs`` (record pair → decision) and ``settled_fields`` (customer →
    fields a reviewer chose) are left out: a decided question is not asked again."""
    customer = dict(zip(clusters["record_key"], clusters["customer_id"]))
    items = _pair_items(scored, customer, contacts, settled_pairs or {})
    items += _conflict_items(contacts, customer, settled_fields or {})
    frame = pd.DataFrame(items, columns=list(QUEUE_COLUMNS))
    # Pairs first, the strongest (closest to a match) on top; then field conflicts.
    order = frame["kind"].map({PAIR: 0, FIELD_CONFLICT: 1})
    frame = frame.assign(_o=order, _s=-frame["score"].astype(float).fillna(0.0))
    return frame.sort_values(["_o", "_s", "item_id"]).drop(columns=["_o", "_s"]).reset_index(drop=True)


def evidence_json(frame: pd.DataFrame) -> list[str]:
    """Per row: the non-zero match weights (``w_<field>`` columns) as sorted JSON."""
    columns = [c for c in frame.columns if c.startswith("w_")]
    names = [c[2:] for c in columns]
    values = frame[columns].to_numpy(dtype=float).round(2) if columns else [[]] * len(frame)
    return [json.dumps({n: float(v) for n, v in zip(names, row) if v == v and v != 0.0}, sort_keys=True)
            for row in values]


def _summaries(contacts: pd.DataFrame, keys: set[str]) -> dict[str, str]:
    """record key → one masked line: name · phone · e-mail · company · city (only ``keys``)."""
    chosen = contacts[contacts["record_key"].isin(keys)]
    columns = ("name", "phone", "email", "company", "city")
    lines = {}
    for row in zip(chosen["record_key"], *(chosen[c] for c in columns)):
        shown = [mask_value(c, v) for c, v in zip(columns, row[1:]) if pd.notna(v)]
        lines[row[0]] = f"{row[0]} · " + (" · ".join(shown) if shown else "(no details)")
    return lines


def _pair_items(scored: pd.DataFrame, customer: Mapping[str, str], contacts: pd.DataFrame,
                settled: Mapping[tuple[str, str], int]) -> list[dict]:
    grey = scored[scored["decision"] == REVIEW]
    if grey.empty:
        return []
    lefts = grey["left_key"].astype(str).to_numpy()
    rights = grey["right_key"].astype(str).to_numpy()
    first = [min(a, b) for a, b in zip(lefts, rights)]
    second = [max(a, b) for a, b in zip(lefts, rights)]
    open_ = [(a, b) not in settled and customer.get(a) != customer.get(b) for a, b in zip(first, second)]
    grey = grey[open_]
    first = [k for k, keep in zip(first, open_) if keep]
    second = [k for k, keep in zip(second, open_) if keep]
    summaries = _summaries(contacts, set(first) | set(second))
    return [
        {
            "item_id": item_id("RV", left, right), "kind": PAIR,
            "left_record": left, "right_record": right,
            "left_customer_id": customer.get(left), "right_customer_id": customer.get(right),
            "field": None, "score": round(float(score), 3),
            "left_masked": summaries[left], "right_masked": summaries[right],
            "left_value": None, "right_value": None, "evidence": evidence,
        }
        for left, right, score, evidence in zip(first, second, grey["score"], evidence_json(grey))
    ]


def _conflict_items(contacts: pd.DataFrame, customer: Mapping[str, str],
                    settled: Mapping[str, Mapping[str, object]]) -> list[dict]:
    frame = contacts[["record_key", "id_card_valid", *CONFLICT_FIELDS]]
    frame = frame.assign(customer_id=frame["record_key"].map(customer))
    frame = frame[frame["customer_id"].notna()]
    frame = frame.assign(id_card=frame["id_card"].where(frame["id_card_valid"].astype(bool)))
    items = []
    for column, golden_field in CONFLICT_FIELDS.items():
        values = frame[["customer_id", "record_key", column]].dropna(subset=[column])
        distinct = values.groupby("customer_id")[column].nunique()
        conflicted = distinct[distinct > 1].index
        conflicted = [c for c in conflicted if golden_field not in settled.get(c, {})]
        # Only the conflicted customers' rows, grouped once: a scan of every row
        # per conflicted customer grew with N x conflicts (minutes at a million).
        held_all = values[values["customer_id"].isin(conflicted)]
        for customer_id, held in sorted(held_all.groupby("customer_id", sort=False), key=lambda g: g[0]):
            items.append(_conflict_item(customer_id, column, golden_field, held))
    return items


def _conflict_item(customer_id: str, column: str, golden_field: str, held: pd.DataFrame) -> dict:
    """One field-conflict item from the customer's rows holding a value of ``column``."""
    # The two most common values, ties by record key, are the two sides.
    counts = held.groupby(column)["record_key"].agg(["size", "min"]).reset_index()
    counts = counts.sort_values(["size", "min"], ascending=[False, True])
    sides = counts.head(2).to_dict("records")
    records = held.groupby(column)["record_key"].agg(sorted)
    evidence = {"values": [{"value": mask_value(column, v), "records": records[v]}
                           for v in counts[column]]}
    return {
        "item_id": item_id("FC", customer_id, golden_field), "kind": FIELD_CONFLICT,
        "left_record": sides[0]["min"], "right_record": sides[1]["min"],
        "left_customer_id": customer_id, "right_customer_id": customer_id,
        "field": golden_field, "score": None,
        "left_masked": f"{sides[0]['min']} · {golden_field} {mask_value(column, sides[0][column])}",
        "right_masked": f"{sides[1]['min']} · {golden_field} {mask_value(column, sides[1][column])}",
        "left_value": sides[0][column], "right_value": sides[1][column],
        "evidence": json.dumps(evidence, ensure_ascii=False, sort_keys=True),
    }
