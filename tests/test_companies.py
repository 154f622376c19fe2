"""Table-driven tests for validators.companies."""

from __future__ import annotations

import pytest

from validators.companies import CompanyResult, normalise_company


@pytest.mark.parametrize(
    ("raw", "name", "key"),
    [
        ("上海某某科技有限公司", "上海某某科技有限公司", "某某科技"),
        ("上海市某某科技有限公司", "上海市某某科技有限公司", "某某科技"),
        ("某某科技（上海）有限公司", "某某科技（上海）有限公司", "某某科技"),
        ("某某科技(上海)有限公司", "某某科技（上海）有限公司", "某某科技"),  # half-width parens
        ("某某科技", "某某科技", "某某科技"),
        ("上海 某某 科技 有限公司", "上海某某科技有限公司", "某某科技"),
        ("深圳市腾讯计算机系统有限公司", "深圳市腾讯计算机系统有限公司", "腾讯计算机系统"),
        ("广东省深圳市腾讯计算机系统有限公司", "广东省深圳市腾讯计算机系统有限公司", "腾讯计算机系统"),
        ("華為技術有限公司", "华为技术有限公司", "华为技术"),  # traditional
        ("阿里巴巴（中国）有限公司", "阿里巴巴（中国）有限公司", "阿里巴巴"),
        ("阿里巴巴集团", "阿里巴巴集团", "阿里巴巴"),
        ("中国平安保险（集团）股份有限公司", "中国平安保险（集团）股份有限公司", "中国平安保险"),
        ("某某科技股份有限公司", "某某科技股份有限公司", "某某科技"),
        ("某某科技有限责任公司", "某某科技有限责任公司", "某某科技"),
        ("某某科技集团有限公司", "某某科技集团有限公司", "某某科技"),
        ("某某科技有限公司上海分公司", "某某科技有限公司上海分公司", "某某科技"),  # branch keys like parent
        ("北京银行", "北京银行", "北京银行"),  # region kept when the rest is too short
        ("上海银行股份有限公司", "上海银行股份有限公司", "上海银行"),
        ("Huawei Technologies Co., Ltd.", "Huawei Technologies Co., Ltd.", "huaweitechnologies"),
        ("HUAWEI TECHNOLOGIES CO.,LTD", "HUAWEI TECHNOLOGIES CO.,LTD", "huaweitechnologies"),
        ("Apple Inc.", "Apple Inc.", "apple"),
        ("Siemens GmbH", "Siemens GmbH", "siemens"),
        ("Acme Corporation", "Acme Corporation", "acme"),
        ("Acme Limited", "Acme Limited", "acme"),
        ("Acme LLC", "Acme LLC", "acme"),
        ("ＡＢＣ科技有限公司", "ABC科技有限公司", "abc科技"),
        ("有限公司", "有限公司", None),
    ],
)
def test_normalise_company(raw: str, name: str, key: str | None) -> None:
    assert normalise_company(raw) == CompanyResult(name, key)


def test_region_variants_share_a_key() -> None:
    keys = {normalise_company(v).match_key for v in ["上海某某科技有限公司", "某某科技（上海）有限公司", "某某科技"]}
    assert keys == {"某某科技"}


def test_region_banks_stay_distinct() -> None:
    assert normalise_company("北京银行").match_key != normalise_company("上海银行").match_key


@pytest.mark.parametrize("raw", [None, "", "  ", "无", "N/A", float("nan")])
def test_normalise_company_blank(raw: object) -> None:
    assert normalise_company(raw) == CompanyResult(None, None)


@pytest.mark.parametrize("raw", ["某某科技(上海)有限公司", "上海 某某 科技 有限公司", "華為技術有限公司"])
def test_normalise_company_idempotent(raw: str) -> None:
    first = normalise_company(raw)
    assert normalise_company(first.name) == first


@pytest.mark.parametrize("raw", ["無", "暫無"])
def test_traditional_null_markers(raw: str) -> None:
    assert normalise_company(raw) == CompanyResult(None, None)


def test_the_bundled_region_names_are_cpcas() -> None:
    """``validators.region_names`` is cpca's table, bundled to spare importing
    cpca in every process that normalises a company: the two must agree."""
    from validators.companies import regions_from_cpca
    from validators.region_names import REGION_NAMES

    assert REGION_NAMES == regions_from_cpca()
