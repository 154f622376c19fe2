"""A full export's customers, read from the store in key order and spooled as text.

A first export (or a full reload) is every customer: reading each customer table
once, side by side in key order, and keeping each customer only as its finished
JSON line and CSV row is what makes it affordable at a million customers. The
lines go to a spool file with an index (customer id → where its bytes are), not
to a dict of strings: the export then writes them in change order straight from
the file, and never holds the whole export in memory.

Two processes can share the work (``spool_customers(..., beside=True)``): the
customers are split at a key into two ranges, each read and encoded by one
process into its own spool. Both read the same store state: on SQLite the
export's transaction holds the write lock (``BEGIN IMMEDIATE``) while the other
process reads without a transaction of its own, so nothing can change in
between. PostgreSQL would need the exporting transaction's snapshot imported
(``SET TRANSACTION SNAPSHOT``), so there one process does it all.
"""

from __future__ import annotations

import mmap
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa

from validators.background import Background

from .store.schema import metadata

T = TypeVar("T")

#: The 360° facet tables of an export line: (table, key in the line).
FACETS = (("customer_contact_point", "contact_points"), ("customer_owner", "owners"),
          ("customer_tag", "tags"), ("customer_consent", "consent"),
          ("customer_grade", "grade"), ("customer_channel", "channels"))

#: Bytes buffered per file written. Python's default is the file system's block
#: size (4 KB here), which is about one ``write`` system call per exported line:
#: 1.15 million calls for a million-customer export (counted with ``strace -c``).
WRITE_BUFFER = 1 << 20

#: A customer id range: rows with lower <= customer_id < upper (None: unbounded).
Range = tuple[str | None, str | None]
#: customer id → (offset, bytes of the JSON line, bytes of the CSV row) in a spool.
Index = dict[str, tuple[int, int, int]]
#: (change, customer) → (JSON line, CSV row), both as text.
Encoder = Callable[[object, dict], tuple[str, str]]


@dataclass
class Spools:
    """The spooled lines of a full export, one file per process that wrote them."""

    files: list[tuple[Path, Index]] = field(default_factory=list)
    _stack: ExitStack = field(default_factory=ExitStack)
    _maps: list[tuple[Index, mmap.mmap]] | None = None

    def lines(self, customer_id: str) -> tuple[bytes, bytes] | None:
        """The customer's JSON line and CSV row (UTF-8), or None if not spooled."""
        if self._maps is None:  # a file with an empty index is empty: nothing to map
            self._maps = [(index, self._stack.enter_context(mmap.mmap(
                self._stack.enter_context(path.open("rb")).fileno(), 0, access=mmap.ACCESS_READ)))
                for path, index in self.files if index]
        for index, data in self._maps:
            where = index.get(customer_id)
            if where is not None:
                offset, json_bytes, csv_bytes = where
                return data[offset:offset + json_bytes], data[offset + json_bytes:offset + json_bytes + csv_bytes]
        return None

    def close(self) -> None:
        self._stack.close()
        self._maps = None
        for path, _ in self.files:
            path.unlink(missing_ok=True)


def spool_customers(conn: sa.Connection, engine: sa.Engine, changes: dict, folder: Path,
                    encode: Encoder, beside: bool) -> Spools:
    """Every customer of ``changes`` (customer id → its upsert change) encoded
    into spool files under ``folder``; with ``beside`` (and SQLite), the upper
    half of the ids by a second, forked process at the same time."""
    spools = Spools()
    split = _split_key(changes) if beside and conn.dialect.name == "sqlite" else None
    if split is None:
        spools.files.append(_spool(conn.connection, conn.dialect, changes,
                                   folder / ".spool-0", (None, None), encode))
        return spools

    def upper_half() -> tuple[Path, Index]:
        return _own_connection(engine, lambda raw: _spool(raw, engine.dialect, changes, folder / ".spool-1",
                                                          (split, None), encode))

    with Background(upper_half, enabled=True) as other:
        spools.files.append(_spool(conn.connection, conn.dialect, changes,
                                   folder / ".spool-0", (None, split), encode))
        spools.files.append(other.result())
    return spools


def in_key_order(changes: list) -> bool:
    """Whether ``changes`` (in change order) are upserts of ever larger customer
    ids: a first or full export, whose feed the publisher wrote in id order. Its
    lines can then go to the files as the customers are read (``stream_export``)."""
    ids = [c.customer_id for c in changes]
    return (all(c.change_type == "upsert" for c in changes)
            and all(isinstance(i, str) for i in ids) and all(a < b for a, b in zip(ids, ids[1:])))


