"""The CRM export: what changed since the last export, as JSON Lines and as CSV.

Reads the ``crm_changes`` feed and the current customer tables, writes
``customers.jsonl`` (one change a line: upserts carry the whole customer with
its 360° view; merges name the surviving id; retirements just the id) and
``customers.csv`` (UTF-8 with BOM so Excel opens it; one row per change with
the main fields flattened; cells neutralised against formula injection), then
logs the export so the next one starts after it.
"""

import csv
import io
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from validators.text import neutralise_formula

from .store.schema import crm_changes, crm_export_log, ensure_schema, metadata
from .timestamps import now_iso

CSV_COLUMNS = [
    "change_type", "customer_id", "merged_into", "name", "phone", "landline", "email", "company",
    "title", "province", "city", "address", "gender", "birth_date", "phones", "emails",
    "primary_owner", "owners", "tags", "marketing_consent", "grade", "source_count", "updated_at",
]


@dataclass(frozen=True)
class ExportResult:
    folder: Path | None
    changes: int
    upserts: int
    merges: int
    retirements: int
    from_change_id: int
    to_change_id: int


def export_changes(engine: sa.Engine, out_dir: Path, since: str | None = None) -> ExportResult:
    """Write the changes after the last export (or ``since`` a run id or an ISO
    time) to a new folder under ``out_dir``; nothing is written when there are none."""
    ensure_schema(engine)
    with engine.begin() as conn:
        start = _start_after(conn, since)
        changes = pd.read_sql(
            sa.select(crm_changes).where(crm_changes.c.change_id > start).order_by(crm_changes.c.change_id),
            conn,
        )
        if changes.empty:
            return ExportResult(None, 0, 0, 0, 0, start, start)
        # One line per customer: its latest change in the window.
        latest = changes.drop_duplicates("customer_id", keep="last").sort_values("change_id")
        upserts = latest[latest["change_type"] == "upsert"]
        if len(upserts) > _SCAN_ABOVE:  # every customer, or most: each line made as its customer is read
            customers: dict[str, dict] = {}
            written = _lines_by_scan(conn, {c.customer_id: c for c in upserts.itertuples(index=False)})
        else:
            customers, written = _customers(conn, upserts["customer_id"].tolist()), {}
        stamp = now_iso()
        folder = out_dir / f"crm_export_{stamp.replace(':', '').replace('-', '')[:15]}_{int(latest['change_id'].max())}"
        folder.mkdir(parents=True, exist_ok=True)
        # Written line by line: an export of every customer need not sit in memory twice.
        with (folder / "customers.jsonl").open("w", encoding="utf-8", newline="\n") as jsonl, \
                (folder / "customers.csv").open("w", encoding="utf-8-sig", newline="") as table:
            csv_text = _CsvText()
            table.write(csv_text(CSV_COLUMNS))
            for change in latest.itertuples(index=False):
                done = written.pop(change.customer_id, None) if change.change_type == "upsert" else None
                if done is None:
                    line = _line(change, customers)
                    done = (_json_line(line), csv_text(_csv_row(line)))
                jsonl.write(done[0] + "\n")
                table.write(done[1])
        end = int(changes["change_id"].max())
        counts = latest["change_type"].value_counts()
        conn.execute(crm_export_log.insert().values(
            exported_at=stamp, from_change_id=start, to_change_id=end, changes=len(latest),
            folder=str(folder)))
    return ExportResult(folder, len(latest), int(counts.get("upsert", 0)), int(counts.get("merge", 0)),
                        int(counts.get("retire", 0)), start, end)


def _start_after(conn: sa.Connection, since: str | None) -> int:
    """The change id to export after: the last export's end, or just before the
    first change of a run (``since`` = run id) or at/after a time (ISO 8601; a
    time without offset is the machine's local time)."""
    if since is None:
        last = conn.execute(sa.select(sa.func.max(crm_export_log.c.to_change_id))).scalar()
        return int(last or 0)
    first_of_run = conn.execute(
        sa.select(sa.func.min(crm_changes.c.change_id)).where(crm_changes.c.run_id == since)).scalar()
    if first_of_run is not None:
        return int(first_of_run) - 1
    try:
        moment = pd.Timestamp(since)
    except ValueError as exc:
        raise ValueError(f"--since {since!r} is neither a run id in crm_changes nor a time") from exc
    if moment.tzinfo is None:
        moment = moment.tz_localize(datetime.now().astimezone().tzinfo)
    feed = pd.read_sql(sa.select(crm_changes.c.change_id, crm_changes.c.changed_at), conn)
    times = pd.to_datetime(feed["changed_at"], utc=True, format="ISO8601")
    after = feed.loc[times >= moment, "change_id"]
    return int(after.min()) - 1 if len(after) else int(feed["change_id"].max() if len(feed) else 0)


