"""phonenumbers' verdict on a plain Chinese mobile number, without parsing it.

Nine in ten numbers in Chinese contact data are a bare 11-digit mobile number
(``13812345678``) or its E.164 form (``+8613812345678``). For those,
``phonenumbers.parse`` + ``is_valid_number`` + ``number_type`` (~30 µs, a third
of standardising a million records) all end in one call of the library's own
``_number_type_helper(national number, CN metadata)``; everything before it is
bookkeeping whose outcome is known in advance:

- the region is CN (no ``+``, default region CN; or ``+86``), so the country
  code is 86 and the CN metadata applies;
- the national significant number is the 11 digits unchanged: CN's
  ``national_prefix_for_parsing`` (``(1(?:[12]\\d|79)\\d\\d)|0``, the carrier
  select codes 11xx/12xx/179x and the trunk 0) cannot match a number that
  starts 13–19 other than 179, which is all this path accepts;
- validity is "the helper's type is not UNKNOWN" (``is_valid_number_for_region``),
  and the type is the helper's (``number_type``).

So this path asks the library the very question the slow path ends in, with
the library's own pattern tables, and nothing else; tests compare it with the
full parse on every prefix. Anything it does not accept goes the full way.
"""

from __future__ import annotations

import re

from phonenumbers import PhoneMetadata, PhoneNumberType
from phonenumbers.phonenumberutil import _number_type_helper

#: 11 ASCII digits, 13x–19x, not 179x (a carrier select code CN's metadata strips).
PLAIN_MOBILE = re.compile(r"1(?!79)[3-9][0-9]{9}")
#: Its E.164 form.
PLAIN_MOBILE_E164 = re.compile(r"\+861(?!79)[3-9][0-9]{9}")

_CN = PhoneMetadata.metadata_for_region("CN")


def plain_mobile_type(national: str) -> int:
    """phonenumbers' ``PhoneNumberType`` of ``national`` (11 digits matching
    ``PLAIN_MOBILE``) as a Chinese number; ``UNKNOWN`` means not valid."""
    return _number_type_helper(national, _CN)


def plain_e164_is_valid(e164: str) -> bool | None:
    """``is_valid_number(parse(e164))`` for a plain ``+86`` mobile number, None
    for any other text (the caller parses it)."""
    if not PLAIN_MOBILE_E164.fullmatch(e164):
        return None
    return plain_mobile_type(e164[3:]) != PhoneNumberType.UNKNOWN
