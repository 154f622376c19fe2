"""What the pipeline reads back from the store: previous links, for stable ids."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from .schema import customer_xref, metadata
from .text import escapes_text, from_store_text


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


def load_customer(engine: sa.Engine, customer_id: str) -> dict[str, pd.DataFrame]:
    """Everything the store holds about one customer, table by table. An id that
    was merged into another resolves to the surviving customer (``merged_into``)."""
    found: dict[str, pd.DataFrame] = {}
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        if inspector.has_table("customer_merge"):
            merge = metadata.tables["customer_merge"]
            row = conn.execute(sa.select(merge).where(merge.c.old_customer_id == customer_id)).first()
            if row is not None:
                found["merged_into"] = pd.DataFrame([row._mapping])
                customer_id = row.customer_id
        for name, table in metadata.tables.items():
            if "customer_id" not in table.c or name == "customer_merge" or not inspector.has_table(name):
                continue
            rows = conn.execute(sa.select(table).where(table.c.customer_id == customer_id)).all()
            found[name] = pd.DataFrame([r._mapping for r in rows], columns=[c.name for c in table.c])
    return found
