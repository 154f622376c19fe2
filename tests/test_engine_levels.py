"""Comparison levels of every field kind of the matching engine, on small tables."""

import numpy as np
import pandas as pd
import pytest

from matching.fields import KINDS, FieldSpec
from matching.levels import level_codes
from matching.normalise import normalise_column


def levels(kind: str, *pairs: tuple[str | None, str | None]) -> list[str]:
    """The level of each (left value, right value) pair for a field of ``kind``."""
    spec = FieldSpec("column", kind)
    values = pd.Series([v for pair in pairs for v in pair], dtype=object)
    keys = normalise_column(values, spec.definition.normaliser)
    left = np.arange(0, len(values), 2)
    codes = level_codes(spec, keys, left, left + 1)
    return [("null", *spec.level_names)[c + 1] for c in codes]


def test_name_levels_bridge_scripts_order_and_typos() -> None:
    assert levels(
        "name",
        ("王小明", "王小明"),
        ("王小明", "Wang Xiaoming"),
        ("Xiaoming Wang", "WANG Xiaoming"),
        ("張偉", "张伟"),
        ("jonathan smith", "jonathon smith"),
        ("梁", "梁一斌"),
        ("Su", "Jinghui Su"),
        ("王小明", "李娜"),
        ("王小明", None),
    ) == ["exact", "pinyin", "pinyin", "exact", "jw_0.92", "part_of_name", "part_of_name",
          "different", "null"]


def test_a_bare_surname_is_no_typo_of_a_full_name() -> None:
    """Jaro-Winkler rates 张 / 张俊杰 0.80; the length guard keeps it out of the typo levels."""
    assert levels("given_name", ("张", "张俊杰")) == ["different"]


def test_given_and_family_name_levels() -> None:
    assert levels(
        "given_name", ("sarah", "sarah"), ("sarah", "sara"), ("michaela", "micheala"),
        ("sarah", "zoe"), ("", "zoe"),
    ) == ["exact", "jw_0.92", "jw_0.92", "different", "null"]
    assert levels("family_name", ("efthimiou", "efthimoiu"), ("smith", "smyth"),
                  ("bruhn", "brown")) == ["jw_0.92", "jw_0.80", "initials"]


def test_date_levels_cover_the_usual_keying_errors() -> None:
    assert levels(
        "date",
        ("1990-01-02", "19900102"),
        ("19900102", "1990/2/1"),
        ("19900102", "19900103"),
        ("19900102", "19900125"),
        ("19900102", "19890102"),
        ("19900102", "19751130"),
        ("19301313", "19301331"),  # not a date, but its digits still compare
        ("not a date", "19900102"),
    ) == ["exact", "day_month_swapped", "one_typo", "year_month", "year_off_by_one",
          "different", "one_typo", "null"]


def test_phone_levels_use_e164_and_drop_placeholders() -> None:
    assert levels(
        "phone",
        ("+86 138-0013-8001", "13800138001"),
        ("13912345679", "13912345670"),
        ("010-62345678", "+86 10 6234 5678"),
        ("13800138000", "13800138000"),  # a dummy number is no number
        ("13912345679", "13688886666"),
    ) == ["exact", "one_typo", "landline", "null", "different"]


def test_email_levels() -> None:
    assert levels(
        "email",
        ("XiaoMing.Wang＠Example。com", "xiaoming.wang@example.com"),
        ("xiaoming@qq.com", "xiaoming@163.com"),
        ("xiaoming.wang@example.com", "xiaoming.wamg@example.com"),
        ("a.b@qq.com", "c.d@163.com"),
        ("test@qq.com", "test@qq.com"),  # placeholder
    ) == ["exact", "local_part", "sim_0.90", "different", "null"]


def test_id_and_postcode_levels_count_edits() -> None:
    assert levels(
        "id", ("7535316", "7535316"), ("7535316", "7535361"), ("7535316", "7533616"),
        ("7535316", "1804974"), ("11010519491231002x", "11010519491231002X"),
    ) == ["exact", "distance_1", "distance_2", "different", "exact"]
    assert levels("postcode", ("4510", "4510"), ("4510", "4150"), ("4510", "2602")) == [
        "exact", "distance_1", "different"]


