"""Person-name parsing for Chinese and romanised names.

Names are weak but essential match evidence: ``張偉``, ``张伟``, ``Zhang Wei`` and a
WeCom remark ``张总-华为`` may all be the same person. This module turns a raw name
cell into a display name, a strict ``match_key``, a toneless ``pinyin`` string that
bridges Han and Latin spellings, and side information (honorific, company hint)
that would otherwise pollute the name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from validators.text import clean_text, to_simplified

__all__ = ["NameResult", "looks_like_person_name", "parse_name", "pinyin_equal", "spelling_rotations"]


@dataclass(frozen=True)
class NameResult:
    """Parsed name. ``script`` is ``"han"``, ``"latin"`` (any non-Han alphabet),
    ``"mixed"`` or ``"none"``; family/given names are only split for Han names."""

    name: str | None
    honorific: str | None
    script: str  # "han" | "latin" | "mixed" | "none"
    match_key: str | None
    pinyin: str | None
    family_name: str | None
    given_name: str | None
    company_hint: str | None


EMPTY = NameResult(None, None, "none", None, None, None, None, None)

# Longest first so that 总经理 wins over 经理 and 总.
HAN_HONORIFICS: tuple[str, ...] = (
    "董事长", "总经理", "老总", "先生", "女士", "小姐", "经理", "总监", "主任", "老师",
    "医生", "博士", "教授", "老板", "科长", "处长", "局长", "部长", "总", "工", "姐", "哥",
)
LATIN_HONORIFICS: dict[str, str] = {"mr": "Mr", "mrs": "Mrs", "ms": "Ms", "miss": "Miss", "dr": "Dr"}

_COMPOUND_SURNAME_PAIRS = (
    "欧阳司马诸葛上官东方皇甫尉迟公孙慕容长孙宇文司徒夏侯令狐端木西门南宫独孤轩辕万俟"
    "闻人澹台公冶宗政濮阳淳于单于太叔申屠钟离呼延赫连拓跋百里东郭南门羊舌微生梁丘左丘"
    "东门第五司空司寇亓官颛孙壤驷公良漆雕乐正宰父谷梁段干公西巫马公羊"
)
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    _COMPOUND_SURNAME_PAIRS[i : i + 2] for i in range(0, len(_COMPOUND_SURNAME_PAIRS), 2)
)

# Common single-character surnames (百家姓 plus frequent modern ones); used only by
# looks_like_person_name to tell "李娜" from "快乐每天".
SINGLE_SURNAMES: frozenset[str] = frozenset(
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛"
    "奚范彭郎鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康"
    "伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵"
    "席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗"
    "丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫"
    "乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄"
    "印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙池乔阴郁胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂"
    "濮牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满弘"
    "匡国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰巢关蒯相"
    "查后荆红游竺权逯盖益桓公肖闫付岳涂覃冼麦阳兰代佘牟佟迟战初揭练晋邝卿铁原纳檀楚芦衣展鄢冶"
    "苟修户税蹇朴区官占敬银但商仝续母"
)

# Surname readings that differ from the everyday reading pypinyin picks.
SURNAME_PINYIN: dict[str, str] = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "查": "zha", "区": "ou", "朴": "piao",
    "乐": "yue", "覃": "qin", "盖": "ge", "缪": "miao", "翟": "zhai", "秘": "bi", "万俟": "mo qi",
    "尉迟": "yu chi", "长孙": "zhang sun", "单于": "chan yu", "种": "chong", "员": "yun",
}

_SEPARATOR = re.compile(
    r"\s+[-–—~/|]+\s+"  # spaced separator: "Li Na - Huawei"
    r"|(?<=[\u3400-\u9fff])\s*[-–—~/|]+\s*"  # after a Han character: 张总-华为
    r"|\s*[-–—~/|]+\s*(?=[\u3400-\u9fff])"  # before a Han character: Lily-华为
)
_BRACKETS = re.compile(r"^(?P<before>[^()\[\]【】]*)[(\[【](?P<inside>[^()\[\]【】]*)[)\]】](?P<after>.*)$")
_LATIN_PREFIX = re.compile(r"^(?P<title>mrs|mr|ms|miss|dr)(?:\.\s*|\s+)(?=\S)", re.IGNORECASE)
_LATIN_TOKEN = re.compile(r"^[^\W\d_]+(?:['-][^\W\d_]+)*$")
_ASCII_WORD = re.compile(r"[a-z]+")
_LETTER_RUN = re.compile(r"[^\W\d_]+")


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\U00020000" <= ch <= "\U0003134f"


def _latin_letter(ch: str) -> bool:
    return ch.isalpha() and not _is_han(ch)


def _cap(word: str) -> str:
    """Capitalise a letter run without length-changing case maps (ß, İ) so the
    display form is stable when parsed again."""
    head, tail = word[:1], word[1:]
    upper = head.upper()
    head = upper if len(upper) == 1 else head
    lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in tail)
    return head + lowered


#: Text of Han characters only (most names): one regular expression instead of
#: a Python loop per character (``_script``, ``_keep_name_chars``). ``_HAN_ONLY``
#: is ``_is_han``'s first range; ``_HAN_LETTERS`` its ranges that hold letters
#: only (CJK ideographs: category Lo), not the Yijing symbols U+4DC0–U+4DFF.
_HAN_ONLY = re.compile(r"[\u3400-\u9fff]+")
_HAN_LETTERS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


def _script(text: str) -> str:
    if _HAN_ONLY.fullmatch(text):
        return "han"
    return _script_by_char(text)


def _script_by_char(text: str) -> str:
    han = any(_is_han(ch) for ch in text)
    other = any(ch.isalpha() and not _is_han(ch) for ch in text)
    if han and other:
        return "mixed"
    if han:
        return "han"
    return "latin" if other else "none"


def _keep_name_chars(text: str) -> str:
    """Drop emoji, symbols, digits and punctuation; keep letters, Han, spaces,
    ``·`` (minority/foreign names) and word-internal ``-``/``'`` (Jean-Pierre, O'Neil)."""
    if _HAN_LETTERS.fullmatch(text) and text.isalpha():  # all kept as they are
        return text
    return _keep_name_chars_by_char(text)


def _keep_name_chars_by_char(text: str) -> str:
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch.isalpha() and unicodedata.category(ch) != "Lm" or ch == "·":
            out.append(ch)
        elif unicodedata.category(ch).startswith("M") and out and out[-1].isalpha():
            out.append(ch)  # combining accents on Latin letters
        elif ch in "-'" and 0 < i < len(text) - 1 and _latin_letter(text[i - 1]) and _latin_letter(
            text[i + 1]
        ):
            out.append(ch)
        else:
            out.append(" ")
    tokens = [tok.strip("·-'") for tok in "".join(out).split()]
    return " ".join(tok for tok in tokens if tok)


def _han_compact(text: str) -> str:
    """Han names carry no spaces (王 小 明 -> 王小明); others are left alone."""
    return text.replace(" ", "") if _script(text) == "han" else text


def _strip_honorifics(text: str) -> tuple[str, str | None]:
    """Remove Latin title prefixes and Han title suffixes while something remains."""
    honorific: str | None = None
    changed = True
    while changed:
        changed = False
        latin = _LATIN_PREFIX.match(text)
        if latin:
            honorific = honorific or LATIN_HONORIFICS[latin.group("title").lower()]
            text, changed = text[latin.end() :].lstrip(" ·-'"), True
        for suffix in HAN_HONORIFICS:
            stem = text[: -len(suffix)].rstrip(" ·-'") if text.endswith(suffix) else ""
            if stem and any(c.isalpha() for c in stem):
                honorific = honorific or suffix
                text, changed = stem, True
                break
    return text, honorific


def _titled_person(part: str) -> bool:
    """Strong evidence that a remark side is the person: surname + title (张总, Mr Li)."""
    stem, honorific = _strip_honorifics(_keep_name_chars(part))
    if not honorific or not stem:
        return False
    compact = stem.replace(" ", "")
    if all(_is_han(c) for c in compact):
        return len(compact) <= 4
    return len(stem.split()) <= 3


def _person_like(part: str) -> bool:
    return _titled_person(part) or looks_like_person_name(_keep_name_chars(part))


def _pick(first: str, second: str) -> tuple[str, str | None] | None:
    """Name first is the WeCom convention; swap only on strong evidence."""
    if _titled_person(second) and not _titled_person(first):
        return second, first
    if _person_like(first) or _person_like(second):
        return first, second
    return None


def _split_company(text: str) -> tuple[str, str | None]:
    """Split a WeCom remark (``张总-华为``, ``李经理（腾讯）``) into name and company.
    Without person-like evidence on either side the text is left whole."""
    bracket = _BRACKETS.match(text)
    if bracket:
        outside = f"{bracket.group('before')} {bracket.group('after')}".strip()
        inside = bracket.group("inside").strip()
        if not outside or not inside:
            return outside or inside, None
        if inside in HAN_HONORIFICS:
            return f"{outside}{inside}", None
        return _pick(outside, inside) or (outside, inside)
    parts = [p.strip() for p in _SEPARATOR.split(text, maxsplit=1) if p.strip()]
    if len(parts) == 2:
        picked = _pick(parts[0], parts[1])
        if picked:
            return picked
    return text, None


def _han_pinyin(name: str, family: str | None) -> str | None:
    syllables: list[str] = []
    rest = name
    if family and family in SURNAME_PINYIN:
        syllables.extend(SURNAME_PINYIN[family].split())
        rest = name[len(family):]
    for token in _pinyin(rest, "ignore"):
        syllables.extend(_ASCII_WORD.findall(token.lower()))
    return " ".join(syllables) or None


def _latin_pinyin(tokens: list[str]) -> str | None:
    folded: list[str] = []
    for token in tokens:
        token = token.lower().replace("ü", "v")
        token = unicodedata.normalize("NFKD", token)
        ascii_token = "".join(_ASCII_WORD.findall(token))
        if ascii_token:
            folded.append(ascii_token)
    return " ".join(folded) or None


def _split_han(name: str) -> tuple[str | None, str | None]:
    # Only plausible person names get a surname; "快乐每一天" has none.
    if "·" in name or not all(_is_han(c) for c in name) or len(name) > 4:
        return None, None
    if name[:2] in COMPOUND_SURNAMES and len(name) >= 2:
        family = name[:2]
    else:
        family = name[:1]
    return family, name[len(family):] or None


def _pinyin(text: str, errors: str) -> list[str]:
    """pypinyin's syllables of ``text`` (what its ``lazy_pinyin`` gives);
    pypinyin is imported on first use (loading its dictionaries takes a third
    of a second, which a run that never meets a Chinese character need not pay)."""
    from pypinyin import Style

    return _segment_memo_pinyin().lazy_pinyin(text, style=Style.NORMAL, errors=errors)


@lru_cache(maxsize=1)
def _segment_memo_pinyin():  # -> pypinyin.core.Pinyin
    """pypinyin's ``Pinyin`` with the converter its ``lazy_pinyin`` builds,
    remembering each segment's syllables. pypinyin converts a text segment by
    segment (a phrase of its dictionary or one character), each on its own and
    the same way every time; 15,000 names hold fewer than 2,000 distinct
    segments, and converting them again and again (tone marks stripped by
    regular expressions, per character) was 60 % of the names' pinyin time."""
    from pypinyin.converter import UltimateConverter
    from pypinyin.core import Pinyin

    class SegmentMemo(UltimateConverter):
        def __init__(self) -> None:
            super().__init__()
            self._done: dict[tuple, list[list[str]]] = {}

        def convert(self, words, style, heteronym, errors, strict, **kwargs):
            key = (words, style, heteronym, errors, strict, tuple(sorted(kwargs.items())))
            done = self._done.get(key)
            if done is None:
                done = self._done[key] = super().convert(words, style, heteronym, errors,
                                                         strict, **kwargs)
            return [list(syllables) for syllables in done]  # callers may change theirs

    return Pinyin(SegmentMemo())


