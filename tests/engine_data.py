"""Synthetic people for the matching-engine tests: a seeded list of persons and
records of them typed the way sources type them (pinyin, spaced phones,
upper-case e-mails, other date formats). ``person`` is the truth."""

from __future__ import annotations

import random

import pandas as pd

from validators.names import parse_name

SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高")
GIVEN = ("伟", "芳", "娜", "秀英", "敏", "静", "丽强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
         "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "志强", "晓明", "海燕")
CITIES = ("北京市", "上海市", "广州市", "深圳市", "杭州市", "成都市")


def make_people(count: int, seed: int = 7) -> list[dict[str, str]]:
    rng = random.Random(seed)
    names = [s + g for s in SURNAMES for g in GIVEN]
    rng.shuffle(names)
    people = []
    for i in range(count):
        people.append({
            "person": f"P{i:03d}",
            "name": names[i],
            "phone": f"139{rng.randrange(10**7, 10**8)}",
            "email": f"user{i:03d}.{rng.randrange(1000, 9999)}@example.com",
            "birth_date": f"{rng.randrange(1950, 2000)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
            "city": rng.choice(CITIES),
        })
    return people


def retyped(person: dict[str, str], variant: int) -> dict[str, str]:
    """The same person typed by another source; variants leave some fields out."""
    record = dict(person)
    phone = person["phone"]
    if variant % 3 == 0:
        record["phone"] = f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}"
        record["email"] = person["email"].upper()
    elif variant % 3 == 1:
        syllables = (parse_name(person["name"]).pinyin or "").split()
        record["name"] = f"{''.join(syllables[1:]).title()} {syllables[0].title()}"  # Xiaoming Wang
        year, month, day = person["birth_date"].split("-")
        record["birth_date"] = f"{year}/{int(month)}/{int(day)}"
        record["email"] = ""
    else:
        record["phone"] = f"{phone[:3]} {phone[3:7]} {phone[7:]}"
        record["city"] = ""
    return record


def dedupe_frame(people: int = 60, seed: int = 7) -> pd.DataFrame:
    """One record per person, plus a second (and for some a third) record of
    two persons in three, and namesakes: other people with the same name."""
    rows = []
    everyone = make_people(people, seed)
    strangers = make_people(people * 2, seed + 1)[people:]
    for i, person in enumerate(everyone):
        rows.append(person)
        if i % 7 == 3:
            rows.append({**strangers[i], "name": person["name"], "person": f"N{i:03d}"})
        if i % 3 != 2:
            rows.append(retyped(person, i))
        if i % 5 == 0:
            rows.append(retyped(person, i + 1))
    frame = pd.DataFrame(rows)
    frame.insert(0, "id", [f"r{k:04d}" for k in range(len(frame))])
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def same_partition(records: pd.Series, clusters: pd.Series, truth: pd.Series) -> bool:
    """True when ``clusters`` groups ``records`` exactly as ``truth`` does."""
    frame = pd.DataFrame({"r": records.to_numpy(), "c": clusters.to_numpy(), "t": truth.to_numpy()})
    return bool(
        (frame.groupby("c")["t"].nunique() == 1).all() and (frame.groupby("t")["c"].nunique() == 1).all()
    )
