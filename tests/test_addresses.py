"""Table-driven tests for validators.addresses."""

from __future__ import annotations

import pytest

from validators.addresses import RegionResult, normalise_region


@pytest.mark.parametrize(
    ("province", "city", "address", "expected"),
    [
        ("上海", None, None, ("上海市", "上海市")),
        ("上海市", None, None, ("上海市", "上海市")),
        (None, "上海", None, ("上海市", "上海市")),
        ("上海市", "市辖区", None, ("上海市", "上海市")),  # cpca's pseudo city
        ("北京", "朝阳区", None, ("北京市", "北京市")),
        ("北京", "朝阳", None, ("北京市", "北京市")),
        ("重庆", None, "重庆市万州区xx路", ("重庆市", "重庆市")),
        ("广东", None, None, ("广东省", None)),
        ("广东省", "深圳", None, ("广东省", "深圳市")),
        (None, "深圳", None, ("广东省", "深圳市")),  # province inferred
        (None, "深圳市", None, ("广东省", "深圳市")),
        (None, "廣州", None, ("广东省", "广州市")),  # traditional
        ("广西", None, None, ("广西壮族自治区", None)),
        ("广西", "南宁", None, ("广西壮族自治区", "南宁市")),
        ("内蒙古", "呼和浩特", None, ("内蒙古自治区", "呼和浩特市")),
        ("辽宁", "朝阳", None, ("辽宁省", "朝阳市")),
        ("浙江", "西湖", None, ("浙江省", "杭州市")),
        ("北京", "深圳", None, ("广东省", "深圳市")),  # conflict: the city wins
        (None, None, "广东省深圳市南山区科技园1号", ("广东省", "深圳市")),
        (None, None, "南山区科技园1号", ("广东省", "深圳市")),
        ("浙江", None, "杭州市西湖区文三路", ("浙江省", "杭州市")),
        ("湖北", None, "仙桃市xx路", ("湖北省", "仙桃市")),
        ("广东", "深圳", "北京市海淀区", ("广东省", "深圳市")),  # address never overrides
        (None, None, None, (None, None)),
        ("无", "-", "", (None, None)),
        ("火星", "xyz", None, (None, None)),
    ],
)
def test_normalise_region(
    province: object, city: object, address: object, expected: tuple[str | None, str | None]
) -> None:
    result = normalise_region(province, city, address)
    assert (result.province, result.city) == expected


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("上海市浦东新区张江路１号", "上海市浦东新区张江路1号"),  # full-width digits
        ("臺北市信義區", "台北市信义区"),
        ("  北京市  海淀区 ", "北京市 海淀区"),
        (None, None),
    ],
)
def test_address_cleaned(address: object, expected: str | None) -> None:
    assert normalise_region(None, None, address).address == expected


@pytest.mark.parametrize(
    ("province", "city", "address"),
    [("上海", None, "浦东新区张江路1号"), (None, "深圳", None), ("北京", "深圳", None), ("广西", "南宁", "x")],
)
def test_normalise_region_idempotent(province: object, city: object, address: object) -> None:
    first = normalise_region(province, city, address)
    assert normalise_region(first.province, first.city, first.address) == first


def test_result_type() -> None:
    assert normalise_region("上海", None, None) == RegionResult("上海市", "上海市", None)
