"""Many rows through the database driver's own ``executemany``.

Why not ``conn.execute(table.insert(), list_of_dicts)``: SQLAlchemy's per-row
parameter processing cost more than the database's own work (half of a publish
at a million records). Rows here are tuples of values the driver takes as they
are (``publish._clean`` made them so), in the connection's transaction.
"""

from __future__ import annotations

import sqlalchemy as sa


def marker(conn: sa.Connection) -> str:
    """The driver's positional parameter marker (sqlite3: ``?``, psycopg: ``%s``)."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def key_match(conn: sa.Connection, keys: list[str]) -> str:
    quote = conn.dialect.identifier_preparer.quote
    return " AND ".join(f"{quote(k)} = {marker(conn)}" for k in keys)


def executemany(conn: sa.Connection, statement: str, rows: list[tuple]) -> None:
    """``rows`` through the driver's ``executemany`` in the connection's transaction.
    Why not ``conn.execute(table.insert(), dicts)``: SQLAlchemy's per-row parameter
    processing cost more than the database's own work (half of a publish at 1M
    records). The values are already what the driver takes (``publish._clean``)."""
    for start in range(0, len(rows), _BATCH):
        conn.exec_driver_sql(statement, rows[start:start + _BATCH])


#: Rows per ``executemany`` call: bounds the driver's copy of the parameters.
_BATCH = 50_000
