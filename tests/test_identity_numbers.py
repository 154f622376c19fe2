"""Table-driven tests for validators.identity_numbers."""

from __future__ import annotations

import pytest

from validators.identity_numbers import ResidentIdResult, id_check_character, parse_resident_id


@pytest.mark.parametrize(
    ("raw", "number", "birth_date", "gender"),
    [
        ("11010519491231002X", "11010519491231002X", "1949-12-31", "F"),  # GB 11643 example
        ("11010519491231002x", "11010519491231002X", "1949-12-31", "F"),  # lower-case x
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X", "1949-12-31", "F"),  # full-width
        ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X", "1949-12-31", "F"),
        (" 110105 19491231 002X ", "11010519491231002X", "1949-12-31", "F"),
        ("440524188001010014", "440524188001010014", "1880-01-01", "M"),
        ("110101199003074477", "110101199003074477", "1990-03-07", "M"),
        ("110101199003078515", "110101199003078515", "1990-03-07", "M"),
        ("32010219800101122X", "32010219800101122X", "1980-01-01", "F"),
    ],
)
def test_parse_resident_id_valid(raw: str, number: str, birth_date: str, gender: str) -> None:
    assert parse_resident_id(raw) == ResidentIdResult(number, True, birth_date, gender, None)


@pytest.mark.parametrize(
    ("raw", "number", "problem"),
    [
        ("110105194912310021", "110105194912310021", "bad_check_digit"),
        ("11010519491231002Y", "11010519491231002Y", "bad_format"),
        ("110105194902300028", "110105194902300028", "bad_date"),  # 30 February
        ("110105299901010010", "110105299901010010", "bad_date"),  # future
        ("1101051949123100", "1101051949123100", "bad_length"),
        ("110105491231002", "110105491231002", "bad_length"),  # old 15-digit id
        ("11010519491231002X1", "11010519491231002X1", "bad_length"),
        ("abc", "ABC", "bad_length"),
    ],
)
def test_parse_resident_id_invalid_keeps_number(raw: str, number: str, problem: str) -> None:
    assert parse_resident_id(raw) == ResidentIdResult(number, False, None, None, problem)


@pytest.mark.parametrize("raw", [None, "", "  ", float("nan"), "无"])
def test_parse_resident_id_missing(raw: object) -> None:
    assert parse_resident_id(raw) == ResidentIdResult(None, False, None, None, "missing")


@pytest.mark.parametrize(("first17", "check"), [("11010519491231002", "X"), ("44052418800101001", "4")])
def test_id_check_character(first17: str, check: str) -> None:
    assert id_check_character(first17) == check
