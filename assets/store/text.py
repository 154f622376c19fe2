r"""Text as the store keeps it: PostgreSQL cannot hold NUL, so NUL is escaped there.

PostgreSQL ``text``/``varchar`` cannot contain the character U+0000 (NUL), yet a
quarantined line's ``raw`` content, and in principle any value typed into an
export, may. On PostgreSQL the publisher therefore stores every text value in
this reversible form:

- NUL becomes the four visible characters ``\x00``;
- a backslash that already starts ``\x00`` or ``\x5c`` in the original text
  becomes ``\x5c``, so that such text is not mistaken for an escape.

Nothing else changes: text with no NUL and neither of those two sequences (all
real data seen so far) is stored exactly as on SQLite. ``from_store_text``
restores the original exactly (into a Python ``str``; inside PostgreSQL the NUL
cannot exist, so SQL readers see the escaped form). A loader of the PostgreSQL
store that needs the raw content back byte for byte applies it; one that only
displays it can show the escaped text as it is. SQLite stores NUL as it is: nothing is escaped there.
"""

from __future__ import annotations

import re

_ESCAPED_ALREADY = re.compile(r"\\(?=x(?:00|5c))")
_ESCAPE = re.compile(r"\\x(00|5c)")
_UNESCAPED = {"00": "\x00", "5c": "\\"}


def to_store_text(value: str) -> str:
    """``value`` as PostgreSQL can store it (see the module doc); reversible."""
    if "\x00" not in value and "\\x" not in value:
        return value
    return _ESCAPED_ALREADY.sub(r"\\x5c", value).replace("\x00", "\\x00")


def from_store_text(value: str) -> str:
    """The original text of a value ``to_store_text`` produced."""
    if "\\x" not in value:
        return value
    return _ESCAPE.sub(lambda m: _UNESCAPED[m.group(1)], value)


def escapes_text(dialect_name: str) -> bool:
    """Whether this database needs ``to_store_text`` (PostgreSQL: yes; SQLite: no)."""
    return dialect_name == "postgresql"
