"""``standardised_contacts`` and ``quarantined_records``: the four raw batches,
normalised into one ``StandardContact`` frame, plus every rejected record."""

import dagster as dg
import pandas as pd

from validators.caches import clear_value_caches
from validators.distinct import LocalPool
from validators.standardise import standardise_contacts

from .compute import ComputeEngine
from .ingest import SourceBatch
from .metadata import counts_table, matrix_table
from .sources import SOURCE_SPECS
from .step import step_body

STANDARDISE_GROUP = "standardise"


def contacts_name(run_id: str) -> str:
    """What names a run's standardised contacts for the steps that remember work
    done on them (validation, the matcher's normalised fields): the run's own
    output, or the stored one the run loaded, which no step changes within the run."""
    return f"{run_id}/standardised_contacts"


#: Fields whose completeness is shown per source.
_COMPLETENESS_FIELDS = ("name", "phone", "email", "company", "city", "id_card")


@dg.multi_asset(
    outs={
        "standardised_contacts": dg.AssetOut(
            description="One row per accepted source record, every field normalised "
            "(pandera schema StandardContact).",
            group_name=STANDARDISE_GROUP,
            kinds={"pandas", "pandera"},
        ),
        "quarantined_records": dg.AssetOut(
            description="Every rejected source record or file, with its reason and raw content.",
            group_name=STANDARDISE_GROUP,
            kinds={"pandas"},
        ),
    },
    ins={f"raw_{spec.kind}": dg.AssetIn(f"raw_{spec.kind}_contacts") for spec in SOURCE_SPECS},
)
@step_body
def standardise(context: dg.AssetExecutionContext, compute: ComputeEngine, **batches: SourceBatch):
    raw = pd.concat([b.records for b in batches.values()], ignore_index=True)
    read_quarantine = [b.quarantine for b in batches.values()]
    batches.clear()  # the raw frames live on in ``raw``: not held twice while standardising
    raw_rows = len(raw)
    mapper = compute.distinct_mapper()
    try:
        result = standardise_contacts(raw, mapper=mapper, beside=compute.beside())
    finally:
        if isinstance(mapper, LocalPool):
            mapper.close()  # the worker processes are not needed after this step
    del raw
    clear_value_caches()  # no later step reads the parsers' memos (``validators.caches``)
    quarantine = pd.concat([*read_quarantine, result.quarantine], ignore_index=True)
    contacts = result.contacts
    completeness = {
        system: {f: f"{frame[f].notna().mean():.0%}" for f in _COMPLETENESS_FIELDS}
        for system, frame in contacts.groupby("source_system")
    }
    context.log.info(
        f"{raw_rows} raw rows → {len(contacts)} records accepted, {len(quarantine)} quarantined"
    )
    yield dg.Output(
        contacts,
        output_name="standardised_contacts",
        metadata={
            "dagster/row_count": len(contacts),
            "records_per_source": dg.MetadataValue.md(
                counts_table(contacts["source_system"].value_counts().to_dict(), "source")
            ),
            "completeness_per_source": dg.MetadataValue.md(matrix_table(completeness, "source")),
            "unusable_values": dg.MetadataValue.md(
                counts_table(
                    contacts["notes"].dropna().str.split(";").explode().value_counts().to_dict(),
                    "field:problem",
                )
            ),
        },
    )
    by_source_reason = quarantine.groupby(["source_system", "reason"]).size()
    yield dg.Output(
        quarantine,
        output_name="quarantined_records",
        metadata={
            "dagster/row_count": len(quarantine),
            "quarantine_by_reason": dg.MetadataValue.md(
                counts_table(
                    {f"{s} / {r}": int(n) for (s, r), n in by_source_reason.items()},
                    "source / reason",
                )
            ),
        },
    )
