"""Phone kinds for the customer 360° view (``matching.profile``).

Pair comparison itself lives in the engine (``matching.levels``); this module
keeps the one question other modules ask about a single number.
"""

from __future__ import annotations

from functools import cache

from validators.phones import parse_phone


@cache
def is_mobile(e164: str) -> bool:
    """Mobile numbers belong to one person; a landline is shared by a household
    or an office, so sharing one is weaker evidence. One rule for "mobile": the
    kind the standardiser gives (``validators.phones``)."""
    return parse_phone(e164).kind == "mobile"
