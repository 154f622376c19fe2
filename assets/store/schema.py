"""The CRM store's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

Column names and meanings follow SOURCES.md; ``golden_customer`` also carries
the survivorship result of every other canonical field and its provenance.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

golden_customer = sa.Table(
    "golden_customer",
    metadata,
    sa.Column("customer_id", sa.String(32), primary_key=True),
    sa.Column("name", sa.Text),
    sa.Column("name_pinyin", sa.Text),
    sa.Column("phone", sa.String(32), comment="E.164"),
    sa.Column("phone_extension", sa.String(16)),
    sa.Column("landline", sa.String(32), comment="E.164"),
    sa.Column("email", sa.Text),
    sa.Column("company", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("province", sa.Text),
    sa.Column("city", sa.Text),
    sa.Column("address", sa.Text),
    sa.Column("gender", sa.String(1), comment="M / F, null when unknown"),
    sa.Column("birth_date", sa.String(10), comment="YYYY-MM-DD"),
    sa.Column("id_card_no", sa.String(18)),
    sa.Column("wecom_id", sa.Text),
    sa.Column("source_count", sa.Integer, nullable=False),
    sa.Column("source_systems", sa.Text, nullable=False),
    sa.Column("provenance", sa.Text, nullable=False, comment="JSON: field → winning record and rule"),
    sa.Column("updated_at", sa.String(32), comment="latest change seen in any source (ISO 8601)"),
)

customer_xref = sa.Table(
    "customer_xref",
    metadata,
    sa.Column("source_system", sa.String(32), primary_key=True),
    sa.Column("source_record_id", sa.Text, primary_key=True),
    sa.Column(
        "customer_id", sa.String(32), sa.ForeignKey("golden_customer.customer_id"), nullable=False,
        index=True,
    ),
    sa.Column("match_score", sa.Float, nullable=False, comment="0–1, strongest accepted link"),
    sa.Column("matched_at", sa.String(32), nullable=False, comment="when linked to this customer"),
)

quarantine = sa.Table(
    "quarantine",
    metadata,
    sa.Column("quarantine_id", sa.String(64), primary_key=True),
    sa.Column("source_system", sa.String(32), nullable=False),
    sa.Column("source_file", sa.Text, nullable=False),
    sa.Column("source_record_id", sa.Text),
    sa.Column("source_row", sa.Text),
    sa.Column("reason", sa.String(64), nullable=False, index=True),
    sa.Column("reason_detail", sa.Text, nullable=False),
    sa.Column("raw", sa.Text),
    sa.Column("quarantined_at", sa.String(32), nullable=False),
)

customer_merge = sa.Table(
    "customer_merge",
    metadata,
    sa.Column("old_customer_id", sa.String(32), primary_key=True),
    sa.Column("customer_id", sa.String(32), nullable=False),
    sa.Column("merged_at", sa.String(32), nullable=False),
    comment="ids that stopped existing because their customer merged into another",
)

quality_metric = sa.Table(
    "quality_metric",
    metadata,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("source_system", sa.String(32), primary_key=True, comment="a source kind, or ALL"),
    sa.Column("metric", sa.String(96), primary_key=True),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("measured_at", sa.String(32), nullable=False),
    comment="quality scorecard history: one row per run × source × metric (append-only)",
)

#: Key columns of each table the publisher diffs.
KEYS: dict[str, tuple[str, ...]] = {
    "golden_customer": ("customer_id",),
    "customer_xref": ("source_system", "source_record_id"),
    "quarantine": ("quarantine_id",),
}

#: Columns that record *when* something happened; they keep their old value
#: when nothing else in the row changed, so a re-run changes nothing.
TIMESTAMP_COLUMNS: dict[str, str] = {
    "customer_xref": "matched_at",
    "quarantine": "quarantined_at",
}


def ensure_schema(engine: sa.Engine) -> None:
    """Create missing tables (an empty database becomes a usable store)."""
    metadata.create_all(engine)
