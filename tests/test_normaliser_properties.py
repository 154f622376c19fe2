"""Property tests: every normaliser accepts anything and is idempotent where that
makes sense. Kept fast (max_examples <= 200, no deadline)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from validators.addresses import normalise_region
from validators.companies import normalise_company
from validators.emails import parse_email
from validators.identity_numbers import parse_resident_id
from validators.masking import mask_email, mask_id_card, mask_name, mask_phone, mask_text
from validators.names import looks_like_person_name, parse_name, pinyin_equal
from validators.phones import is_placeholder_phone, parse_phone, parse_phone_list
from validators.text import clean_text, to_simplified
from validators.values import parse_bool, parse_date, parse_gender, parse_timestamp

FAST = settings(max_examples=200, deadline=None)

anything = st.one_of(
    st.text(),
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.booleans(),
)
han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
phone_like = st.text(
    alphabet=st.sampled_from(list("0123456789０１２３４５６７８９+-() .（）转xX,，;、/ ")), max_size=40
)
mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
name_like = st.one_of(
    st.text(alphabet=han, min_size=1, max_size=5),
    st.text(alphabet=st.sampled_from(list("abcdefgXYZ .-'先生总经理女士MrsD")), max_size=20),
    st.text(alphabet=st.one_of(han, st.sampled_from(list(" -/()（）【】😀🌸·"))), max_size=12),
)
email_like = st.one_of(
    st.emails(),
    st.text(alphabet=st.sampled_from(list("abcXYZ.@＠。，_-+<> ")), max_size=25),
)
company_like = st.one_of(
    st.text(alphabet=st.one_of(han, st.sampled_from(list("()（） ,.AbcLtdCoInc"))), max_size=25),
    st.sampled_from(["上海某某科技有限公司", "某某科技（上海）有限公司", "Huawei Co., Ltd.", "北京银行"]),
)
region_like = st.one_of(
    st.none(),
    st.sampled_from(["上海", "广东", "深圳", "北京", "朝阳", "广西", "南宁", "市辖区", "浙江", "西湖", "仙桃"]),
    st.text(alphabet=han, max_size=6),
)


# --- text ---------------------------------------------------------------------
@FAST
@given(anything)
def test_clean_text_total_and_idempotent(value: object) -> None:
    once = clean_text(value)
    assert once is None or (isinstance(once, str) and once == once.strip() and once)
    assert clean_text(once) == once


@FAST
@given(st.text())
def test_to_simplified_total(value: str) -> None:
    assert isinstance(to_simplified(value), str)


# --- phones -------------------------------------------------------------------
@FAST
@given(st.one_of(anything, phone_like, mobiles))
def test_parse_phone_total_and_idempotent(value: object) -> None:
    result = parse_phone(value)
    assert (result.e164 is None) == (result.problem is not None)
    if result.e164 is not None:
        assert parse_phone(result.e164).e164 == result.e164
    for item in parse_phone_list(value):
        if item.e164 is not None:
            assert parse_phone(item.e164).e164 == item.e164
    assert isinstance(is_placeholder_phone(value), bool)  # type: ignore[arg-type]


# --- emails -------------------------------------------------------------------
@FAST
@given(st.one_of(anything, email_like))
def test_parse_email_total_and_idempotent(value: object) -> None:
    result = parse_email(value)
    if result.email is not None:
        assert result.email == result.email.casefold()
        assert parse_email(result.email) == result


# --- names --------------------------------------------------------------------
@FAST
@given(st.one_of(anything, name_like))
def test_parse_name_total_and_idempotent(value: object) -> None:
    result = parse_name(value)
    assert result.script in {"han", "latin", "mixed", "none"}
    if result.pinyin is not None:
        assert result.pinyin.isascii() and result.pinyin == " ".join(result.pinyin.split())
    if result.name is not None:
        again = parse_name(result.name)
        assert again.name == result.name
        assert again.match_key == result.match_key
    assert isinstance(looks_like_person_name(value), bool)
    assert isinstance(pinyin_equal(result.pinyin, result.pinyin), bool)


# --- companies ----------------------------------------------------------------
@FAST
@given(st.one_of(anything, company_like))
def test_normalise_company_total_and_idempotent(value: object) -> None:
    result = normalise_company(value)
    if result.name is not None:
        assert normalise_company(result.name) == result


# --- addresses ----------------------------------------------------------------
@FAST
@given(st.one_of(anything, region_like), st.one_of(anything, region_like), st.one_of(anything, region_like))
def test_normalise_region_total_and_idempotent(province: object, city: object, address: object) -> None:
    result = normalise_region(province, city, address)
    assert normalise_region(result.province, result.city, result.address) == result


# --- identity numbers ---------------------------------------------------------
@FAST
@given(st.one_of(anything, st.from_regex(r"[1-6][0-9]{5}(19|20)[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}[0-9Xx]", fullmatch=True)))
def test_parse_resident_id_total_and_idempotent(value: object) -> None:
    result = parse_resident_id(value)
    assert result.valid == (result.problem is None)
    if result.number is not None:
        assert parse_resident_id(result.number) == result


# --- values -------------------------------------------------------------------
@FAST
@given(st.one_of(anything, st.dates().map(str), st.datetimes().map(str), st.dates(), st.datetimes()))
def test_value_parsers_total_and_idempotent(value: object) -> None:
    gender = parse_gender(value)
    assert gender in {"M", "F", None}
    assert parse_gender(gender) == gender
    iso_date = parse_date(value)
    if iso_date is not None:
        assert parse_date(iso_date) == iso_date
    stamp = parse_timestamp(value)
    if stamp is not None:
        assert parse_timestamp(stamp) == stamp
    flag = parse_bool(value)
    assert flag in {True, False, None}
    assert parse_bool(flag) == flag


# --- masking ------------------------------------------------------------------
@FAST
@given(st.one_of(anything, phone_like, email_like, name_like))
def test_masking_total(value: object) -> None:
    for mask in (mask_phone, mask_email, mask_name, mask_id_card):
        out = mask(value)
        assert out is None if value is None else isinstance(out, str)
    if isinstance(value, str):
        assert isinstance(mask_text(value), str)


@FAST
@given(mobiles)
def test_mask_text_hides_mobiles(number: str) -> None:
    assert number not in mask_text(f"bad value {number} in row 3")
