"""Data quality you can see: the scorecard, the validation report, and the GX
asset checks that stop a bad batch before the CRM store changes.

Thin wrappers: the suites, views, scorecard and rendering are pure functions in
``validators``; here they get run, written to the report folder and shown.
"""

import base64
import json

import dagster as dg
import pandas as pd

from validators.expectations import (
    batch_metrics,
    batch_suite,
    forget_phone_verdicts,
    golden_customers_suite,
    golden_view,
    validate_contacts,
    xref_suite,
)
from validators.quality_report import quality_report_html, scorecard_chart_png
from validators.scorecard import quality_scorecard as compute_scorecard
from validators.validation import ERROR, WARNING, SuiteOutcome, run_suite

from .compute import ComputeEngine
from .metadata import matrix_table
from .resources import QualitySettings
from .standardised import contacts_name
from .step import step_body
from .timestamps import now_iso

QUALITY_GROUP = "quality"


def _chart_markdown(png: bytes) -> str:
    return f"![quality scorecard](data:image/png;base64,{base64.b64encode(png).decode()})"


@dg.asset(group_name=QUALITY_GROUP, kinds={"pandas", "matplotlib"})
@step_body
def quality_scorecard(
    context: dg.AssetExecutionContext,
    standardised_contacts: pd.DataFrame,
    quarantined_records: pd.DataFrame,
    contact_clusters: pd.DataFrame,
) -> dg.Output[pd.DataFrame]:
    """Completeness, validity, duplicate and quarantine rates per source for this
    run (stored in ``quality_metric`` by the publish, with the run id)."""
    scorecard = compute_scorecard(
        standardised_contacts, quarantined_records, contact_clusters,
        run_id=context.run_id, measured_at=now_iso(),
    )
    table = {
        metric: {source: round(value, 3) for source, value in zip(group["source_system"], group["value"])}
        for metric, group in scorecard.groupby("metric", sort=True)
    }
    return dg.Output(
        scorecard,
        metadata={
            "dagster/row_count": len(scorecard),
            "chart": dg.MetadataValue.md(_chart_markdown(scorecard_chart_png(scorecard))),
            "scorecard": dg.MetadataValue.md(matrix_table(table, "metric")),
        },
    )


@dg.asset(group_name=QUALITY_GROUP, kinds={"great_expectations"})
@step_body
def quality_validation(
    context: dg.AssetExecutionContext,
    quality: QualitySettings,
    compute: ComputeEngine,
    standardised_contacts: pd.DataFrame,
    quarantined_records: pd.DataFrame,
    contact_clusters: pd.DataFrame,
    golden_customers: pd.DataFrame,
    quality_scorecard: pd.DataFrame,
) -> dg.Output[list[SuiteOutcome]]:
    """Every Great Expectations suite on this run's frames, and the HTML quality
    report (written to the report folder, linked here)."""
    thresholds = quality.thresholds()
    mapper = compute.distinct_mapper()
    outcomes = [
        # As its check got it: not twice in one run.
        validate_contacts(standardised_contacts, thresholds, mapper, contacts_name(context.run_id)),
        run_suite(golden_view(golden_customers, mapper), golden_customers_suite(thresholds)),
        run_suite(contact_clusters, xref_suite()),
        run_suite(
            batch_metrics(standardised_contacts, quarantined_records, contact_clusters),
            batch_suite(thresholds),
        ),
    ]
    folder = quality.reports() / context.run_id
    folder.mkdir(parents=True, exist_ok=True)
    chart = scorecard_chart_png(quality_scorecard)
    (folder / "scorecard.png").write_bytes(chart)
    report = folder / "quality_report.html"
    report.write_text(
        quality_report_html(quality_scorecard, outcomes, chart, f"Customer data quality — run {context.run_id}"),
        encoding="utf-8",
    )
    forget_phone_verdicts()  # the run's last phone rule has run
    failed = {o.suite: len(o.failed()) for o in outcomes}
    return dg.Output(
        outcomes,
        metadata={
            "report": dg.MetadataValue.url(report.resolve().as_uri()),
            "report_path": dg.MetadataValue.path(str(report.resolve())),
            "failed_expectations": dg.MetadataValue.json(failed),
            "thresholds": dg.MetadataValue.json(json.loads(thresholds.to_json())),
        },
    )


def _check_result(outcomes: list[SuiteOutcome]) -> dg.AssetCheckResult:
    """Passed unless an expectation failed; ERROR (blocking) when an
    error-severity one did, WARN when only warnings did."""
    errors = [o for outcome in outcomes for o in outcome.failed(ERROR)]
    warnings = [o for outcome in outcomes for o in outcome.failed(WARNING)]
    severity = dg.AssetCheckSeverity.ERROR if errors else dg.AssetCheckSeverity.WARN
    return dg.AssetCheckResult(
        passed=not errors and not warnings,
        severity=severity,
        metadata={
            "failed_errors": len(errors),
            "failed_warnings": len(warnings),
            "expectations": sum(len(o.outcomes) for o in outcomes),
            "results": dg.MetadataValue.md("\n\n".join(o.to_markdown() for o in outcomes)),
        },
    )


@dg.asset_check(asset="standardised_contacts", blocking=True)
@step_body
def standardised_contacts_expectations(
    context: dg.AssetCheckExecutionContext, quality: QualitySettings, compute: ComputeEngine,
    standardised_contacts: pd.DataFrame,
) -> dg.AssetCheckResult:
    """Great Expectations on the standardised records: unique keys, phones that
    phonenumbers calls valid, emails that pass email-validator (ERROR, blocks
    the run); completeness (WARN)."""
    return _check_result([validate_contacts(standardised_contacts, quality.thresholds(),
                                            compute.distinct_mapper(), contacts_name(context.run.run_id))])


@dg.asset_check(asset="quality_validation", blocking=True)
@step_body
def crm_batch_expectations(quality_validation: list[SuiteOutcome]) -> dg.AssetCheckResult:
    """Great Expectations guarding the CRM, on this run's golden customers,
    cross-reference and batch metrics: unique customer ids and record keys, valid
    and non-placeholder phones and emails, a plausible customers-per-record ratio
    (ERROR: publish is stopped and the store stays as it was); completeness and
    quarantine rates (WARN). ``crm_store`` depends on ``quality_validation``, so
    this check stands between the batch and the store."""
    return _check_result([o for o in quality_validation if o.suite != "standardised_contacts"])


QUALITY_CHECKS = [standardised_contacts_expectations, crm_batch_expectations]
