"""How common a full person name is, when the data holds it too few times to say.

Term frequencies weigh an exact match by how common the shared value is
(``scoring.field_weights``: log2(Σf² / f)). For a phone or a company that
frequency is counted from the data itself. For a full person name that count is
mostly noise: in 20,000 customers nearly every name is seen once or twice, so
王伟 (held by a few hundred thousand people in China) and 欧阳梓萱 (held by a few
hundred) both look like "two in 20,000". Worse, the two records being compared
are themselves in the count: a name seen only on this pair gets frequency 2/N,
which says nothing about whether a *third* person would carry it.

So for the ``name`` kind the frequency of a shared full name is estimated as

    f(name) = max( entities holding it besides the pair's own / entities,
                   Π share of entities holding each of its parts )

- the first term is the full name's frequency in the rest of the data: a name
  other customers hold too is common, whatever its parts say (王秀英, 张伟,
  generational names, a surname/given-name combination a region favours);
- the second is the chance of the name if surname and given name were chosen
  independently, each counted over all entities: a surname and a given name
  are shared by many records, so their frequencies can be estimated even when
  the full name is seen once. It is how Fellegi–Sunter treats a name split
  into surname and forename columns (each weighed by its own frequency, as
  Splink's FEBRL models do), applied to a name kept in one column.

The parts of a Han name are its surname (a compound surname such as 欧阳, or
the first character) and its given name; the parts of any other name are its
words (order-free: ``Xiaoming Wang`` and ``Wang Xiaoming`` are the same words).
Counts are per preliminary entity, as every term frequency here, so a
customer's own duplicates do not make their name look common.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from validators.names import COMPOUND_SURNAMES, SINGLE_SURNAMES, looks_like_person_name


def _han(text: str) -> bool:
    return all("\u3400" <= ch <= "\u9fff" for ch in text)


def name_parts(value: str) -> tuple[str, ...]:
    """The parts a name's frequency is built from, tagged by role: ``s:`` the
    surname and ``g:`` the given name of a Han name, ``w:`` each word of a
    Latin-script one (sorted, so word order does not matter).

    A bare surname (王, from 王总) is its surname part alone: it stands for
    anyone of that surname, so it is as common as the surname. ``()`` for
    anything else that does not look like a person's name (``快乐每一天``, a
    nickname): such a value keeps its plain frequency, because nicknames
    repeat in ways no surname/given-name model predicts."""
    if not value:
        return ()
    if value in COMPOUND_SURNAMES or value in SINGLE_SURNAMES:
        return (f"s:{value}",)
    if not looks_like_person_name(value):
        return ()
    if _han(value):
        surname = value[:2] if value[:2] in COMPOUND_SURNAMES and len(value) > 2 else value[:1]
        return (f"s:{surname}", f"g:{value[len(surname):]}")
    return tuple(sorted(f"w:{word}" for word in value.split()))


@dataclass(frozen=True)
class NameFrequencies:
    """Per value row of a name field: how many entities hold its value
    (``count``, 0 for no name), the surname × given-name estimate of its
    frequency (``parts``, NaN when the value has no parts), and the number of
    entities with a name (``total``). Built once per run, read per pair."""

    count: np.ndarray
    parts: np.ndarray
    total: int

    def of_rows(self, rows: np.ndarray, own: np.ndarray) -> np.ndarray:
        """Estimated frequency of the name at each of ``rows`` (a pair's left
        row, read only where the pair's names are equal); ``own``: how many
        of the name's holders are the pair's own entities (1 or 2)."""
        if self.total == 0 or len(rows) == 0:
            return np.zeros(len(rows))
        count = self.count[rows]
        others = np.maximum(count - own, 0) / self.total
        parts_estimate = self.parts[rows]
        plain = count / self.total  # no parts model: the ordinary term frequency
        return np.where(np.isnan(parts_estimate), plain, np.maximum(others, parts_estimate))


def name_frequencies(values: pd.Series, entity: np.ndarray) -> NameFrequencies:
    """The tables ``NameFrequencies.of_rows`` reads (see the module docstring).
    ``values``: the name field's ``value`` per record row; ``entity``: the
    preliminary entity of each row."""
    frame = pd.DataFrame({"value": values.to_numpy(dtype=object), "entity": entity})
    frame = frame[frame["value"] != ""].drop_duplicates()
    total = len(frame)
    holders = frame["value"].value_counts()
    distinct = holders.index.to_numpy(dtype=object)
    parts = [name_parts(v) for v in distinct]
    per_row = pd.Series(parts, index=distinct, dtype=object) \
        .reindex(frame["value"].to_numpy()).explode()
    # A plain dict: a Series lookup per part costs ~10 µs, and there are two
    # per distinct name.
    share = (per_row.dropna().value_counts() / max(total, 1)).to_dict()
    by_parts = np.array([math.prod(share[p] for p in ps) if ps else np.nan for ps in parts],
                        dtype=float)
    # Each row's name as a position in ``distinct`` (-1: no name), instead of
    # two Series.map over every row.
    position = holders.index.get_indexer(values.to_numpy(dtype=object))
    known = position >= 0
    return NameFrequencies(np.where(known, holders.to_numpy(dtype=float)[position], 0.0),
                           np.where(known, by_parts[position], np.nan), total)


def pair_name_frequencies(values: pd.Series, entity: np.ndarray, left: np.ndarray,
                          right: np.ndarray) -> np.ndarray:
    """Estimated frequency of the name each pair shares (see the module
    docstring). ``values``: the name field's ``value`` per record row;
    ``entity``: the preliminary entity of each row; ``left``/``right``: the
    rows of each pair (read only where the pair's names are equal)."""
    own = np.where(entity[left] == entity[right], 1, 2)  # the pair's own entities
    return name_frequencies(values, entity).of_rows(left, own)
