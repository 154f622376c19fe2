"""Table-driven tests for validators.text."""

from __future__ import annotations

import math

import pytest

from validators.text import clean_text, to_simplified


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("王小明", "王小明"),
        ("  王小明  ", "王小明"),
        ("１３８００１３８０００", "13800138000"),  # full-width digits
        ("ＸｉａｏＭｉｎｇ", "XiaoMing"),
        ("上海\u3000浦东", "上海 浦东"),  # ideographic space
        ("王\u200b小明", "王小明"),  # zero-width space from WeChat copy/paste
        ("\ufeff张伟", "张伟"),  # BOM
        ("李\x00娜", "李娜"),  # NUL from the legacy dump
        ("a\t\tb\n c", "a b c"),
        ("（腾讯）", "(腾讯)"),
        (13800138000, "13800138000"),
        (13800138000.0, "13800138000"),  # Excel float, no ".0"
        (1.5, "1.5"),
        (0, "0"),
        (True, "true"),
        (b"\xe5\xbc\xa0\xe4\xbc\x9f", "张伟"),
        (None, None),
        (float("nan"), None),
        (math.inf, None),
        ("", None),
        ("   ", None),
        ("null", None),
        ("NULL", None),
        ("None", None),
        ("nan", None),
        ("N/A", None),
        ("n/a", None),
        ("NA", None),
        ("-", None),
        ("--", None),
        ("－", None),  # full-width hyphen
        ("无", None),
        ("空", None),
        ("暂无", None),
        ("/", None),
        ("\u200b", None),
    ],
)
def test_clean_text(raw: object, expected: str | None) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize("raw", ["王小明", " １３８ ００１３ ８０００ ", "e\u200b\u0301", "⑴ 先生", "N / A"])
def test_clean_text_idempotent(raw: str) -> None:
    once = clean_text(raw)
    assert clean_text(once) == once


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("張偉", "张伟"),
        ("歐陽娜", "欧阳娜"),
        ("華為技術有限公司", "华为技术有限公司"),
        ("廣東省深圳市", "广东省深圳市"),
        ("王小明", "王小明"),
        ("Wang Xiaoming", "Wang Xiaoming"),
        ("", ""),
        (None, ""),
    ],
)
def test_to_simplified(raw: str, expected: str) -> None:
    assert to_simplified(raw) == expected
