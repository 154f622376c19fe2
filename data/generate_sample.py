#!/usr/bin/env python3
"""Deterministic synthetic source exports + ground truth for customer-master.

    python data/generate_sample.py --people 300 --seed 20241103 \
        --out data/sources --truth data/sample_truth.csv

Follows shared/SOURCES.md. Makes N true persons, including hard cases (namesakes, a
family sharing one phone, colleagues giving one switchboard number, people who changed
company, placeholder phones, WeCom contacts with several owners), and writes each one
1-4 times across the four source kinds. The ground truth has one row per source row
written, broken rows included. Use it as a script, or load it by path with importlib
and call ``generate(out_dir, people, seed)``. The output depends only on (people, seed):
it reads no clock and relies on no hash order.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import io
import itertools
import json
import math
import random
import string
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter


def _load_vocab():
    path = Path(__file__).resolve().with_name("sample_vocab.py")
    spec = importlib.util.spec_from_file_location("customer_master_sample_vocab", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


V = _load_vocab()

KINDS = ("web_forms", "wechat", "spreadsheets", "legacy")
KIND_WEIGHTS = (30, 25, 27, 18)
ROW_COUNTS, ROW_COUNT_WEIGHTS, MEAN_ROWS = (1, 2, 3, 4), (45, 30, 17, 8), 1.9
XLSX_MAX_ROWS = 20_000  # a sheet expected to get more rows than this is written as CSV
COMPANY_POOL = 20_000  # recent companies a new person may join as a colleague
FIXED_TS = dt.datetime(2024, 11, 3, 8, 0, 0)  # xlsx created/modified and zip entry times
LAST_DAY = dt.date(2024, 11, 3)
ALNUM = string.ascii_letters + string.digits
TRAD = str.maketrans({pair[0]: pair[1] for pair in V.TRAD_PAIRS.split()})
FULLWIDTH = str.maketrans("0123456789+-()", "０１２３４５６７８９＋－（）")
GIVEN_POOLS = {g: (tuple(c for c in V.GIVEN_CHARS if c[2] in ok),
                  tuple(c for c in V.GIVEN_CHARS if c[2] in ok and c[0] not in V.FIRST_ONLY))
               for g, ok in (("M", "mn"), ("F", "fn"))}  # (first character, second character)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
TRUTH_COLUMNS = ("source_system", "source_file", "source_record_id", "person_id", "expected",
                 "scenario", "source_line")
WECHAT_HEADER = ("客户名称", "备注名", "外部联系人ID", "性别", "备注手机号", "备注企业", "描述",
                 "标签", "添加人", "添加时间", "来源")
LEGACY_HEADER = ("CUST_ID", "CUST_NAME", "GENDER_CD", "BIRTH_DT", "MOBILE_NO", "TEL_NO",
                 "EMAIL_ADDR", "PROV_NM", "CITY_NM", "ADDR", "ID_CARD_NO", "CRT_TS", "UPD_TS",
                 "STATUS_CD")
LEGACY_WIDTHS = (10, 8, 1, 8, 14, 16, 30, 6, 6, 28, 18, 19, 19, 1)  # trailing-space padding
LEGACY_FILES = ("crm_east_20241101.txt", "crm_south_20241101.csv")
OWN_PREFIXES = {"web_forms": ("forms_",), "wechat": ("wecom_",), "legacy": ("crm_",),
                "spreadsheets": tuple(t[0] for t in V.SHEET_TEMPLATES)}
CYCLE = 40  # every CYCLE groups of persons, one of each hard case at these offsets
SCHEDULE = {3: "family", 9: "namesake", 15: "switchboard", 21: "changed_company",
            27: "multi_owner", 33: "placeholder_phone"}
GROUP_LABELS = {"family": "family_shared_phone", "switchboard": "switchboard_phone",
                "namesake": "namesake", "changed_company": "changed_company"}


# ---------------------------------------------------------------- output streams
class TextStream:
    """A JSONL, CSV or pipe-delimited file. ``put`` returns the 1-based line number."""

    def __init__(self, kind, path, fmt, encoding, header=None, title=None):
        self.kind, self.file, self.sheet, self.fmt = kind, path.name, "csv", fmt
        self.fh = open(path, "w", encoding=encoding, newline="")
        self.csv = csv.writer(self.fh) if fmt == "csv" else None
        self.line = self.data_rows = 0
        self.width = len(header or ())
        self._preamble(header, title)

    def _preamble(self, header, title):
        if title:  # Excel pads a saved title row and blank row to the table width
            self.put([title] + [""] * (self.width - 1))
            self.put([""] * self.width)
        if header:
            self.put("|".join(header) if self.fmt == "pipe" else list(header))

    def put(self, values):
        if self.csv:
            self.csv.writerow(values)
        else:  # a JSON or pipe-delimited line, already formatted
            self.fh.write(values + "\n")
        self.line += 1
        return self.line

    def close(self):
        self.fh.close()


class SheetStream(TextStream):
    """One sheet of a write-only workbook. ``put`` returns the row number Excel shows."""

    def __init__(self, kind, book, sheet, header, title=None):  # no super(): no file of its own
        self.kind, self.file, self.sheet, self.fmt = kind, book.path.name, sheet, "xlsx"
        self.ws, self.csv = book.wb.create_sheet(sheet), None
        self.line = self.data_rows = 0
        self.width = len(header)
        self._preamble(header, title)

    def put(self, values):
        self.ws.append([None if v == "" else v for v in values])
        self.line += 1
        return self.line

    def close(self):
        pass


class XlsxBook:
    def __init__(self, path):
        self.path, self.wb = path, Workbook(write_only=True)

    def close(self):
        """Save with fixed document times (Workbook.save would stamp now()) and zip times."""
        self.wb.properties.created = self.wb.properties.modified = FIXED_TS
        buf = io.BytesIO()
        ExcelWriter(self.wb, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED)).save()
        with zipfile.ZipFile(buf) as src, zipfile.ZipFile(self.path, "w") as dst:
            for info in src.infolist():
                entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TS.timetuple()[:6])
                entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
                dst.writestr(entry, src.read(info.filename))


# ---------------------------------------------------------------- formatting helpers
def id_check_digit(body17: str) -> str:
    """ISO 7064 MOD 11-2 check character of a resident id."""
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS, strict=True)) % 11]


def spaced(num, sep=" "):
    return f"{num[:3]}{sep}{num[3:7]}{sep}{num[7:]}"


def fmt_mobile(num, r):
    text = r.choice((num, spaced(num), spaced(num, "-"), f"+86 {spaced(num, '-')}", f"+86{num}",
                     f"0086 {num}", f"(86){num}", f"+86-{spaced(num)}", num))
    return text.translate(FULLWIDTH) if r.random() < 0.12 else text


def fmt_tel(tel, r):
    area, local = tel.split("-")
    cut = len(local) // 2
    return r.choice((tel, f"({area}){local[:cut]} {local[cut:]}",
                     f"{area} {local[:cut]} {local[cut:]}", tel))


def messy_email(email, r, labels):
    x = r.random()
    if x < 0.10:
        return email.upper()
    if x < 0.18:
        return "@".join(part.title() for part in email.split("@"))  # XiaoMing.Wang@Example.Com
    if x < 0.30:
        labels.append("obfuscated_email")
        return email.replace(".", "。") if x < 0.24 else email.replace("@", "＠")
    return f" {email} " if x < 0.33 else email


def fmt_ts(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S")


def random_ts(r, start: dt.date, end: dt.date) -> dt.datetime:
    return dt.datetime.combine(start, dt.time(8)) + dt.timedelta(
        days=r.randrange((end - start).days), seconds=r.randrange(12 * 3600))


# ---------------------------------------------------------------- the generator
class _Generator:
    def __init__(self, out_dir: Path, people: int, seed: int):
        self.r, self.people, self.out = random.Random(seed), people, Path(out_dir)
        self.pid_width = max(6, len(str(people)))
        self.used = {V.PLACEHOLDER_MOBILE}  # phones, landlines, emails, resident-id bodies
        self.companies, self.truth, self.count = [], [], dict.fromkeys(KINDS, 0)
        self.n_persons = self.cust_seq = 0
        self.sur_cum = list(itertools.accumulate(w for *_, w in V.SURNAMES))
        self.books = []
        self._open_streams()

    # ---- files
    def _expected_rows(self, kind, n_streams):
        return self.people * MEAN_ROWS * KIND_WEIGHTS[KINDS.index(kind)] / 100 / n_streams

    def _folder(self, kind):
        """Create the kind's folder and delete files an earlier run of this script left."""
        folder = self.out / kind
        folder.mkdir(parents=True, exist_ok=True)
        for old in sorted(folder.iterdir()):
            if old.is_file() and old.name.startswith(OWN_PREFIXES[kind]):
                old.unlink()
        return folder

    def _table(self, kind, folder, stem, fmt, encoding, sheet, header, title, books):
        if fmt == "csv":
            return TextStream(kind, folder / f"{stem}.csv", "csv", encoding, header, title)
        if stem not in books:
            books[stem] = XlsxBook(folder / f"{stem}.xlsx")
            self.books.append(books[stem])
        return SheetStream(kind, books[stem], sheet, header, title)

    def _open_streams(self):
        n_days = max(7, math.ceil(self._expected_rows("web_forms", 1) / 20_000))
        folder, self.web = self._folder("web_forms"), []
        for i in range(n_days):
            day = LAST_DAY - dt.timedelta(days=n_days - 1 - i)
            s = TextStream("web_forms", folder / f"forms_{day:%Y%m%d}.jsonl", "jsonl", "utf-8")
            s.day, s.seq, s.clock = day, 0, 0.0
            s.gap = 16.5 * 3600 / max(1.0, self._expected_rows("web_forms", n_days))
            self.web.append(s)
        folder, books, self.wechat = self._folder("wechat"), {}, []
        big = self._expected_rows("wechat", len(V.STAFF)) > XLSX_MAX_ROWS
        for i, (staff, tag) in enumerate(V.STAFF):  # one export per sales rep
            header = WECHAT_HEADER + (("客户类型",) if i == 2 else ())
            fmt = "xlsx" if i < 4 and not big else "csv"
            s = self._table("wechat", folder, f"wecom_customers_{tag}", fmt, "utf-8-sig",
                            "Sheet1", header, None, books)
            s.staff = staff
            self.wechat.append(s)
        folder, books, self.sheets = self._folder("spreadsheets"), {}, []
        n_sheets = sum(len(t[3]) for t in V.SHEET_TEMPLATES)
        big = self._expected_rows("spreadsheets", n_sheets) > XLSX_MAX_ROWS
        for stem, fmt, encoding, sheets, title, old, columns in V.SHEET_TEMPLATES:
            for j, sheet in enumerate(sheets):
                name = f"{stem}_{j + 1}" if big and fmt == "xlsx" else stem
                s = self._table("spreadsheets", folder, name, "csv" if big else fmt, encoding,
                                sheet, [h for _, h in columns], title, books)
                s.old, s.fields = old, [c for c, _ in columns]
                self.sheets.append(s)
        self.old_sheets = [s for s in self.sheets if s.old]
        folder = self._folder("legacy")
        self.legacy = [TextStream("legacy", folder / name, "pipe", "gb18030", LEGACY_HEADER)
                       for name in LEGACY_FILES]

    def close(self):
        for s in self.web + self.wechat + self.sheets + self.legacy:
            s.close()
        for book in self.books:
            book.close()

    def emit(self, stream, values, record_id, person, expected, labels):
        line = stream.put(values)
        stream.data_rows += 1
        if record_id is None:  # spreadsheets: the id is the row's position
            record_id = f"{stream.file}#{stream.sheet}!{line}"
        self.truth.append((stream.kind, stream.file, record_id, person.pid if person else "",
                           expected, sys.intern(";".join(dict.fromkeys(labels))), line,
                           stream.sheet))

    # ---- persons and companies
    def unique(self, make):
        value = make()
        while value in self.used:
            value = make()
        self.used.add(value)
        return value

    def mobile(self):
        r = self.r
        return self.unique(lambda: r.choice(V.MOBILE_PREFIXES) + f"{r.randrange(10**8):08d}")

    def landline(self, city):
        r, n = self.r, city[3] - 1
        return self.unique(lambda: f"{city[2]}-{r.randrange(2, 9)}{r.randrange(10**n):0{n}d}")

    def new_company(self, city):
        r = self.r
        core, core_py = r.choice(V.COMPANY_CORES)
        industry, industry_en, tag = r.choice(V.INDUSTRIES)
        suffix, suffix_en = r.choice(V.LEGAL_SUFFIXES)
        home = city if r.random() < 0.8 else r.choice(V.CITIES)
        company = SimpleNamespace(
            name=f"{home[1]}{core}{industry}{suffix}", short=core, city=home,
            english=f"{home[5]} {core_py.title()} {industry_en} {suffix_en}",
            domain=f"{core_py}{'-' + tag if r.random() < 0.5 else ''}."
                   f"{r.choice(('com', 'cn', 'com.cn'))}",
            switchboard=self.landline(home))
        if len(self.companies) < COMPANY_POOL:
            self.companies.append(company)
        else:  # a ring of recent companies keeps memory flat for big runs
            self.companies[r.randrange(COMPANY_POOL)] = company
        return company

    def email(self, sur_py, parts, birth, company):
        r = self.r
        given, initials = "".join(parts), "".join(p[0] for p in parts)
        if r.random() < 0.35:
            local, domain = r.choice((f"{given}.{sur_py}", f"{sur_py}{initials}")), company.domain
        else:
            local = r.choice((f"{given}.{sur_py}", f"{sur_py}{initials}{r.randrange(10, 99)}",
                              f"{sur_py}{given}{birth.year % 100:02d}",
                              str(r.randrange(10**7, 3 * 10**9)),
                              f"{sur_py}_{given}{r.randrange(999)}"))
            domain = "qq.com" if local.isdigit() else r.choice(V.FREE_MAIL)
        email = f"{local}@{domain}"
        while email in self.used:
            email = f"{local}{r.randrange(100, 9999)}@{domain}"
        self.used.add(email)
        return email

    def given_name(self, gender):
        r, (firsts, seconds) = self.r, GIVEN_POOLS[gender]
        first = r.choice(firsts)
        if first[0] not in V.FIRST_ONLY and r.random() < 0.3:
            return first[0], (first[1],)
        second = r.choice(seconds)
        while second == first:
            second = r.choice(seconds)
        return first[0] + second[0], (first[1], second[1])

    def new_person(self, name=None, gender=None, city=None):
        r = self.r
        self.n_persons += 1
        gender = gender or r.choice("MF")
        if name:
            sur, sur_py, giv, parts = name
        else:
            sur, sur_py, _ = r.choices(V.SURNAMES, cum_weights=self.sur_cum)[0]
            giv, parts = self.given_name(gender)
        city = city or r.choice(V.CITIES)
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=r.randrange(40 * 365))
        area = r.choice((city if r.random() < 0.6 else r.choice(V.CITIES))[4])[1]  # birthplace
        odd = gender == "M"  # 17th digit: odd for men, even for women
        body = self.unique(lambda: f"{area}{birth:%Y%m%d}{r.randrange(500) * 2 + odd:03d}")
        district = r.choice(city[4])[0]
        room = f"{r.randint(1, 30)}幢{r.randint(1, 28)}{r.randint(1, 4):02d}室"
        company = (r.choice(self.companies) if self.companies and r.random() < 0.25
                   else self.new_company(city))  # 25 %: a colleague of someone made earlier
        p = SimpleNamespace(
            pid=f"P{self.n_persons:0{self.pid_width}d}", sur=sur, sur_py=sur_py, giv=giv,
            giv_py="".join(parts), gender=gender, birth=birth, id_card=body + id_check_digit(body),
            mobile=self.mobile(), mobile2=self.mobile() if r.random() < 0.1 else "",
            tel=self.landline(city) if r.random() < 0.25 else "", prefer_tel=False,
            company=company, old_company=None, title=r.choice(V.TITLES), city=city,
            address=f"{district}{r.choice(V.ROADS)}{r.randint(1, 999)}号"
                    f"{room if r.random() < 0.6 else ''}",
            labels=[], forced=[], placeholder=False, wxid="", wx_staff=[])
        p.email = self.email(sur_py, parts, birth, company) if r.random() < 0.75 else ""
        return p

    def make_group(self, g, remaining):
        """One ordinary person, or the persons of one hard case."""
        r, case = self.r, SCHEDULE.get(g % CYCLE)
        if case in ("family", "namesake", "switchboard") and remaining < 2:
            case = None
        if case == "family":  # same surname, same address, one shared number
            a, gender = self.new_person(), r.choice("MF")
            b = self.new_person((a.sur, a.sur_py, *self.given_name(gender)), gender, a.city)
            b.address, b.mobile2 = a.address, ""
            if r.random() < 0.5:
                b.mobile = a.mobile  # the child gives the parent's mobile
            else:  # one home landline; b has no mobile of their own
                a.tel = b.tel = self.landline(a.city)
                a.prefer_tel, b.prefer_tel, b.mobile = True, True, ""
            group = [a, b]
        elif case == "namesake":  # same common name, nothing else in common
            sur, sur_py, giv, giv_py, gender = r.choice(V.COMMON_FULL_NAMES)
            cities = r.sample(V.CITIES, min(remaining, r.choice((2, 3, 3))))
            group = [self.new_person((sur, sur_py, giv, tuple(giv_py.split())), gender, c)
                     for c in cities]
        elif case == "switchboard":  # two colleagues both leave the company's main number
            first = self.new_person()
            group = [first, self.new_person(city=first.city)]
            company = self.new_company(first.city)
            for p in group:
                p.company, p.tel, p.prefer_tel = company, company.switchboard, True
        else:
            group = [self.new_person()]
            p = group[0]
            if case == "changed_company":  # the old exhibition list shows the former employer
                p.old_company = self.new_company(p.city)
                p.forced = ["spreadsheets:old", r.choice(("web_forms", "wechat"))]
            elif case == "multi_owner":
                p.forced = ["wechat", "wechat"]
            elif case == "placeholder_phone":
                p.placeholder, p.forced = True, ["web_forms"]
        for p in group:
            p.labels += [GROUP_LABELS[case]] if case in GROUP_LABELS else []
        return group

    # ---- pieces of rows
    def name_variant(self, p, labels, trad=0.0, honorific=0.0, pinyin=0.0):
        r, x, full = self.r, self.r.random(), p.sur + p.giv
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

    def pick_phone(self, p):
        """('tel', '021-62345678') or ('mobile', '13800138000')."""
        if p.tel and (not p.mobile or (p.prefer_tel and self.r.random() < 0.8)):
            return "tel", p.tel
        return "mobile", p.mobile

    def city_text(self, city):
        return self.r.choice((city[1], city[1] + "市", city[1]))

    def province_text(self, city):
        return self.r.choice((city[0], city[0] + ("市" if city[0] in V.MUNICIPALITIES else "省")))

    def _tick(self, kind):
        self.count[kind] += 1
        return self.count[kind]

    # ---- one source row per call (plus the odd broken or junk row)
    def web_record(self, s):
        r = self.r
        s.seq += 1
        s.clock = min(s.clock + r.expovariate(1 / s.gap), 16.9 * 3600)  # 07:00 .. 23:54
        t = dt.datetime.combine(s.day, dt.time(7)) + dt.timedelta(seconds=int(s.clock))
        return {"submission_id": f"wf-{s.day:%Y%m%d}-{s.seq:06d}",
                "submitted_at": t.strftime("%Y-%m-%dT%H:%M:%S+08:00"),
                "form_id": r.choice(V.FORM_IDS), "channel": r.choice(V.CHANNELS), "fields": {},
                "consent_marketing": r.random() < 0.6}

    def web_row(self, p, labels):
        r, n = self.r, self._tick("web_forms")
        s = r.choice(self.web)
        if n % 70 == 41:  # a spam-like submission that identifies nobody
            junk = self.web_record(s)
            junk["fields"] = {"name": r.choice((None, "")),
                              "company": r.choice(self.companies).name,
                              "message": r.choice(V.WEB_JUNK_MESSAGES)}
            self.emit(s, json.dumps(junk, ensure_ascii=False), junk["submission_id"], None,
                      "quarantine:no_contact_details", ["no_contact"])
        rec = self.web_record(s)
        v = {"name": self.name_variant(p, labels, trad=0.03, honorific=0.07, pinyin=0.14)}
        if p.placeholder or r.random() < 0.01:
            v["phone"] = fmt_mobile(V.PLACEHOLDER_MOBILE, r)
            labels.append("placeholder_phone")
        elif r.random() < 0.85:
            kind, num = self.pick_phone(p)
            v["phone"] = fmt_mobile(num, r) if kind == "mobile" else fmt_tel(num, r)
        if p.email and r.random() < 0.75:
            v["email"] = messy_email(p.email, r, labels)
        real_phone = "phone" in v and "placeholder_phone" not in labels
        if not (real_phone or "email" in v):  # keep every real person's row identifiable
            v["phone"] = fmt_mobile(p.mobile, r) if p.mobile else fmt_tel(p.tel, r)
        elif r.random() < 0.04:
            v["name"] = r.choice(("", "  "))
            labels.append("blank_name")
        x = r.random()
        if x < 0.7:
            v["company"] = (p.company.name if x < 0.55 else p.company.english if x < 0.62
                            else p.company.short)
        if r.random() < 0.6:
            v["city"] = r.choice((self.city_text(p.city), p.city[5]))
        if r.random() < 0.4:
            v["title"] = p.title
        if r.random() < 0.5:
            v["message"] = r.choice(V.MESSAGES)
        for key in ("name", "phone", "email", "company", "city", "title", "message"):
            value = v[key] if key in v else r.choice((None, "", "<missing>"))
            if value != "<missing>":
                rec["fields"][key] = value
        record_id, expected, m = rec["submission_id"], "accepted", n % 60
        if m == 53:
            del rec["submission_id"]
            record_id, expected = "", "quarantine:missing_record_id"
            labels.append("missing_record_id")
        line = json.dumps(rec, ensure_ascii=False)
        if m in (17, 37):
            line = line[: len(line) * 3 // 5] if m == 17 else f"[{line}]"
            record_id, expected = "", "quarantine:invalid_json"
            labels.append("truncated_json" if m == 17 else "json_array_line")
        self.emit(s, line, record_id, p, expected, labels)

    def wechat_row(self, p, labels):
        r = self.r
        self._tick("wechat")
        p.wxid = p.wxid or "wm" + "".join(r.choices(ALNUM, k=30))
        free = [i for i in range(len(self.wechat)) if i not in p.wx_staff]
        p.wx_staff.append(r.choice(free or range(len(self.wechat))))
        s, full, x = self.wechat[p.wx_staff[-1]], p.sur + p.giv, r.random()
        nickname = (full + r.choice(V.EMOJI) if x < 0.3 else p.giv_py.title() if x < 0.4
                    else full if x < 0.5 else r.choice(V.NICKNAMES) + r.choice(("",) + V.EMOJI))
        x = r.random()
        if x < 0.55:
            remark = self.name_variant(p, labels, trad=0.03, pinyin=0.03)
        elif x < 0.72:
            boss = "总" if r.random() < 0.7 else ("哥" if p.gender == "M" else "姐")
            remark = f"{p.sur}{boss}-{p.company.short}"  # 张总-华创
            labels.append("remark_company_name")
        else:
            remark = ""
        how_many, numbers = r.choices((0, 1, 2), (20, 65, 15))[0], []
        if how_many or not remark:
            numbers.append(self.pick_phone(p)[1])
        extra = p.mobile2 or p.tel or p.mobile
        if how_many == 2 and extra not in numbers:
            numbers.append(extra)
            labels.append("multi_phone")
        sep = r.choice((",", "，", ";", "、", " "))
        phones = sep.join("+86" + n if n[0] == "1" and r.random() < 0.1 else n for n in numbers)
        x = r.random()
        tags = ",".join(r.sample(V.WECOM_TAGS, r.choice((0, 1, 1, 2, 3))))
        values = [nickname, remark, p.wxid, "未知" if r.random() < 0.1 else "男女"[p.gender == "F"],
                  phones, p.company.name if x < 0.5 else p.company.short if x < 0.7 else "",
                  r.choice(V.WECOM_DESCS), tags,
                  s.staff, fmt_ts(random_ts(r, dt.date(2021, 1, 1), dt.date(2024, 11, 1))),
                  r.choice(V.WECOM_SOURCES)]
        values += [r.choice(("微信用户", "企业微信用户"))] * (s.width - len(values))  # 客户类型
        self.emit(s, values, p.wxid, p, "accepted", labels)

    def sheet_phone(self, p, s, labels):
        r, x = self.r, self.r.random()
        kind, num = self.pick_phone(p)
        if kind == "tel":
            return fmt_tel(num, r) + (f"-{r.randint(800, 899)}" if x < 0.15 else "")
        if x < 0.35 and s.fmt == "xlsx":
            labels.append("numeric_phone_cell")
            return int(num)
        if 0.35 <= x < 0.39:
            labels.append("phone_extension")
            return f"{spaced(num)}转{r.randint(100, 899)}"
        if 0.39 <= x < 0.43 and p.tel:
            labels.append("multi_phone")
            return f"{num}/{fmt_tel(p.tel, r)}"
        if x < 0.92 or not p.email:
            return r.choice((num, spaced(num), spaced(num, "-")))
        return ""  # only the email identifies this row

    def sheet_row(self, p, labels, old_only=False):
        r, n = self.r, self._tick("spreadsheets")
        s = r.choice(self.old_sheets if old_only else self.sheets)
        if s.data_rows == 5:
            s.put([""] * s.width)  # an empty row in the middle: no record, not in the truth
        if n % 45 == 20:  # a company without any contact: quarantine
            c = r.choice(self.companies)
            junk = {"company": c.name, "city": c.city[1], "note": "待补充联系人"}
            self.emit(s, [junk.get(f, "") for f in s.fields], None, None,
                      "quarantine:no_contact_details", ["company_only"])
        company = p.old_company if s.old and p.old_company else p.company
        v = {"name": self.name_variant(p, labels, trad=0.1, honorific=0.07, pinyin=0.04),
             "phone": self.sheet_phone(p, s, labels), "note": r.choice(V.SHEET_NOTES)}
        if p.email and (r.random() < 0.55 or not v["phone"]):
            v["email"] = p.email if r.random() < 0.85 else p.email.title()
        x = r.random()
        v["company"] = company.name if x < 0.8 else company.english if x < 0.85 else ""
        v["title"] = p.title if r.random() < 0.5 else ""
        if r.random() < 0.7:
            v.update(province=self.province_text(p.city), city=self.city_text(p.city),
                     address=p.address)
        self.emit(s, [v.get(f, "") for f in s.fields], None, p, "accepted", labels)

    def legacy_row(self, p, labels):
        r, n = self.r, self._tick("legacy")
        s = r.choice(self.legacy)
        self.cust_seq += 1
        name, addr = p.sur + p.giv, p.address
        if r.random() < 0.12:
            name, addr = name.translate(TRAD), addr.translate(TRAD)
            labels.append("traditional_name")
        id_card = p.id_card if r.random() < 0.6 else ""
        if n % 25 == 7:
            id_card = p.id_card[:17] + r.choice([c for c in "0123456789X" if c != p.id_card[17]])
            labels.append("invalid_id_card")
        created = random_ts(r, dt.date(2012, 1, 1), dt.date(2021, 1, 1))
        updated = created + dt.timedelta(seconds=r.randrange(3 * 365 * 86400))
        status = "D" if r.random() < 0.05 else "A"
        values = [f"C{self.cust_seq:08d}", name,
                  "9" if r.random() < 0.05 else "12"[p.gender == "F"],
                  f"{p.birth:%Y%m%d}" if r.random() < 0.7 else "",
                  p.mobile if r.random() < 0.85 else "",
                  fmt_tel(p.tel, r) if p.tel and r.random() < 0.8 else "",
                  p.email if r.random() < 0.45 else "", self.province_text(p.city),
                  self.city_text(p.city), addr if r.random() < 0.8 else "", id_card,
                  fmt_ts(created), fmt_ts(updated), status]
        values = [v.ljust(w) for v, w in zip(values, LEGACY_WIDTHS, strict=True)]
        expected = "quarantine:deleted_in_source" if status == "D" else "accepted"
        if n % 40 == 23:  # 12 columns, or 15 because the address holds a '|'
            values[-1] = "A"
            values = values[:12] if r.random() < 0.5 else [*values[:9], addr + "|B座", *values[10:]]
            expected = "quarantine:wrong_column_count"
        labels.append(expected.partition(":")[2])
        self.emit(s, "|".join(values), values[0].strip(), p, expected, labels)

    # ---- driver
    def emit_person(self, p):
        r, kinds = self.r, list(p.forced)
        wanted = r.choices(ROW_COUNTS, ROW_COUNT_WEIGHTS)[0]
        kinds += r.choices(KINDS, KIND_WEIGHTS, k=max(0, wanted - len(kinds)))
        several_owners = kinds.count("wechat") > 1
        for kind in kinds:
            labels = list(p.labels)
            if kind == "web_forms":
                self.web_row(p, labels)
            elif kind == "wechat":
                self.wechat_row(p, labels + ["multi_owner"] * several_owners)
            elif kind.startswith("spreadsheets"):
                self.sheet_row(p, labels, old_only=kind.endswith(":old"))
            else:
                self.legacy_row(p, labels)

    def run(self):
        for group in itertools.count():
            if self.n_persons >= self.people:
                break
            for person in self.make_group(group, self.people - self.n_persons):
                self.emit_person(person)


def generate(out_dir: Path, people: int = 300, seed: int = 20241103) -> pd.DataFrame:
    """Write the four source folders under ``out_dir`` and return the ground truth: one row
    per source row written, sorted by source_system, source_file, sheet and source_line."""
    gen = _Generator(Path(out_dir), people, seed)
    try:
        gen.run()
    finally:
        gen.close()
    truth = pd.DataFrame(gen.truth, columns=[*TRUTH_COLUMNS, "sheet"])
    truth["kind_order"] = truth["source_system"].map(KINDS.index)
    truth = truth.sort_values(["kind_order", "source_file", "sheet", "source_line"], kind="stable")
    return truth.drop(columns=["kind_order", "sheet"]).reset_index(drop=True)


def main(argv=None) -> int:
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description="Write synthetic customer source exports.")
    ap.add_argument("--people", type=int, default=300, help="number of true persons")
    ap.add_argument("--seed", type=int, default=20241103)
    ap.add_argument("--out", type=Path, default=here / "sources", help="sources root folder")
    ap.add_argument("--truth", type=Path, default=here / "sample_truth.csv")
    args = ap.parse_args(argv)
    truth = generate(args.out, args.people, args.seed)
    args.truth.parent.mkdir(parents=True, exist_ok=True)
    truth.to_csv(args.truth, index=False, encoding="utf-8", lineterminator="\n")
    print(truth.groupby(["source_system", "expected"]).size().to_string())
    print(f"{len(truth)} source rows for {args.people} persons -> {args.out}; truth {args.truth}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
