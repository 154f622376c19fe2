"""Province / city normalisation with cpca.

Sources write regions every possible way (``上海``, ``上海市``, ``沪``-less city
fields, ``深圳`` without a province, full addresses only). Golden records need
official names so that records group and survive consistently, and a missing
province can be inferred from the city or the address.

Decisions:

* Names are the official ones from cpca's adcode table (``广西`` →
  ``广西壮族自治区``). For the municipalities 北京/上海/天津/重庆 the city is the
  municipality itself (cpca's ``市辖区``/``县`` are mapped to it); for
  province-administered county-level cities (仙桃, 济源, ...) the city is that
  county-level city.
* Province and city disagreeing (province 北京, city 深圳): when the pair has no
  consistent reading, the city wins and the province is inferred from it, because
  the city field is the more specific, more deliberately typed one.
* The address is only filled into missing province/city; it never overrides them.
* ``address`` in the result is the cleaned, simplified input, not stripped of its
  region prefix.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from validators.text import clean_text, to_simplified

__all__ = ["RegionResult", "normalise_region"]


@dataclass(frozen=True)
class RegionResult:
    """Official province and city names plus the cleaned address."""

    province: str | None
    city: str | None
    address: str | None


MUNICIPALITIES: frozenset[str] = frozenset({"北京市", "上海市", "天津市", "重庆市"})
_NO_REGION: tuple[str | None, str | None] = (None, None)
# cpca's pseudo city names (also typed into city fields by exports of cpca output).
_PSEUDO: frozenset[str] = frozenset(
    {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
)


@lru_cache(maxsize=1)
def _extractor():  # type: ignore[no-untyped-def]
    """cpca's single-string extractor; the private fast path avoids building a
    DataFrame per value, with the public ``cpca.transform`` as fallback."""
    import cpca

    fast = getattr(cpca, "_get_one_addr", None)
    if callable(fast):
        return lambda text: fast(text, False, {})

    def via_transform(text: str) -> dict[str, object]:
        return cpca.transform([text]).iloc[0].to_dict()

    return via_transform


def _name(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


@lru_cache(maxsize=200_000)
def _lookup(text: str) -> tuple[str | None, str | None, str | None]:
    """Raw (province, city, county) that cpca finds in ``text``."""
    if not text:
        return None, None, None
    try:
        found = _extractor()(text)
    except Exception:  # noqa: BLE001  # pragma: no cover - defensive
        return None, None, None
    return _name(found.get("省")), _name(found.get("市")), _name(found.get("区"))


def _resolve(text: str) -> tuple[str | None, str | None]:
    """(province, city) in ``text`` with the municipality (市辖区 -> 上海市) and
    county-level-city (省直辖县级行政区划 -> 仙桃市) fix-ups applied."""
    province, city, county = _lookup(text)
    if province in MUNICIPALITIES:
        city = province
    elif city in _PSEUDO:
        city = county
    return province, city


def _region_from_fields(p_txt: str | None, c_txt: str | None) -> tuple[str | None, str | None]:
    p_prov = _resolve(p_txt)[0] if p_txt else None
    if not c_txt:
        return p_prov, (p_prov if p_prov in MUNICIPALITIES else None)
    if p_txt and p_prov:
        # Read together first: 北京 + 朝阳区 is 北京市朝阳区, not 长春市朝阳区; a bare
        # district (北京 + 朝阳, 浙江 + 西湖) is tried with its suffix.
        for suffix in ("", "区", "县", "市"):
            both = f"{p_txt}{c_txt}{suffix}"
            both_prov, both_city, both_county = _lookup(both)
            if both_prov == p_prov and (both_county or (both_city and both_city not in _PSEUDO)):
                return _resolve(both)
    c_prov, c_city = _resolve(c_txt)
    if c_city:
        return c_prov, c_city  # consistent, or a conflict: trust the city
    if c_prov:  # the city field holds a province name
        return (p_prov or c_prov), None
    return p_prov, None


@lru_cache(maxsize=200_000)
def _normalise(p_txt: str | None, c_txt: str | None, a_txt: str | None) -> RegionResult:
    province, city = _region_from_fields(p_txt, c_txt)
    if a_txt and (province is None or city is None):
        a_prov, a_city = _resolve(a_txt)
        if a_prov and province is None:
            province, city = a_prov, city or a_city
        elif a_prov == province:
            city = city or a_city
        elif province:
            # The address may name a district only; read it under the known province.
            b_prov, b_city = _resolve(f"{province}{a_txt}")
            if b_prov == province:
                city = city or b_city
    if city is None and province in MUNICIPALITIES:
        city = province
    return RegionResult(province, city, a_txt)


def _prepare(value: object) -> str | None:
    text = clean_text(value)
    # Simplifying can turn text into a null marker (無 -> 无): clean again.
    return clean_text(to_simplified(text)) if text else None


def _prepare_region(value: object) -> str | None:
    text = _prepare(value)
    return None if text in _PSEUDO else text


def normalise_region(province: object, city: object, address: object) -> RegionResult:
    """Canonical province/city names, inferring what is missing.

    Why: ``上海``/``上海市`` or ``深圳`` with no province must land on the same
    official names for grouping and survivorship; the address often carries the
    only regional information. Never raises; cached per distinct input triple.
    """
    try:
        return _normalise(_prepare_region(province), _prepare_region(city), _prepare(address))
    except Exception:  # noqa: BLE001  # pragma: no cover - defensive
        return RegionResult(None, None, _prepare(address))
