"""Raw source assets: one per source kind, all made by one factory from a ``SourceSpec``."""

from dataclasses import dataclass

import dagster as dg
import pandas as pd

from .compute import ComputeEngine
from .metadata import counts_table
from .resources import SourcesFolder
from .sources import SOURCE_SPECS, SourceSpec, read_source, source_files
from .sources.file_cache import FileReadCache
from .step import step_body

INGEST_GROUP = "ingest"


@dataclass(frozen=True)
class SourceBatch:
    """What one source kind yielded in a run: raw records and quarantine rows."""

    records: pd.DataFrame
    quarantine: pd.DataFrame


def build_raw_asset(spec: SourceSpec) -> dg.AssetsDefinition:
    """``raw_<kind>_contacts``: every file of the kind's folder, read as is."""

    @dg.asset(
        name=f"raw_{spec.kind}_contacts",
        group_name=INGEST_GROUP,
        description=spec.description,
        kinds={"python", "pandas"},
        tags={"source_system": spec.kind},
    )
    @step_body
    def raw_contacts(context: dg.AssetExecutionContext, sources: SourcesFolder,
                     compute: ComputeEngine) -> dg.Output[SourceBatch]:
        root = sources.root()
        cache = FileReadCache(sources.cache_root() / spec.kind) if sources.reuse_unchanged_files else None
        result = read_source(spec, root, cache, beside=compute.beside())
        batch = SourceBatch(result.records_frame(), result.quarantine_frame())
        rows_per_file = batch.records["source_file"].value_counts().to_dict()
        files = [p.name for p in source_files(spec, root)]
        context.log.info(
            f"{spec.kind}: {len(files)} files, {len(batch.records)} rows read, "
            f"{len(batch.quarantine)} quarantined"
        )
        return dg.Output(
            batch,
            metadata={
                "folder": dg.MetadataValue.path(str(root / spec.kind)),
                "files": len(files),
                "files_parsed": cache.misses if cache else len(files),
                "files_unchanged_not_parsed": cache.hits if cache else 0,
                "rows_read": len(batch.records),
                "quarantined": len(batch.quarantine),
                "rows_per_file": dg.MetadataValue.md(counts_table(rows_per_file, "file", "rows")),
                "quarantine_by_reason": dg.MetadataValue.md(
                    counts_table(batch.quarantine["reason"].value_counts().to_dict(), "reason", "rows")
                ),
            },
        )

    return raw_contacts


RAW_ASSETS: list[dg.AssetsDefinition] = [build_raw_asset(spec) for spec in SOURCE_SPECS]