#: Above this many customers an export reads each table once, in key order, instead of
#: looking customers up 500 at a time (a first export, or a full reload, is every customer).
_SCAN_ABOVE = 20_000
_FACETS = (("customer_contact_point", "contact_points"), ("customer_owner", "owners"),
           ("customer_tag", "tags"), ("customer_consent", "consent"),
           ("customer_grade", "grade"), ("customer_channel", "channels"))


def _customers(conn: sa.Connection, ids: list[str]) -> dict[str, dict]:
    """Current golden record + 360° facets of the given customers (looked up 500 at a time)."""
    found: dict[str, dict] = {}
    golden = metadata.tables["golden_customer"]
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for row in conn.execute(sa.select(golden).where(golden.c.customer_id.in_(chunk))):
            record = dict(row._mapping)
            found[record["customer_id"]] = record
        for table, key in _FACETS:
            t = metadata.tables[table]
            for row in conn.execute(sa.select(t).where(t.c.customer_id.in_(chunk))):
                item = {k: v for k, v in row._mapping.items() if k != "customer_id"}
                bucket = found.setdefault(row.customer_id, {})
                if key in ("consent", "grade"):
                    bucket[key] = item
                else:
                    bucket.setdefault(key, []).append(item)
    return found


def _lines_by_scan(conn: sa.Connection, changes: dict) -> dict[str, tuple[str, str]]:
    """The JSON line and CSV row of each customer in ``changes`` (customer id →
    its upsert change), reading every customer table once, all in key order, side
    by side: one customer is assembled at a time and kept only as its two lines
    of text (a million customers as nested dicts were gigabytes). Same content as
    ``_customers`` gives: each facet's rows in primary-key order."""
    out: dict[str, tuple[str, str]] = {}
    csv_text = _CsvText()
    for customer_id, customer in _customer_stream(conn):
        change = changes.get(customer_id)
        if change is not None:
            line = _line(change, {customer_id: customer})
            out[customer_id] = (_json_line(line), csv_text(_csv_row(line)))
    return out


class _CsvText:
    """A CSV row as the text ``csv.writer`` writes for it (quoting, ``\\r\\n``):
    a finished row is one string, not a list of 23 (0.6 GB less at a million
    customers), and the file gets exactly the bytes a writer would give it."""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer)

    def __call__(self, row: list[str]) -> str:
        self._buffer.seek(0)
        self._buffer.truncate(0)
        self._writer.writerow(row)
        return self._buffer.getvalue()


def _customer_stream(conn: sa.Connection) -> Iterator[tuple[str, dict]]:
    """(customer id, golden record + facets) for every golden customer, in the
    store's key order. Every facet table's key starts with ``customer_id`` and
    references ``golden_customer``, so each is read in the same order as the
    golden records and each customer's facet rows come next in its cursor."""
    golden = metadata.tables["golden_customer"]
    names = [c.name for c in golden.columns]
    at = names.index("customer_id")
    facets = []
    for table, key in _FACETS:
        t = metadata.tables[table]
        columns = [c.name for c in t.columns]
        rest = [n for n in columns if n != "customer_id"]
        facets.append((key, key in ("consent", "grade"), columns.index("customer_id"), rest,
                       itemgetter(*(i for i, n in enumerate(columns) if n != "customer_id")),
                       _Peek(_scan(conn, t))))
    for row in _scan(conn, golden):
        customer_id = row[at]
        record = dict(zip(names, row))
        for key, single, where, rest, pick, rows in facets:
            while rows.head is not None and rows.head[where] == customer_id:
                item = dict(zip(rest, pick(rows.head)))
                if single:
                    record[key] = item
                else:
                    record.setdefault(key, []).append(item)
                rows.advance()
        yield customer_id, record
    for key, *_, rows in facets:
        if rows.head is not None:  # a facet row without its golden customer: not a valid store
            raise RuntimeError(f"the store's {key} rows name a customer without a golden record")


