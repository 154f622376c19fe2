"""Matching settings as data: a frozen object that can be written to JSON,
recorded with a run and compared across runs. Components read it; nothing
branches on code paths that are not described here."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class FieldWeights:
    """Match weight (log2 of the likelihood ratio) for each comparison level of one field."""

    levels: dict[str, float]

    def weight(self, level: str) -> float:
        return self.levels.get(level, 0.0)


def _weights(**levels: float) -> FieldWeights:
    return FieldWeights(levels=dict(levels))


@dataclass(frozen=True)
class MatchSettings:
    """Everything that decides which records are one customer."""

    #: A pair at or above this total weight is the same customer.
    match_threshold: float = 8.0
    #: Between this and ``match_threshold`` a pair is doubtful: it goes to review.
    review_threshold: float = 4.5
    #: Blocks larger than this are skipped (a placeholder value or a very common
    #: name would otherwise make the candidate pairs grow quadratically).
    max_block_size: int = 50
    #: A phone or email seen on records of this many different names is a
    #: switchboard / shared inbox: it stops counting as an identifier.
    generic_value_min_names: int = 3
    #: A pair that does not match and has a field weighing this much or more
    #: against (a clearly different name, gender, resident id) is two people:
    #: clustering will not join them through a third record.
    contradiction_weight: float = -4.0
    #: Name similarity (rapidfuzz ratio, 0–100) that counts as a near match.
    name_fuzzy_threshold: float = 85.0
    company_fuzzy_threshold: float = 85.0
    weights: dict[str, FieldWeights] = field(
        default_factory=lambda: {
            "name": _weights(exact=5.0, pinyin=4.0, fuzzy=2.0, surname_only=0.5, different=-4.0),
            # "exact": a shared mobile; "shared_weak": only a landline in common.
            "phone": _weights(exact=8.0, shared_weak=5.0, generic=1.0, different=-1.0),
            "email": _weights(exact=9.0, generic=1.0, local_part=1.0, different=-1.0),
            "id_card": _weights(exact=15.0, different=-15.0),
            "birth_date": _weights(exact=4.0, partial=1.0, different=-5.0),
            "gender": _weights(same=0.3, different=-4.0),
            "company": _weights(exact=2.0, fuzzy=1.0, different=-0.5),
            "city": _weights(same=0.5, different=-1.0),
        }
    )

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> MatchSettings:
        data = json.loads(text)
        data["weights"] = {k: FieldWeights(**v) for k, v in data["weights"].items()}
        return cls(**data)


@dataclass(frozen=True)
class SurvivorshipSettings:
    """How the golden value of each field is chosen among a customer's records."""

    #: Higher is more trusted. The old CRM's data was keyed in by staff from
    #: documents; web forms are typed by customers themselves.
    source_trust: dict[str, int] = field(
        default_factory=lambda: {"legacy": 4, "wechat": 3, "spreadsheets": 2, "web_forms": 1}
    )
    #: Rule per field: "trusted" (source trust, then most recent), "recent"
    #: (most recent, then trust), "frequent" (most records, then most recent),
    #: "complete" (longest value, then most recent).
    rules: dict[str, str] = field(
        default_factory=lambda: {
            "name": "trusted",
            "name_pinyin": "trusted",
            "phone": "frequent",
            "phone_extension": "recent",
            "landline": "recent",
            "email": "recent",
            "company": "recent",
            "title": "recent",
            "gender": "trusted",
            "birth_date": "trusted",
            "id_card_no": "trusted",
            "wecom_id": "recent",
        }
    )

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class GradeRule:
    """客户分级: score = completeness × weight + recency × weight + touchpoints × weight
    (each part 0–1, weights summing to 100); A at ``grade_a`` or more, B at
    ``grade_b`` or more, else C.

    - completeness: share of ``completeness_fields`` the golden record has;
    - recency, in bands so a score only moves when a customer crosses one (the
      CRM export carries what changed, not every customer every day): 1 when
      last seen within ``recent_days`` of the newest date in the data, 0.5
      within ``active_days``, else 0;
    - touchpoints: source records of the customer, full marks at ``touchpoints_for_full``.
    """

    completeness_fields: tuple[str, ...] = ("name", "phone", "email", "company", "city")
    weight_completeness: float = 40.0
    weight_recency: float = 30.0
    weight_touchpoints: float = 30.0
    recent_days: int = 90
    active_days: int = 365
    touchpoints_for_full: int = 3
    grade_a: float = 70.0
    grade_b: float = 40.0


@dataclass(frozen=True)
class ProfileSettings:
    """How the 360° view is built (see ``matching/profile.py``)."""

    #: Suggested primary owner: "most_recent", "most_rows" or "first_added".
    primary_owner_rule: str = "most_recent"
    derive_form_tags: bool = True
    form_tag_prefix: str = "表单:"
    derive_list_tags: bool = True
    list_tag_prefix: str = "名单:"
    grade: GradeRule = field(default_factory=GradeRule)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)
