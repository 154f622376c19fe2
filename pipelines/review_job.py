"""Review decisions from the Dagster UI: the ``review_decisions`` job (Launchpad,
typed config) and the sensor that turns a dropped decisions CSV into a run of it.

A decision is recorded at once (all of a batch, or none with the reasons) and
applied by the next run of ``customer_master_job``.
"""


import csv
import hashlib
import io
import json
from enum import StrEnum
from pathlib import Path

import dagster as dg
from pydantic import Field

from assets.resources import CrmStore, DecisionsFolder
from assets.store.decisions import record_decisions
from matching.decisions import Decision, DecisionError
from validators.masking import mask_text

JOB = "review_decisions"
OP = "record_review_decisions"
#: Columns of a decisions CSV (header required; extra columns are ignored).
CSV_COLUMNS = ("decision", "item_id", "left_record", "right_record", "customer_id", "field", "value",
               "reviewer", "reason")


class DecisionKind(StrEnum):
    merge = "merge"
    keep_apart = "keep_apart"
    split_off = "split_off"
    choose_value = "choose_value"


class ReviewDecision(dg.Config):
    """One decision. Name an item from the review queue, or records as
    SOURCE_SYSTEM:SOURCE_RECORD_ID (two, or one and a customer id)."""

    decision: DecisionKind = Field(description="merge, keep_apart, split_off or choose_value")
    reviewer: str = Field(description="who decides")
    reason: str = Field(description="why, in a sentence")
    item_id: str = Field(default="", description="RV-… or FC-… from merge_review_queue")
    records: list[str] = Field(default_factory=list, description="SOURCE_SYSTEM:SOURCE_RECORD_ID")
    customer_id: str = Field(default="", description="CM-… (with one record)")
    field: str = Field(default="", description="choose_value: golden field, e.g. email")
    value: str = Field(default="", description="choose_value: the value (or left / right of the item)")

    def to_decision(self) -> Decision:
        return Decision(
            decision=self.decision.value, reviewer=self.reviewer, reason=self.reason,
            item_id=self.item_id or None, records=tuple(self.records),
            customer_id=self.customer_id or None, field=self.field or None, value=self.value or None,
        )


class ReviewDecisionsConfig(dg.Config):
    decisions: list[ReviewDecision] = Field(description="recorded together, or not at all")


@dg.op(name=OP, description="Check the decisions against the store and append them to merge_decision.")
def record_review_decisions(
    context: dg.OpExecutionContext, config: ReviewDecisionsConfig, store: CrmStore
) -> dg.Output[list[int]]:
    channel = "sensor" if context.run.tags.get("customer_master/decisions_file") else "launchpad"
    try:
        ids = record_decisions(store.engine(), [d.to_decision() for d in config.decisions],
                               channel=channel, run_id=context.run_id)
    except DecisionError as error:
        raise dg.Failure(description=mask_text(f"decisions rejected: {error}")) from None
    context.log.info(f"recorded decision(s) {', '.join(f'#{i}' for i in ids)}; "
                     "the next customer_master_job run applies them")
    return dg.Output(ids, metadata={"decision_ids": dg.MetadataValue.json(ids),
                                    "decisions": len(ids)})


@dg.job(name=JOB, description="Record review decisions (merge, keep_apart, split_off, choose_value) "
        "in the store's ledger; the next customer_master_job run honours them.")
def review_decisions_job() -> None:
    record_review_decisions()


def decisions_from_csv(text: str) -> list[dict]:
    """Launchpad-shaped decisions from a decisions CSV; ``ValueError`` when the
    file is not one (no header with decision, reviewer and reason)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = {h.strip() for h in reader.fieldnames or []}
    missing = {"decision", "reviewer", "reason"} - header
    if missing:
        raise ValueError(f"the header lacks {', '.join(sorted(missing))} (columns: {', '.join(CSV_COLUMNS)})")
    out = []
    for row in reader:
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        if not any(row.values()):
            continue
        records = [row.get(c, "") for c in ("left_record", "right_record") if row.get(c)]
        entry = {"decision": row.get("decision", ""), "reviewer": row.get("reviewer", ""),
                 "reason": row.get("reason", ""), "records": records}
        entry.update({k: row[k] for k in ("item_id", "customer_id", "field", "value") if row.get(k)})
        out.append(entry)
    if not out:
        raise ValueError("the file holds no decisions")
    return out


@dg.sensor(job=review_decisions_job, minimum_interval_seconds=30,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Starts review_decisions for each new *.csv in the decisions folder "
           "($CUSTOMER_DECISIONS_DIR, default output/decisions).")
def review_decisions_file_sensor(context: dg.SensorEvaluationContext, decisions_folder: DecisionsFolder):
    seen = set(json.loads(context.cursor)) if context.cursor else set()
    root: Path = decisions_folder.root()
    files = sorted(root.glob("*.csv")) if root.is_dir() else []
    requests, skipped = [], []
    for path in files:
        content = path.read_bytes()
        digest = hashlib.sha256(content).hexdigest()[:16]
        if digest in seen:
            continue
        seen.add(digest)
        try:
            decisions = decisions_from_csv(content.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as error:
            skipped.append(f"{path.name}: {mask_text(str(error))}")
            continue
        requests.append(dg.RunRequest(
            run_key=digest,
            run_config={"ops": {OP: {"config": {"decisions": decisions}}}},
            tags={"customer_master/decisions_file": path.name},
        ))
    context.update_cursor(json.dumps(sorted(seen)))
    if not requests:
        return dg.SkipReason("; ".join(skipped) if skipped else "no new decisions file")
    return requests
