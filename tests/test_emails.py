"""Table-driven tests for validators.emails."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from validators.emails import (
    PLACEHOLDER_LOCAL_PARTS,
    EmailResult,
    _plain_address,
    _validated,
    parse_email,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("xiaoming.wang@example.com", "xiaoming.wang@example.com"),
        ("XiaoMing.Wang@Example.com", "xiaoming.wang@example.com"),
        ("XiaoMing.Wang＠Example。com", "xiaoming.wang@example.com"),  # Chinese IME
        ("xiaoming.wang＠example．com", "xiaoming.wang@example.com"),
        ("lina@qq，com", "lina@qq.com"),
        ("ＬＩＮＡ＠ＱＱ．ＣＯＭ", "lina@qq.com"),
        ("  lina@163.com  ", "lina@163.com"),
        ("li na@163.com", "lina@163.com"),  # stray spaces
        ("mailto:Li.Na@QQ.com", "li.na@qq.com"),
        ("MAILTO:li.na@qq.com", "li.na@qq.com"),
        ("<zhangwei@sina.com.cn>", "zhangwei@sina.com.cn"),
        ("张伟 <ZhangWei@Sina.com.cn>", "zhangwei@sina.com.cn"),
        ("zhangwei@sina.com.cn.", "zhangwei@sina.com.cn"),
        ("wang_xm+crm@company.com.cn", "wang_xm+crm@company.com.cn"),
        ("王小明@例子.中国", "王小明@例子.中国"),  # internationalised address
    ],
)
def test_parse_email_usable(raw: str, expected: str) -> None:
    assert parse_email(raw) == EmailResult(expected, False, None)


@pytest.mark.parametrize(
    "raw",
    ["test@qq.com", "TEST@163.com", "none@none.com", "null@qq.com", "noemail@x.cn", "nomail@x.cn",
     "no@qq.com", "na@qq.com", "xxx@xxx.com", "abc@163.com", "123@qq.com", "123456@qq.com",
     "000000@qq.com"],
)
def test_parse_email_placeholder(raw: str) -> None:
    assert parse_email(raw) == EmailResult(None, True, "placeholder")


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("xiaoming.wang", "invalid"),
        ("xiaoming@", "invalid"),
        ("@qq.com", "invalid"),
        ("xiaoming@qq", "invalid"),
        ("a@@qq.com", "invalid"),
        ("x@localhost", "invalid"),
        ("13800138000", "invalid"),
        ("", "missing"),
        (None, "missing"),
        (float("nan"), "missing"),
        ("无", "missing"),
    ],
)
def test_parse_email_problems(raw: object, problem: str) -> None:
    result = parse_email(raw)
    assert (result.email, result.problem, result.placeholder) == (None, problem, False)


@pytest.mark.parametrize("raw", ["XiaoMing.Wang＠Example。com", "张伟 <ZhangWei@Sina.com.cn>"])
def test_parse_email_idempotent(raw: str) -> None:
    first = parse_email(raw)
    assert parse_email(first.email) == first


# --- the fast path for plainly well-formed addresses ---------------------------------

_EDGE_ADDRESSES = [
    "a@b.co", "A.B@EXAMPLE.COM", "a@b.c", "a@1.com", "a@b.123", "a@xn--abc.com", "a@ab--cd.com",
    "a..b@c.com", ".a@c.com", "a.@c.com", "a-@c.com", "-a@c.com", "a@-b.com", "a@b-.com",
    "a+b@c.com", "a_b@c.com", "a@b_c.com", "a@localhost", "a@x.local", "a@x.test", "a@x.example",
    "a@x.invalid", "a@x.onion", "a@x.arpa", "a@x.home.arpa", "a@b.cc.", "a@x.internal",
    "x" * 64 + "@qq.com", "x" * 65 + "@qq.com", "a@" + "b" * 63 + ".com", "a@" + "b" * 64 + ".com",
    "\u212a@qq.com", "a@qq.co\u017f", "Zhang.Wei@Sina.Com.Cn", "li-na@163.com", "a@a-b-c.d-e.cn",
]


@pytest.mark.parametrize("candidate", _EDGE_ADDRESSES)
def test_fast_path_agrees_with_the_validator_on_edge_cases(candidate: str) -> None:
    _assert_fast_path_agrees(candidate)


def _assert_fast_path_agrees(candidate: str) -> None:
    """The fast path only ever answers what the validator answers. A placeholder
    local part (``000000@…``) never reaches it: ``parse_email`` says
    "placeholder" first, as the validator path does."""
    fast = _plain_address(candidate)
    if fast is None:
        return
    if candidate.rpartition("@")[0].casefold() in PLACEHOLDER_LOCAL_PARTS:
        assert parse_email(candidate).placeholder and _validated(candidate).placeholder
    else:
        assert EmailResult(fast, False, None) == _validated(candidate)


_LOCAL = st.text(alphabet="abzAZ09._+-!#", min_size=1, max_size=12)
_LABEL = st.text(alphabet="abzAZ09-_", min_size=1, max_size=10)
_TLD = st.sampled_from(["com", "cn", "COM", "c", "123", "local", "test", "arpa", "xn--fiqs8s",
                        "internal", "co1"])


@settings(max_examples=600, deadline=None)
@given(local=_LOCAL, labels=st.lists(_LABEL, min_size=1, max_size=3), tld=_TLD)
def test_fast_path_agrees_with_the_validator(local: str, labels: list[str], tld: str) -> None:
    _assert_fast_path_agrees(f"{local}@{'.'.join([*labels, tld])}")


def test_a_placeholder_local_part_is_a_placeholder_however_plain() -> None:
    _assert_fast_path_agrees("000000@0.com")  # found by hypothesis
    assert parse_email("000000@0.com").placeholder


def test_fast_path_takes_ordinary_addresses() -> None:
    assert _plain_address("XiaoMing.Wang@Example.com") == "xiaoming.wang@example.com"
    assert _plain_address("王小明@例子.中国") is None
