"""Ops review in the Dagster UI: the review queue, the evidence inside each
customer, and the reviewers' decisions as every run reads them."""

from __future__ import annotations

import dagster as dg
import pandas as pd
import sqlalchemy as sa

from matching.decisions import Constraints, StoreView, constraints_from_ledger
from matching.evidence import customer_links as link_customers
from matching.review import FIELD_CONFLICT, PAIR, build_review_queue

from .resources import CrmStore
from .step import step_body
from .store import ensure_schema
from .store.decisions import load_ledger, load_view

REVIEW_GROUP = "review"
#: Items shown in the asset's metadata table (the store and the CLI hold them all).
SHOWN_ITEMS = 50


def review_constraints(engine: sa.Engine) -> Constraints:
    """The ledger as this run honours it (nothing to read when it is empty)."""
    ensure_schema(engine)
    with engine.connect() as conn:
        ledger = load_ledger(conn)
        view = load_view(conn, ledger) if len(ledger) else StoreView(membership={})
    return constraints_from_ledger(ledger, view)


def queue_markdown(queue: pd.DataFrame, limit: int = SHOWN_ITEMS) -> str:
    """The open items as a markdown table: both sides masked, score and evidence."""
    if queue.empty:
        return "_No items waiting for review._"
    lines = ["| item | kind | left | right | score | evidence |", "|---|---|---|---|---:|---|"]
    for row in queue.head(limit).itertuples(index=False):
        what = row.kind if row.kind == PAIR else f"{row.kind}: {row.field}"
        score = "" if pd.isna(row.score) else f"{row.score:.2f}"
        cells = [row.item_id, what, row.left_masked, row.right_masked, score, row.evidence]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    if len(queue) > limit:
        lines.append(f"\n… and {len(queue) - limit} more: `customer-master review list`")
    return "\n".join(lines)


def _cell(value: object) -> str:
    """Markdown-safe: masking stars must show as stars, not as emphasis."""
    text = str(value).replace("\\", "\\\\")
    for special in ("*", "_", "`", "[", "]", "<", ">"):
        text = text.replace(special, "\\" + special)
    return text.replace("|", "\\|").replace("\n", " ")


@dg.asset(
    group_name=REVIEW_GROUP,
    kinds={"pandas"},
    check_specs=[dg.AssetCheckSpec(
        "review_queue_empty", asset="merge_review_queue",
        description="Passes when no item waits for review; otherwise warns with the count.",
    )],
    description="Doubtful merges (grey-zone pairs kept in different customers) and field "
    "conflicts inside a customer, masked, with score and per-field evidence. Decide them with "
    "the review_decisions job, a decisions CSV, or `customer-master review decide`.",
)
@step_body
def merge_review_queue(
    store: CrmStore,
    standardised_contacts: pd.DataFrame,
    scored_pairs: pd.DataFrame,
    contact_clusters: pd.DataFrame,
):
    constraints = review_constraints(store.engine())
    settled_fields = {c: dict(f) for c, f in constraints.overrides.items()}
    queue = build_review_queue(standardised_contacts, scored_pairs, contact_clusters,
                               constraints.pair_decisions, settled_fields)
    pairs = int((queue["kind"] == PAIR).sum())
    conflicts = int((queue["kind"] == FIELD_CONFLICT).sum())
    waiting = f"{len(queue)} items waiting for review" if len(queue) else "no items waiting for review"
    yield dg.Output(queue, metadata={
        "dagster/row_count": len(queue),
        "doubtful_pairs": pairs,
        "field_conflicts": conflicts,
        "open_items": dg.MetadataValue.md(queue_markdown(queue)),
    })
    yield dg.AssetCheckResult(
        check_name="review_queue_empty", passed=queue.empty,
        severity=dg.AssetCheckSeverity.WARN, description=waiting,
        metadata={"items_waiting": len(queue), "doubtful_pairs": pairs, "field_conflicts": conflicts},
    )


@dg.asset(
    group_name=REVIEW_GROUP,
    kinds={"pandas"},
    description="Why records are one customer: the scored pairs (with per-field match weights) "
    "and the reviewer merges inside each customer; published as customer_link.",
)
@step_body
def customer_links(
    store: CrmStore, scored_pairs: pd.DataFrame, contact_clusters: pd.DataFrame
) -> dg.Output[pd.DataFrame]:
    constraints = review_constraints(store.engine())
    merges = {p for p, d in constraints.pair_decisions.items() if p in set(constraints.must_link)}
    links = link_customers(scored_pairs, contact_clusters, constraints.pair_decisions, merges)
    return dg.Output(links, metadata={
        "dagster/row_count": len(links),
        "by_type": dg.MetadataValue.json(links["link_type"].value_counts().to_dict()),
    })


__all__ = ["customer_links", "merge_review_queue", "review_constraints"]
