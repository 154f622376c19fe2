"""Table-driven tests for validators.names."""

from __future__ import annotations

import pytest

from validators.names import NameResult, looks_like_person_name, parse_name, pinyin_equal


@pytest.mark.parametrize(
    ("raw", "name", "honorific", "family", "given", "pinyin"),
    [
        ("王小明", "王小明", None, "王", "小明", "wang xiao ming"),
        ("張偉", "张伟", None, "张", "伟", "zhang wei"),  # traditional -> simplified
        ("王 小 明", "王小明", None, "王", "小明", "wang xiao ming"),
        ("王小明先生", "王小明", "先生", "王", "小明", "wang xiao ming"),
        ("李娜女士", "李娜", "女士", "李", "娜", "li na"),
        ("陈小姐", "陈", "小姐", "陈", None, "chen"),
        ("王总", "王", "总", "王", None, "wang"),
        ("刘总经理", "刘", "总经理", "刘", None, "liu"),
        ("赵老师", "赵", "老师", "赵", None, "zhao"),
        ("周工", "周", "工", "周", None, "zhou"),
        ("歐陽娜", "欧阳娜", None, "欧阳", "娜", "ou yang na"),  # compound surname
        ("诸葛亮", "诸葛亮", None, "诸葛", "亮", "zhu ge liang"),
        ("司马懿", "司马懿", None, "司马", "懿", "si ma yi"),
        ("欧阳总", "欧阳", "总", "欧阳", None, "ou yang"),
        ("曾小明", "曾小明", None, "曾", "小明", "zeng xiao ming"),  # surname reading
        ("单田芳", "单田芳", None, "单", "田芳", "shan tian fang"),
        ("吕布", "吕布", None, "吕", "布", "lv bu"),  # ü -> v
        ("😀王小明🌸", "王小明", None, "王", "小明", "wang xiao ming"),  # emoji stripped
        ("王小明2", "王小明", None, "王", "小明", "wang xiao ming"),
    ],
)
def test_parse_han_names(
    raw: str, name: str, honorific: str | None, family: str | None, given: str | None, pinyin: str
) -> None:
    result = parse_name(raw)
    assert result.script == "han"
    assert (result.name, result.honorific, result.family_name, result.given_name) == (
        name, honorific, family, given,
    )
    assert result.match_key == name
    assert result.pinyin == pinyin
    assert result.company_hint is None


@pytest.mark.parametrize(
    ("raw", "name", "honorific", "company"),
    [
        ("张总-华为", "张", "总", "华为"),
        ("张总 - 华为", "张", "总", "华为"),
        ("李经理（腾讯）", "李", "经理", "腾讯"),
        ("李经理(腾讯)", "李", "经理", "腾讯"),
        ("王小明/阿里", "王小明", None, "阿里"),
        ("王小明|阿里巴巴", "王小明", None, "阿里巴巴"),
        ("华为-张总", "张", "总", "华为"),  # company first, title makes the person clear
        ("【腾讯】李经理", "李", "经理", "腾讯"),
        ("Li Na - Huawei", "Li Na", None, "Huawei"),
    ],
)
def test_parse_name_company_hint(raw: str, name: str, honorific: str | None, company: str) -> None:
    result = parse_name(raw)
    assert (result.name, result.honorific, result.company_hint) == (name, honorific, company)


@pytest.mark.parametrize(
    ("raw", "name", "honorific", "key", "pinyin"),
    [
        ("Wang Xiaoming", "Wang Xiaoming", None, "wang xiaoming", "wang xiaoming"),
        ("WANG xiaoming", "Wang Xiaoming", None, "wang xiaoming", "wang xiaoming"),
        ("  wang   xiaoming ", "Wang Xiaoming", None, "wang xiaoming", "wang xiaoming"),
        ("XiaoMing Wang", "Xiaoming Wang", None, "xiaoming wang", "xiaoming wang"),
        ("Ms. Li Na", "Li Na", "Ms", "li na", "li na"),
        ("Mr Zhang Wei", "Zhang Wei", "Mr", "zhang wei", "zhang wei"),
        ("Mr.Li", "Li", "Mr", "li", "li"),
        ("Dr. Chen", "Chen", "Dr", "chen", "chen"),
        ("Miss Lü", "Lü", "Miss", "lü", "lv"),
        ("🌸Lily", "Lily", None, "lily", "lily"),
        ("jean-pierre o'neil", "Jean-Pierre O'Neil", None, "jean-pierre o'neil", "jeanpierre oneil"),
    ],
)
def test_parse_latin_names(raw: str, name: str, honorific: str | None, key: str, pinyin: str) -> None:
    result = parse_name(raw)
    assert result.script == "latin"
    assert (result.name, result.honorific, result.match_key, result.pinyin) == (name, honorific, key, pinyin)
    assert result.family_name is None and result.given_name is None


