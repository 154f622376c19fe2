"""The plain-mobile shortcut (``validators.cn_mobile``) gives exactly what the
full phonenumbers parse gives, for every mobile prefix and for what is near it."""

import random

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import validators.phones as phones
from validators.cn_mobile import plain_e164_is_valid
from validators.phones import _parse_text


def _full_parse(text: str, region: str = "CN"):
    """``_parse_text`` with the shortcut turned off (uncached)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(phones, "_plain_mobile", lambda digits, extension: None)
        return _parse_text.__wrapped__(text, region)


def _numbers() -> list[str]:
    """Every 4-digit prefix from 1000 to 1999 (carrier codes, 179x and invalid
    ranges included), each with random endings, and the placeholders."""
    rng = random.Random(20261123)
    out = [f"{prefix}{rng.randrange(10**7):07d}" for prefix in range(1000, 2000) for _ in range(12)]
    return out + ["13800000000", "13888888888", "13812345678", "19999999999", "17900000001"]


def test_every_mobile_prefix_parses_as_the_full_parse_does() -> None:
    shortcut = 0
    for digits in _numbers():
        for text in (digits, f"{digits[:3]}-{digits[3:7]}-{digits[7:]}", f"{digits} 转 8001",
                     f"+86 {digits}", f"+86-{digits}", f"0086{digits}", f"86{digits}",
                     f"+860{digits}", f"+852{digits}", f"+1{digits}", f"+{digits}"):
            for region in ("CN", "HK", "ZZ"):
                expected = _full_parse(text, region)
                assert _parse_text.__wrapped__(text, region) == expected, (text, region)
        shortcut += phones._plain_mobile(phones._plain_national(f"+86 {digits}", "HK"), None) is not None
    assert shortcut > 5000  # the shortcut really is taken for most of them


def _placeholder_by_parse(text: str) -> bool:
    """``is_placeholder_phone`` the full way: with the plain-mobile shortcut off."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(phones, "_plain_national", lambda main, region: None)
        return phones.is_placeholder_phone(text)


def test_placeholder_verdict_agrees_with_the_full_parse() -> None:
    texts = [t for digits in _numbers() for t in (digits, "+86" + digits, f"0086 {digits}", f"+86-{digits[:3]}-{digits[3:]}")]
    texts += ["13800138000", "+8613800138000", "18888888888", "+8612345678901", "13012345678"]
    flagged = 0
    for text in texts:
        expected = _placeholder_by_parse(text)
        assert phones.is_placeholder_phone(text) == expected, text
        flagged += expected
    assert flagged > 20  # placeholders really are among them (counting runs, repeated digits)


def test_e164_validity_agrees_with_phonenumbers() -> None:
    for digits in _numbers():
        e164 = "+86" + digits
        fast = plain_e164_is_valid(e164)
        if fast is not None:
            assert fast == phonenumbers.is_valid_number(phonenumbers.parse(e164, None)), e164
    assert plain_e164_is_valid("+85261234567") is None  # not a plain +86 mobile: parsed
    assert plain_e164_is_valid("+8617912345678") is None


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789 -+()转ext", min_size=1, max_size=18),
       st.sampled_from(["CN", "US", "ZZ"]))
def test_any_digit_text_parses_as_the_full_parse_does(text: str, region: str) -> None:
    assert _parse_text.__wrapped__(text, region) == _full_parse(text, region)
