#!/usr/bin/env python3
"""Deterministic synthetic source exports + ground truth for customer-master.

    python data/generate_sample.py --people 300 --seed 20241103 \
        --out data/sources --truth data/sample_truth.csv

Follows /work/shared/SOURCES.md.  Creates N true persons (with hard cases:
namesakes, families sharing a phone, colleagues giving one switchboard number,
people who changed company, placeholder phones, multi-owner WeCom contacts) and
emits each 1-4 times over the four source kinds.  The ground truth has one row
per emitted source row (broken ones included).  Use as a script or load by
path with importlib and call ``generate(out_dir, people, seed)``.
Output depends only on (people, seed): no clock, no hash order.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import io
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
XLSX_MAX_ROWS = 100_000  # a stream expected to be larger is written as CSV instead
FIXED_TS = dt.datetime(2024, 11, 3, 8, 0, 0)  # xlsx created/modified and zip entry times
LAST_DAY = dt.date(2024, 11, 3)
ALNUM = string.ascii_letters + string.digits
TRAD = str.maketrans({p[0]: p[1] for p in V.TRAD_PAIRS.split()})
FULLWIDTH = str.maketrans("0123456789+-()", "０１２３４５６７８９＋－（）")
MALE_CHARS = tuple(c for c in V.GIVEN_CHARS if c[2] in "mn")
FEMALE_CHARS = tuple(c for c in V.GIVEN_CHARS if c[2] in "fn")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
TRUTH_COLUMNS = ("source_system", "source_file", "source_record_id", "person_id", "expected",
                 "scenario", "source_line")
WECHAT_HEADER = ("客户名称", "备注名", "外部联系人ID", "性别", "备注手机号", "备注企业", "描述", "标签",
                 "添加人", "添加时间", "来源")
LEGACY_HEADER = ("CUST_ID", "CUST_NAME", "GENDER_CD", "BIRTH_DT", "MOBILE_NO", "TEL_NO", "EMAIL_ADDR",
                 "PROV_NM", "CITY_NM", "ADDR", "ID_CARD_NO", "CRT_TS", "UPD_TS", "STATUS_CD")
LEGACY_WIDTHS = (10, 8, 1, 8, 14, 16, 30, 6, 6, 28, 18, 19, 19, 1)
LEGACY_FILES = ("crm_east_20241101.txt", "crm_south_20241101.csv")
# (file stem, format, csv encoding, sheets, title row, old list?, ((canonical, header), ...))
SHEET_TEMPLATES = (
    ("expo_2024_shanghai", "xlsx", "utf-8-sig", ("Day1", "Day2"), "2024上海工业博览会 客户登记表",
     False, (("name", "姓名"), ("phone", "手机号码"), ("email", "邮箱"), ("company", "公司名称"),
             ("title", "职务"), ("city", "城市"), ("note", "备注"))),
    ("sales_leads_2024", "xlsx", "utf-8-sig", ("华东", "华南", "其他"), None, False,
     (("name", "Name"), ("phone", "Mobile"), ("email", "ＥＭＡＩＬ"), ("company", "Company"),
      ("title", "Title"), ("province", "Province"), ("city", "City"), ("address", "Address"),
      ("note", "Notes"))),
    ("expo_2023_beijing", "xlsx", "utf-8-sig", ("登记表",), "2023北京国际智能制造展 观众登记", True,
     (("name", "客户姓名"), ("phone", "手机"), ("email", "电子邮箱"), ("company", "公司"),
      ("title", "职务"), ("city", "城市"), ("address", "地址"), ("note", "备注"))),
    ("visitors_2024q3", "csv", "utf-8", ("csv",), None, False,
     (("name", "联系人"), ("phone", "电话"), ("email", "E-mail"), ("company", "单位"),
      ("title", "职位"), ("province", "省份"), ("city", "城市"), ("address", "详细地址"),
      ("note", "Remark"))),
    ("dealer_contacts", "csv", "utf-8-sig", ("csv",), "经销商通讯录（内部资料）", False,
     (("name", "客户姓名"), ("phone", "联系电话"), ("email", "电子邮箱"), ("company", "公司"),
      ("title", "职位"), ("province", "省"), ("city", "市"), ("address", "联系地址"), ("note", "备注"))),
    ("expo_2023_guangzhou", "csv", "gb18030", ("csv",), None, True,
     (("name", "Contact"), ("phone", "ＴＥＬ"), ("email", "email"), ("company", "企业"),
      ("title", "TITLE"), ("province", "省份"), ("city", "城市"), ("address", "地址"), ("note", "备注"))),
)
OWN_PREFIXES = {"web_forms": ("forms_",), "wechat": ("wecom_",), "legacy": ("crm_",),
                "spreadsheets": tuple(t[0] for t in SHEET_TEMPLATES)}
# hard case every CYCLE groups of persons, at these offsets
CYCLE = 40
SCHEDULE = {3: "family", 9: "namesake", 15: "switchboard", 21: "changed_company",
            27: "multi_owner", 33: "placeholder_phone"}


# ---------------------------------------------------------------- output streams
class TextStream:
    """A JSONL, CSV or pipe-delimited file; ``put`` returns the 1-based line number."""

    def __init__(self, kind, path, fmt, encoding, header=None, title=None):
        self.kind, self.file, self.sheet, self.fmt = kind, path.name, "csv", fmt
        self.fh = open(path, "w", encoding=encoding, newline="")
        self.csv = csv.writer(self.fh) if fmt == "csv" else None
        self.line = self.data_rows = 0
        self.width = len(header or ())
        if title:
            self.put([title] + [""] * (self.width - 1))
            self.put([""] * self.width)
        if header:
            self.put(list(header))

    def put(self, values):
        if self.fmt == "csv":
            self.csv.writerow(values)
        else:  # jsonl line or pipe line, already formatted
            self.fh.write(values + "\n")
        self.line += 1
        return self.line

    def close(self):
        self.fh.close()


class SheetStream(TextStream):
    """One sheet of a write-only openpyxl workbook; ``put`` returns the Excel row number."""

    def __init__(self, kind, book, sheet, header, title=None):  # noqa: D107 - no super() on purpose
        self.kind, self.file, self.sheet, self.fmt = kind, book.path.name, sheet, "xlsx"
        self.ws = book.wb.create_sheet(sheet)
        self.line = self.data_rows = 0
        self.width = len(header)
        if title:
            self.put([title])
            self.put([])
        self.put(list(header))

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
        self.wb.properties.created = self.wb.properties.modified = FIXED_TS
        buf = io.BytesIO()
        ExcelWriter(self.wb, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED)).save()  # no now()
        with zipfile.ZipFile(buf) as src, zipfile.ZipFile(self.path, "w") as dst:
            for info in src.infolist():  # rewrite entries with a fixed timestamp
                entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TS.timetuple()[:6])
                entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
                dst.writestr(entry, src.read(info.filename))


# ---------------------------------------------------------------- small helpers
def id_check_digit(body17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS)) % 11]


def fmt_mobile(num, r, fullwidth_ok=True):
    style = r.randrange(9)
    text = (num, f"{num[:3]} {num[3:7]} {num[7:]}", f"{num[:3]}-{num[3:7]}-{num[7:]}",
            f"+86 {num[:3]}-{num[3:7]}-{num[7:]}", f"+86{num}", f"0086 {num}", f"(86){num}",
            f"+86-{num[:3]} {num[3:7]} {num[7:]}", num)[style]
    if fullwidth_ok and r.random() < 0.12:
        text = text.translate(FULLWIDTH)
    return text


def fmt_tel(tel, r):
    area, local = tel.split("-")
    cut = len(local) // 2
    return r.choice((f"{area}-{local}", f"({area}){local[:cut]} {local[cut:]}",
                     f"{area} {local[:cut]} {local[cut:]}", f"{area}-{local}"))


def messy_email(email, r, labels):
    x = r.random()
    if x < 0.10:
        return email.upper()
    if x < 0.18:
        local, domain = email.split("@")
        return f"{local.title()}@{domain.title()}"
    if x < 0.24:
        labels.append("obfuscated_email")
        return email.replace(".", "。")
    if x < 0.30:
        labels.append("obfuscated_email")
        return email.replace("@", "＠")
    return f" {email} " if x < 0.33 else email


def fmt_ts(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S")


def random_ts(r, start: dt.date, end: dt.date) -> dt.datetime:
    days = (end - start).days
    return dt.datetime.combine(start, dt.time(8)) + dt.timedelta(
        days=r.randrange(days), seconds=r.randrange(12 * 3600))


# ---------------------------------------------------------------- the generator
class _Generator:
    def __init__(self, out_dir: Path, people: int, seed: int):
        self.r, self.people, self.out = random.Random(seed), people, Path(out_dir)
        self.pid_width = max(6, len(str(people)))
        self.used = {V.PLACEHOLDER_MOBILE}  # phones, landlines, emails, resident ids
        self.companies, self.truth, self.count = [], [], dict.fromkeys(KINDS, 0)
        self.n_persons = self.cust_seq = 0
        self.sur_cum = list(_cumulative(w for _, _, w in V.SURNAMES))
        self.books, self.streams = [], []
        self._open_streams()

    # ---- files
    def _expected(self, kind, n_streams):
        return self.people * MEAN_ROWS * KIND_WEIGHTS[KINDS.index(kind)] / 100 / n_streams

    def _dir(self, kind):
        folder = self.out / kind
        folder.mkdir(parents=True, exist_ok=True)
        for old in sorted(folder.iterdir()):
            if old.is_file() and old.name.startswith(OWN_PREFIXES[kind]):
                old.unlink()
        return folder

    def _table(self, kind, folder, stem, fmt, enc, sheet, header, title, book_cache):
        if fmt == "xlsx":
            if stem not in book_cache:
                book_cache[stem] = XlsxBook(folder / f"{stem}.xlsx")
                self.books.append(book_cache[stem])
            return SheetStream(kind, book_cache[stem], sheet, header, title)
        return TextStream(kind, folder / f"{stem}.csv", "csv", enc, header, title)

    def _open_streams(self):
        n_days = max(7, math.ceil(self._expected("web_forms", 1) / 20_000))
        folder = self._dir("web_forms")
        self.web = []
        for i in range(n_days):
            day = LAST_DAY - dt.timedelta(days=n_days - 1 - i)
            s = TextStream("web_forms", folder / f"forms_{day:%Y%m%d}.jsonl", "jsonl", "utf-8")
            s.day, s.seq, s.clock = day, 0, 0.0
            s.gap = 16.5 * 3600 / max(1.0, self._expected("web_forms", n_days))
            self.web.append(s)
        folder, books = self._dir("wechat"), {}
        big = self._expected("wechat", len(V.STAFF)) > XLSX_MAX_ROWS
        self.wechat = []
        for i, (staff, tag) in enumerate(V.STAFF):
            fmt = "xlsx" if i < 4 and not big else "csv"
            header = WECHAT_HEADER + (("客户类型",) if i == 2 else ())
            s = self._table("wechat", folder, f"wecom_customers_{tag}", fmt, "utf-8-sig",
                            "Sheet1", header, None, books)
            s.staff = staff
            self.wechat.append(s)
        folder, books = self._dir("spreadsheets"), {}
        n_sheets = sum(len(t[3]) for t in SHEET_TEMPLATES)
        big = self._expected("spreadsheets", n_sheets) > XLSX_MAX_ROWS
        self.sheets = []
        for stem, fmt, enc, sheets, title, old, cols in SHEET_TEMPLATES:
            for j, sheet in enumerate(sheets):
                name = f"{stem}_{j + 1}" if fmt == "xlsx" and big else stem
                s = self._table("spreadsheets", folder, name, "csv" if big else fmt, enc, sheet,
                                [h for _, h in cols], title, books)
                s.old, s.fields = old, [c for c, _ in cols]
                self.sheets.append(s)
        folder = self._dir("legacy")
        self.legacy = [TextStream("legacy", folder / f, "pipe", "gb18030") for f in LEGACY_FILES]
        for s in self.legacy:
            s.put("|".join(LEGACY_HEADER))
        self.streams = self.web + self.wechat + self.sheets + self.legacy

    def close(self):
        for s in self.streams:
            s.close()
        for book in self.books:
            book.close()

    def emit(self, stream, values, record_id, person, expected, labels):
        line = stream.put(values)
        stream.data_rows += 1
        if record_id is None:  # spreadsheets: the id is the row position
            record_id = f"{stream.file}#{stream.sheet}!{line}"
        self.truth.append((stream.kind, stream.file, record_id, person.pid if person else "",
                           expected, ";".join(dict.fromkeys(labels)), line, stream.sheet))

    # ---- persons
    def unique(self, make):
        while True:
            value = make()
            if value not in self.used:
                self.used.add(value)
                return value

    def mobile(self):
        r = self.r
        return self.unique(lambda: r.choice(V.MOBILE_PREFIXES) + f"{r.randrange(10**8):08d}")

    def landline(self, city):
        r, n = self.r, city[3]
        return self.unique(lambda: f"{city[2]}-{r.randrange(2, 9)}{r.randrange(10**(n - 1)):0{n - 1}d}")

    def new_company(self, city):
        r = self.r
        core, core_py = r.choice(V.COMPANY_CORES)
        ind, ind_en, tag = r.choice(V.INDUSTRIES)
        suffix, suffix_en = r.choice(V.LEGAL_SUFFIXES)
        home = city if r.random() < 0.8 else r.choice(V.CITIES)
        tld = r.choice(("com", "cn", "com.cn"))
        company = SimpleNamespace(
            name=f"{home[1]}{core}{ind}{suffix}", short=core, city=home,
            english=f"{home[5]} {core_py.title()} {ind_en} {suffix_en}",
            domain=f"{core_py}{'-' + tag if r.random() < 0.5 else ''}.{tld}",
            switchboard=self.landline(home))
        self.companies.append(company)
        return company

    def company_for(self, city):
        if self.companies and self.r.random() < 0.25:
            return self.r.choice(self.companies)  # a colleague of someone already made
        return self.new_company(city)

    def email(self, sur_py, parts, birth, company):
        r = self.r
        given, initials = "".join(parts), "".join(p[0] for p in parts)
        if r.random() < 0.35:
            local, domain = r.choice((f"{given}.{sur_py}", f"{sur_py}{initials}")), company.domain
        else:
            domain = r.choice(V.FREE_MAIL)
            local = (f"{given}.{sur_py}", f"{sur_py}{initials}{r.randrange(10, 99)}",
                     f"{sur_py}{given}{birth.year % 100:02d}", str(r.randrange(10**7, 3 * 10**9)),
                     f"{sur_py}_{given}{r.randrange(1, 999)}")[r.randrange(5)]
            domain = "qq.com" if local.isdigit() else domain
        return self.unique(lambda: f"{local}{r.randrange(100, 9999) if f'{local}@{domain}' in self.used else ''}@{domain}")

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
        born = city if r.random() < 0.6 else r.choice(V.CITIES)
        area = r.choice(born[4])[1]
        body = self.unique(lambda: f"{area}{birth:%Y%m%d}{r.randrange(500) * 2 + (gender == 'M'):03d}")
        district = r.choice(city[4])[0]
        room = f"{r.randint(1, 30)}幢{r.randint(1, 28)}{r.randint(1, 4):02d}室" if r.random() < 0.6 else ""
        company = self.company_for(city)
        p = SimpleNamespace(
            pid=f"P{self.n_persons:0{self.pid_width}d}", sur=sur, sur_py=sur_py, giv=giv,
            giv_py="".join(parts), parts=parts, gender=gender, birth=birth,
            id_card=body + id_check_digit(body), mobile=self.mobile(),
            mobile2=self.mobile() if r.random() < 0.1 else "",
            tel=self.landline(city) if r.random() < 0.25 else "", prefer_tel=False,
            company=company, old_company=None, title=r.choice(V.TITLES), city=city,
            district=district, address=f"{district}{r.choice(V.ROADS)}{r.randint(1, 999)}号{room}",
            labels=[], forced=[], placeholder=False, wxid="", wx_staff=[])
        p.email = self.email(sur_py, parts, birth, company) if r.random() < 0.75 else ""
        return p

    def make_group(self, g, remaining):
        r, case = self.r, SCHEDULE.get(g % CYCLE)
        if case == "family" and remaining >= 2:
            a = self.new_person()
            gender = r.choice("MF")
            b = self.new_person((a.sur, a.sur_py, *self.given_name(gender)), gender, a.city)
            b.district, b.address, b.mobile2 = a.district, a.address, ""
            if r.random() < 0.5:
                b.mobile = a.mobile  # the child gives the parent's mobile
            else:
                a.tel = b.tel = self.landline(a.city)  # one home landline, b has no mobile
                a.prefer_tel = b.prefer_tel, b.mobile = True, True, ""
            group = [a, b]
        elif case == "namesake" and remaining >= 2:
            sur, sur_py, giv, giv_py, gender = r.choice(V.COMMON_FULL_NAMES)
            cities = r.sample(V.CITIES, min(remaining, r.choice((2, 3, 3))))
            name = (sur, sur_py, giv, tuple(giv_py.split()))
            group = [self.new_person(name, gender, c) for c in cities]
        elif case == "switchboard" and remaining >= 2:
            group = [self.new_person(), self.new_person()]
            company = self.new_company(group[0].city)
            for p in group:
                p.company, p.tel, p.prefer_tel = company, company.switchboard, True
        else:
            group = [self.new_person()]
            p = group[0]
            if case == "changed_company":
                p.old_company = self.new_company(p.city)
                p.forced = ["spreadsheets:old", r.choice(("web_forms", "wechat"))]
            elif case == "multi_owner":
                p.forced = ["wechat", "wechat"]
            elif case == "placeholder_phone":
                p.placeholder, p.forced = True, ["web_forms"]
            case = case if case == "changed_company" else None
        for p in group:
            p.labels += [{"family": "family_shared_phone", "switchboard": "switchboard_phone"}
                         .get(case, case)] if case else []
        return group

    def given_name(self, gender):
        pool = MALE_CHARS if gender == "M" else FEMALE_CHARS
        picked = [self.r.choice(pool) for _ in range(1 if self.r.random() < 0.3 else 2)]
        return "".join(c[0] for c in picked), tuple(c[1] for c in picked)

    # ---- row pieces
    def name_variant(self, p, labels, trad=0.0, honorific=0.0, pinyin=0.0):
        x, full = self.r.random(), p.sur + p.giv
        if x < trad:
            labels.append("traditional_name")
            return full.translate(TRAD)
        if x < trad + honorific:
            labels.append("honorific_name")
            return (p.sur if self.r.random() < 0.6 else full) + ("先生" if p.gender == "M" else "女士")
        if x < trad + honorific + pinyin:
            labels.append("pinyin_name")
            sur, giv = p.sur_py.title(), p.giv_py.title()
            return self.r.choice((f"{sur} {giv}", f"{giv.upper()} {sur.upper()}", f"{giv} {sur}"))
        return full

    def pick_phone(self, p):
        if p.tel and (not p.mobile or (p.prefer_tel and self.r.random() < 0.8)):
            return "tel", p.tel
        return "mobile", p.mobile

    def city_text(self, city):
        return self.r.choice((city[1], city[1] + "市", city[1]))

    def province_text(self, city):
        suffix = "市" if city[0] in V.MUNICIPALITIES else "省"
        return self.r.choice((city[0], city[0] + suffix))

    def absent(self):
        return self.r.choice((None, "", "missing"))
