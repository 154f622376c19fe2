"""Publishing: make the store hold exactly this run's result, in one transaction.

The new state is diffed against the store: new rows are inserted, changed rows
updated, vanished rows deleted, and unchanged rows not touched at all (their
``matched_at`` / ``quarantined_at`` stay), so a re-run on the same input
changes nothing. Any error rolls the whole publish back.

On PostgreSQL every text value is written in the NUL-free, reversible form of
``text.to_store_text`` (PostgreSQL text cannot hold NUL); on SQLite as it is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter

import pandas as pd
import sqlalchemy as sa

from .bulk import executemany, key_match, marker
from .changes import record_changes
from .schema import KEYS, TIMESTAMP_COLUMNS, customer_id_alias, ensure_schema, merge_event, metadata
from .text import escapes_text, to_store_text


@dataclass
class TableChanges:
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0


@dataclass
class PublishReport:
    tables: dict[str, TableChanges] = field(default_factory=dict)
    merged_ids: int = 0
    metric_rows: int = 0
    xref_rows: int = 0
    quarantine_rows: int = 0
    changes_logged: int = 0
    events_logged: int = 0

    @property
    def changed(self) -> bool:
        return any(t.inserted or t.updated or t.deleted for t in self.tables.values())


def quarantine_ids(frame: pd.DataFrame) -> pd.Series:
    """A stable key per quarantine row: where it came from and why."""
    parts = frame[["source_system", "source_file", "source_row", "source_record_id", "reason"]]
    rows = parts.astype(object).where(parts.notna(), "").itertuples(index=False)
    digests = [hashlib.sha256("\x1f".join(map(str, row)).encode()).hexdigest()[:32] for row in rows]
    return pd.Series(digests, index=frame.index, dtype="str")


def publish(
    engine: sa.Engine,
    golden: pd.DataFrame,
    xref: pd.DataFrame,
    quarantine: pd.DataFrame,
    merged: pd.DataFrame,
    now: str,
    metrics: pd.DataFrame | None = None,
    profiles: dict[str, pd.DataFrame] | None = None,
    run_id: str = "",
    review_items: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    applied_decisions: list[int] | None = None,
) -> PublishReport:
    """Replace the store's content with this run's, touching only what changed.

    ``metrics`` (the run's quality scorecard) is history, not state: its rows
    are added for the run in the same transaction, so a blocked or failed
    publish records no scorecard either. So are ``events`` (identity changes
    for the audit trail, ``merge_event``) and the first application of each
    reviewer decision in ``applied_decisions``; ``review_items`` is the open
    review queue, state like the customers."""
    ensure_schema(engine)
    report = PublishReport()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # one publisher at a time
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(20241103)"))
        xref = xref.assign(matched_at=now)
        quarantine = quarantine.assign(quarantine_id=quarantine_ids(quarantine), quarantined_at=now)
        # Order matters for the foreign key: customers first in, last out. Each
        # table is planned just before it is written and its written rows are
        # dropped at once (``_Plan.written``): holding every table's rows until
        # the end took ~0.6 GB more at a million customers (crm_store's peak in
        # a 1M run 4175 -> 3576 MB).
        golden_plan = _write(conn, "golden_customer", golden)
        children = {"customer_xref": xref, **(profiles or {})}
        child_plans = {name: _write(conn, name, frame) for name, frame in children.items()}
        for name, plan in child_plans.items():
            _apply_deletes(conn, name, plan)
        _apply_deletes(conn, "golden_customer", golden_plan)
        quarantine_plan = _write(conn, "quarantine", quarantine)
        _apply_deletes(conn, "quarantine", quarantine_plan)
        plans = {"golden_customer": golden_plan, **child_plans, "quarantine": quarantine_plan}
        if review_items is not None:
            plans["review_item"] = _write(conn, "review_item", review_items.assign(first_seen=now))
            _apply_deletes(conn, "review_item", plans["review_item"])
        for name, plan in plans.items():
            report.tables[name] = plan.changes
        report.merged_ids = _record_aliases(conn, merged, now, run_id)
        report.events_logged = _record_events(conn, events, applied_decisions or [], now, run_id)
        report.changes_logged = record_changes(conn, golden_plan, child_plans, merged, run_id, now)
        if metrics is not None and not metrics.empty:
            report.metric_rows = _record_metrics(conn, metrics)
        # Nothing lost, checked before commit (inside the lock, so another run's
        # publish cannot interleave): the store holds exactly this run's records.
        report.xref_rows = _count(conn, "customer_xref")
        report.quarantine_rows = _count(conn, "quarantine")
        if (report.xref_rows, report.quarantine_rows) != (len(xref), len(quarantine)):
            raise PublishMismatch(
                f"after writing, the store has {report.xref_rows} cross-reference and "
                f"{report.quarantine_rows} quarantine rows where this run has {len(xref)} and "
                f"{len(quarantine)}; the publish is rolled back"
            )
    return report


class PublishMismatch(RuntimeError):
    """The written store does not account for the run's records: roll back."""


def _count(conn: sa.Connection, name: str) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(metadata.tables[name])).scalar_one()


