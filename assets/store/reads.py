"""What the pipeline reads back from the store: previous links, for stable ids."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from .schema import customer_xref, metadata
from .text import escapes_text, from_store_text, to_store_text


def load_previous_xref(engine: sa.Engine) -> pd.DataFrame:
    """``record_key`` → ``customer_id`` as published by the last run (empty for a new store)."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table(customer_xref.name):
            return pd.DataFrame({"record_key": pd.Series(dtype="str"),
                                 "customer_id": pd.Series(dtype="str")})
        rows = conn.execute(
            sa.select(customer_xref.c.source_system, customer_xref.c.source_record_id,
                      customer_xref.c.customer_id)
        ).all()
        escaped = escapes_text(conn.dialect.name)
    frame = pd.DataFrame(rows, columns=["source_system", "source_record_id", "customer_id"])
    if escaped:  # the record keys as the pipeline builds them, NUL and all
        for column in frame.columns:
            frame[column] = frame[column].map(from_store_text)
    frame["record_key"] = frame["source_system"] + ":" + frame["source_record_id"]
    return frame[["record_key", "customer_id"]]


def load_aliases(engine: sa.Engine) -> list[str]:
    """Every id kept as an alias (never to be given to another customer)."""
    alias = metadata.tables["customer_id_alias"]
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table(alias.name):
            return []
        return [r[0] for r in conn.execute(sa.select(alias.c.alias_id))]


def count_rows(engine: sa.Engine) -> dict[str, int]:
    """Row count of every store table (0 for a table not created yet)."""
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        for name, table in metadata.tables.items():
            counts[name] = (
                conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                if inspector.has_table(name) else 0
            )
    return counts


#: Tables with a customer_id column that are not part of one customer's record.
_NOT_PER_CUSTOMER = frozenset({"customer_id_alias", "merge_decision", "merge_event", "review_item"})


def load_customer(engine: sa.Engine, customer_id: str) -> dict[str, pd.DataFrame]:
    """Everything the store holds about one customer, table by table. An id that
    was merged into another resolves to the surviving customer (``merged_into``)."""
    found: dict[str, pd.DataFrame] = {}
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        if inspector.has_table("customer_id_alias"):
            alias = metadata.tables["customer_id_alias"]
            row = conn.execute(sa.select(alias).where(alias.c.alias_id == customer_id)).first()
            if row is not None:
                found["merged_into"] = pd.DataFrame([row._mapping])
                customer_id = row.customer_id
        for name, table in metadata.tables.items():
            if "customer_id" not in table.c or name in _NOT_PER_CUSTOMER or not inspector.has_table(name):
                continue
            rows = conn.execute(sa.select(table).where(table.c.customer_id == customer_id)).all()
            found[name] = pd.DataFrame([r._mapping for r in rows], columns=[c.name for c in table.c])
        if inspector.has_table("merge_decision"):
            found.update(_audit(conn, customer_id, found.get("customer_xref")))
    return found


def _audit(conn: sa.Connection, customer_id: str, xref: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """The decisions that name this customer or one of its records, and the audit
    events about the customer or those decisions."""
    decision, event = metadata.tables["merge_decision"], metadata.tables["merge_event"]
    records: list[str] = []
    if xref is not None and not xref.empty:
        records = (xref["source_system"] + ":" + xref["source_record_id"]).tolist()
    if escapes_text(conn.dialect.name):
        records = [to_store_text(r) for r in records]
    about = sa.or_(decision.c.customer_id == customer_id, decision.c.left_record.in_(records),
                   decision.c.right_record.in_(records))
    decisions = conn.execute(sa.select(decision).where(about).order_by(decision.c.decision_id)).all()
    ids = [r.decision_id for r in decisions]
    events = conn.execute(sa.select(event).where(sa.or_(
        event.c.customer_id == customer_id, event.c.other_customer_id == customer_id,
        event.c.decision_id.in_(ids))).order_by(event.c.event_id)).all()
    return {
        "merge_decision": pd.DataFrame([r._mapping for r in decisions], columns=[c.name for c in decision.c]),
        "merge_event": pd.DataFrame([r._mapping for r in events], columns=[c.name for c in event.c]),
    }
