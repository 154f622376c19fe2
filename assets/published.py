"""``crm_store``: golden customers, cross-reference and quarantine, published in one transaction."""

from datetime import UTC, datetime

import dagster as dg
import pandas as pd

from matching.identity import find_merges, identity_events
from matching.profile import CustomerProfiles

from .compute import ComputeEngine
from .export import export_changes
from .metadata import matrix_table
from .resources import CrmStore, output_dir
from .review import review_constraints
from .step import step_body
from .store import count_rows, load_previous_xref, publish

PUBLISH_GROUP = "publish"


@dg.asset(
    group_name=PUBLISH_GROUP,
    kinds={"sqlalchemy"},
    pool="crm_store_publish",
    check_specs=[dg.AssetCheckSpec(
        "every_record_accounted_for", asset="crm_store",
        description="Every source record of the run is in customer_xref or quarantine, exactly "
        "once (counted inside the publish transaction).",
    )],
    # Not read here, but its blocking check (crm_batch_expectations) must pass first.
    deps=["quality_validation"],
    description="The CRM store: golden_customer, customer_xref and quarantine, the 360° tables, "
    "customer links and the review queue, replaced by this run's result in one transaction "
    "(unchanged rows untouched), plus the run's quality_metric rows, id aliases and audit events.",
)
@step_body
def crm_store(
    context: dg.AssetExecutionContext,
    store: CrmStore,
    golden_customers: pd.DataFrame,
    contact_clusters: pd.DataFrame,
    quarantined_records: pd.DataFrame,
    quality_scorecard: pd.DataFrame,
    customer_profiles: CustomerProfiles,
    merge_review_queue: pd.DataFrame,
    customer_links: pd.DataFrame,
) -> dg.MaterializeResult:
    engine = store.engine()
    xref = contact_clusters[["source_system", "source_record_id", "customer_id", "match_score"]]
    previous = load_previous_xref(engine)
    current = contact_clusters[["record_key", "customer_id"]]
    now = datetime.now(UTC).astimezone().isoformat(timespec="seconds")
    report = publish(
        engine,
        golden=golden_customers,
        xref=xref,
        quarantine=quarantined_records,
        merged=find_merges(previous, current),
        now=now,
        metrics=quality_scorecard,
        profiles={
            "customer_contact_point": customer_profiles.contact_points,
            "customer_channel": customer_profiles.channels,
            "customer_owner": customer_profiles.owners,
            "customer_tag": customer_profiles.tags,
            "customer_consent": customer_profiles.consent,
            "customer_grade": customer_profiles.grades,
            "customer_link": customer_links,
        },
        run_id=context.run_id,
        review_items=merge_review_queue,
        events=identity_events(previous, current),
        applied_decisions=review_constraints(engine).applied,
    )
    counts = count_rows(engine)
    keys = contact_clusters["source_system"] + ":" + contact_clusters["source_record_id"]
    changes = {
        name: {"inserted": c.inserted, "updated": c.updated, "deleted": c.deleted,
               "unchanged": c.unchanged}
        for name, c in report.tables.items()
    }
    context.log.info(
        "published to "
        + store.display_url()
        + ": "
        + "; ".join(f"{n} +{c['inserted']} ~{c['updated']} -{c['deleted']}" for n, c in changes.items())
    )
    return dg.MaterializeResult(
        check_results=[dg.AssetCheckResult(
            check_name="every_record_accounted_for",
            passed=report.xref_rows == len(contact_clusters) and not keys.duplicated().any()
            and report.quarantine_rows == len(quarantined_records),
            metadata={
                "records_accepted": len(contact_clusters),
                "records_quarantined": len(quarantined_records),
                "xref_rows_in_store": report.xref_rows,
                "quarantine_rows_in_store": report.quarantine_rows,
            },
        )],
        metadata={
            "store": store.display_url(),
            "golden_customers": counts["golden_customer"],
            "xref_rows": report.xref_rows,
            "quarantine_rows": report.quarantine_rows,
            "changed": report.changed,
            "changes": dg.MetadataValue.md(matrix_table(changes, "table")),
            "ids_merged_into_others": report.merged_ids,
            "quality_metrics_recorded": report.metric_rows,
            "crm_changes_logged": report.changes_logged,
            "audit_events_logged": report.events_logged,
            "review_items_open": len(merge_review_queue),
        }
    )


@dg.asset(
    group_name=PUBLISH_GROUP,
    deps=["crm_store"],
    kinds={"json", "csv"},
    description="What changed in the CRM store since the last export (upserts with the 360° view, "
    "merges, retirements) as JSON Lines and as Excel-safe CSV for the CRM loader.",
)
@step_body
def crm_export(context: dg.AssetExecutionContext, store: CrmStore,
               compute: ComputeEngine) -> dg.MaterializeResult:
    result = export_changes(store.engine(), output_dir() / "exports", beside=compute.beside())
    context.log.info(
        f"exported {result.changes} changes" + (f" to {result.folder}" if result.folder else " (nothing new)")
    )
    return dg.MaterializeResult(
        metadata={
            "changes": result.changes,
            "upserts": result.upserts,
            "merges": result.merges,
            "retirements": result.retirements,
            "change_ids": f"{result.from_change_id + 1}–{result.to_change_id}" if result.changes else "none",
            "folder": dg.MetadataValue.path(str(result.folder)) if result.folder else "nothing new",
        }
    )