@dataclass
class _Plan:
    """What to write to one table: rows as tuples in ``columns`` order (deletes:
    in ``keys`` order), so they go to the driver's ``executemany`` as they are."""

    columns: list[str]
    keys: list[str]
    inserts: list[tuple]
    updates: list[tuple]
    deletes: list[tuple]
    changes: TableChanges
    #: After ``written``: the customer ids of the inserted and updated rows.
    written_ids: list | None = None

    def upserted_customer_ids(self) -> list:
        """The ``customer_id`` of the inserted and updated rows (none for a table
        without one)."""
        if self.written_ids is not None:
            return self.written_ids
        if "customer_id" not in self.columns:
            return []
        at = itemgetter(self.columns.index("customer_id"))
        return [*map(at, self.inserts), *map(at, self.updates)]

    def deleted_customer_ids(self) -> list:
        """The ``customer_id`` of the deleted rows, where the table's key carries
        one (an xref delete carries only its own key)."""
        if "customer_id" not in self.keys:
            return []
        return list(map(itemgetter(self.keys.index("customer_id")), self.deletes))

    def written(self) -> None:
        """Drop the inserted and updated rows (the database has them now), keeping
        what the change feed needs of them."""
        self.written_ids = self.upserted_customer_ids()
        self.inserts, self.updates = [], []


def _write(conn: sa.Connection, name: str, new: pd.DataFrame) -> _Plan:
    """Plan one table, insert and update its rows, then drop them (``_Plan.written``);
    its deletes wait for the caller (the foreign key's order)."""
    plan = _plan(conn, name, new)
    _apply_upserts(conn, name, plan)
    plan.written()
    return plan


def _plan(conn: sa.Connection, name: str, new: pd.DataFrame) -> _Plan:
    table = metadata.tables[name]
    columns = [c.name for c in table.columns]
    keys = list(KEYS[name])
    stamp = TIMESTAMP_COLUMNS.get(name)
    old = pd.read_sql_table(name, conn) if sa.inspect(conn).has_table(name) else pd.DataFrame()
    old = old.reindex(columns=columns)
    new = new.reindex(columns=columns)
    escape = escapes_text(conn.dialect.name)
    if old.empty:  # a first publish: every row is new, nothing to compare
        return _Plan(columns, keys, _store_rows(new, table, escape), [], [], TableChanges(inserted=len(new)))
    # The new rows as the store holds them; the old ones already are.
    new = _clean(new, table, escape_text=escape)
    old = _clean(old, table)
    merged = new.merge(old, on=keys, how="outer", suffixes=("", "_old"), indicator=True)
    compared = [c for c in columns if c not in keys and c != stamp]
    inserts = merged[merged["_merge"] == "left_only"]
    deletes = merged[merged["_merge"] == "right_only"]
    both = merged[merged["_merge"] == "both"]
    differs = pd.Series(False, index=both.index)
    for column in compared:
        differs |= ~_same(both[column], both[f"{column}_old"])
    if name == "customer_xref":  # re-linked records get a new matched_at; a new score alone does not
        relinked = ~_same(both["customer_id"], both["customer_id_old"])
        both = both.assign(matched_at=both["matched_at"].where(relinked, both["matched_at_old"]))
    elif stamp:
        both = both.assign(**{stamp: both[f"{stamp}_old"]})
    updates = both[differs]
    return _Plan(
        columns, keys,
        inserts=_rows(inserts, columns),
        updates=_rows(updates, columns),
        deletes=_rows(deletes, keys),
        changes=TableChanges(
            inserted=len(inserts), updated=len(updates), deleted=len(deletes),
            unchanged=len(both) - len(updates),
        ),
    )


def _apply_upserts(conn: sa.Connection, name: str, plan: _Plan) -> None:
    quote = conn.dialect.identifier_preparer.quote
    mark = marker(conn)
    if plan.inserts:
        executemany(conn, f"INSERT INTO {quote(name)} ({', '.join(map(quote, plan.columns))}) "
                           f"VALUES ({', '.join([mark] * len(plan.columns))})", plan.inserts)
    if plan.updates:
        rest = [c for c in plan.columns if c not in plan.keys]
        at = [plan.columns.index(c) for c in rest + plan.keys]
        executemany(conn, f"UPDATE {quote(name)} SET {', '.join(f'{quote(c)} = {mark}' for c in rest)} "
                           f"WHERE {key_match(conn, plan.keys)}",
                     [tuple(row[i] for i in at) for row in plan.updates])


def _apply_deletes(conn: sa.Connection, name: str, plan: _Plan) -> None:
    if plan.deletes:
        quote = conn.dialect.identifier_preparer.quote
        executemany(conn, f"DELETE FROM {quote(name)} WHERE {key_match(conn, plan.keys)}", plan.deletes)


