"""Noise for the synthetic sample: how one true value gets written down differently.

Real exports never agree on how a phone, an email, a name or a city is spelled; the
matcher is only tested if the sample disagrees the same ways. Each function here takes
the generator's shared ``random.Random`` so the one seed decides every choice, and
appends a scenario label to ``labels`` when the noise is something the ground truth
should name. Draw order matters: the output is byte-identical for a (people, seed) pair
only while these functions consume the generator in the same order.
"""
from __future__ import annotations

import sample_vocab as V

TRAD = str.maketrans({pair[0]: pair[1] for pair in V.TRAD_PAIRS.split()})
FULLWIDTH = str.maketrans("0123456789+-()", "０１２３４５６７８９＋－（）")


def spaced(num, sep=" "):
    """138 0013 8000: the 3-4-4 grouping people type into forms and spreadsheets."""
    return f"{num[:3]}{sep}{num[3:7]}{sep}{num[7:]}"


def fmt_mobile(num, r):
    """A mobile with or without the country code, grouped or not, sometimes full-width."""
    text = r.choice((num, spaced(num), spaced(num, "-"), f"+86 {spaced(num, '-')}", f"+86{num}",
                     f"0086 {num}", f"(86){num}", f"+86-{spaced(num)}", num))
    return text.translate(FULLWIDTH) if r.random() < 0.12 else text


def fmt_tel(tel, r):
    """A landline with its area code hyphenated, bracketed or spaced."""
    area, local = tel.split("-")
    cut = len(local) // 2
    return r.choice((tel, f"({area}){local[:cut]} {local[cut:]}",
                     f"{area} {local[:cut]} {local[cut:]}", tel))


def messy_email(email, r, labels):
    """An email in odd case, padded, or with a full-width @ / 。 that defeats scrapers."""
    x = r.random()
    if x < 0.10:
        return email.upper()
    if x < 0.18:
        return "@".join(part.title() for part in email.split("@"))  # XiaoMing.Wang@Example.Com
    if x < 0.30:
        labels.append("obfuscated_email")
        return email.replace(".", "。") if x < 0.24 else email.replace("@", "＠")
    return f" {email} " if x < 0.33 else email


def name_variant(p, r, labels, trad=0.0, honorific=0.0, pinyin=0.0):
    """The person's name as one source writes it: usually plain, with the given chances of
    traditional characters, a 先生/女士 form or pinyin in some word order."""
    x, full = r.random(), p.sur + p.giv
    if x < trad:
        labels.append("traditional_name")
        return full.translate(TRAD)
    if x < trad + honorific:
        labels.append("honorific_name")
        return (p.sur if r.random() < 0.6 else full) + ("先生" if p.gender == "M" else "女士")
    if x < trad + honorific + pinyin:
        labels.append("pinyin_name")
        sur, giv = p.sur_py.title(), p.giv_py.title()
        return r.choice((f"{sur} {giv}", f"{giv.upper()} {sur.upper()}", f"{giv} {sur}"))
    return full


def pick_phone(p, r):
    """Which number the person gives this time: ('tel', '021-62345678') or
    ('mobile', '13800138000'). Families and switchboard colleagues mostly give the
    shared landline, which is what makes them hard to tell apart."""
    if p.tel and (not p.mobile or (p.prefer_tel and r.random() < 0.8)):
        return "tel", p.tel
    return "mobile", p.mobile


def city_text(city, r):
    """上海 or 上海市."""
    return r.choice((city[1], city[1] + "市", city[1]))


def province_text(city, r):
    """浙江 or 浙江省 (北京 or 北京市 for the municipalities)."""
    return r.choice((city[0], city[0] + ("市" if city[0] in V.MUNICIPALITIES else "省")))
