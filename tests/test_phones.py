"""Table-driven tests for validators.phones."""

from __future__ import annotations

import pytest

from validators.phones import PhoneResult, is_placeholder_phone, parse_phone, parse_phone_list

MOBILE = "+8613912345670"


@pytest.mark.parametrize(
    ("raw", "e164", "kind", "extension"),
    [
        ("13912345670", MOBILE, "mobile", None),
        ("１３９１２３４５６７０", MOBILE, "mobile", None),  # full-width digits
        ("+86 139 1234 5670", MOBILE, "mobile", None),
        ("+86 139-1234-5670", MOBILE, "mobile", None),
        ("0086 139 1234 5670", MOBILE, "mobile", None),
        ("(86)13912345670", MOBILE, "mobile", None),
        ("（86）13912345670", MOBILE, "mobile", None),
        ("86-13912345670", MOBILE, "mobile", None),
        ("8613912345670", MOBILE, "mobile", None),
        ("139.1234.5670", MOBILE, "mobile", None),
        ("手机：139-1234-5670", MOBILE, "mobile", None),
        (13912345670, MOBILE, "mobile", None),
        (13912345670.0, MOBILE, "mobile", None),  # Excel float
        ("139 1234 5670转123", MOBILE, "mobile", "123"),
        ("139 1234 5670-转123", MOBILE, "mobile", "123"),
        ("13912345670 ext 123", MOBILE, "mobile", "123"),
        ("13912345670 ext.123", MOBILE, "mobile", "123"),
        ("13912345670x123", MOBILE, "mobile", "123"),
        ("13912345670 分机123", MOBILE, "mobile", "123"),
        ("010-62345678", "+861062345678", "landline", None),
        ("(010)62345678", "+861062345678", "landline", None),
        ("(0755)8765 4321", "+8675587654321", "landline", None),
        ("0755-87654321", "+8675587654321", "landline", None),
        ("+86 755 8765 4321", "+8675587654321", "landline", None),
        ("010-62345678转8001", "+861062345678", "landline", "8001"),
        ("010-62345678-8001", "+861062345678", "landline", "8001"),
        ("400-800-1234", "+864008001234", "other", None),
        ("+44 20 7946 0958", "+442079460958", "landline", None),
        ("+1 650 253 0000", "+16502530000", "other", None),  # FIXED_LINE_OR_MOBILE outside CN
    ],
)
def test_parse_phone_usable(raw: object, e164: str, kind: str, extension: str | None) -> None:
    result = parse_phone(raw)
    assert result == PhoneResult(e164, kind, extension, False, None)


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        "+86 138-0013-8000",
        "0086 138 0013 8000",
        "１３８００１３８０００",
        "13900139000",
        "13888888888",
        "13999999999",
        "12345678901",
        "13812345678",
        "11111111111",
        "18888888888",  # only two distinct digits
        "13311113333",
        "0",
        "00000000",
        "010-12345678",  # counting run
        "98765432",
        "13012345678",
    ],
)
def test_parse_phone_placeholder(raw: str) -> None:
    result = parse_phone(raw)
    assert result == PhoneResult(None, None, None, True, "placeholder")


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("62345678", "invalid"),  # local number without area code
        ("1391234567", "invalid"),  # one digit short
        ("139123456701", "invalid"),
        ("95588", "invalid"),
        ("abc", "unparseable"),
        ("电话", "unparseable"),
        ("", "missing"),
        (None, "missing"),
        (float("nan"), "missing"),
        ("无", "missing"),
    ],
)
def test_parse_phone_problems(raw: object, problem: str) -> None:
    result = parse_phone(raw)
    assert result.e164 is None
    assert result.problem == problem
    assert result.placeholder is False


@pytest.mark.parametrize("region", ["cn", "XX", None])
def test_parse_phone_region_argument_never_raises(region: object) -> None:
    assert parse_phone("+86 139 1234 5670", region).e164 == MOBILE  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+86 139 1234 5670", [MOBILE]),  # spaces inside one number
        ("139-1234-5670", [MOBILE]),
        ("13912345670 13712345670", [MOBILE, "+8613712345670"]),  # two numbers, space-separated
        ("139 1234 5670 137 1234 5670", [MOBILE, "+8613712345670"]),  # digit grouping
        ("13912345670,13712345670", [MOBILE, "+8613712345670"]),
        ("13912345670，13712345670", [MOBILE, "+8613712345670"]),
        ("13912345670;13712345670", [MOBILE, "+8613712345670"]),
        ("13912345670；13712345670", [MOBILE, "+8613712345670"]),
        ("13912345670、13712345670", [MOBILE, "+8613712345670"]),
        ("13912345670/13712345670", [MOBILE, "+8613712345670"]),
        ("13712345670、13912345670", ["+8613712345670", MOBILE]),  # order kept
        ("13912345670、139 1234 5670", [MOBILE]),  # de-duplicated
        ("13912345670 010-62345678", [MOBILE, "+861062345678"]),
        ("0755 8765 4321", ["+8675587654321"]),
        ("13912345670 转123 13712345670", [MOBILE, "+8613712345670"]),
        ("", []),
        (None, []),
        ("无", []),
    ],
)
def test_parse_phone_list(raw: object, expected: list[str]) -> None:
    assert [r.e164 for r in parse_phone_list(raw)] == expected


def test_parse_phone_list_keeps_problems() -> None:
    results = parse_phone_list("13800138000, abc, 13912345670, 11111111111")
    assert [(r.e164, r.problem) for r in results] == [
        (None, "placeholder"),
        (None, "unparseable"),
        (MOBILE, None),
    ]


def test_parse_phone_list_extension_kept() -> None:
    (result,) = parse_phone_list("139 1234 5670转123")
    assert (result.e164, result.extension) == (MOBILE, "123")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("+8613800138000", True),
        ("13800138000", True),
        ("11111111111", True),
        ("+8618888888888", True),
        ("010-12345678", True),
        ("00000000", True),
        ("+8613912345670", False),
        ("13912345670", False),
        ("0755-87654321", False),
        ("010-62345678", False),
        ("", False),
        (None, False),
    ],
)
def test_is_placeholder_phone(value: str, expected: bool) -> None:
    assert is_placeholder_phone(value) is expected
