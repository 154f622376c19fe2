"""The export files of the synthetic sample: which files exist, and how bytes reach disk.

``open_sources`` lays out the four source folders the way shared/SOURCES.md describes
them (daily JSONL web forms, one WeCom export per sales rep, the exhibition/lead
spreadsheets, two GB18030 legacy CRM dumps) and returns one stream per file or sheet.
Every stream's ``put`` returns the line or row number a person would see when opening
the file, which is what the ground truth records.

Files are written row by row so big runs stay flat in memory. A sheet expected to
outgrow ``XLSX_MAX_ROWS`` is written as CSV instead, because Excel users split such
lists too. Workbooks are saved with fixed timestamps (``XlsxBook.close``) so the same
(people, seed) always gives the same bytes.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import zipfile
from pathlib import Path
from types import SimpleNamespace

import sample_vocab as V
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

KINDS = ("web_forms", "wechat", "spreadsheets", "legacy")  # folders, in truth sort order
XLSX_MAX_ROWS = 20_000  # a sheet expected to get more rows than this is written as CSV
FIXED_TS = dt.datetime(2024, 11, 3, 8, 0, 0)  # xlsx created/modified and zip entry times
LAST_DAY = dt.date(2024, 11, 3)
WECHAT_HEADER = ("客户名称", "备注名", "外部联系人ID", "性别", "备注手机号", "备注企业", "描述",
                 "标签", "添加人", "添加时间", "来源")
LEGACY_HEADER = ("CUST_ID", "CUST_NAME", "GENDER_CD", "BIRTH_DT", "MOBILE_NO", "TEL_NO",
                 "EMAIL_ADDR", "PROV_NM", "CITY_NM", "ADDR", "ID_CARD_NO", "CRT_TS", "UPD_TS",
                 "STATUS_CD")
LEGACY_FILES = ("crm_east_20241101.txt", "crm_south_20241101.csv")
OWN_PREFIXES = {"web_forms": ("forms_",), "wechat": ("wecom_",), "legacy": ("crm_",),
                "spreadsheets": tuple(t[0] for t in V.SHEET_TEMPLATES)}


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


def _folder(out: Path, kind):
    """Create the kind's folder and delete files an earlier run of this script left."""
    folder = out / kind
    folder.mkdir(parents=True, exist_ok=True)
    for old in sorted(folder.iterdir()):
        if old.is_file() and old.name.startswith(OWN_PREFIXES[kind]):
            old.unlink()
    return folder


def _table(kind, folder, stem, fmt, encoding, sheet, header, title, books):
    """A CSV file, or a sheet of the workbook ``stem`` (opened on first use)."""
    if fmt == "csv":
        return TextStream(kind, folder / f"{stem}.csv", "csv", encoding, header, title)
    path = folder / f"{stem}.xlsx"
    if path not in books:
        books[path] = XlsxBook(path)
    return SheetStream(kind, books[path], sheet, header, title)


def open_sources(out: Path, expected_rows: dict[str, float]) -> SimpleNamespace:
    """Open every file of the four kinds under ``out``. ``expected_rows`` (rows each kind
    will get) sizes the run: how many days of web forms, and whether sheets fit in xlsx.

    Streams carry what their rows need: web-form days their clock, WeCom exports their
    staff member, spreadsheet sheets their column fields and whether the list is old."""
    books, web = {}, []  # books: every workbook, by path
    n_days = max(7, math.ceil(expected_rows["web_forms"] / 20_000))
    folder = _folder(out, "web_forms")
    for i in range(n_days):
        day = LAST_DAY - dt.timedelta(days=n_days - 1 - i)
        s = TextStream("web_forms", folder / f"forms_{day:%Y%m%d}.jsonl", "jsonl", "utf-8")
        s.day, s.seq, s.clock = day, 0, 0.0
        s.gap = 16.5 * 3600 / max(1.0, expected_rows["web_forms"] / n_days)
        web.append(s)
    folder, wechat = _folder(out, "wechat"), []
    big = expected_rows["wechat"] / len(V.STAFF) > XLSX_MAX_ROWS
    for i, (staff, tag) in enumerate(V.STAFF):  # one export per sales rep
        header = WECHAT_HEADER + (("客户类型",) if i == 2 else ())
        fmt = "xlsx" if i < 4 and not big else "csv"
        s = _table("wechat", folder, f"wecom_customers_{tag}", fmt, "utf-8-sig",
                   "Sheet1", header, None, books)
        s.staff = staff
        wechat.append(s)
    folder, sheets = _folder(out, "spreadsheets"), []
    n_sheets = sum(len(t[3]) for t in V.SHEET_TEMPLATES)
    big = expected_rows["spreadsheets"] / n_sheets > XLSX_MAX_ROWS
    for stem, fmt, encoding, names, title, old, columns in V.SHEET_TEMPLATES:
        for j, sheet in enumerate(names):
            name = f"{stem}_{j + 1}" if big and fmt == "xlsx" else stem
            s = _table("spreadsheets", folder, name, "csv" if big else fmt, encoding,
                       sheet, [h for _, h in columns], title, books)
            s.old, s.fields = old, [c for c, _ in columns]
            sheets.append(s)
    folder = _folder(out, "legacy")
    legacy = [TextStream("legacy", folder / name, "pipe", "gb18030", LEGACY_HEADER)
              for name in LEGACY_FILES]
    return SimpleNamespace(web=web, wechat=wechat, sheets=sheets, legacy=legacy,
                           books=list(books.values()))


def close_sources(sources: SimpleNamespace):
    """Close the text files, then save the workbooks (in the order they were opened)."""
    for s in sources.web + sources.wechat + sources.sheets + sources.legacy:
        s.close()
    for book in sources.books:
        book.close()
