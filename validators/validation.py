"""Running a Great Expectations suite on a frame, and what came of it.

``run_suite`` gives back plain frozen dataclasses (no GX objects), in the
suite's order, with masked samples — ready for Dagster metadata or a report.
GX is imported on first use (it costs seconds); its ephemeral context is built
once per process, with progress bars, analytics and on-disk stores off.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import pandas as pd

from .masking import mask_email, mask_id_card, mask_name, mask_phone, mask_text

if TYPE_CHECKING:
    import great_expectations as gx

ERROR, WARNING = "error", "warning"
SAMPLE_SIZE = 5


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's result, safe to show: counts, and masked sample values."""

    expectation: str  # e.g. "expect_column_values_to_be_unique(customer_id)"
    column: str | None
    severity: str
    success: bool
    element_count: int
    unexpected_count: int
    unexpected_percent: float
    sample: tuple[str, ...]  # masked, at most SAMPLE_SIZE
    why: str


@dataclass(frozen=True)
class SuiteOutcome:
    """A suite's outcomes in suite order; errors block the publish, warnings inform."""

    suite: str
    outcomes: tuple[ExpectationOutcome, ...]

    @property
    def errors_passed(self) -> bool:
        return not self.failed(ERROR)

    @property
    def warnings_passed(self) -> bool:
        return not self.failed(WARNING)

    def failed(self, severity: str | None = None) -> list[ExpectationOutcome]:
        """Failed outcomes of ``severity`` (all failed ones when None)."""
        return [o for o in self.outcomes if not o.success and severity in (None, o.severity)]

    def to_markdown(self) -> str:
        """A table for the Dagster UI; samples are already masked."""
        errors, warnings = len(self.failed(ERROR)), len(self.failed(WARNING))
        lines = [
            f"**{_cell(self.suite)}**: {len(self.outcomes)} expectations, "
            f"{errors} error(s) failed, {warnings} warning(s) failed",
            "",
            "| expectation | severity | result | unexpected | sample | why |",
            "|---|---|---|---|---|---|",
        ]
        for o in self.outcomes:
            result = "pass" if o.success else "FAIL"
            lines.append(
                f"| `{_cell(o.expectation)}` | {o.severity} | {result} | "
                f"{o.unexpected_count} of {o.element_count} ({o.unexpected_percent:.1f}%) | "
                f"{_cell(', '.join(o.sample))} | {_cell(o.why)} |"
            )
        return "\n".join(lines)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|").replace("`", "'")


_LOCK = threading.Lock()


@cache
def _batch_definition() -> Any:
    """The process's one ephemeral context → pandas source → whole-frame batch.

    In-memory stores and no docs site (nothing touches the disk), analytics off,
    and ``progress_bars`` off: GX's Validator reads that before drawing its
    "Calculating Metrics" tqdm bars on stderr.

    And no data fingerprint: GX's pandas engine hashes every cell of a batch
    under ``HASH_THRESHOLD`` bytes (its shallow size: a million records' text
    columns count 8 bytes each) for a ``pandas_data_fingerprint`` batch marker
    that nothing here reads; at a million records that took ~2.5 s of each
    suite run (py-spy, in a run). The threshold is a module constant of GX's
    engine, read at each batch; where it is missing, setting it changes nothing.
    """
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )
    from great_expectations.execution_engine import pandas_execution_engine

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        analytics_enabled=False,
    )
    pandas_execution_engine.HASH_THRESHOLD = 0
    context = gx.get_context(mode="ephemeral", project_config=config)
    asset = context.data_sources.add_pandas("customer_master").add_dataframe_asset("frame")
    return asset.add_batch_definition_whole_dataframe("whole_frame")


def run_suite(frame: pd.DataFrame, suite: gx.ExpectationSuite) -> SuiteOutcome:
    """Validate ``frame`` against ``suite``: outcomes in suite order, samples masked.

    An expectation that cannot run (a missing column) is a failed outcome whose
    sample says why. Serialised by a lock: the cached context is shared.
    """
    frame = frame[_columns_used(suite, frame)].reset_index(drop=True)
    with _LOCK:
        batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
        try:
            result = batch.validate(suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": 20})
        finally:
            _forget_batches(_batch_definition())
    order = {_key(e.configuration.to_json_dict()): i for i, e in enumerate(suite.expectations)}
    results = [r.to_json_dict() for r in result.results]
    results.sort(key=lambda r: order.get(_key(r["expectation_config"]), len(order)))
    return SuiteOutcome(suite.name, tuple(_outcome(r, frame) for r in results))


def _columns_used(suite: gx.ExpectationSuite, frame: pd.DataFrame) -> list[str]:
    """The frame's columns the suite's expectations read or sample from, in frame
    order. GX's pandas engine works on the whole frame it is given (copies,
    hashes): handing it the 8 columns a suite checks instead of 40 made a
    million-record validation four times faster, with the same outcomes."""
    used: set[str] = set()
    for expectation in suite.expectations:
        config = expectation.configuration.to_json_dict()
        if str(config.get("type", "")).startswith("expect_table"):  # about the whole table
            return list(frame.columns)
        for key, value in (config.get("kwargs") or {}).items():
            if key.startswith("column"):
                used.update([value] if isinstance(value, str) else value or [])
        used.update((config.get("meta") or {}).get("sample_columns") or [])
    return [c for c in frame.columns if c in used]


def _forget_batches(batch_definition: Any) -> None:
    """Drop the frames the cached context's execution engine keeps after a
    validation: it holds the last batch (a copy of the whole frame, ~1.8 GB for
    the contacts at a million records) until the next one replaces it, i.e.
    through every step in between."""
    manager = batch_definition.data_asset.datasource.get_execution_engine().batch_manager
    manager.reset_batch_cache()
    manager.batch_data_cache.clear()


def _key(config: dict) -> str:
    kwargs = {k: v for k, v in config.get("kwargs", {}).items() if k != "batch_id"}
    return json.dumps([config.get("type"), kwargs], sort_keys=True, default=str)


def _outcome(result: dict, frame: pd.DataFrame) -> ExpectationOutcome:
    config = result["expectation_config"]
    kwargs, meta = config.get("kwargs", {}), config.get("meta") or {}
    columns = [kwargs["column"]] if "column" in kwargs else list(kwargs.get("column_list", []))
    shown = [f"{k}={kwargs[k]}" for k in ("mostly", "min_value", "max_value") if kwargs.get(k) is not None]
    stats = result.get("result") or {}
    problem = _exception(result.get("exception_info") or {})
    sample = (f"could not run: {mask_text(problem)[:200]}",) if problem else _sample(
        stats, frame, meta.get("sample_columns") or columns
    )
    return ExpectationOutcome(
        expectation=f"{config['type']}({', '.join([*columns, *shown])})",
        column=kwargs.get("column"),
        severity=meta.get("severity", ERROR),  # unlabelled expectations block: safer
        success=bool(result.get("success")),
        element_count=int(stats.get("element_count") or 0),
        unexpected_count=int(stats.get("unexpected_count") or 0),
        unexpected_percent=float(stats.get("unexpected_percent") or 0.0),
        sample=sample,
        why=str(meta.get("why", "")),
    )


def _exception(info: dict) -> str | None:
    """GX reports a failed metric either flat or keyed by metric id."""
    for entry in [info, *(v for v in info.values() if isinstance(v, dict))]:
        if entry.get("raised_exception"):
            return str(entry.get("exception_message") or "exception")
    return None


def _sample(stats: dict, frame: pd.DataFrame, columns: list[str]) -> tuple[str, ...]:
    """Masked values of ``columns`` on the first unexpected rows, distinct, at most 5."""
    rows = [i for i in stats.get("partial_unexpected_index_list") or [] if isinstance(i, int)]
    columns = [c for c in columns if c in frame.columns]
    shown: dict[str, None] = {}
    for i in rows:
        if 0 <= i < len(frame):
            values = [_mask(c, frame.at[i, c]) for c in columns if pd.notna(frame.at[i, c])]
            shown[" / ".join(values) or "(empty)"] = None
    if not rows:  # no row positions: mask the reported values themselves
        for value in stats.get("partial_unexpected_list") or []:
            parts = value.items() if isinstance(value, dict) else [(columns[0] if columns else "", value)]
            shown[" / ".join(_mask(c, v) for c, v in parts if v is not None)] = None
    return tuple(list(shown)[:SAMPLE_SIZE])


_MASKERS: dict[str, Callable[[object], str | None]] = {
    "phone": mask_phone, "landline": mask_phone, "email": mask_email, "name": mask_name,
    "name_pinyin": mask_name, "family_name": mask_name, "nickname": mask_name,
    "id_card": mask_id_card, "id_card_no": mask_id_card,
}
#: Personal text no masker can shorten safely: never shown at all.
_HIDDEN = frozenset({"address", "birth_date", "raw", "attributes"})


def _mask(column: str, value: object) -> str:
    """One sample value as it may be shown: masked by what its column holds, and
    anything else (ids, source names, free text) through ``mask_text``."""
    if isinstance(value, float):
        return f"{value:.3f}"
    if column in _HIDDEN:
        return "***"
    if column == "phones":
        return ";".join(mask_phone(p) or "***" for p in str(value).split(";") if p)
    masker = _MASKERS.get(column)
    return (masker(value) if masker else mask_text(str(value))) or "***"
