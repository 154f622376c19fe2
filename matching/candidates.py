"""Blocking for any table: rules derived from the field kinds, union of their pairs.

Comparing all n² pairs is impossible past a few thousand records, so only pairs
that share at least one blocking key are scored. Each rule is a combination of
normalised keys (``normalise.NORMALISER_KEYS``) chosen so that a true pair with a
typo in one field still shares some key: an id or its halves, a phone, an
email, the date, the sorted letters of the whole name, surname prefix + birth
year, postcode + initial, … A block larger than ``max_block_size`` is skipped
(a placeholder or a very common value would make the work quadratic) and
counted, so a run can say what it did not look at.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .fields import FieldSpec
from .normalise import OWNER, PERSON, owners

#: A pair records the rules that proposed it as bits of one int64.
MAX_RULES = 62


@dataclass(frozen=True)
class BlockingRule:
    """Records whose keys (``field``, ``key``) are all equal (and non-empty) are candidates."""

    name: str
    parts: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Candidates:
    pairs: pd.DataFrame  # left, right (positions, left < right), rules (bit mask of rules)
    rules: tuple[BlockingRule, ...]
    pairs_per_rule: dict[str, int]
    skipped_blocks: dict[str, int]


def _first(specs: list[FieldSpec], *kinds: str) -> FieldSpec | None:
    return next((s for s in specs if s.kind in kinds), None)


def derive_blocking_rules(specs: list[FieldSpec]) -> tuple[BlockingRule, ...]:
    """The rules the field kinds allow, most specific first (at most ``MAX_RULES``)."""
    rules: list[BlockingRule] = []

    def add(*parts: tuple[str, str]) -> None:
        name = "+".join(f"{field}.{key}" for field, key in parts)
        if all(field for field, _ in parts) and name not in {r.name for r in rules}:
            rules.append(BlockingRule(name, tuple(parts)))

    for spec in specs:
        for key in spec.blocking:
            add((spec.column, key))
    names = [s for s in specs if s.definition.person_name]
    if len(names) > 1:
        add((PERSON, "anagram"))
    family = _first(specs, "family_name") or _first(specs, "name")
    given = _first(specs, "given_name")
    date = _first(specs, "date")
    postcode = _first(specs, "postcode")
    company = _first(specs, "company")
    if date and family:
        add((family.column, "first3"), (date.column, "year"))
    if date and given:
        add((given.column, "first3"), (date.column, "year"))
    if given and family:
        add((given.column, "first3"), (family.column, "first3"))
    if postcode:
        for person in (given, family):
            if person:
                add((postcode.column, "value"), (person.column, "initial"))
    full_name = _first(specs, "name")
    if company and full_name:  # 王伟 at 华为: a full name within a company, even where 王伟 is everywhere
        add((company.column, "value"), (full_name.column, "anagram"))
    if company and family:  # 王总 at 华为 / 王思玲 at 华为技术有限公司
        add((company.column, "head"), (family.column, "initial"))
    if not rules:  # nothing identifying: fall back to exact values of every field
        for spec in specs:
            add((spec.column, "value"))
    return tuple(rules[:MAX_RULES])


def blocking_keys(keys: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """A generic value must not make a block: blank it (and its derived keys)."""
    out = {}
    for name, frame in keys.items():
        if "generic" in frame.columns:
            frame = frame.copy()
            frame.loc[frame["generic"], [c for c in frame.columns if c not in ("generic", OWNER)]] = ""
        out[name] = frame
    return out


def rule_keys(rule: BlockingRule, keys: dict[str, pd.DataFrame]) -> tuple[np.ndarray, np.ndarray]:
    """The rule's keys and the record each belongs to, ``""`` where any part
    is missing. A list-valued field gives one key per value (at most one
    list-valued part per rule: the other parts are read per record)."""
    listed = [field for field, _ in rule.parts if OWNER in keys[field].columns]
    if len(listed) > 1:
        raise ValueError(f"blocking rule {rule.name}: more than one list-valued field")
    record = owners(keys[listed[0]]) if listed else None
    out: np.ndarray | None = None
    missing: np.ndarray | None = None
    for field, key in rule.parts:
        values = keys[field][key].to_numpy(dtype=object)
        if record is not None and field not in listed:
            values = values[record]
        empty = values == ""
        missing = empty if missing is None else missing | empty
        out = values if out is None else out + "\x1f" + values
    assert out is not None and missing is not None
    out = out.copy()
    out[missing] = ""
    return out, (record if record is not None else np.arange(len(out), dtype=np.int64))


def block_pairs(
    keys: dict[str, pd.DataFrame],
    rules: tuple[BlockingRule, ...],
    dataset: np.ndarray | None,
    max_block_size: int,
    records: int | None = None,
) -> Candidates:
    """Candidate pairs of every rule, each pair once. ``dataset`` (one label per
    record) switches to link mode: only pairs across datasets are kept."""
    n = records if records is not None else len(
        next(frame for frame in keys.values() if OWNER not in frame.columns))
    codes: list[np.ndarray] = []
    bits: list[np.ndarray] = []
    per_rule: dict[str, int] = {}
    skipped: dict[str, int] = {}
    for number, rule in enumerate(rules):
        left, right, skipped[rule.name] = _rule_pairs(*rule_keys(rule, keys), n, max_block_size)
        if dataset is not None:
            keep = dataset[left] != dataset[right]
            left, right = left[keep], right[keep]
        code = left * n + right
        per_rule[rule.name] = len(code)
        codes.append(code)
        bits.append(np.full(len(code), 1 << number, dtype=np.int64))
    code = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int64)
    bit = np.concatenate(bits) if bits else np.zeros(0, dtype=np.int64)
    order = np.argsort(code, kind="stable")
    code, bit = code[order], bit[order]
    starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]]) if len(code) else np.zeros(0, int)
    unique = code[starts]
    mask = np.bitwise_or.reduceat(bit, starts) if len(code) else bit
    pairs = pd.DataFrame({"left": unique // n, "right": unique % n, "rules": mask})
    return Candidates(pairs, rules, per_rule, skipped)


def _rule_pairs(key: np.ndarray, record: np.ndarray, n: int,
                max_block_size: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Every pair of distinct records (left < right) that share a non-empty
    ``key`` in a block of at most ``max_block_size`` records, and how many
    blocks were larger. On integer codes, with no self-join of frames: the
    records of a block are sorted, so each pairs with those after it."""
    present = key != ""
    block, _ = pd.factorize(key[present])
    members = np.unique(block.astype(np.int64) * n + record[present])  # by block, then record
    block, record = members // n, members % n
    sizes = np.bincount(block) if len(block) else np.zeros(0, dtype=np.int64)
    skipped = int((sizes > max_block_size).sum())
    keep = ((sizes > 1) & (sizes <= max_block_size))[block]
    block, record = block[keep], record[keep]
    ends = np.cumsum(np.bincount(block, minlength=len(sizes)))[block]  # one past its block's last
    partners = ends - np.arange(len(block)) - 1  # members after it in its block
    first = np.repeat(np.arange(len(block)), partners)
    offset = np.arange(len(first)) - np.repeat(np.cumsum(partners) - partners, partners)
    return record[first], record[first + 1 + offset], skipped


def rule_names(mask: int, rules: tuple[BlockingRule, ...]) -> str:
    """The names of the rules in a pair's bit mask (for explaining a pair)."""
    return ",".join(rule.name for i, rule in enumerate(rules) if mask >> i & 1)


def rule_labels(masks, rules: tuple[BlockingRule, ...]) -> pd.Categorical:
    """``rule_names`` of every pair's mask, as a categorical: a handful of
    distinct labels over millions of pairs (a text per pair was 0.8 GB at a
    million records)."""
    codes, distinct = pd.factorize(np.asarray(masks))
    return pd.Categorical.from_codes(codes, [rule_names(int(m), rules) for m in distinct])
