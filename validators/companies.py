"""Company-name normalisation.

Chinese company names follow 行政区划 + 字号 + 行业 + 组织形式, and people drop or
move the parts freely: ``上海某某科技有限公司``, ``某某科技（上海）有限公司`` and
``某某科技`` are the same employer. The display name stays as typed (cleaned,
simplified, consistent full-width brackets); the ``match_key`` strips the region
and the legal form so those variants compare equal.

Decisions:

* Legal forms removed from the key (at the end, repeatedly): 集团股份有限公司,
  股份有限公司, 有限责任公司, 集团有限公司, 有限公司, 有限合伙, 集团, 公司,
  分公司/总公司 (with the region in front of 分公司, so a branch keys like its
  parent), and trailing English tokens co, ltd, limited, inc, incorporated,
  corp, corporation, llc, gmbh, company, plc, pte, group.
* Leading province/city names (official or short form, from cpca's adcode table,
  bundled in ``validators.region_names``)
  are removed only when at least four characters remain, so region-branded names
  keep their region: 北京银行 and 上海银行 must not both become 银行.
* Parenthesised groups whose content is a region or 中国 are removed; other
  parenthesised text is kept (without the brackets).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from validators.text import clean_text, to_simplified

__all__ = ["CompanyResult", "normalise_company"]


@dataclass(frozen=True)
class CompanyResult:
    """Display name and matching key of a company; both None for blank input."""

    name: str | None
    match_key: str | None


EMPTY = CompanyResult(None, None)

_HAN_LEGAL_FORMS: tuple[str, ...] = (
    "集团股份有限公司", "股份有限公司", "有限责任公司", "集团有限公司", "有限公司",
    "有限合伙", "分公司", "总公司", "集团", "公司",
)
_EN_LEGAL_FORMS: frozenset[str] = frozenset(
    {"co", "ltd", "limited", "inc", "incorporated", "corp", "corporation", "llc", "gmbh",
     "company", "plc", "pte", "group"}
)
_REGION_SUFFIX = re.compile(r"(省|市|特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区)$")
_PARENS = re.compile(r"\(([^()]*)\)")
_HAN = r"[\u3400-\u9fff\uf900-\ufaff（）]"
_SPACE_NEAR_HAN = re.compile(rf"\s+(?={_HAN})|(?<={_HAN})\s+")
_MIN_REMAINDER = 4
_COUNTRY = frozenset({"中国", "中华人民共和国"})


def regions_from_cpca() -> frozenset[str]:
    """Province and prefecture-level names, official and short (上海市/上海),
    from cpca's adcode table: how ``validators.region_names`` was made (a test
    keeps the two equal, so a cpca upgrade that changes them is noticed)."""
    import cpca

    names: set[str] = {"中国", "中华人民共和国"}
    for info in cpca.ad_2_addr_dict.values():
        if info.rank > 1 or info.name in {"市辖区", "县"} or "直辖" in info.name:
            continue
        names.add(info.name)
        short = _REGION_SUFFIX.sub("", info.name)
        if len(short) >= 2:
            names.add(short)
    return frozenset(names)


@lru_cache(maxsize=1)
def _regions() -> tuple[frozenset[str], tuple[int, ...]]:
    """``regions_from_cpca``'s names, read from the bundled table (importing
    cpca, which imports pkg_resources, and walking its table took 0.1 s of every
    process that normalises a company), and their distinct lengths longest
    first for fast prefix/suffix lookups."""
    from validators.region_names import REGION_NAMES

    lengths = tuple(sorted({len(n) for n in REGION_NAMES}, reverse=True))
    return REGION_NAMES, lengths


def _region_prefix(key: str) -> int:
    """Length of the longest region name (not 中国) that ``key`` starts with, or 0."""
    names, lengths = _regions()
    for length in lengths:
        head = key[:length]
        if len(head) == length and head in names and head not in _COUNTRY:
            return length
    return 0


def _region_suffix(key: str) -> int:
    names, lengths = _regions()
    for length in lengths:
        tail = key[-length:]
        if len(tail) == length and tail in names and tail not in _COUNTRY:
            return length
    return 0


def _display(text: str) -> str:
    text = to_simplified(text)
    # NFKC already turned （） into (); use the Chinese full-width form throughout.
    text = text.replace("(", "（").replace(")", "）")
    return _SPACE_NEAR_HAN.sub("", text).strip()


def _strip_legal_forms(key: str) -> str:
    changed = True
    while changed:
        changed = False
        for form in _HAN_LEGAL_FORMS:
            if key.endswith(form):
                key = key[: -len(form)]
                if form == "分公司":
                    # 某某科技有限公司上海分公司 -> 某某科技有限公司
                    cut = _region_suffix(key)
                    if 0 < cut < len(key):
                        key = key[:-cut]
                changed = True
                break
    return key


def _strip_en_legal_forms(tokens: list[str]) -> list[str]:
    while len(tokens) > 1 and tokens[-1] in _EN_LEGAL_FORMS:
        tokens = tokens[:-1]
    return tokens


def _strip_region_prefix(key: str) -> str:
    while True:
        cut = _region_prefix(key)
        if not cut or len(key) - cut < _MIN_REMAINDER:
            return key
        key = key[cut:]


def _key(display: str) -> str | None:
    exact, _ = _regions()
    text = display.replace("（", "(").replace("）", ")").casefold()

    def drop_region(match: re.Match[str]) -> str:
        inner = _strip_legal_forms(match.group(1).strip())
        return " " if inner in exact or inner in {"集团", ""} else f" {match.group(1)} "

    text = _PARENS.sub(drop_region, text)
    # Punctuation and symbols become spaces, so English words stay separable.
    text = "".join(" " if unicodedata.category(c)[0] in "PSZ" else c for c in text)
    tokens = _strip_en_legal_forms(text.split())
    key = "".join(tokens)
    key = _strip_legal_forms(key)
    key = _strip_region_prefix(key)
    key = _strip_legal_forms(key)
    return key or None


@lru_cache(maxsize=200_000)
def _normalise_text(text: str) -> CompanyResult:
    display = _display(text)
    if clean_text(display) is None:  # e.g. 無 -> 无, a null marker once simplified
        return EMPTY
    return CompanyResult(display, _key(display))


def normalise_company(raw: object) -> CompanyResult:
    """Clean a company name for display and derive a key for matching.

    Why: the company is supporting evidence when matching customers and a
    survivorship field in the golden record; both need region and legal-form
    noise removed from the comparison but not from what people read.
    Never raises; idempotent on ``name``.
    """
    text = clean_text(raw)
    if text is None:
        return EMPTY
    try:
        return _normalise_text(text)
    except Exception:  # noqa: BLE001  # pragma: no cover - defensive
        return CompanyResult(text, None)
