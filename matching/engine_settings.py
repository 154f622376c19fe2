"""Settings of the general matching engine (``matching.engine``), as data.

Nothing here is a weight: weights are estimated from each data set. What is left are
the decisions a person owns (how sure is "same"), the work limits, and the
seed that makes a run repeatable. The object is frozen and round-trips through
JSON so a run's settings can be stored beside its output.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True)
class EngineSettings:
    """Everything the engine does not learn from the data."""

    #: A pair at or above this match probability is the same entity.
    match_probability: float = 0.95
    #: Between this and ``match_probability`` a pair goes to review.
    review_probability: float = 0.5
    #: Blocks with more records than this are skipped (and counted): a common
    #: value would otherwise make the candidate pairs grow quadratically.
    max_block_size: int = 100
    #: Random pairs drawn to estimate u (all pairs when there are fewer).
    u_sample_pairs: int = 500_000
    #: Seed of the random pairs: the same input gives the same parameters.
    seed: int = 20_241_101
    #: EM: starting share of matches among candidate pairs (the prior λ),
    #: iteration limit, convergence tolerance (largest change of m or λ) and the
    #: weight, in pairs, of the starting m (keeps unseen levels finite).
    em_start_proportion: float = 0.1
    em_max_iterations: int = 200
    em_tolerance: float = 1e-6
    em_pseudo_count: float = 10.0
    #: Weight, in pairs, of the reference u of each level (``Level.u_prior``)
    #: and of the reference prior (one match per record): enough to keep a
    #: handful of records sane, nothing beside a sample of 500,000 pairs.
    prior_pairs: float = 100.0
    #: Weigh exact matches on name/text/email/phone/company/postcode fields by
    #: how common the value is.
    term_frequency: bool = True
    #: Floor of a value's frequency in the term-frequency weight (caps how much
    #: a single rare value can say).
    tf_minimum_u: float = 1e-6
    #: A phone or email found on records of this many different names is
    #: generic (a switchboard, a shared inbox): it stops being an identifier.
    generic_min_names: int = 3
    #: A pair that is no match and has a field weighing this much or less
    #: (a clearly different id, date, name) is two entities: clustering will
    #: not join them through a third record.
    contradiction_weight: float = -8.0
    #: Two records with the same valid PRC resident id are one person, whatever
    #: the other fields say.
    resident_id_rule: bool = True
    #: Columns whose equal (normalised, non-empty) values make two records one
    #: entity whatever else differs: an id the source system itself issues per
    #: person, such as a WeCom external contact id.
    deterministic_fields: tuple[str, ...] = ()
    #: A pair whose fields other than the person's name add less than this
    #: many bits in its favour is at most ``review``: namesakes are common, so
    #: a shared name with nothing else in common is for a person to decide.
    #: 0 turns the rule off.
    min_other_evidence: float = 1.0
    #: ... except when every person-name field agrees exactly (the level
    #: weighed by how common the name is) and no compared field disagrees:
    #: then the match probability alone decides, so a rare name that nothing
    #: contradicts can merge while 王伟 (a low term-frequency weight) cannot.
    name_only_exact_match: bool = False
    #: ... and only when the name's own weight (log2 m/f, f its estimated
    #: frequency) is at least this: a name merges alone only if it is far
    #: rarer than the commonest real names (张伟 is held by about 2 in 10,000
    #: people in China, ≈ 12 bits; 15 bits is ten times rarer). On a few
    #: records, where the prior is weak, it keeps 王伟 ×3 apart.
    name_only_min_weight: float = 15.0
    #: Estimate how common a full name (kind ``name``) is from its surname and
    #: given name and from the *other* entities holding it, instead of from a
    #: count that includes the compared pair (``matching.name_frequency``).
    name_frequency_from_parts: bool = False
    #: A pair whose person names clearly differ (both present, no name level
    #: holds) is at most ``review`` unless a deterministic rule holds: relatives
    #: share a phone and colleagues a switchboard, and a shared number says
    #: nothing about which of them a record is.
    names_differ_review: bool = False
    #: A pair whose evidence besides the name is only a shared line (a
    #: landline, a generic number: ``Level.shared``) is at most ``review``
    #: unless its names add at least this many bits: a household or an office
    #: shares the line, the name tells which of them a record is. 0: off.
    shared_line_name_evidence: float = 0.0
    #: Link mode: never put two records of the same dataset in one cluster.
    one_per_dataset: bool = True

    def __post_init__(self) -> None:
        if not 0.0 < self.review_probability <= self.match_probability < 1.0:
            raise ValueError("need 0 < review_probability <= match_probability < 1")
        if self.max_block_size < 2:
            raise ValueError("max_block_size must be at least 2")

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> EngineSettings:
        """Unknown keys are an error (a typo must not silently fall back to a default)."""
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown engine settings: {', '.join(unknown)}")
        if "deterministic_fields" in data:
            data["deterministic_fields"] = tuple(data["deterministic_fields"])
        return cls(**data)


#: What contact data (people's names with their phones and e-mails: CRM
#: exports, sign-up forms, address books) needs beyond the engine's defaults,
#: shared by the contacts pipeline (``matching.contacts``) and the ``match``
#: command when its fields look like contacts (``pipelines.match_command``).
#: Why each: a household shares a phone and an office a switchboard, so a
#: shared number with clearly different names, or a shared line whose names do
#: not say which of its people a record is, is for a person to decide; two
#: different names on one number already make it generic (a family is two);
#: and a full name is weighed by how common it is estimated to be from its
#: parts, so a rare name nothing contradicts may merge on its own.
CONTACT_DEFAULTS: dict[str, object] = {
    "names_differ_review": True,
    "shared_line_name_evidence": 6.0,
    "generic_min_names": 2,
    "name_only_exact_match": True,
    "name_frequency_from_parts": True,
}