class _Peek:
    """An iterator with its next item visible (``head``, None at the end)."""

    def __init__(self, rows: Iterator[tuple]) -> None:
        self._rows = rows
        self.head: tuple | None = next(rows, None)

    def advance(self) -> None:
        self.head = next(self._rows, None)


def _scan(conn: sa.Connection, table: sa.Table) -> Iterator[tuple]:
    """Every row of ``table`` in primary-key order, as plain tuples from the driver's
    cursor (in this transaction). Why not a SQLAlchemy result: building its Row
    objects cost as much as the rest of an export. Booleans come back as
    ``bool`` (SQLite stores 0/1), as SQLAlchemy would give them."""
    quote = conn.dialect.identifier_preparer.quote
    columns = ", ".join(quote(c.name) for c in table.columns)
    order = ", ".join(quote(c.name) for c in table.primary_key.columns)
    flags = [i for i, c in enumerate(table.columns) if isinstance(c.type, sa.Boolean)]
    cursor = conn.connection.cursor()
    try:
        cursor.execute(f"SELECT {columns} FROM {quote(table.name)} ORDER BY {order}")
        while batch := cursor.fetchmany(10_000):
            for row in batch:
                if flags:
                    row = list(row)
                    for i in flags:
                        row[i] = None if row[i] is None else bool(row[i])
                    row = tuple(row)
                yield row
    finally:
        cursor.close()


#: Stands in for a customer's provenance while its line is encoded (see ``_json_line``).
_PROVENANCE = f"provenance-{uuid.uuid4().hex}"


def _json_line(line: dict) -> str:
    """The line as JSON, with the customer's provenance written as the JSON text the
    store holds: decoding it only to encode it again was a fifth of an export.
    The publisher wrote that text with ``json.dumps`` (so the bytes are the same
    as a decode and re-encode give), after the golden_customers schema check held
    it to be a JSON object; text that does not even look like one is written as
    a JSON string rather than spliced in."""
    customer = line.get("customer")
    raw = customer.get("provenance") if customer else None
    if not isinstance(raw, str) or not (raw.startswith("{") and raw.endswith("}")):
        return json.dumps(line, ensure_ascii=False, default=str)
    line = {**line, "customer": {**customer, "provenance": _PROVENANCE}}
    return json.dumps(line, ensure_ascii=False, default=str).replace(f'"{_PROVENANCE}"', raw, 1)


def _line(change, customers: dict[str, dict]) -> dict:
    line = {"change_type": change.change_type, "customer_id": change.customer_id,
            "change_id": int(change.change_id), "run_id": change.run_id, "changed_at": change.changed_at}
    if change.change_type == "merge":
        line["merged_into"] = change.merged_into
    if change.change_type == "upsert":
        line["customer"] = customers.get(change.customer_id, {})
    return line


def _csv_row(line: dict) -> list[str]:
    """One export line as a CSV row of ``CSV_COLUMNS`` (formulas neutralised for Excel)."""
    customer = line.get("customer", {})
    points = customer.get("contact_points", [])
    owners = customer.get("owners", [])
    flat = {
        **{c: customer.get(c) for c in CSV_COLUMNS},
        "change_type": line["change_type"], "customer_id": line["customer_id"],
        "merged_into": line.get("merged_into"),
        "phones": ";".join(p["value"] for p in points if p["kind"] in ("mobile", "landline", "phone")),
        "emails": ";".join(p["value"] for p in points if p["kind"] == "email"),
        "primary_owner": next((o["owner"] for o in owners if o["is_primary"]), None),
        "owners": ";".join(o["owner"] for o in owners),
        "tags": ";".join(t["tag"] for t in customer.get("tags", [])),
        "marketing_consent": (customer.get("consent") or {}).get("marketing_consent"),
        "grade": (customer.get("grade") or {}).get("grade"),
    }
    return [neutralise_formula("" if flat[c] is None else str(flat[c])) for c in CSV_COLUMNS]
