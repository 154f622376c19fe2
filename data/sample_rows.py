"""What each source's rows look like, and the ground-truth row recorded for each.

``RowWriter`` has one method per source kind; each call writes one row for a true
person in that export's own shape (a JSON submission, a WeCom contact, a spreadsheet
line, a fixed-width legacy CRM record) and, now and then, a broken or junk row the
pipeline must quarantine. Which rows break is keyed to a per-kind row counter, not to
chance, so every run of a given size has its share of each broken-row case.

``emit`` writes the row and records it in ``truth``. That record carries the line or
row number the stream reports, so the truth points at the row in the file as written.
"""
from __future__ import annotations

import datetime as dt
import json
import string
import sys
from pathlib import Path

import sample_vocab as V
from sample_files import KINDS, close_sources, open_sources
from sample_messiness import (
    TRAD,
    city_text,
    fmt_mobile,
    fmt_tel,
    messy_email,
    name_variant,
    pick_phone,
    province_text,
    spaced,
)

ALNUM = string.ascii_letters + string.digits
LEGACY_WIDTHS = (10, 8, 1, 8, 14, 16, 30, 6, 6, 28, 18, 19, 19, 1)  # trailing-space padding
TRUTH_COLUMNS = ("source_system", "source_file", "source_record_id", "person_id", "expected",
                 "scenario", "source_line")