def _record_aliases(conn: sa.Connection, merged: pd.DataFrame, now: str, run_id: str) -> int:
    """Each merged-away id becomes an alias of the id it merged into; aliases that
    pointed at a merged-away id now point at its successor (no chains to follow)."""
    if merged.empty:
        return 0
    stored = to_store_text if escapes_text(conn.dialect.name) else str
    into = {stored(o): stored(c) for o, c in zip(merged["old_customer_id"], merged["customer_id"])}
    for old, new in into.items():
        conn.execute(customer_id_alias.update().where(customer_id_alias.c.customer_id == old)
                     .values(customer_id=new))
    known = {r[0] for r in conn.execute(sa.select(customer_id_alias.c.alias_id))}
    rows = [{"alias_id": o, "customer_id": c, "created_at": now, "run_id": run_id or None}
            for o, c in into.items() if o not in known]
    if rows:
        conn.execute(customer_id_alias.insert(), rows)
    return len(rows)


def _record_events(conn: sa.Connection, events: pd.DataFrame | None, applied: list[int],
                   now: str, run_id: str) -> int:
    """Append identity events, and a ``decision_applied`` event for each decision
    this run honours for the first time."""
    rows = []
    if events is not None and not events.empty:
        rows += [{"run_id": run_id, "event_at": now, "event_type": e.event_type,
                  "customer_id": e.customer_id, "other_customer_id": e.other_customer_id,
                  "decision_id": None, "detail": e.detail} for e in events.itertuples(index=False)]
    if applied:
        done = {r[0] for r in conn.execute(
            sa.select(merge_event.c.decision_id).where(merge_event.c.event_type == "decision_applied"))}
        rows += [{"run_id": run_id, "event_at": now, "event_type": "decision_applied",
                  "customer_id": None, "other_customer_id": None, "decision_id": d,
                  "detail": f"decision #{d} honoured from this run on"}
                 for d in sorted(set(applied)) if d not in done]
    if rows:
        conn.execute(merge_event.insert(), rows)
    return len(rows)


def _record_metrics(conn: sa.Connection, metrics: pd.DataFrame) -> int:
    """The run's scorecard rows; re-executing a run replaces its own rows."""
    table = metadata.tables["quality_metric"]
    conn.execute(table.delete().where(table.c.run_id.in_(sorted(set(metrics["run_id"])))))
    rows = _records(metrics, [c.name for c in table.columns])
    conn.execute(table.insert(), rows)  # a few dozen rows: SQLAlchemy's insert is fine
    return len(rows)


def _store_value(column: sa.Column, escape_text: bool) -> Callable[[object], object] | None:
    """How a present Python value of ``column`` becomes what the store holds (None:
    as it is); missing values are None before this is applied."""
    if escape_text and isinstance(column.type, sa.String):  # Text is a String too
        return lambda v: to_store_text(v) if isinstance(v, str) else v
    if isinstance(column.type, sa.Integer):
        return lambda v: None if v is None else int(v)
    if isinstance(column.type, sa.Float):
        return lambda v: None if v is None else round(float(v), 6)
    if isinstance(column.type, sa.Boolean):
        return lambda v: None if v is None else bool(v)
    return None


def _clean(frame: pd.DataFrame, table: sa.Table, escape_text: bool = False) -> pd.DataFrame:
    """Python values the database and the comparison agree on (None for missing);
    with ``escape_text``, text in the form PostgreSQL can hold (``text.to_store_text``)."""
    out = frame.astype(object).where(frame.notna(), None)
    for column in table.columns:
        convert = _store_value(column, escape_text)
        if convert is not None:
            out[column.name] = out[column.name].map(convert)
    return out


def _store_rows(frame: pd.DataFrame, table: sa.Table, escape_text: bool = False) -> list[tuple]:
    """``_rows(_clean(frame, table, escape_text), columns)`` — the same tuples — built
    column by column: one conversion of each column to Python values instead of
    the frame converted, masked and converted again (9 s of a first publish of a
    million customers, py-spy)."""
    columns = []
    for column in table.columns:
        values = frame[column.name].to_numpy(dtype=object, na_value=None).tolist()
        convert = _store_value(column, escape_text)
        columns.append(values if convert is None else [convert(v) for v in values])
    return list(zip(*columns))


def _same(a: pd.Series, b: pd.Series) -> pd.Series:
    both_missing = a.isna() & b.isna()
    return both_missing | (a == b).fillna(False).astype(bool)


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    """Rows as tuples of Python values in ``columns`` order (None for missing)."""
    subset = frame[columns].astype(object)
    subset = subset.where(subset.notna(), None)
    return list(zip(*(subset[column].tolist() for column in columns)))


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Rows as dicts of Python values (None for missing). Built from columns: what
    ``to_dict("records")`` gives, at a third of its cost on a million rows."""
    subset = frame[columns].astype(object)
    subset = subset.where(subset.notna(), None)
    values = [subset[column].tolist() for column in columns]
    return [dict(zip(columns, row)) for row in zip(*values)]
