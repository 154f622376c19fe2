"""Schema migrations of the CRM store (Alembic, configured in code; no alembic.ini).

The migrations live in ``assets/store/migrations/versions/``. ``ensure_schema``
(schema.py) calls ``ensure_at_head`` before the store is written: an empty
database is migrated to head, a database at head is left alone (checked once
per URL per process), and a store that ``metadata.create_all`` made before
there were migrations (its tables, no ``alembic_version``) is stamped at 0001
when its tables match that revision, then upgraded like any other.

On PostgreSQL an upgrade holds an advisory lock and runs in one transaction,
so two processes starting on an empty database do not both create tables.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: pg_advisory_xact_lock key of a schema upgrade (publish uses another one).
UPGRADE_LOCK_KEY = 20241122
#: The revision a ``create_all``-made store is stamped at.
BASELINE = "0001"

#: The tables and columns of revision 0001, frozen here (schema.py will move on):
#: what a store made by ``metadata.create_all`` before migrations must hold.
REVISION_0001_COLUMNS: dict[str, frozenset[str]] = {
    "golden_customer": frozenset({"customer_id", "name", "name_pinyin", "phone", "phone_extension", "landline", "email", "company", "title", "province", "city", "address", "gender", "birth_date", "id_card_no", "wecom_id", "source_count", "source_systems", "provenance", "updated_at"}),
    "customer_xref": frozenset({"source_system", "source_record_id", "customer_id", "match_score", "matched_at"}),
    "quarantine": frozenset({"quarantine_id", "source_system", "source_file", "source_record_id", "source_row", "reason", "reason_detail", "raw", "quarantined_at"}),
    "customer_merge": frozenset({"old_customer_id", "customer_id", "merged_at"}),
    "customer_contact_point": frozenset({"customer_id", "kind", "value", "extension", "is_primary", "source_systems", "source_records", "first_seen", "last_seen"}),
    "customer_channel": frozenset({"customer_id", "source_system", "channel", "detail", "first_seen", "last_seen", "record_count"}),
    "customer_owner": frozenset({"customer_id", "owner", "first_added_at", "last_added_at", "rows", "is_primary", "primary_rule"}),
    "customer_tag": frozenset({"customer_id", "tag", "origins", "record_count"}),
    "customer_consent": frozenset({"customer_id", "marketing_consent", "stated_at", "source_system", "source_record_id", "statements"}),
    "customer_grade": frozenset({"customer_id", "grade", "score", "completeness", "recency", "touchpoints", "last_seen", "rule"}),
    "quality_metric": frozenset({"run_id", "source_system", "metric", "value", "measured_at"}),
    "crm_changes": frozenset({"change_id", "run_id", "changed_at", "customer_id", "change_type", "merged_into"}),
    "crm_export_log": frozenset({"export_id", "exported_at", "from_change_id", "to_change_id", "changes", "folder"}),
}


class StoreSchemaError(RuntimeError):
    """The store's tables are not ones a migration can start from."""


def alembic_config(url: str | sa.URL | None = None) -> Config:
    """Alembic's configuration for the store at ``url`` (``None``: offline use, e.g. history)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("version_locations", str(MIGRATIONS_DIR / "versions"))
    if url is not None:
        rendered = sa.make_url(url).render_as_string(hide_password=False)
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


@lru_cache(maxsize=1)
def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revisions() -> tuple[str, ...]:
    return tuple(sorted(script_directory().get_heads()))


def current_revisions(engine: sa.Engine) -> tuple[str, ...]:
    """The revisions the store is at (``()`` for a store that has none)."""
    with engine.connect() as conn:
        return tuple(sorted(MigrationContext.configure(conn).get_current_heads()))


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Migrate the store to ``revision``, stamping a ``create_all``-made store first."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK_KEY})
        adopt_create_all_store(conn)
        config = alembic_config(engine.url)
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def adopt_create_all_store(conn: sa.Connection) -> bool:
    """Stamp at 0001 a store whose tables ``create_all`` made (no ``alembic_version``).

    True when stamped. Raises ``StoreSchemaError`` when some store tables exist
    but do not match revision 0001 (Alembic would fail on them half-way)."""
    context = MigrationContext.configure(conn)
    if context.get_current_heads():
        return False
    inspector = sa.inspect(conn)
    present = set(inspector.get_table_names()) & set(REVISION_0001_COLUMNS)
    if not present:
        return False
    problems = []
    for table, columns in REVISION_0001_COLUMNS.items():
        if table not in present:
            problems.append(f"table {table} is missing")
            continue
        have = {c["name"] for c in inspector.get_columns(table)}
        if columns - have:
            problems.append(f"{table} lacks {', '.join(sorted(columns - have))}")
        if have - columns:
            problems.append(f"{table} has unknown columns {', '.join(sorted(have - columns))}")
    if problems:
        raise StoreSchemaError(
            "the store has tables but no alembic_version, and they do not match "
            f"revision {BASELINE}: " + "; ".join(problems)
            + ". Bring them in line by hand, then run `customer-master db upgrade`.")
    context.stamp(script_directory(), BASELINE)
    return True


_checked: set[tuple] = set()
_checked_lock = threading.Lock()


def _cache_key(url: sa.URL) -> tuple | None:
    """Where the store is, for the at-head cache; None when it must not be cached."""
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            return None
        try:  # a file deleted and made again is a new store
            stat = os.stat(database)
        except OSError:
            return None
        return (url.render_as_string(hide_password=False), stat.st_dev, stat.st_ino)
    return (url.render_as_string(hide_password=False),)


def ensure_at_head(engine: sa.Engine) -> None:
    """Upgrade the store to head unless it is there (known from this process or checked)."""
    key = _cache_key(engine.url)
    if key is not None and key in _checked:
        return
    with _checked_lock:
        if current_revisions(engine) != head_revisions():
            upgrade(engine)
        key = _cache_key(engine.url)
        if key is not None:
            _checked.add(key)


def forget_checked() -> None:
    """Drop the at-head cache (for a store changed behind this process's back)."""
    with _checked_lock:
        _checked.clear()
