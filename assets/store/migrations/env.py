"""Alembic environment of the CRM store.

There is no alembic.ini: ``assets.store.migrate.alembic_config`` builds the
configuration in code (``script_location`` = this folder, ``sqlalchemy.url`` =
the store). A caller that already holds a connection (``ensure_schema``) passes
it as ``config.attributes["connection"]``; the migrations then run inside its
transaction. SQLite gets batch mode (ALTER TABLE by copy-and-move).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from assets.store.schema import metadata

config = context.config


def _options(dialect_name: str) -> dict:
    return {
        "target_metadata": metadata,
        "render_as_batch": dialect_name == "sqlite",
        "compare_type": True,
    }


def run_offline() -> None:
    """``--sql``: print the SQL instead of running it."""
    url = sa.make_url(config.get_main_option("sqlalchemy.url"))
    context.configure(url=url, literal_binds=True, dialect_opts={"paramstyle": "named"},
                      **_options(url.get_backend_name()))
    with context.begin_transaction():
        context.run_migrations()


def _run(connection: sa.Connection) -> None:
    context.configure(connection=connection, **_options(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = sa.create_engine(config.get_main_option("sqlalchemy.url"), poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            _run(conn)
            conn.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
