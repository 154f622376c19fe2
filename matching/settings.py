"""Settings of survivorship and the 360° view as data: frozen objects that can
be written to JSON, recorded with a run and compared across runs. Components
read them; nothing branches on code paths that are not described here.
(Matching's settings: ``matching.contacts.ContactMatchSettings``.)"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


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
