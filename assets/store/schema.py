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

customer_id_alias = sa.Table(
    "customer_id_alias",
    metadata,
    sa.Column("alias_id", sa.String(32), primary_key=True, comment="an id that no longer names a customer"),
    sa.Column("customer_id", sa.String(32), nullable=False, index=True,
              comment="the customer it resolves to now (chains are kept resolved)"),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("run_id", sa.String(64), comment="the run that merged it away"),
    comment="ids that stopped existing because their customer merged into another; they still resolve",
)

merge_decision = sa.Table(
    "merge_decision",
    metadata,
    sa.Column("decision_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("decided_at", sa.String(32), nullable=False),
    sa.Column("decision", sa.String(16), nullable=False,
              comment="merge / keep_apart / split_off / choose_value"),
    sa.Column("item_id", sa.String(32), comment="the review item decided, when one was named"),
    sa.Column("left_record", sa.Text, comment="SOURCE_SYSTEM:SOURCE_RECORD_ID"),
    sa.Column("right_record", sa.Text, comment="SOURCE_SYSTEM:SOURCE_RECORD_ID"),
    sa.Column("customer_id", sa.String(32), comment="the customer named (aliases resolved when recorded)"),
    sa.Column("field", sa.String(32), comment="choose_value: the golden field"),
    sa.Column("value", sa.Text, comment="choose_value: the value chosen (normalised)"),
    sa.Column("reviewer", sa.String(128), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("channel", sa.String(16), nullable=False, comment="launchpad / sensor / cli"),
    sa.Column("run_id", sa.String(64), comment="the Dagster run that recorded it, if any"),
    comment="the reviewers' ledger (append-only): honoured by every later run; "
    "a reversal is a newer decision",
)

merge_event = sa.Table(
    "merge_event",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(64), nullable=False, index=True),
    sa.Column("event_at", sa.String(32), nullable=False),
    sa.Column("event_type", sa.String(24), nullable=False,
              comment="merge / alias / split / decision_recorded / decision_applied"),
    sa.Column("customer_id", sa.String(32), index=True),
    sa.Column("other_customer_id", sa.String(32)),
    sa.Column("decision_id", sa.Integer),
    sa.Column("detail", sa.Text, nullable=False, comment="what happened, in words (no personal data)"),
    comment="audit trail of identity changes and review decisions (append-only)",
)

review_item = sa.Table(
    "review_item",
    metadata,
    sa.Column("item_id", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False, comment="pair / field_conflict"),
    sa.Column("left_record", sa.Text),
    sa.Column("right_record", sa.Text),
    sa.Column("left_customer_id", sa.String(32)),
    sa.Column("right_customer_id", sa.String(32)),
    sa.Column("field", sa.String(32)),
    sa.Column("score", sa.Float),
    sa.Column("left_masked", sa.Text, nullable=False, comment="the left side, personal data masked"),
    sa.Column("right_masked", sa.Text, nullable=False),
    sa.Column("left_value", sa.Text, comment="field conflict: the left value in full (never shown in the UI)"),
    sa.Column("right_value", sa.Text, comment="field conflict: the right value in full"),
    sa.Column("evidence", sa.Text, nullable=False, comment="JSON: field → match weight, or the values"),
    sa.Column("first_seen", sa.String(32), nullable=False),
    comment="the open review queue as of the last publish (merge_review_queue)",
)

def _customer_fk() -> sa.Column:
    return sa.Column(
        "customer_id", sa.String(32), sa.ForeignKey("golden_customer.customer_id"), primary_key=True
    )


customer_contact_point = sa.Table(
    "customer_contact_point",
    metadata,
    _customer_fk(),
    sa.Column("kind", sa.String(16), primary_key=True, comment="mobile / landline / phone / email / wecom_id"),
    sa.Column("value", sa.String(320), primary_key=True, comment="normalised (E.164, case-folded email)"),
    sa.Column("extension", sa.String(16)),
    sa.Column("is_primary", sa.Boolean, nullable=False, comment="the golden record's value"),
    sa.Column("source_systems", sa.Text, nullable=False),
    sa.Column("source_records", sa.Text, nullable=False, comment="JSON list of source:record ids"),
    sa.Column("first_seen", sa.String(32)),
    sa.Column("last_seen", sa.String(32)),
)

customer_channel = sa.Table(
    "customer_channel",
    metadata,
    _customer_fk(),
    sa.Column("source_system", sa.String(32), primary_key=True),
    sa.Column("channel", sa.String(64), primary_key=True,
              comment="web channel, WeCom 来源, 'list' or 'legacy_crm'"),
    sa.Column("detail", sa.String(255), primary_key=True, comment="form id or list file; '' when none"),
    sa.Column("first_seen", sa.String(32)),
    sa.Column("last_seen", sa.String(32)),
    sa.Column("record_count", sa.Integer, nullable=False),
)

customer_owner = sa.Table(
    "customer_owner",
    metadata,
    _customer_fk(),
    sa.Column("owner", sa.String(128), primary_key=True, comment="WeCom 添加人"),
    sa.Column("first_added_at", sa.String(32)),
    sa.Column("last_added_at", sa.String(32)),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("is_primary", sa.Boolean, nullable=False),
    sa.Column("primary_rule", sa.String(32), nullable=False),
)

customer_tag = sa.Table(
    "customer_tag",
    metadata,
    _customer_fk(),
    sa.Column("tag", sa.String(255), primary_key=True),
    sa.Column("origins", sa.String(64), nullable=False, comment="wecom / form / list"),
    sa.Column("record_count", sa.Integer, nullable=False),
)

customer_consent = sa.Table(
    "customer_consent",
    metadata,
    _customer_fk(),
    sa.Column("marketing_consent", sa.String(8), nullable=False, comment="granted / refused"),
    sa.Column("stated_at", sa.String(32)),
    sa.Column("source_system", sa.String(32), nullable=False),
    sa.Column("source_record_id", sa.Text, nullable=False),
    sa.Column("statements", sa.Integer, nullable=False),
    comment="the latest explicit statement; customers who never stated one have no row",
)

customer_grade = sa.Table(
    "customer_grade",
    metadata,
    _customer_fk(),
    sa.Column("grade", sa.String(1), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("completeness", sa.Float, nullable=False),
    sa.Column("recency", sa.Float, nullable=False, comment="1 / 0.5 / 0 by recency band"),
    sa.Column("touchpoints", sa.Integer, nullable=False),
    sa.Column("last_seen", sa.String(32)),
    sa.Column("rule", sa.Text, nullable=False, comment="JSON of the grading rule used"),
)

customer_link = sa.Table(
    "customer_link",
    metadata,
    sa.Column("customer_id", sa.String(32), sa.ForeignKey("golden_customer.customer_id"),
              nullable=False, index=True),
    sa.Column("left_record", sa.Text, primary_key=True, comment="SOURCE_SYSTEM:SOURCE_RECORD_ID"),
    sa.Column("right_record", sa.Text, primary_key=True),
    sa.Column("link_type", sa.String(16), nullable=False, comment="match / review / decision"),
    sa.Column("score", sa.Float, comment="match weight of the pair (null for a decision)"),
    sa.Column("evidence", sa.Text, nullable=False, comment="JSON: field → match weight, or decision id"),
    comment="why records are one customer: the scored pairs and decisions inside each customer",
)

#: Per-customer detail tables: published like customer_xref (after the golden
#: rows they point at are in, before vanished golden rows are deleted).
PROFILE_TABLES: tuple[str, ...] = (
    "customer_contact_point", "customer_channel", "customer_owner", "customer_tag",
    "customer_consent", "customer_grade", "customer_link",
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

crm_changes = sa.Table(
    "crm_changes",
    metadata,
    sa.Column("change_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(64), nullable=False, index=True),
    sa.Column("changed_at", sa.String(32), nullable=False),
    sa.Column("customer_id", sa.String(32), nullable=False, index=True),
    sa.Column("change_type", sa.String(8), nullable=False, comment="upsert / merge / retire"),
    sa.Column("merged_into", sa.String(32), comment="for a merge: the surviving customer_id"),
    comment="what each publish changed, in order: the feed the CRM (and crm_export) pulls from",
)

crm_export_log = sa.Table(
    "crm_export_log",
    metadata,
    sa.Column("export_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("exported_at", sa.String(32), nullable=False),
    sa.Column("from_change_id", sa.Integer, nullable=False),
    sa.Column("to_change_id", sa.Integer, nullable=False),
    sa.Column("changes", sa.Integer, nullable=False),
    sa.Column("folder", sa.Text, nullable=False),
)

#: Key columns of each table the publisher diffs.
KEYS: dict[str, tuple[str, ...]] = {
    "golden_customer": ("customer_id",),
    "customer_xref": ("source_system", "source_record_id"),
    "quarantine": ("quarantine_id",),
    "customer_contact_point": ("customer_id", "kind", "value"),
    "customer_channel": ("customer_id", "source_system", "channel", "detail"),
    "customer_owner": ("customer_id", "owner"),
    "customer_tag": ("customer_id", "tag"),
    "customer_consent": ("customer_id",),
    "customer_grade": ("customer_id",),
    "customer_link": ("left_record", "right_record"),
    "review_item": ("item_id",),
}

#: Columns that record *when* something happened; they keep their old value
#: when nothing else in the row changed, so a re-run changes nothing.
TIMESTAMP_COLUMNS: dict[str, str] = {
    "customer_xref": "matched_at",
    "quarantine": "quarantined_at",
    "review_item": "first_seen",
}


def ensure_schema(engine: sa.Engine) -> None:
    """Bring the store to the latest migration (an empty database becomes a usable store).

    Runs Alembic ``upgrade head`` (assets/store/migrate.py) unless the store is
    known to be at head already (checked once per URL per process). A store made
    by the old ``metadata.create_all`` is stamped at revision 0001 first."""
    from .migrate import ensure_at_head

    ensure_at_head(engine)
