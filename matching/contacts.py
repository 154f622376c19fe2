"""The contacts pipeline's matching: the general engine (``engine_steps``) with a
field model for standardised contacts (``validators.schemas.StandardContact``).

Nothing here is a weight. Which column is compared as what is data
(``CONTACT_FIELDS``); m and u are estimated from each run's own records, so a
company whose exports look different from ours gets a model of its own data.
The choices made here, and why:

- ``phone`` compares every listed number of both records (``;`` list): one
  shared number is enough, a shared landline or generic number is a weaker level.
- ``email`` has only ``exact`` and ``generic``: Chinese addresses are mostly
  built from the name's pinyin (``xiaoming.wang@``), so "same local part" or
  "similar address" would count the name a second time, as if independent.
- ``company`` and ``address`` propose no pairs on their own (a hundred
  colleagues share a company, a family an address); they still weigh in on
  every pair proposed otherwise.
- a WeCom external id and a valid resident id are deterministic: the same one
  is the same person whatever else differs.
- a pair with names that clearly differ (a family's shared phone, a
  switchboard) goes to review at most, and so does a pair with only the name
  for it, unless the name agrees exactly, no compared field disagrees and
  the match probability alone passes the threshold. That probability rests on
  how common the name is (``name_frequency``: the full name's frequency among
  the *other* customers, never below what its surname and given name make
  likely): 王伟 with nothing else stays in review, a rare name nothing
  contradicts merges (and only a name weighing ``name_only_min_weight``
  bits or more, far rarer than the commonest real names, ever does). Namesakes in real CRM data are overwhelmingly common
  names; a rare name shared by two different customers in one company's
  records is rare, and what the model's probability says about it is measured
  (benchmarks/RESULTS.md: among such pairs with probability 0.95–0.99 on the
  synthetic set, whose names are far less varied than real ones, 94 % are
  one person). A pinyin or fuzzy name match never merges on its own: one
  spelling is shared by many different names (陈佳蕾 / 陈嘉蕾).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd

from validators.background import Background

from .candidates import Candidates, rule_labels
from .contact_keys import standardised_keys
from .engine_settings import CONTACT_DEFAULTS, EngineSettings
from .engine_steps import (
    ModelParameters,
    Prepared,
    blocking_rules,
    compare,
    find_candidates,
    fit_model,
    prepare,
    score,
)
from .fields import FieldSpec
from .normalise import normalise_columns

#: Compared fields: the column of ``contact_fields(contacts)`` and its kind.
CONTACT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "name"),
    FieldSpec("phone", "phone", separator=";"),
    FieldSpec("email", "email", only_levels=("exact", "generic"), block_on=("value",)),
    FieldSpec("id_card", "id"),
    FieldSpec("birth_date", "date"),
    FieldSpec("gender", "exact"),
    FieldSpec("company", "company", block_on=()),
    FieldSpec("city", "exact"),
    FieldSpec("address", "address", block_on=()),
    FieldSpec("wecom_id", "exact"),
)

#: Where each compared field comes from in ``standardised_contacts``.
SOURCE_COLUMNS: dict[str, str] = {"phone": "phones"}
#: Fields whose keys are built from the standardiser's parse (``contact_keys``)
#: when they come from these columns.
STANDARD_SOURCES: dict[str, tuple[str, ...]] = {
    "name": ("name",), "phone": ("phones",), "email": ("email",), "company": ("company",),
    "id_card": ("id_card",),
}

CONTACT_ENGINE = EngineSettings(deterministic_fields=("wecom_id",), **CONTACT_DEFAULTS)


@dataclass(frozen=True)
class ContactMatchSettings:
    """Everything about contact matching that is not learned from the data."""

    engine: EngineSettings = CONTACT_ENGINE
    fields: tuple[FieldSpec, ...] = CONTACT_FIELDS

    @property
    def contradiction_weight(self) -> float:
        return self.engine.contradiction_weight

    def with_thresholds(self, match_probability: float, review_probability: float,
                        max_block_size: int) -> ContactMatchSettings:
        engine = replace(self.engine, match_probability=match_probability,
                         review_probability=review_probability, max_block_size=max_block_size)
        return replace(self, engine=engine)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ContactMatchSettings:
        data = json.loads(text)
        engine = EngineSettings.from_json(json.dumps(data["engine"]))
        fields = tuple(
            FieldSpec(**{**f, "only_levels": _tuple(f.get("only_levels")),
                         "block_on": _tuple(f.get("block_on"))})
            for f in data["fields"]
        )
        return cls(engine, fields)


def _tuple(value: list | None) -> tuple | None:
    return None if value is None else tuple(value)


@dataclass(frozen=True)
class ScoredContacts:
    pairs: pd.DataFrame  # left, right, left_key, right_key, blocked_on, level_/w_<field>, score, …
    parameters: ModelParameters


def contact_fields(contacts: pd.DataFrame, settings: ContactMatchSettings) -> pd.DataFrame:
    """The compared columns, one row per contact (positions as in ``contacts``)."""
    columns = {}
    for spec in settings.fields:
        source = SOURCE_COLUMNS.get(spec.column, spec.column)
        columns[spec.column] = contacts[source].to_numpy(dtype=object) if source in contacts \
            else np.full(len(contacts), None, dtype=object)
    return pd.DataFrame(columns)


_CACHE: dict[str, tuple[int, Prepared]] = {}


def prepare_contacts(contacts: pd.DataFrame, settings: ContactMatchSettings,
                     beside: bool = False, same_as: str | None = None) -> Prepared:
    """Normalised fields; the last result is kept, so blocking and scoring in
    one process (an in-process run) normalise once. It is kept under a hash of
    the compared values (~1 s at a million records, each time), or under
    ``same_as`` when the caller names the frame (a run's output, unchanged within
    the run: the asset layer passes the run id and the output's name). The keys
    of the fields the standardiser already normalised are read off its columns;
    with ``beside`` (the caller knows a fork is safe and a core is free), a
    forked process does that while this one normalises the other fields."""
    data = contact_fields(contacts, settings).reset_index(drop=True)
    content = same_as if same_as is not None else \
        int(pd.util.hash_pandas_object(data.astype(str), index=False).sum())
    fingerprint = hash((len(data), settings.fields, settings.engine.generic_min_names, content))
    cached = _CACHE.get("last")
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    kinds = {spec.column: spec.kind for spec in settings.fields
             if SOURCE_COLUMNS.get(spec.column, spec.column) in STANDARD_SOURCES.get(spec.column, ())}
    with Background(lambda: standardised_keys(contacts, kinds), enabled=beside) as standardised:
        made = normalise_columns(data, [spec for spec in settings.fields if spec.column not in kinds])
        given = {**standardised.result(), **made}
    prepared = prepare(data, settings.fields, settings.engine, given=given)
    _CACHE["last"] = (fingerprint, prepared)
    return prepared


def block_contacts(contacts: pd.DataFrame, settings: ContactMatchSettings,
                   beside: bool = False, same_as: str | None = None) -> Candidates:
    """Candidate pairs (``left``, ``right`` positions, ``rules`` bit mask) plus
    ``blocked_on`` (the rules' names, to explain why a pair was looked at);
    ``beside`` and ``same_as``: see ``prepare_contacts``."""
    candidates = find_candidates(prepare_contacts(contacts, settings, beside, same_as), settings.engine)
    pairs = candidates.pairs
    pairs = pairs.assign(blocked_on=rule_labels(pairs["rules"], candidates.rules))
    return replace(candidates, pairs=pairs)


def score_contacts(
    contacts: pd.DataFrame, pairs: pd.DataFrame, settings: ContactMatchSettings,
    compare_with: Callable = compare, every_pair: bool = True, same_as: str | None = None,
) -> ScoredContacts:
    """Learn the model from ``contacts`` and the candidate ``pairs`` (as
    ``block_contacts`` made them), then score every pair. ``compare_with`` is
    ``compare`` or a stand-in that computes the same thing elsewhere (chunks of
    pairs on a Dask cluster: ``assets/compute.py``); without ``every_pair`` the
    plain no-match pairs are left out (``engine_steps.score``); ``same_as``: see
    ``prepare_contacts``."""
    prepared = prepare_contacts(contacts, settings, same_as=same_as)
    _CACHE.clear()  # scoring is its last reader: not held for the rest of a run
    rules = blocking_rules(settings.fields, settings.engine)
    candidates = Candidates(pairs[["left", "right", "rules"]].reset_index(drop=True), rules, {}, {})
    left, right = candidates.pairs["left"].to_numpy(), candidates.pairs["right"].to_numpy()
    codes, rows = compare_with(prepared, left, right)
    parameters = fit_model(prepared, candidates, settings.engine, codes)
    scored = score(prepared, candidates.pairs, parameters, settings.engine, codes, rows, every_pair)
    kept = scored.index.to_numpy()  # each scored pair's row in ``pairs``
    keys = contacts["record_key"].to_numpy(dtype=object)
    scored.insert(2, "left_key", keys[left[kept]])
    scored.insert(3, "right_key", keys[right[kept]])
    blocked_on = pairs["blocked_on"].array[kept] if "blocked_on" in pairs \
        else np.full(len(kept), "", dtype=object)
    scored.insert(4, "blocked_on", blocked_on)
    return ScoredContacts(scored, parameters)


def weights_table(parameters: ModelParameters) -> pd.DataFrame:
    """field, level, m, u, match weight (bits) per comparison level: the learned
    model as a person reads it (no data values in it)."""
    rows = []
    for f in parameters.fields:
        for level, m, u, weight in zip(f.levels, f.m, f.u, f.weights()):
            rows.append({"field": f.field, "level": level, "m": m, "u": u, "weight": float(weight)})
    return pd.DataFrame(rows, columns=["field", "level", "m", "u", "weight"])
