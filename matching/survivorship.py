"""Survivorship: the golden value of each field, chosen among a customer's
records by a named rule, with the record it came from kept as provenance.

Fields that belong together (name and its pinyin; province, city and address)
are taken from one record, so a golden address is never stitched from two.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

from .grouped import joined_distinct, sorted_factorize
from .settings import SurvivorshipSettings

#: golden field group → the contact columns it is read from (same order).
FIELD_GROUPS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("name", "name_pinyin"): ("name", "name_pinyin"),
    ("phone",): ("phone",),
    ("phone_extension",): ("phone_extension",),
    ("landline",): ("landline",),
    ("email",): ("email",),
    ("company",): ("company",),
    ("title",): ("title",),
    ("province", "city", "address"): ("province", "city", "address"),
    ("gender",): ("gender",),
    ("birth_date",): ("birth_date",),
    ("id_card_no",): ("id_card",),
    ("wecom_id",): ("wecom_id",),
}

_SCRIPT_RANK = {"han": 3, "mixed": 2, "latin": 1, "none": 0}


def select_survivors(
    contacts: pd.DataFrame,
    clusters: pd.DataFrame,
    settings: SurvivorshipSettings = SurvivorshipSettings(),
) -> pd.DataFrame:
    """One golden row (``GoldenCustomer``) per customer id of ``clusters``
    (record_key, customer_id)."""
    read = dict.fromkeys(["record_key", "source_system", "source_record_id", "updated_at", "name_script",
                          "id_card_valid", *(c for columns in FIELD_GROUPS.values() for c in columns)])
    members = contacts[list(read)].merge(clusters[["record_key", "customer_id"]], on="record_key")
    # Customers and records as their sort ranks: every field group sorts by
    # customer and record, and sorting numbers is many times faster than text;
    # golden rows are customers in id order, so a customer's rank is its row
    # and each field's winners are placed by position, not looked up by id.
    customer, customer_ids = sorted_factorize(members["customer_id"])
    members = members.assign(
        trust=members["source_system"].map(settings.source_trust).fillna(0).astype(int),
        recency=pd.to_datetime(members["updated_at"], utc=True, errors="coerce", format="ISO8601"),
        script_rank=members["name_script"].map(_SCRIPT_RANK).fillna(0).astype(int),
        id_card=members["id_card"].where(members["id_card_valid"]),
        _customer=customer,
        _record=sorted_factorize(members["record_key"])[0],
    )
    rows = len(customer_ids)
    golden = pd.DataFrame({"customer_id": customer_ids})
    entries: dict[str, np.ndarray] = {}  # target → each customer's provenance entry as JSON text

    for targets, columns in FIELD_GROUPS.items():
        rule = settings.rules.get(targets[0], "complete" if len(targets) > 1 else "recent")
        winners = _winners(members, columns, rule)
        at = winners["_customer"].to_numpy()
        for target, column in zip(targets, columns):
            golden[target] = _placed(winners[column].to_numpy(dtype=object), at, rows)
            filled = winners[column].notna().to_numpy()
            entries[target] = _placed(_provenance_entries(target, rule, winners[filled]), at[filled], rows)

    golden["source_count"] = np.bincount(customer, minlength=rows).astype("int64")
    golden["source_systems"] = joined_distinct(members["_customer"], members["source_system"]) \
        .reindex(range(rows)).to_numpy(dtype=object)
    golden["provenance"] = _provenance_objects(entries)
    latest = members[["_customer", "updated_at"]].dropna().sort_values(["_customer", "updated_at"])
    latest = latest.drop_duplicates("_customer", keep="last")
    golden["updated_at"] = _placed(latest["updated_at"].to_numpy(dtype=object),
                                   latest["_customer"].to_numpy(), rows)
    for column in golden.columns:
        if column != "source_count":
            golden[column] = golden[column].astype("str")
    return golden


def _placed(values: np.ndarray, rows_at: np.ndarray, rows: int) -> np.ndarray:
    """``values`` put at rows ``rows_at`` of a column of ``rows`` (None elsewhere)."""
    column = np.full(rows, None, dtype=object)
    column[rows_at] = values
    return column


def _provenance_entries(target: str, rule: str, winners: pd.DataFrame) -> np.ndarray:
    """Per winner, ``"target": {"rule": …, "source_record_id": …, "source_system": …}``
    — the text ``json.dumps(..., ensure_ascii=False, sort_keys=True)`` writes for the
    target's entry. Built column-wise: a dict per customer and field, then
    ``json.dumps``, cost a quarter of the golden step at a million customers."""
    head = f'{_json(target)}: {{"rule": {_json(rule)}, "source_record_id": '
    middle = ', "source_system": '
    texts = [f"{head}{r}{middle}{s}}}" for r, s in zip(_json_texts(winners["source_record_id"]),
                                                      _json_texts(winners["source_system"]))]
    out = np.empty(len(texts), dtype=object)
    out[:] = texts
    return out


def _provenance_objects(entries: dict[str, np.ndarray]) -> list[str]:
    """Each customer's provenance: its entries in key order, as one JSON object."""
    ordered = [entries[target] for target in sorted(entries)]
    return ["{" + ", ".join(e for e in row if isinstance(e, str)) + "}" for row in zip(*ordered)]


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


#: What ``json.dumps(..., ensure_ascii=False)`` escapes in a string: quote, backslash, C0 controls.
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\\"]')


def _json_texts(values: pd.Series) -> list[str]:
    """``json.dumps(value, ensure_ascii=False)`` of each value: a string with
    nothing to escape is itself in quotes (what the encoder writes for it)."""
    return [f'"{v}"' if isinstance(v, str) and not _NEEDS_ESCAPE.search(v) else _json(v)
            for v in values.to_numpy(dtype=object).tolist()]


def _winners(members: pd.DataFrame, columns: tuple[str, ...], rule: str) -> pd.DataFrame:
    """The winning record per customer (``_customer``) for one field group."""
    needed = dict.fromkeys(["_customer", "_record", "source_system", "source_record_id",
                            "trust", "recency", "script_rank", *columns])
    present = members.loc[members[list(columns)].notna().any(axis=1), list(needed)]
    present["filled"] = present[list(columns)].notna().sum(axis=1)
    present["length"] = sum(present[c].fillna("").astype(str).str.len() for c in columns)
    keys: list[str]
    if rule == "trusted":
        keys = ["trust", "recency"]
    elif rule == "recent":
        keys = ["recency", "trust"]
    elif rule == "frequent":
        present["frequency"] = present.groupby(["_customer", columns[0]])[columns[0]].transform("size")
        keys = ["frequency", "recency", "trust"]
    elif rule == "complete":
        keys = ["filled", "length", "recency", "trust"]
    else:
        raise ValueError(f"unknown survivorship rule {rule!r}")
    if columns[0] == "name":
        keys = ["script_rank", *keys]  # a name in characters beats its pinyin
    ordered = present.sort_values(
        ["_customer", *keys, "_record"],
        ascending=[True, *([False] * len(keys)), True],
        na_position="last",
    )
    return ordered.drop_duplicates("_customer")
