"""The review ledger in the store: record decisions, read them and the open queue.

A batch of decisions is checked against the store and written in one
transaction: all of them, or — when any is unknown or contradictory — none,
with every problem in the error. Recording also appends a
``decision_recorded`` event to the audit trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa

from matching.decisions import (
    CHOOSE_VALUE,
    Decision,
    DecisionError,
    StoreView,
    check_new_decisions,
    pair,
    resolve_decision,
)
from validators.field_values import normalise_field_value

from .schema import (
    customer_id_alias,
    customer_xref,
    ensure_schema,
    merge_decision,
    merge_event,
    review_item,
)
from .text import escapes_text, from_store_text, to_store_text

_TEXT_KEYS = ("left_record", "right_record")


def now_text() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


def load_ledger(conn: sa.Connection) -> pd.DataFrame:
    """Every decision, oldest first (``merge_decision`` rows)."""
    rows = conn.execute(sa.select(merge_decision).order_by(merge_decision.c.decision_id)).all()
    frame = pd.DataFrame([r._mapping for r in rows], columns=[c.name for c in merge_decision.c])
    return _unescape(frame, conn)


def load_view(conn: sa.Connection, ledger: pd.DataFrame | None = None) -> StoreView:
    """Record → customer and alias → customer as published, and the review items.

    With ``ledger``, only the part of ``customer_xref`` the ledger can expand to
    (its records and the customers it names, aliases followed) is read: a run
    honouring a few decisions need not load every record of the store."""
    aliases = dict(conn.execute(sa.select(customer_id_alias.c.alias_id, customer_id_alias.c.customer_id)).all())
    query = sa.select(customer_xref.c.source_system, customer_xref.c.source_record_id,
                      customer_xref.c.customer_id)
    escaped = escapes_text(conn.dialect.name)
    if ledger is not None:
        named = {str(c) for c in ledger["customer_id"].dropna()}
        customers = named | {aliases[c] for c in named if c in aliases}
        records = {str(r) for column in _TEXT_KEYS for r in ledger[column].dropna()}
        keys = [to_store_text(r) if escaped else r for r in records]
        key = customer_xref.c.source_system + ":" + customer_xref.c.source_record_id
        query = query.where(sa.or_(customer_xref.c.customer_id.in_(sorted(customers)), key.in_(sorted(keys))))
    xref = conn.execute(query).all()
    unescape = from_store_text if escaped else (lambda v: v)
    membership = {f"{unescape(s)}:{unescape(r)}": c for s, r, c in xref}
    items = _unescape(pd.DataFrame([r._mapping for r in conn.execute(sa.select(review_item)).all()],
                                   columns=[c.name for c in review_item.c]), conn)
    return StoreView(membership=membership, aliases=aliases,
                     items={row["item_id"]: row for row in items.to_dict("records")})


def open_items(items: pd.DataFrame, ledger: pd.DataFrame) -> pd.DataFrame:
    """Review items no decision has settled since they were published."""
    if items.empty or ledger.empty:
        return items
    decided_items = set(ledger["item_id"].dropna())
    decided_pairs = {pair(a, b) for a, b in zip(ledger["left_record"], ledger["right_record"])
                     if isinstance(a, str) and isinstance(b, str)}
    chosen = ledger[ledger["decision"] == CHOOSE_VALUE]
    decided_fields = set(zip(chosen["customer_id"], chosen["field"]))
    keep = [
        not (row.item_id in decided_items
             or (row.kind == "pair" and pair(row.left_record, row.right_record) in decided_pairs)
             or (row.kind != "pair" and (row.left_customer_id, row.field) in decided_fields))
        for row in items.itertuples(index=False)
    ]
    return items[keep].reset_index(drop=True)


def read_open_items(engine: sa.Engine) -> pd.DataFrame:
    """The review queue as ops see it now: last published items minus decided ones."""
    ensure_schema(engine)
    with engine.connect() as conn:
        items = _unescape(pd.DataFrame([r._mapping for r in conn.execute(
            sa.select(review_item).order_by(review_item.c.kind.desc(), review_item.c.score.desc(),
                                            review_item.c.item_id)).all()],
            columns=[c.name for c in review_item.c]), conn)
        return open_items(items, load_ledger(conn))


def record_decisions(
    engine: sa.Engine, decisions: Sequence[Decision], channel: str, run_id: str | None = None
) -> list[int]:
    """Check and append ``decisions`` in one transaction; their new ids. Raises
    ``DecisionError`` (listing every problem) and writes nothing when any is bad."""
    if not decisions:
        raise DecisionError("no decisions given")
    ensure_schema(engine)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # never beside a publish
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(20241103)"))
        view = load_view(conn)
        ledger = load_ledger(conn)
        rows, problems = [], []
        for number, decision in enumerate(decisions, start=1):
            try:
                rows.append(resolve_decision(decision, view, normalise_field_value))
            except DecisionError as error:
                problems.append(f"decision {number}: {error}" if len(decisions) > 1 else str(error))
        if problems:
            raise DecisionError("; ".join(problems) + ". Nothing was recorded.")
        check_new_decisions(rows, ledger, view)
        when = now_text()
        ids = []
        store = to_store_text if escapes_text(conn.dialect.name) else (lambda v: v)
        for row in rows:
            values = {k: (store(v) if isinstance(v, str) and k in _TEXT_KEYS else v) for k, v in row.items()}
            result = conn.execute(merge_decision.insert().values(
                **values, decided_at=when, channel=channel, run_id=run_id))
            decision_id = int(result.inserted_primary_key[0])
            ids.append(decision_id)
            conn.execute(merge_event.insert().values(
                run_id=run_id or f"{channel}:{when}", event_at=when, event_type="decision_recorded",
                customer_id=row["customer_id"], decision_id=decision_id,
                detail=f"{row['decision']} recorded by {row['reviewer']} via {channel}"
                + (f" for item {row['item_id']}" if row["item_id"] else ""),
            ))
    return ids


def _unescape(frame: pd.DataFrame, conn: sa.Connection) -> pd.DataFrame:
    if frame.empty or not escapes_text(conn.dialect.name):
        return frame
    out = frame.copy()
    for column in _TEXT_KEYS:
        if column in out:
            out[column] = out[column].map(lambda v: from_store_text(v) if isinstance(v, str) else v)
    return out
