"""Asset checks: each stage's pandera schema, and the "nothing lost" accounting.

Schema checks are blocking: a frame that breaks its schema stops the run
before the CRM store changes. Failure metadata names columns, checks and
counts, never the offending values (they may be personal data).
"""

import dagster as dg
import pandas as pd
import pandera.pandas as pa

from validators.schemas import ContactCluster, GoldenCustomer, QuarantinedRecord, StandardContact

from .metadata import counts_table
from .step import step_body


def _schema_result(model: type[pa.DataFrameModel], frame: pd.DataFrame) -> dg.AssetCheckResult:
    try:
        model.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        summary = cases.groupby(["column", "check"], dropna=False).size()
        return dg.AssetCheckResult(
            passed=False,
            metadata={
                "rows": len(frame),
                "failures": len(cases),
                "failures_by_rule": dg.MetadataValue.md(
                    counts_table({f"{c} · {k}": int(n) for (c, k), n in summary.items()}, "column · check")
                ),
            },
        )
    return dg.AssetCheckResult(passed=True, metadata={"rows": len(frame)})


@dg.asset_check(asset="standardised_contacts", blocking=True)
@step_body
def standardised_contacts_schema(standardised_contacts: pd.DataFrame) -> dg.AssetCheckResult:
    """Every standardised record fits the StandardContact schema (E.164 phones,
    normalised emails, ISO dates, unique record keys …)."""
    return _schema_result(StandardContact, standardised_contacts)


@dg.asset_check(asset="quarantined_records", blocking=True)
@step_body
def quarantined_records_schema(quarantined_records: pd.DataFrame) -> dg.AssetCheckResult:
    """Every quarantine row names its source, file, a reason code, a sentence and
    the raw content (an empty file's raw content is the empty string)."""
    return _schema_result(QuarantinedRecord, quarantined_records)


@dg.asset_check(asset="contact_clusters", blocking=True)
@step_body
def contact_clusters_schema(contact_clusters: pd.DataFrame) -> dg.AssetCheckResult:
    """Every record has exactly one customer id of the stable form and a 0–1 score."""
    return _schema_result(ContactCluster, contact_clusters)


@dg.asset_check(asset="golden_customers", blocking=True)
@step_body
def golden_customers_schema(golden_customers: pd.DataFrame) -> dg.AssetCheckResult:
    """Every golden record fits the GoldenCustomer schema (unique stable ids,
    valid phones and emails, provenance present)."""
    return _schema_result(GoldenCustomer, golden_customers)


ASSET_CHECKS = [
    standardised_contacts_schema,
    quarantined_records_schema,
    contact_clusters_schema,
    golden_customers_schema,
]