def stream_export(conn: sa.Connection, engine: sa.Engine, changes: list, paths: tuple[Path, Path],
                  header: bytes, encode: Encoder, beside: bool) -> None:
    """The JSON Lines and CSV files (``paths``) of ``changes``, which are
    ``in_key_order``, written as the customers are read in key order: no spool
    and no second pass over it. SQLite only (its key order is Python's string
    order; PostgreSQL's follows the database's collation). With ``beside``, a
    forked process writes the upper half of the ids to files of its own, which
    are appended here after this process has written the lower half."""
    half = len(changes) // 2 if beside and len(changes) > 1 else len(changes)
    lower, upper = changes[:half], changes[half:]  # in key order already: the median splits
    split = upper[0].customer_id if upper else None
    parts = tuple(path.with_name(f".{path.name}.upper") for path in paths)

    def write_upper(raw) -> tuple[Path, Path]:
        with ExitStack() as stack:
            outs = [stack.enter_context(p.open("wb", buffering=WRITE_BUFFER)) for p in parts]
            _stream(raw, engine.dialect, upper, (split, None), outs, encode)
        return parts

    try:
        with Background(lambda: _own_connection(engine, write_upper), enabled=split is not None) as other, \
                ExitStack() as stack:
            outs = [stack.enter_context(p.open("wb", buffering=WRITE_BUFFER)) for p in paths]
            outs[1].write(header)
            _stream(conn.connection, conn.dialect, lower, (None, split), outs, encode)
            if split is not None:
                for out, part in zip(outs, other.result(), strict=True):
                    with part.open("rb") as source:
                        shutil.copyfileobj(source, out, WRITE_BUFFER)
    finally:
        for part in parts:
            part.unlink(missing_ok=True)


def _stream(dbapi, dialect: sa.Dialect, changes: list, bounds: Range, outs: list, encode: Encoder) -> None:
    """Each change's JSON line and CSV row to ``outs``, its customer found by
    walking the customers of ``bounds`` in key order beside the changes (a
    change whose customer is not in the store gets an empty one, as a spooled
    export gives it)."""
    json_out, csv_out = outs
    customers = customer_stream(dbapi, dialect, bounds)
    current = next(customers, None)
    for change in changes:
        while current is not None and current[0] < change.customer_id:
            current = next(customers, None)
        found = current is not None and current[0] == change.customer_id
        json_line, csv_row = encode(change, current[1] if found else {})
        json_out.write(json_line.encode("utf-8") + b"\n")
        csv_out.write(csv_row.encode("utf-8"))
    for _ in customers:  # read to the end: the stream checks the facet tables as it goes
        pass


def _own_connection(engine: sa.Engine, work: Callable[[object], T]) -> T:
    """``work(raw driver connection)`` in a forked child, on a connection of its
    own: a child must not use the parent's pooled connections."""
    engine.dispose(close=False)
    raw = engine.raw_connection()
    try:
        return work(raw)
    finally:
        raw.close()


def _split_key(changes: dict) -> str | None:
    """The median customer id: each process gets about half of the customers."""
    ids = sorted(changes)
    return ids[len(ids) // 2] if len(ids) > 1 else None


def _spool(dbapi, dialect: sa.Dialect, changes: dict, path: Path, bounds: Range,
           encode: Encoder) -> tuple[Path, Index]:
    index: Index = {}
    offset = 0
    with path.open("wb", buffering=WRITE_BUFFER) as out:
        for customer_id, customer in customer_stream(dbapi, dialect, bounds):
            change = changes.get(customer_id)
            if change is None:
                continue
            json_line, csv_row = encode(change, customer)
            json_bytes, csv_bytes = json_line.encode("utf-8"), csv_row.encode("utf-8")
            out.write(json_bytes)
            out.write(csv_bytes)
            index[customer_id] = (offset, len(json_bytes), len(csv_bytes))
            offset += len(json_bytes) + len(csv_bytes)
    return path, index


def customer_stream(dbapi, dialect: sa.Dialect, bounds: Range = (None, None)) -> Iterator[tuple[str, dict]]:
    """(customer id, golden record + facets) for every golden customer in
    ``bounds``, in the store's key order. Every facet table's key starts with
    ``customer_id`` and references ``golden_customer``, so each is read in the
    same order as the golden records and each customer's facet rows come next
    in its cursor. ``dbapi``: the driver's connection."""
    golden = metadata.tables["golden_customer"]
    names = [c.name for c in golden.columns]
    at = names.index("customer_id")
    facets = []
    for table, key in FACETS:
        t = metadata.tables[table]
        columns = [c.name for c in t.columns]
        rest = [n for n in columns if n != "customer_id"]
        facets.append((key, key in ("consent", "grade"), columns.index("customer_id"), rest,
                       itemgetter(*(i for i, n in enumerate(columns) if n != "customer_id")),
                       _Peek(_scan(dbapi, dialect, t, bounds))))
    for row in _scan(dbapi, dialect, golden, bounds):
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


def _scan(dbapi, dialect: sa.Dialect, table: sa.Table, bounds: Range) -> Iterator[tuple]:
    """Every row of ``table`` in ``bounds``, in primary-key order, as plain tuples
    from the driver's cursor. Why not a SQLAlchemy result: building its Row
    objects cost as much as the rest of an export. Booleans come back as
    ``bool`` (SQLite stores 0/1), as SQLAlchemy would give them."""
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    columns = ", ".join(quote(c.name) for c in table.columns)
    order = ", ".join(quote(c.name) for c in table.primary_key.columns)
    lower, upper = bounds
    where = [f"{quote('customer_id')} >= {mark}" if lower is not None else "",
             f"{quote('customer_id')} < {mark}" if upper is not None else ""]
    condition = " AND ".join(w for w in where if w)
    params = tuple(b for b in bounds if b is not None)
    flags = [i for i, c in enumerate(table.columns) if isinstance(c.type, sa.Boolean)]
    cursor = dbapi.cursor()
    try:
        cursor.execute(f"SELECT {columns} FROM {quote(table.name)}"
                       + (f" WHERE {condition}" if condition else "") + f" ORDER BY {order}", params)
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
