"""Jobs, the daily schedule and the new-file sensor."""

import hashlib
import json
from pathlib import Path

import dagster as dg

from assets.resources import SourcesFolder
from assets.sources import SOURCE_SPECS, source_files

MAIN_JOB = "customer_master_job"


customer_master_job = dg.define_asset_job(
    MAIN_JOB,
    selection=dg.AssetSelection.all(),
    description="Read every source export, standardise, match, build golden records and "
    "publish them to the CRM store.",
)

daily_schedule = dg.ScheduleDefinition(
    name="daily_customer_master",
    job=customer_master_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    description="Every night at 02:00 China time, after the legacy CRM's nightly dump.",
)


def fingerprint_sources(root: Path, previous: dict[str, list] | None = None) -> dict[str, list]:
    """``{kind/file: [size, mtime_ns, sha256]}`` for every source file.

    The content hash decides (a touched but unchanged file starts nothing); it
    is only recomputed when size or mtime moved, so polling stays cheap.
    """
    previous = previous or {}
    state: dict[str, list] = {}
    for spec in SOURCE_SPECS:
        for path in source_files(spec, root):
            key = f"{spec.kind}/{path.name}"
            stat = path.stat()
            old = previous.get(key)
            if old and old[0] == stat.st_size and old[1] == stat.st_mtime_ns:
                state[key] = old
                continue
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            state[key] = [stat.st_size, stat.st_mtime_ns, digest]
    return state


@dg.sensor(
    job=customer_master_job,
    minimum_interval_seconds=60,
    description="Starts a run when a source file is added, changed or removed.",
)
def new_source_files_sensor(context: dg.SensorEvaluationContext, sources: SourcesFolder):
    previous = json.loads(context.cursor) if context.cursor else {}
    state = fingerprint_sources(sources.root(), previous)
    contents = {k: v[2] for k, v in state.items()}
    if contents == {k: v[2] for k, v in previous.items()}:
        context.update_cursor(json.dumps(state))
        return dg.SkipReason("no new or changed source files")
    changed = sorted(k for k in contents if previous.get(k, [None] * 3)[2] != contents[k])
    removed = sorted(set(previous) - set(contents))
    context.update_cursor(json.dumps(state))
    run_key = hashlib.sha256(json.dumps(contents, sort_keys=True).encode()).hexdigest()[:16]
    return dg.RunRequest(
        run_key=run_key,
        tags={"customer_master/changed_files": str(len(changed)),
              "customer_master/removed_files": str(len(removed))},
    )
