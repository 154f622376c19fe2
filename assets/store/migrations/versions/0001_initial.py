"""The store as ``metadata.create_all`` made it before migrations: all 13 tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-22

Stores made by ``create_all`` (no ``alembic_version`` table) are stamped at this
revision when their tables match it (assets/store/migrate.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crm_changes",
        sa.Column("change_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("changed_at", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column(
            "change_type", sa.String(length=8), nullable=False, comment="upsert / merge / retire"
        ),
        sa.Column(
            "merged_into",
            sa.String(length=32),
            nullable=True,
            comment="for a merge: the surviving customer_id",
        ),
        sa.PrimaryKeyConstraint("change_id"),
        comment="what each publish changed, in order: the feed the CRM (and crm_export) pulls from",
    )
    op.create_index(op.f("ix_crm_changes_customer_id"), "crm_changes", ["customer_id"], unique=False)
    op.create_index(op.f("ix_crm_changes_run_id"), "crm_changes", ["run_id"], unique=False)
    op.create_table(
        "crm_export_log",
        sa.Column("export_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("exported_at", sa.String(length=32), nullable=False),
        sa.Column("from_change_id", sa.Integer(), nullable=False),
        sa.Column("to_change_id", sa.Integer(), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.Column("folder", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("export_id"),
    )
    op.create_table(
        "customer_merge",
        sa.Column("old_customer_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("merged_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("old_customer_id"),
        comment="ids that stopped existing because their customer merged into another",
    )
    op.create_table(
        "golden_customer",
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("name_pinyin", sa.Text(), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True, comment="E.164"),
        sa.Column("phone_extension", sa.String(length=16), nullable=True),
        sa.Column("landline", sa.String(length=32), nullable=True, comment="E.164"),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("company", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("province", sa.Text(), nullable=True),
        sa.Column("city", sa.Text(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("gender", sa.String(length=1), nullable=True, comment="M / F, null when unknown"),
        sa.Column("birth_date", sa.String(length=10), nullable=True, comment="YYYY-MM-DD"),
        sa.Column("id_card_no", sa.String(length=18), nullable=True),
        sa.Column("wecom_id", sa.Text(), nullable=True),
        sa.Column("source_count", sa.Integer(), nullable=False),
        sa.Column("source_systems", sa.Text(), nullable=False),
        sa.Column(
            "provenance", sa.Text(), nullable=False, comment="JSON: field → winning record and rule"
        ),
        sa.Column(
            "updated_at",
            sa.String(length=32),
            nullable=True,
            comment="latest change seen in any source (ISO 8601)",
        ),
        sa.PrimaryKeyConstraint("customer_id"),
    )
    op.create_table(
        "quality_metric",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column(
            "source_system", sa.String(length=32), nullable=False, comment="a source kind, or ALL"
        ),
        sa.Column("metric", sa.String(length=96), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("measured_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "source_system", "metric"),
        comment="quality scorecard history: one row per run × source × metric (append-only)",
    )
    op.create_table(
        "quarantine",
        sa.Column("quarantine_id", sa.String(length=64), nullable=False),
        sa.Column("source_system", sa.String(length=32), nullable=False),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("source_record_id", sa.Text(), nullable=True),
        sa.Column("source_row", sa.Text(), nullable=True),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("reason_detail", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.Column("quarantined_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("quarantine_id"),
    )
    op.create_index(op.f("ix_quarantine_reason"), "quarantine", ["reason"], unique=False)
    op.create_table(
        "customer_channel",
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("source_system", sa.String(length=32), nullable=False),
        sa.Column(
            "channel",
            sa.String(length=64),
            nullable=False,
            comment="web channel, WeCom 来源, 'list' or 'legacy_crm'",
        ),
        sa.Column(
            "detail",
            sa.String(length=255),
            nullable=False,
            comment="form id or list file; '' when none",
        ),
        sa.Column("first_seen", sa.String(length=32), nullable=True),
        sa.Column("last_seen", sa.String(length=32), nullable=True),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["golden_customer.customer_id"]),
        sa.PrimaryKeyConstraint("customer_id", "source_system", "channel", "detail"),
    )
    op.create_table(
        "customer_consent",
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column(
            "marketing_consent", sa.String(length=8), nullable=False, comment="granted / refused"
        ),
        sa.Column("stated_at", sa.String(length=32), nullable=True),
        sa.Column("source_system", sa.String(length=32), nullable=False),
        sa.Column("source_record_id", sa.Text(), nullable=False),
        sa.Column("statements", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["golden_customer.customer_id"]),
        sa.PrimaryKeyConstraint("customer_id"),
        comment="the latest explicit statement; customers who never stated one have no row",
    )
    op.create_table(
        "customer_contact_point",
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column(
            "kind",
            sa.String(length=16),
            nullable=False,
            comment="mobile / landline / phone / email / wecom_id",
        ),
        sa.Column(
            "value",
            sa.String(length=320),
            nullable=False,
            comment="normalised (E.164, case-folded email)",
        ),
        sa.Column("extension", sa.String(length=16), nullable=True),
        sa.Column("is_primary", sa.Boolean(), nullable=False, comment="the golden record's value"),
        sa.Column("source_systems", sa.Text(), nullable=False),
        sa.Column(
            "source_records", sa.Text(), nullable=False, comment="JSON list of source:record ids"
        ),
        sa.Column("first_seen", sa.String(length=32), nullable=True),
        sa.Column("last_seen", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["golden_customer.customer_id"]),
        sa.PrimaryKeyConstraint("customer_id", "kind", "value"),
    )
    op.create_table(
        "customer_grade",
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("grade", sa.String(length=1), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("completeness", sa.Float(), nullable=False),
        sa.Column("recency", sa.Float(), nullable=False, comment="1 / 0.5 / 0 by recency band"),
        sa.Column("touchpoints", sa.Integer(), nullable=False),
        sa.Column("last_seen", sa.String(length=32), nullable=True),
        sa.Column("rule", sa.Text(), nullable=False, comment="JSON of the grading rule used"),
        sa.ForeignKeyConstraint(["customer_id"], ["golden_customer.customer_id"]),
        sa.PrimaryKeyConstraint("customer_id"),
    )
    op.create_table(
        "customer_owner",
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("owner", sa.String(length=128), nullable=False, comment="WeCom 添加人"),
        sa.Column("first_added_at", sa.String(length=32), nullable=True),
        sa.Column("last_added_at", sa.String(length=32), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("primary_rule", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["golden_customer.customer_id"]),
        sa.PrimaryKeyConstraint("customer_id", "owner"),
    )
    op.create_table(
        "customer_tag",
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("tag", sa.String(length=255), nullable=False),
        sa.Column("origins", sa.String(length=64), nullable=False, comment="wecom / form / list"),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["golden_customer.customer_id"]),
        sa.PrimaryKeyConstraint("customer_id", "tag"),
    )
    op.create_table(
        "customer_xref",
        sa.Column("source_system", sa.String(length=32), nullable=False),
        sa.Column("source_record_id", sa.Text(), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column(
            "match_score", sa.Float(), nullable=False, comment="0–1, strongest accepted link"
        ),
        sa.Column(
            "matched_at",
            sa.String(length=32),
            nullable=False,
            comment="when linked to this customer",
        ),
        sa.ForeignKeyConstraint(["customer_id"], ["golden_customer.customer_id"]),
        sa.PrimaryKeyConstraint("source_system", "source_record_id"),
    )
    op.create_index(
        op.f("ix_customer_xref_customer_id"), "customer_xref", ["customer_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_customer_xref_customer_id"), table_name="customer_xref")
    op.drop_table("customer_xref")
    op.drop_table("customer_tag")
    op.drop_table("customer_owner")
    op.drop_table("customer_grade")
    op.drop_table("customer_contact_point")
    op.drop_table("customer_consent")
    op.drop_table("customer_channel")
    op.drop_index(op.f("ix_quarantine_reason"), table_name="quarantine")
    op.drop_table("quarantine")
    op.drop_table("quality_metric")
    op.drop_table("golden_customer")
    op.drop_table("customer_merge")
    op.drop_table("crm_export_log")
    op.drop_index(op.f("ix_crm_changes_run_id"), table_name="crm_changes")
    op.drop_index(op.f("ix_crm_changes_customer_id"), table_name="crm_changes")
    op.drop_table("crm_changes")
