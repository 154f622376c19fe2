"""Dagster resources the assets take: where the exports are, and the CRM store.

Configuration is resolved when a run starts, never at import time: an explicit
value in the resource config wins, then the environment variable
(``CUSTOMER_SOURCES_DIR``, ``CUSTOMER_STORE_URL``), then the project default
(the bundled sample data; a SQLite file in the git-ignored ``output/`` folder).
"""

import hashlib
import os
from functools import lru_cache
from pathlib import Path

import dagster as dg
import sqlalchemy as sa
from pydantic import Field

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def output_dir() -> Path:
    """Where runs write (store, Dagster home, reports): ``CUSTOMER_OUTPUT_DIR`` or ``output/``."""
    return Path(os.environ.get("CUSTOMER_OUTPUT_DIR") or PROJECT_ROOT / "output")


def default_store_url() -> str:
    return f"sqlite:///{output_dir() / 'crm_store.sqlite'}"


class SourcesFolder(dg.ConfigurableResource):
    """The sources folder: one sub-folder per source kind (see SOURCES.md)."""

    path: str | None = Field(
        default=None,
        description="Folder with web_forms/, wechat/, spreadsheets/, legacy/. "
        "Default: $CUSTOMER_SOURCES_DIR, else the bundled data/sources.",
    )

    reuse_unchanged_files: bool = Field(
        default=True,
        description="Keep each file's read result by content, so a file unchanged since the last "
        "run is not parsed again (output/cache/ingest).",
    )

    def root(self) -> Path:
        chosen = self.path or os.environ.get("CUSTOMER_SOURCES_DIR") or PROJECT_ROOT / "data" / "sources"
        return Path(chosen).expanduser().resolve()

    def cache_root(self) -> Path:
        """One cache per sources folder, so two folders never share entries."""
        tag = hashlib.sha256(str(self.root()).encode()).hexdigest()[:12]
        return output_dir() / "cache" / "ingest" / tag


class DecisionsFolder(dg.ConfigurableResource):
    """Where ops drop review-decision CSV files for the decisions sensor."""

    path: str | None = Field(
        default=None,
        description="Folder watched for *.csv files of review decisions. "
        "Default: $CUSTOMER_DECISIONS_DIR, else output/decisions.",
    )

    def root(self) -> Path:
        chosen = self.path or os.environ.get("CUSTOMER_DECISIONS_DIR") or output_dir() / "decisions"
        return Path(chosen).expanduser().resolve()


class CrmStore(dg.ConfigurableResource):
    """The CRM store, by SQLAlchemy URL (SQLite by default, PostgreSQL in production)."""

    url: str | None = Field(
        default=None,
        description="SQLAlchemy URL. Default: $CUSTOMER_STORE_URL, else "
        "sqlite:///output/crm_store.sqlite.",
    )

    def resolved_url(self) -> str:
        return self.url or os.environ.get("CUSTOMER_STORE_URL") or default_store_url()

    def engine(self) -> sa.Engine:
        return store_engine(self.resolved_url())

    def display_url(self) -> str:
        """The URL with any password hidden, for logs and metadata."""
        return sa.make_url(self.resolved_url()).render_as_string(hide_password=True)


#: Page size of a SQLite store created by this program.
SQLITE_PAGE_BYTES = 16384


@lru_cache(maxsize=8)
def store_engine(url: str) -> sa.Engine:
    """One engine per URL; a SQLite file's folder is created on first use.

    SQLite: every transaction starts with ``BEGIN IMMEDIATE`` (the write lock),
    waiting up to 60 s for another run's. Python's driver would otherwise open
    the transaction only at the first write, leaving a publish's reads — and a
    schema upgrade — unserialised between two runs started at once.
    PostgreSQL serialises publishes with an advisory lock instead."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(url, future=True)
    if parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, future=True, connect_args={"timeout": 60})

    @sa.event.listens_for(engine, "connect")
    def _driver_autocommit(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's BEGIN below decides
        # A 128 MB page cache instead of SQLite's 2 MB: publishing a million
        # customers inserts into indexes far larger than 2 MB (about 15% faster).
        dbapi_connection.execute("PRAGMA cache_size=-131072")
        # 16 KB pages instead of 4 KB for a store created now (SQLite applies it
        # only to an empty database; an existing store keeps its pages until a
        # VACUUM): a first publish of a million customers 28.7-30.1 -> 23.2-25.2 s
        # (three runs each), 8 KB and 32 KB pages in between.
        dbapi_connection.execute(f"PRAGMA page_size={SQLITE_PAGE_BYTES}")

    @sa.event.listens_for(engine, "begin")
    def _begin_immediate(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class QualitySettings(dg.ConfigurableResource):
    """Data-quality limits (see validators/expectations.py for what each guards).

    Blocking limits stop a batch before the CRM store changes; set them per
    deployment in the Launchpad or in code."""

    max_quarantine_rate: float = Field(
        default=0.25, description="Largest share of a source's records that may be quarantined (warning)."
    )
    min_customers_per_record: float = Field(
        default=0.2, description="Golden customers ÷ accepted records below this blocks publish "
        "(a sudden collapse means a bad merge key)."
    )
    max_customers_per_record: float = Field(default=1.0)
    min_completeness: dict[str, float] = Field(
        default_factory=dict,
        description="Per golden field, the share that must be filled (warning); empty = defaults.",
    )
    report_dir: str | None = Field(
        default=None, description="Where HTML quality reports go. Default: output/reports."
    )

    def thresholds(self):
        from validators.expectations import QualityThresholds

        defaults = QualityThresholds()
        return QualityThresholds(
            min_completeness={**defaults.min_completeness, **self.min_completeness},
            max_quarantine_rate=self.max_quarantine_rate,
            customers_per_record=(self.min_customers_per_record, self.max_customers_per_record),
        )

    def reports(self) -> Path:
        return Path(self.report_dir) if self.report_dir else output_dir() / "reports"
