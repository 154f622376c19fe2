"""The one ``Definitions`` object: assets, checks, resources, job, schedule, sensor."""

import dagster as dg

from assets import ALL_ASSETS, ALL_CHECKS, ComputeEngine, CrmStore, QualitySettings, SourcesFolder

from .automation import customer_master_job, daily_schedule, new_source_files_sensor

defs = dg.Definitions(
    assets=ALL_ASSETS,
    asset_checks=ALL_CHECKS,
    jobs=[customer_master_job],
    schedules=[daily_schedule],
    sensors=[new_source_files_sensor],
    # Values are resolved when a run starts (config, then environment, then defaults).
    resources={"sources": SourcesFolder(), "store": CrmStore(), "quality": QualitySettings(),
               "compute": ComputeEngine()},
)