def test_company_levels_ignore_region_and_legal_form() -> None:
    assert levels(
        "company",
        ("上海某某科技有限公司", "某某科技（上海）有限公司"),
        ("华为", "华为技术有限公司"),
        ("阿里巴巴", "腾讯"),
    ) == ["exact", "contains", "different"]


def test_address_text_and_exact_levels() -> None:
    assert levels(
        "address",
        ("44 Forbes Street", "44 forbes street"),
        ("12 forbes street", "forbes street 12"),
        ("pridham street", "pridhamstreet"),
        ("lakefront retirement village", "lakefront retrmnt vlge"),
        ("milne cove", "sturdee crescent"),
    ) == ["exact", "tokens_0.90", "tokens_0.90", "tokens_0.75", "different"]
    assert levels("text", ("kellerberrin", "KELLERBERRIN"), ("kellerberrin", "kellerberin"),
                  ("wintersloe", "scarborough")) == ["exact", "sim_0.88", "different"]
    assert levels("exact", ("vic", "VIC"), ("vic", "nsw"), (None, "nsw")) == [
        "exact", "different", "null"]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_handles_missing_and_odd_values(kind: str) -> None:
    out = levels(kind, (None, None), ("", "x"), ("  ", "--"), ("🙂", "🙂"), ("a" * 300, "a" * 299))
    assert out[:3] == ["null", "null", "null"]
    assert all(level in ("null", *FieldSpec("c", kind).level_names) for level in out)


def test_field_spec_parsing_names_the_problem() -> None:
    assert FieldSpec.parse("date of birth=date") == FieldSpec("date of birth", "date")
    with pytest.raises(ValueError, match="unknown field kind 'colour'"):
        FieldSpec.parse("shade=colour")
    with pytest.raises(ValueError, match="COLUMN=KIND"):
        FieldSpec.parse("name")


def test_pinyin_level_agrees_with_pinyin_equal_pair_by_pair() -> None:
    """The pinyin level is computed once per distinct pair of spellings; it must
    say what ``pinyin_equal`` says of every pair."""
    import numpy as np

    from matching.levels import _spellings_equal
    from validators.names import pinyin_equal

    values = ["wang xiaoming", "xiaoming wang", "wangxiao ming", "WANG XIAOMING", "ming wang xiao",
              "chen jialei", "", "   ", None, "li na", "na li", "lina"]
    x = np.array([a for a in values for _ in values], dtype=object)
    y = np.array([b for _ in values for b in values], dtype=object)
    expected = np.array([pinyin_equal(a, b) for a, b in zip(x, y)], dtype=bool)
    assert expected.any() and not expected.all()
    assert (_spellings_equal(x, y) == expected).all()


def test_contains_is_rapidfuzz_partial_ratio_of_100() -> None:
    """The ``contains`` level tests substrings directly; it must hold exactly
    where ``fuzz.partial_ratio`` reaches 100 (what it used to compute), for
    short and long values and repeated pairs alike."""
    from rapidfuzz import fuzz

    from matching.levels import TESTS, _Records, _Rows

    rng = np.random.default_rng(11)
    alphabet = list("华为技术有限公司ab 1")
    words = ["".join(rng.choice(alphabet, int(rng.integers(1, 80)))) for _ in range(300)]
    words += [w[int(rng.integers(0, len(w))):][:int(rng.integers(1, 6))] or "x" for w in words]
    values = np.array(words, dtype=object)
    left = rng.integers(0, len(values), 5000)
    right = np.where(rng.random(5000) < 0.5, (left + len(words) // 2) % len(values),
                     rng.integers(0, len(values), 5000))
    columns = _Records({"value": values})
    pairs = np.arange(len(left))
    held = TESTS["contains"](_Rows(columns, left, pairs, len(left), {}),
                             _Rows(columns, right, pairs, len(left), {}), 0.0)
    expected = [fuzz.partial_ratio(values[i], values[j]) >= 100.0
                and min(len(values[i]), len(values[j])) >= 2 for i, j in zip(left, right)]
    assert held.tolist() == expected
    assert held.any() and not held.all()