def fmt_ts(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S")


def random_ts(r, start: dt.date, end: dt.date) -> dt.datetime:
    return dt.datetime.combine(start, dt.time(8)) + dt.timedelta(
        days=r.randrange((end - start).days), seconds=r.randrange(12 * 3600))


class RowWriter:
    """Writes source rows into the files ``open_sources`` lays out under ``out``.

    ``r`` is the generator's shared random stream; ``companies`` is the population's
    list of companies, which junk rows name."""

    def __init__(self, out: Path, r, companies, expected_rows: dict[str, float]):
        self.r, self.companies = r, companies
        self.files = open_sources(out, expected_rows)
        self.old_sheets = [s for s in self.files.sheets if s.old]
        self.truth, self.count, self.cust_seq = [], dict.fromkeys(KINDS, 0), 0

    def close(self):
        close_sources(self.files)

    def emit(self, stream, values, record_id, person, expected, labels):
        """Write one row and its truth: (TRUTH_COLUMNS..., sheet)."""
        line = stream.put(values)
        stream.data_rows += 1
        if record_id is None:  # spreadsheets: the id is the row's position
            record_id = f"{stream.file}#{stream.sheet}!{line}"
        self.truth.append((stream.kind, stream.file, record_id, person.pid if person else "",
                           expected, sys.intern(";".join(dict.fromkeys(labels))), line,
                           stream.sheet))

    def _tick(self, kind):
        self.count[kind] += 1
        return self.count[kind]

    # ---- web forms: one JSON object per line, one file per day
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
        s = r.choice(self.files.web)
        if n % 70 == 41:  # a spam-like submission that identifies nobody
            junk = self.web_record(s)
            junk["fields"] = {"name": r.choice((None, "")),
                              "company": r.choice(self.companies).name,
                              "message": r.choice(V.WEB_JUNK_MESSAGES)}
            self.emit(s, json.dumps(junk, ensure_ascii=False), junk["submission_id"], None,
                      "quarantine:no_contact_details", ["no_contact"])
        rec = self.web_record(s)
        v = {"name": name_variant(p, r, labels, trad=0.03, honorific=0.07, pinyin=0.14)}
        if p.placeholder or r.random() < 0.01:
            v["phone"] = fmt_mobile(V.PLACEHOLDER_MOBILE, r)
            labels.append("placeholder_phone")
        elif r.random() < 0.85:
            kind, num = pick_phone(p, r)
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
            v["city"] = r.choice((city_text(p.city, r), p.city[5]))
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

    # ---- WeCom: one customer export per sales rep; a contact may have several owners
    def wechat_row(self, p, labels):
        r = self.r
        self._tick("wechat")
        wechat = self.files.wechat
        p.wxid = p.wxid or "wm" + "".join(r.choices(ALNUM, k=30))
        free = [i for i in range(len(wechat)) if i not in p.wx_staff]
        p.wx_staff.append(r.choice(free or range(len(wechat))))
        s, full, x = wechat[p.wx_staff[-1]], p.sur + p.giv, r.random()
        nickname = (full + r.choice(V.EMOJI) if x < 0.3 else p.giv_py.title() if x < 0.4
                    else full if x < 0.5 else r.choice(V.NICKNAMES) + r.choice(("",) + V.EMOJI))
        x = r.random()
        if x < 0.55:
            remark = name_variant(p, r, labels, trad=0.03, pinyin=0.03)
        elif x < 0.72:
            boss = "总" if r.random() < 0.7 else ("哥" if p.gender == "M" else "姐")
            remark = f"{p.sur}{boss}-{p.company.short}"  # 张总-华创
            labels.append("remark_company_name")
        else:
            remark = ""
        how_many, numbers = r.choices((0, 1, 2), (20, 65, 15))[0], []
        if how_many or not remark:
            numbers.append(pick_phone(p, r)[1])
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

    # ---- spreadsheets: hand-kept lists; the record id is the row's position
    def sheet_phone(self, p, s, labels):
        """A phone cell as people type it: a number in xlsx, an extension, two numbers."""
        r, x = self.r, self.r.random()
        kind, num = pick_phone(p, r)
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
        s = r.choice(self.old_sheets if old_only else self.files.sheets)
        if s.data_rows == 5:
            s.put([""] * s.width)  # an empty row in the middle: no record, not in the truth
        if n % 45 == 20:  # a company without any contact: quarantine
            c = r.choice(self.companies)
            junk = {"company": c.name, "city": c.city[1], "note": "待补充联系人"}
            self.emit(s, [junk.get(f, "") for f in s.fields], None, None,
                      "quarantine:no_contact_details", ["company_only"])
        company = p.old_company if s.old and p.old_company else p.company
        v = {"name": name_variant(p, r, labels, trad=0.1, honorific=0.07, pinyin=0.04),
             "phone": self.sheet_phone(p, s, labels), "note": r.choice(V.SHEET_NOTES)}
        if p.email and (r.random() < 0.55 or not v["phone"]):
            v["email"] = p.email if r.random() < 0.85 else p.email.title()
        x = r.random()
        v["company"] = company.name if x < 0.8 else company.english if x < 0.85 else ""
        v["title"] = p.title if r.random() < 0.5 else ""
        if r.random() < 0.7:
            v.update(province=province_text(p.city, r), city=city_text(p.city, r),
                     address=p.address)
        self.emit(s, [v.get(f, "") for f in s.fields], None, p, "accepted", labels)

    # ---- legacy CRM: pipe-delimited, space-padded GB18030 dumps
    def legacy_row(self, p, labels):
        r, n = self.r, self._tick("legacy")
        s = r.choice(self.files.legacy)
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
                  p.email if r.random() < 0.45 else "", province_text(p.city, r),
                  city_text(p.city, r), addr if r.random() < 0.8 else "", id_card,
                  fmt_ts(created), fmt_ts(updated), status]
        values = [v.ljust(w) for v, w in zip(values, LEGACY_WIDTHS, strict=True)]
        expected = "quarantine:deleted_in_source" if status == "D" else "accepted"
        if n % 40 == 23:  # 12 columns, or 15 because the address holds a '|'
            values[-1] = "A"
            values = values[:12] if r.random() < 0.5 else [*values[:9], addr + "|B座", *values[10:]]
            expected = "quarantine:wrong_column_count"
        labels.append(expected.partition(":")[2])
        self.emit(s, "|".join(values), values[0].strip(), p, expected, labels)
