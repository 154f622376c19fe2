"""The one phone rule every check applies — "``phonenumbers`` parses this E.164
number and calls it valid" — with each number judged once per run.

Why one memo for all of them: a run's checks judge the same numbers again and
again. The Great Expectations suite on the standardised contacts, the pandera
schema on the same frame, the golden schema and the golden suite all ask about
the very numbers standardisation wrote. The suites judge the distinct numbers
on both cores (a ``Mapper``), so a verdict reached in a forked helper never
reached the pandera check's own cache, and at a million records the schema
parsed the helper's half again (the contacts schema: 7.2 s in the run before,
6.1-6.6 s after). Verdicts live in ``VERDICTS`` until ``forget`` (the run's
last phone check is done: a million numbers hold ~100 MB), and never more
than ``MAX_VERDICTS`` of them, so a process whose runs never reach ``forget``
does not grow without end. The rule is a pure function of the number, so a
remembered verdict is the verdict.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import phonenumbers

from .cn_mobile import plain_e164_is_valid
from .distinct import Mapper, in_process

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")

#: Number → the rule's verdict, for every number judged since the last ``forget``.
VERDICTS: dict[str, bool] = {}

#: Above this many, the remembered verdicts are dropped before more are added
#: (a million-record run judges ~600,000 distinct numbers).
MAX_VERDICTS = 1 << 21


def is_valid_e164(value: str) -> bool:
    """The rule itself (~20 µs with a parse; a bare ``+86`` mobile without one)."""
    if not isinstance(value, str) or not _E164.match(value):
        return False
    plain = plain_e164_is_valid(value)  # a bare +86 mobile: the library's tables, no parse
    if plain is not None:
        return plain
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(value, None))
    except phonenumbers.NumberParseException:
        return False


def judge(numbers: Iterable[str], mapper: Mapper = in_process) -> dict[str, bool]:
    """``VERDICTS`` after judging those of ``numbers`` not judged yet (by ``mapper``,
    in sorted order so any mapper splits them the same way)."""
    wanted = set(numbers)
    new = wanted.difference(VERDICTS)
    if len(VERDICTS) + len(new) > MAX_VERDICTS:  # start afresh with the caller's numbers
        VERDICTS.clear()
        new = wanted
    if new:
        ordered = sorted(new, key=str)
        VERDICTS.update(zip(ordered, mapper(is_valid_e164, ordered)))
    return VERDICTS


def forget() -> None:
    """Drop every remembered verdict (the run's phone checks are done)."""
    VERDICTS.clear()