@lru_cache(maxsize=500_000)
def _parse_text(text: str) -> NameResult:
    text = to_simplified(text)
    name_part, company = _split_company(text)
    name = _han_compact(_keep_name_chars(name_part))
    if name in HAN_HONORIFICS:  # "总经理" alone must not become 总 + 经理
        return NameResult(None, name, "none", None, None, None, None, clean_text(company))
    name, honorific = _strip_honorifics(name)
    name = _han_compact(_keep_name_chars(name))
    if name in HAN_HONORIFICS or name.lower() in LATIN_HONORIFICS:
        # Only a title, e.g. "先生" or "Mr.": no name to keep.
        honorific = honorific or LATIN_HONORIFICS.get(name.lower(), name)
        name = ""
    if company is not None:
        company = clean_text(company)
    if clean_text(name) is None:  # nothing left, or a null marker such as "Na" / "无"
        name = ""
    script = _script(name)
    if script == "none":
        return NameResult(None, honorific, "none", None, None, None, None, company)
    if script == "han":
        family, given = _split_han(name)
        return NameResult(name, honorific, "han", name, _han_pinyin(name, family), family, given, company)
    if script == "latin":
        tokens = [_LETTER_RUN.sub(lambda m: _cap(m.group(0)), tok) for tok in name.split()]
        name = " ".join(tokens)
        key = " ".join(tok.lower() for tok in tokens)
        return NameResult(name, honorific, "latin", key, _latin_pinyin(tokens), None, None, company)
    # mixed, e.g. "Lily王": keep as typed, key without spaces.
    key = name.lower().replace(" ", "")
    syllables: list[str] = []
    for token in _pinyin(name, "default"):
        syllables.extend(_ASCII_WORD.findall(unicodedata.normalize("NFKD", token.lower())))
    return NameResult(name, honorific, "mixed", key, " ".join(syllables) or None, None, None, company)


