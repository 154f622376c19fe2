"""Field kinds as data: what a column *is* decides how it is cleaned, compared
and blocked on, so the engine works on any table once each column is given a kind.

A kind names a normaliser (``matching.normalise``), an ordered list of
comparison levels (tests in ``matching.levels``; the first that holds wins, then
an implicit ``different``; a missing value on either side is ``null`` and weighs
nothing) and the blocking keys it offers. Nothing here runs code on data, so a
kind can be read, printed and compared like a settings object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NULL_LEVEL = "null"
DIFFERENT_LEVEL = "different"


@dataclass(frozen=True)
class Level:
    """One comparison level: the ``test`` (a name in ``levels.TESTS``) with its
    ``threshold``. ``tf``: the shared value (``levels.TF_KEYS``: the value, an
    e-mail's local part) is weighed by how common it is.

    ``u_prior``: how often two *different* people reach this level, as a rough
    reference (a mobile number is one person's, two strangers share a gender
    half the time). It is a prior worth ``EngineSettings.prior_pairs`` random
    pairs: on a few thousand records the data's own u outweighs it hundreds of
    times over; on a handful, where nothing can be learned, it keeps the model
    sane."""

    name: str
    test: str
    threshold: float = 0.0
    tf: bool = False
    u_prior: float = 1e-3
    #: Share of true pairs at this level, as a reference (EM's start and prior);
    #: ``None``: "mostly the first level, the others share a quarter".
    m_prior: float | None = None
    #: The level says two records reach the same household or office (a shared
    #: landline, a generic number), not that they are the same person.
    shared: bool = False


@dataclass(frozen=True)
class Kind:
    """How one kind of column is normalised, compared and blocked on."""

    name: str
    normaliser: str
    levels: tuple[Level, ...]
    #: Single-field blocking keys (``normalise.KEYS``) this kind offers on its own.
    blocking: tuple[str, ...] = ()
    #: A value found on records of many different names (a switchboard, a shared
    #: inbox) is "generic": it gets its own level and is not blocked on.
    generic: bool = False
    #: Whether it names a person (used to tell generic values and for combined blocking).
    person_name: bool = False


def _name_levels(*extra: Level) -> tuple[Level, ...]:
    return (
        Level("exact", "exact", tf=True, u_prior=1e-3),
        Level("pinyin", "pinyin", u_prior=1e-4),
        Level("jw_0.92", "jaro_winkler", 0.92, u_prior=1e-3),
        Level("jw_0.80", "jaro_winkler", 0.80, u_prior=1e-2),
        *extra,
        Level("initials", "initials", u_prior=1e-2),
    )


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("name", "name", _name_levels(Level("part_of_name", "part_of_name", u_prior=1e-2)),
             blocking=("anagram",), person_name=True),
        Kind("given_name", "name", _name_levels(), person_name=True),
        Kind("family_name", "name", _name_levels(), person_name=True),
        Kind(
            "text", "text",
            (Level("exact", "exact", tf=True, u_prior=1e-2),
             Level("sim_0.88", "similarity", 0.88, u_prior=1e-2),
             Level("sim_0.70", "similarity", 0.70, u_prior=5e-2)),
            blocking=("value",),
        ),
        Kind("exact", "text", (Level("exact", "exact", u_prior=0.1),)),
        Kind(
            "date", "date",
            (Level("exact", "exact", u_prior=1e-4),
             Level("day_month_swapped", "day_month_swapped", u_prior=1e-5),
             Level("one_typo", "edit_distance", 1, u_prior=1e-3),
             Level("year_month", "year_month", u_prior=1e-3),
             Level("year_off_by_one", "year_off_by_one", u_prior=1e-4)),
            blocking=("value",),
        ),
        # Levels of a shared value are exclusive (a shared number is exactly one
        # of mobile/other, landline, generic), strongest first: a list-valued
        # field takes the first level any of its value combinations reaches.
        Kind(
            "phone", "phone",
            (Level("exact", "specific", tf=True, u_prior=1e-6, m_prior=0.8),
             Level("landline", "landline", u_prior=1e-5, m_prior=0.05, shared=True),
             Level("generic", "generic", u_prior=1e-4, m_prior=0.02, shared=True),
             Level("one_typo", "edit_distance", 1, u_prior=1e-5, m_prior=0.01)),
            blocking=("value",), generic=True,
        ),
        Kind(
            "email", "email",
            (Level("exact", "specific", tf=True, u_prior=1e-6),
             Level("generic", "generic", u_prior=1e-4, shared=True),
             Level("local_part", "local_part", tf=True, u_prior=1e-4),
             Level("sim_0.90", "similarity", 0.90, u_prior=1e-4)),
            blocking=("value", "local"), generic=True,
        ),
        Kind(
            "id", "id",
            (Level("exact", "exact", u_prior=1e-6),
             Level("distance_1", "edit_distance", 1, u_prior=1e-5),
             Level("distance_2", "edit_distance", 2, u_prior=1e-4)),
            blocking=("value", "head", "tail"),
        ),
        Kind(
            "postcode", "id",
            (Level("exact", "exact", tf=True, u_prior=1e-2),
             Level("distance_1", "edit_distance", 1, u_prior=5e-2)),
            blocking=("value",),
        ),
        Kind(
            "address", "text",
            (Level("exact", "exact", u_prior=1e-4),
             Level("tokens_0.90", "token_set", 0.90, u_prior=1e-3),
             Level("tokens_0.75", "token_set", 0.75, u_prior=1e-2)),
            blocking=("value",),
        ),
        Kind(
            "company", "company",
            (Level("exact", "exact", tf=True, u_prior=1e-3),
             Level("contains", "contains", u_prior=1e-3),
             Level("sim_0.80", "similarity", 0.80, u_prior=1e-2)),
            blocking=("value",),
        ),
    )
}


@dataclass(frozen=True)
class FieldSpec:
    """A column and its kind. The column name is also the field's name in
    outputs (``level_<column>``, ``w_<column>``)."""

    column: str
    kind: str
    #: A list-valued column (``+861...;+861...``): the values are split on this
    #: and a pair takes the strongest level any two of its values reach.
    separator: str | None = None
    #: Only these of the kind's levels (by name, in the kind's order); ``None``
    #: keeps all. A level whose evidence another field already gives (an
    #: e-mail's local part spelling the person's name) would count it twice.
    only_levels: tuple[str, ...] | None = None
    #: The kind's single-field blocking keys to use; ``None`` uses them all. A
    #: company shared by a hundred colleagues proposes pairs that are almost
    #: never one person, and an e-mail local part compared by no level should
    #: not propose pairs either.
    block_on: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(
                f"unknown field kind {self.kind!r} for column {self.column!r}; "
                f"expected one of {', '.join(KINDS)}"
            )
        if self.only_levels is not None:
            known = {level.name for level in KINDS[self.kind].levels}
            unknown = [name for name in self.only_levels if name not in known]
            if unknown or not self.only_levels:
                raise ValueError(f"field {self.column!r}: {self.kind} has no level(s) {unknown}")
        if self.block_on is not None and not set(self.block_on) <= set(KINDS[self.kind].blocking):
            raise ValueError(f"field {self.column!r}: {self.kind} offers blocking on "
                             f"{', '.join(KINDS[self.kind].blocking) or 'nothing'}")

    @property
    def levels(self) -> tuple[Level, ...]:
        """The comparison levels this field uses, in order (``different`` implied)."""
        if self.only_levels is None:
            return self.definition.levels
        return tuple(level for level in self.definition.levels if level.name in self.only_levels)

    @property
    def blocking(self) -> tuple[str, ...]:
        if self.block_on is None:
            return self.definition.blocking
        return tuple(key for key in self.definition.blocking if key in self.block_on)

    @property
    def definition(self) -> Kind:
        return KINDS[self.kind]

    @property
    def level_names(self) -> tuple[str, ...]:
        """Every level in order, ``different`` last (``null`` is not a level: it weighs 0)."""
        return tuple(level.name for level in self.levels) + (DIFFERENT_LEVEL,)

    @classmethod
    def parse(cls, text: str) -> FieldSpec:
        """``COLUMN=KIND`` as typed on the command line (the last ``=`` splits,
        so a column name may itself contain ``=``); ``COLUMN=KIND[;]`` marks a
        list-valued column whose values are separated by ``;``."""
        column, sep, kind = text.rpartition("=")
        separator = None
        found = re.fullmatch(r"(.+)\[(.+)\]", kind.strip())
        if found:
            kind, separator = found.group(1), found.group(2)
        if not sep or not column or not kind:
            raise ValueError(f"expected COLUMN=KIND, got {text!r}")
        return cls(column.strip(), kind.strip().lower(), separator)
