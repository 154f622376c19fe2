"""Table-driven tests for validators.emails."""

from __future__ import annotations

import pytest

from validators.emails import EmailResult, parse_email


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