def parse_name(raw: object) -> NameResult:
    """Parse a person-name cell.

    Why: the same person appears as ``張偉``, ``张 伟``, ``张伟先生`` or
    ``张总-华为``; matching needs the bare simplified name (``match_key``) and a
    pinyin form that also meets romanised spellings, while the honorific and the
    company hint are kept apart instead of being lost. Never raises;
    ``parse_name(r.name).name == r.name`` for any produced name.
    """
    text = clean_text(raw)
    if text is None:
        return EMPTY
    try:
        return _parse_text(text)
    except Exception:  # noqa: BLE001  # pragma: no cover - defensive
        return EMPTY


def _rotations(pinyin: str) -> set[str]:
    tokens = pinyin.split()
    return {"".join(tokens[i:] + tokens[:i]) for i in range(len(tokens))}


def pinyin_equal(a: str | None, b: str | None) -> bool:
    """True when two pinyin strings spell the same name in any token order.

    Why: Chinese names are romanised family-first (``wang xiaoming``) or
    given-first (``xiaoming wang``) and with or without spaces; comparing all
    rotations at token boundaries of both sides covers those variants.
    """
    x, y = spelling_rotations(a), spelling_rotations(b)
    return x is not None and y is not None and not x.isdisjoint(y)


@lru_cache(maxsize=1 << 18)
def spelling_rotations(value: object) -> frozenset[str] | None:
    """What ``pinyin_equal`` compares of one side: the rotations of its
    lower-cased tokens, or None for a missing or blank value (equal to nothing).
    Cached: one name is compared with many candidates."""
    if not isinstance(value, str):
        return None
    value = value.lower()
    if not value.strip():
        return None
    return frozenset(_rotations(value))


def looks_like_person_name(text: object) -> bool:
    """True for 2–4 Han characters starting with a known surname (compound
    surnames included), or 2–3 alphabetic Latin tokens.

    Why: WeChat nicknames (``🌸Lily``, ``A-小王卖茶叶``, ``快乐每一天``) must not be
    trusted as real names when choosing the golden record's name.
    """
    cleaned = clean_text(text)
    if cleaned is None:
        return False
    cleaned = to_simplified(cleaned)
    compact = cleaned.replace(" ", "")
    if compact and all(_is_han(c) for c in compact):
        if not 2 <= len(compact) <= 4:
            return False
        return compact[:2] in COMPOUND_SURNAMES or compact[0] in SINGLE_SURNAMES
    tokens = cleaned.split()
    if not 2 <= len(tokens) <= 3:
        return False
    return all(_LATIN_TOKEN.match(tok) and not any(_is_han(c) for c in tok) for tok in tokens)
