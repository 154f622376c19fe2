"""Run the main job in this process, recorded in the Dagster instance like a UI run."""

from dataclasses import dataclass, field

import dagster as dg

from validators.masking import mask_text

from .automation import MAIN_JOB
from .definitions import defs


@dataclass
class RunSummary:
    run_id: str
    success: bool
    numbers: dict[str, object] = field(default_factory=dict)
    failed_steps: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def render(self) -> str:
        lines = ["", f"customer-master run {self.run_id}: {'SUCCESS' if self.success else 'FAILED'}"]
        width = max((len(k) for k in self.numbers), default=0)
        for key, value in self.numbers.items():
            lines.append(f"  {key.ljust(width)}  {value}")
        if self.failed_steps:
            lines.append("  failed steps: " + ", ".join(self.failed_steps))
        lines.extend(f"  error: {e}" for e in self.errors)
        return "\n".join(lines)


def _metadata_value(result: dg.JobExecutionResult, asset: str, key: str) -> object:
    for event in result.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        if materialization.asset_key == dg.AssetKey(asset) and key in materialization.metadata:
            return materialization.metadata[key].value
    return None


def _root_cause(error) -> str:
    """The innermost error's message (Dagster wraps the user's exception), masked."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    return mask_text(error.message.strip().splitlines()[-1] if error.message else "unknown error")


def main_job() -> dg.JobDefinition:
    """The main job, loadable by reference (``dg.reconstructable``)."""
    return defs.resolve_job_def(MAIN_JOB)


def run_pipeline(quiet: bool = False) -> RunSummary:
    """Materialise the whole graph once, in this process; the run lands in
    $DAGSTER_HOME's history.

    ``execute_job`` with the in-process executor, not ``execute_in_process``: the
    latter keeps every step's output in memory until the run ends (so that tests can
    read them back), which at a million records holds every intermediate frame at once.
    Here each step's output lives in the IO manager's storage, and a step holds only
    its own inputs and outputs."""
    instance = dg.DagsterInstance.get()
    run_config = {
        "execution": {"config": {"in_process": {}}},
        "loggers": {"console": {"config": {"log_level": "ERROR" if quiet else "INFO"}}},
    }
    with dg.execute_job(dg.reconstructable(main_job), instance=instance,
                        run_config=run_config, raise_on_error=False) as result:
        return _summarise(result)


def _summarise(result: dg.JobExecutionResult) -> RunSummary:
    raw_rows = sum(
        int(_metadata_value(result, f"raw_{kind}_contacts", "rows_read") or 0)
        for kind in ("web_forms", "wechat", "spreadsheets", "legacy")
    )
    accepted = _metadata_value(result, "standardised_contacts", "dagster/row_count")
    customers = _metadata_value(result, "contact_clusters", "customers")
    numbers = {
        "source rows read": raw_rows,
        "records accepted": accepted,
        "records quarantined": _metadata_value(result, "quarantined_records", "dagster/row_count"),
        "golden customers": customers,
        "records merged into another": (
            int(accepted) - int(customers) if accepted is not None and customers is not None else None
        ),
        "customers with several records": _metadata_value(
            result, "contact_clusters", "customers_with_several_records"),
        "store": _metadata_value(result, "crm_store", "store"),
        "store changed": _metadata_value(result, "crm_store", "changed"),
        "changes exported for the CRM": _metadata_value(result, "crm_export", "changes"),
        "export folder": _metadata_value(result, "crm_export", "folder"),
    }
    failures = [e for e in result.all_events if e.is_step_failure and e.step_key]
    failed = [e.step_key for e in failures]
    errors = [
        f"{e.step_key}: {_root_cause(e.step_failure_data.error)}"
        for e in failures
        if e.step_failure_data and e.step_failure_data.error
    ]
    checks = [e for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    failed_checks = [
        e.event_specific_data.check_name for e in checks
        if not e.event_specific_data.passed and e.event_specific_data.severity == dg.AssetCheckSeverity.ERROR
    ]
    warned_checks = [
        e.event_specific_data.check_name for e in checks
        if not e.event_specific_data.passed and e.event_specific_data.severity == dg.AssetCheckSeverity.WARN
    ]
    if failed_checks:
        numbers["failed checks (publish stopped)"] = ", ".join(failed_checks)
    if warned_checks:
        numbers["checks with warnings"] = ", ".join(warned_checks)
    return RunSummary(result.run_id, result.success and not failed_checks,
                      {k: v for k, v in numbers.items() if v is not None}, failed, errors)