@pytest.mark.parametrize(
    ("raw", "honorific"),
    [("先生", "先生"), ("女士", "女士"), ("Mr.", "Mr"), ("经理", "经理"), ("😀😀", None), ("123", None),
     ("", None), (None, None), (float("nan"), None), ("无", None)],
)
def test_parse_name_without_name(raw: object, honorific: str | None) -> None:
    result = parse_name(raw)
    assert result.name is None and result.match_key is None and result.pinyin is None
    assert result.script == "none"
    assert result.honorific == honorific


def test_parse_name_mixed() -> None:
    result = parse_name("Lily王")
    assert result == NameResult("Lily王", None, "mixed", "lily王", "lily wang", None, None, None)


def test_long_han_string_has_no_surname() -> None:
    result = parse_name("快乐每一天")
    assert result.name == "快乐每一天" and result.family_name is None


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("wang xiao ming", "xiaoming wang", True),
        ("wang xiao ming", "wang xiaoming", True),
        ("wang xiaoming", "xiao ming wang", True),
        ("xiaoming wang", "wangxiaoming", True),
        ("Wang XiaoMing", "wang xiao ming", True),
        ("ming wang xiao", "wang xiao ming", True),  # rotation: accepted
        ("li na", "na li", True),
        ("wang xiao ming", "wang xiao min", False),
        ("zhang wei", "zhang wen", False),
        ("", "", False),
        (None, "wang", False),
        ("wang", None, False),
        ("  ", "  ", False),
    ],
)
def test_pinyin_equal(a: str | None, b: str | None, expected: bool) -> None:
    assert pinyin_equal(a, b) is expected


def test_pinyin_bridges_scripts() -> None:
    assert pinyin_equal(parse_name("王小明").pinyin, parse_name("Xiaoming Wang").pinyin)
    assert pinyin_equal(parse_name("歐陽娜").pinyin, parse_name("Ouyang Na").pinyin)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("王小明", True),
        ("张伟", True),
        ("張偉", True),
        ("欧阳娜", True),
        ("欧阳娜娜", True),
        ("王 小 明", True),
        ("Li Na", True),
        ("Wang Xiao Ming", True),
        ("Jean-Pierre Dupont", True),
        ("王", False),
        ("Wang", False),
        ("A B C D", False),
        ("快乐每一天", False),  # 5 characters
        ("快乐每天", False),  # no surname
        ("A-小王卖茶叶", False),
        ("🌸Lily", False),
        ("Lily🌸 Wang", False),
        ("13800138000", False),
        ("王小明2", False),
        ("", False),
        (None, False),
    ],
)
def test_looks_like_person_name(text: object, expected: bool) -> None:
    assert looks_like_person_name(text) is expected


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Ms.na", None),  # what remains is the null marker "na"
        ("王總·總", "王"),  # honorifics stripped until none is left
        ("总经理", None),
    ],
)
def test_parse_name_regressions_are_idempotent(raw: str, name: str | None) -> None:
    result = parse_name(raw)
    assert result.name == name
    if name is not None:
        assert parse_name(name).name == name


def test_pinyin_with_remembered_segments_is_pypinyins_lazy_pinyin() -> None:
    """``names._pinyin`` remembers each segment's syllables; it must give what
    ``pypinyin.lazy_pinyin`` gives, phrases and heteronyms included, the
    second time as the first, and a caller changing its list changes nothing."""
    from pypinyin import Style, lazy_pinyin

    from validators.names import _pinyin

    texts = ["王小明", "重庆", "长孙无忌", "单于", "曾经", "银行行长", "音乐", "乐乐", "Lily王",
             "朝阳区", "欧阳娜娜", "张 伟", "快乐每一天", "覃", "会计", "尉迟恭", "张伟", "蔡徐坤"]
    for _ in range(2):
        for text in texts:
            for errors in ("ignore", "default"):
                assert _pinyin(text, errors) == lazy_pinyin(text, style=Style.NORMAL, errors=errors)
    _pinyin("重庆", "ignore").append("changed")
    assert _pinyin("重庆", "ignore") == lazy_pinyin("重庆", style=Style.NORMAL) == ["chong", "qing"]


def test_the_han_only_shortcuts_give_what_the_character_loops_give() -> None:
    """``_script`` and ``_keep_name_chars`` answer a text of Han characters
    with one regular expression; at and around every edge of those ranges
    (Yijing symbols, compatibility ideographs, unassigned code points) they
    must say what their loops over the characters say."""
    import random

    from validators.names import (
        _keep_name_chars,
        _keep_name_chars_by_char,
        _script,
        _script_by_char,
    )

    edges = [0x33FF, 0x3400, 0x4DBF, 0x4DC0, 0x4DFF, 0x4E00, 0x9FA5, 0x9FFF, 0xA000, 0xF900,
             0x20000, 0x3134F, 0x4E2D]
    alphabet = [chr(c) for c in edges] + list("张伟·- 'aZ1!")
    rng = random.Random(4)
    texts = [chr(c) * 2 for c in edges] + [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6))) for _ in range(3000)]
    texts += [chr(c) for c in range(0x3400, 0xA000, 7)]
    for text in texts:
        assert _script(text) == _script_by_char(text), ascii(text)
        assert _keep_name_chars(text) == _keep_name_chars_by_char(text), ascii(text)
