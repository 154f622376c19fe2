"""The one ``Definitions`` object: assets, checks, resources, jobs, schedule, sensors."""

import dagster as dg

from assets import (
    ALL_ASSETS,
    ALL_CHECKS,
    ComputeEngine,
    CrmStore,
    DecisionsFolder,
    QualitySettings,
    RunFilesIOManager,
    SourcesFolder,
)

from .automation import customer_master_job, daily_schedule, new_source_files_sensor
from .review_job import review_decisions_file_sensor, review_decisions_job

defs = dg.Definitions(
    assets=ALL_ASSETS,
    asset_checks=ALL_CHECKS,
    jobs=[customer_master_job, review_decisions_job],
    schedules=[daily_schedule],
    sensors=[new_source_files_sensor, review_decisions_file_sensor],
    # Values are resolved when a run starts (config, then environment, then defaults).
    resources={"sources": SourcesFolder(), "store": CrmStore(), "quality": QualitySettings(),
               "decisions_folder": DecisionsFolder(), "compute": ComputeEngine(),
               # Dagster's pickled files, plus each output handed in memory to the run's
               # later steps in this process (assets/io_manager.py).
               "io_manager": RunFilesIOManager()},
)
