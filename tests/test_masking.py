"""Table-driven tests for validators.masking."""

from __future__ import annotations

import pytest

from validators.masking import mask_email, mask_id_card, mask_name, mask_phone, mask_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+8613800138000", "+86 138****8000"),
        ("13800138000", "138****8000"),
        ("138-0013-8000", "138****8000"),
        ("0086 138 0013 8000", "+86 138****8000"),
        ("+861062345678", "+86 106***5678"),
        ("010-62345678", "010****5678"),
        ("+16502530000", "+1 650***0000"),
        ("abc", "***"),
        (None, None),
    ],
)
def test_mask_phone(raw: object, expected: str | None) -> None:
    assert mask_phone(raw) == expected


def test_a_plain_chinese_mobile_is_masked_as_the_parsed_number_is() -> None:
    """The +86 mobile shortcut gives what parsing gives, on every prefix 100–199
    (179x, a carrier code the parse strips, and 10x–12x go the parse's way)."""
    import phonenumbers

    from validators.masking import _mask_digits

    for prefix in range(100, 200):
        for rest in ("00000000", "12345678", "99999999"):
            text = f"+86{prefix}{rest}"
            number = phonenumbers.parse(text, None)
            parsed = f"+{number.country_code} {_mask_digits(phonenumbers.national_significant_number(number))}"
            assert mask_phone(text) == parsed, text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("xiaoming.wang@qq.com", "x***@qq.com"),
        ("lina@example.com", "l***@example.com"),
        ("王小明@例子.中国", "王***@例子.中国"),
        ("not-an-email", "***"),
        (None, None),
    ],
)
def test_mask_email(raw: object, expected: str | None) -> None:
    assert mask_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("王小明", "王*明"),
        ("王伟", "王*"),
        ("欧阳娜娜", "欧**娜"),
        ("王", "*"),
        ("Wang Xiaoming", "W*** X***"),
        ("Li Na", "L*** N***"),
        ("", "***"),
        (None, None),
    ],
)
def test_mask_name(raw: object, expected: str | None) -> None:
    assert mask_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("11010519491231002X", "110105********002X"),
        ("11010519491231002x", "110105********002X"),
        ("110105491231002", "110105*****1002"),
        ("1234", "****"),
        (None, None),
    ],
)
def test_mask_id_card(raw: object, expected: str | None) -> None:
    assert mask_id_card(raw) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("invalid phone 13800138000 in row 12", "invalid phone 138****8000 in row 12"),
        ("phone +86 138-0013-8000!", "phone +86 138****8000!"),
        ("手机１３８００１３８０００", "手机138****8000"),
        ("tel (0755)8765 4321", "tel 075*****4321"),
        ("tel 010-62345678.", "tel 010****5678."),
        ("email XiaoMing.Wang@Example.com bounced", "email X***@Example.com bounced"),
        ("身份证 11010519491231002X 校验失败", "身份证 110105********002X 校验失败"),
        ("uk +44 20 7946 0958", "uk +44 207***0958"),
        ("record wf-20241103-000123 at 2024-11-03T09:41:07+08:00", "record wf-20241103-000123 at 2024-11-03T09:41:07+08:00"),
        ("", ""),
    ],
)
def test_mask_text(text: str, expected: str) -> None:
    assert mask_text(text) == expected


def test_mask_text_none() -> None:
    assert mask_text(None) is None  # type: ignore[arg-type]


def test_mask_text_leaves_no_raw_value() -> None:
    text = "王小明 13800138000 xiaoming.wang@qq.com 11010519491231002X 010-62345678"
    masked = mask_text(text)
    for secret in ["13800138000", "xiaoming.wang", "11010519491231002X", "62345678"]:
        assert secret not in masked
