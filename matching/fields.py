"""Field kinds as data: what a column *is* decides how it is cleaned, compared
and blocked on, so the engine works on any table once each column is given a kind.

A kind names a normaliser (``matching.normalise``), an ordered list of
comparison levels (tests in ``matching.levels``; the first that holds wins, then
an implicit ``different``; a missing value on either side is ``null`` and weighs
nothing) and the blocking keys it offers. Nothing here runs code on data, so a
kind can be read, printed and compared like a settings object.
"""

from __future__ import annotations

from dataclasses import dataclass

NULL_LEVEL = "null"
DIFFERENT_LEVEL = "different"


@dataclass(frozen=True)
class Level:
    """One comparison level: the ``test`` (a name in ``levels.TESTS``) with its
    ``threshold``. ``tf``: the shared value (``levels.TF_KEYS``: the value, an
    e-mail's local part) is weighed by how common it is."""

    name: str
    test: str
    threshold: float = 0.0
    tf: bool = False


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
        Level("exact", "exact", tf=True),
        Level("pinyin", "pinyin"),
        Level("jw_0.92", "jaro_winkler", 0.92),
        Level("jw_0.80", "jaro_winkler", 0.80),
        *extra,
        Level("initials", "initials"),
    )


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("name", "name", _name_levels(Level("part_of_name", "part_of_name")),
             blocking=("anagram",), person_name=True),
        Kind("given_name", "name", _name_levels(), person_name=True),
        Kind("family_name", "name", _name_levels(), person_name=True),
        Kind(
            "text", "text",
            (Level("exact", "exact", tf=True), Level("sim_0.88", "similarity", 0.88),
             Level("sim_0.70", "similarity", 0.70)),
            blocking=("value",),
        ),
        Kind("exact", "text", (Level("exact", "exact"),)),
        Kind(
            "date", "date",
            (Level("exact", "exact"), Level("day_month_swapped", "day_month_swapped"),
             Level("one_typo", "edit_distance", 1), Level("year_month", "year_month"),
             Level("year_off_by_one", "year_off_by_one")),
            blocking=("value",),
        ),
        Kind(
            "phone", "phone",
            (Level("generic", "generic"), Level("landline", "landline"),
             Level("exact", "exact", tf=True), Level("one_typo", "edit_distance", 1)),
            blocking=("value",), generic=True,
        ),
        Kind(
            "email", "email",
            (Level("generic", "generic"), Level("exact", "exact", tf=True),
             Level("local_part", "local_part", tf=True), Level("sim_0.90", "similarity", 0.90)),
            blocking=("value", "local"), generic=True,
        ),
        Kind(
            "id", "id",
            (Level("exact", "exact"), Level("distance_1", "edit_distance", 1),
             Level("distance_2", "edit_distance", 2)),
            blocking=("value", "head", "tail"),
        ),
        Kind(
            "postcode", "id",
            (Level("exact", "exact", tf=True), Level("distance_1", "edit_distance", 1)),
            blocking=("value",),
        ),
        Kind(
            "address", "text",
            (Level("exact", "exact"), Level("tokens_0.90", "token_set", 0.90),
             Level("tokens_0.75", "token_set", 0.75)),
            blocking=("value",),
        ),
        Kind(
            "company", "company",
            (Level("exact", "exact", tf=True), Level("contains", "contains"),
             Level("sim_0.80", "similarity", 0.80)),
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

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(
                f"unknown field kind {self.kind!r} for column {self.column!r}; "
                f"expected one of {', '.join(KINDS)}"
            )

    @property
    def definition(self) -> Kind:
        return KINDS[self.kind]

    @property
    def level_names(self) -> tuple[str, ...]:
        """Every level in order, ``different`` last (``null`` is not a level: it weighs 0)."""
        return tuple(level.name for level in self.definition.levels) + (DIFFERENT_LEVEL,)

    @classmethod
    def parse(cls, text: str) -> FieldSpec:
        """``COLUMN=KIND`` as typed on the command line (the last ``=`` splits,
        so a column name may itself contain ``=``)."""
        column, sep, kind = text.rpartition("=")
        if not sep or not column or not kind:
            raise ValueError(f"expected COLUMN=KIND, got {text!r}")
        return cls(column.strip(), kind.strip().lower())
