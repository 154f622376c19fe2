"""Ops review: the decision ledger, the audit trail, the review queue, pair evidence
per customer, and ``customer_merge`` renamed to ``customer_id_alias``.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

The alias table is made anew and filled from ``customer_merge`` (same rows:
``old_customer_id`` → ``alias_id``, ``merged_at`` → ``created_at``), which is the
same statement on SQLite and PostgreSQL; no data is lost.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_id_alias",
        sa.Column("alias_id", sa.String(length=32), nullable=False,
                  comment="an id that no longer names a customer"),
        sa.Column("customer_id", sa.String(length=32), nullable=False,
                  comment="the customer it resolves to now (chains are kept resolved)"),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=True, comment="the run that merged it away"),
        sa.PrimaryKeyConstraint("alias_id"),
        comment="ids that stopped existing because their customer merged into another; they still resolve",
    )
    op.create_index(op.f("ix_customer_id_alias_customer_id"), "customer_id_alias", ["customer_id"],
                    unique=False)
    op.execute(
        "INSERT INTO customer_id_alias (alias_id, customer_id, created_at, run_id) "
        "SELECT old_customer_id, customer_id, merged_at, NULL FROM customer_merge"
    )
    op.drop_table("customer_merge")

    op.create_table(
        "merge_decision",
        sa.Column("decision_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("decided_at", sa.String(length=32), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False,
                  comment="merge / keep_apart / split_off / choose_value"),
        sa.Column("item_id", sa.String(length=32), nullable=True,
                  comment="the review item decided, when one was named"),
        sa.Column("left_record", sa.Text(), nullable=True, comment="SOURCE_SYSTEM:SOURCE_RECORD_ID"),
        sa.Column("right_record", sa.Text(), nullable=True, comment="SOURCE_SYSTEM:SOURCE_RECORD_ID"),
        sa.Column("customer_id", sa.String(length=32), nullable=True,
                  comment="the customer named (aliases resolved when recorded)"),
        sa.Column("field", sa.String(length=32), nullable=True, comment="choose_value: the golden field"),
        sa.Column("value", sa.Text(), nullable=True, comment="choose_value: the value chosen (normalised)"),
        sa.Column("reviewer", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False, comment="launchpad / sensor / cli"),
        sa.Column("run_id", sa.String(length=64), nullable=True,
                  comment="the Dagster run that recorded it, if any"),
        sa.PrimaryKeyConstraint("decision_id"),
        comment="the reviewers' ledger (append-only): honoured by every later run; "
        "a reversal is a newer decision",
    )
    op.create_table(
        "merge_event",
        sa.Column("event_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("event_at", sa.String(length=32), nullable=False),
        sa.Column("event_type", sa.String(length=24), nullable=False,
                  comment="merge / alias / split / decision_recorded / decision_applied"),
        sa.Column("customer_id", sa.String(length=32), nullable=True),
        sa.Column("other_customer_id", sa.String(length=32), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False,
                  comment="what happened, in words (no personal data)"),
        sa.PrimaryKeyConstraint("event_id"),
        comment="audit trail of identity changes and review decisions (append-only)",
    )
    op.create_index(op.f("ix_merge_event_customer_id"), "merge_event", ["customer_id"], unique=False)
    op.create_index(op.f("ix_merge_event_run_id"), "merge_event", ["run_id"], unique=False)
    op.create_table(
        "review_item",
        sa.Column("item_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False, comment="pair / field_conflict"),
        sa.Column("left_record", sa.Text(), nullable=True),
        sa.Column("right_record", sa.Text(), nullable=True),
        sa.Column("left_customer_id", sa.String(length=32), nullable=True),
        sa.Column("right_customer_id", sa.String(length=32), nullable=True),
        sa.Column("field", sa.String(length=32), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("left_masked", sa.Text(), nullable=False,
                  comment="the left side, personal data masked"),
        sa.Column("right_masked", sa.Text(), nullable=False),
        sa.Column("left_value", sa.Text(), nullable=True,
                  comment="field conflict: the left value in full (never shown in the UI)"),
        sa.Column("right_value", sa.Text(), nullable=True, comment="field conflict: the right value in full"),
        sa.Column("evidence", sa.Text(), nullable=False,
                  comment="JSON: field → match weight, or the values"),
        sa.Column("first_seen", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("item_id"),
        comment="the open review queue as of the last publish (merge_review_queue)",
    )
    op.create_table(
        "customer_link",
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("left_record", sa.Text(), nullable=False, comment="SOURCE_SYSTEM:SOURCE_RECORD_ID"),
        sa.Column("right_record", sa.Text(), nullable=False),
        sa.Column("link_type", sa.String(length=16), nullable=False,
                  comment="match / review / decision"),
        sa.Column("score", sa.Float(), nullable=True,
                  comment="match weight of the pair (null for a decision)"),
        sa.Column("evidence", sa.Text(), nullable=False,
                  comment="JSON: field → match weight, or decision id"),
        sa.ForeignKeyConstraint(["customer_id"], ["golden_customer.customer_id"]),
        sa.PrimaryKeyConstraint("left_record", "right_record"),
        comment="why records are one customer: the scored pairs and decisions inside each customer",
    )
    op.create_index(op.f("ix_customer_link_customer_id"), "customer_link", ["customer_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_customer_link_customer_id"), table_name="customer_link")
    op.drop_table("customer_link")
    op.drop_table("review_item")
    op.drop_index(op.f("ix_merge_event_run_id"), table_name="merge_event")
    op.drop_index(op.f("ix_merge_event_customer_id"), table_name="merge_event")
    op.drop_table("merge_event")
    op.drop_table("merge_decision")
    op.create_table(
        "customer_merge",
        sa.Column("old_customer_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("merged_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("old_customer_id"),
        comment="ids that stopped existing because their customer merged into another",
    )
    op.execute(
        "INSERT INTO customer_merge (old_customer_id, customer_id, merged_at) "
        "SELECT alias_id, customer_id, created_at FROM customer_id_alias"
    )
    op.drop_index(op.f("ix_customer_id_alias_customer_id"), table_name="customer_id_alias")
    op.drop_table("customer_id_alias")
