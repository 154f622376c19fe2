"""The quality scorecard: a few numbers per source and run that say whether the
data got better or worse, in a long frame a store can append to run after run.

One row per run × source × metric (``run_id, source_system, metric, value,
measured_at``); ``source_system`` is each source present in the run, then
``"ALL"`` for the run as a whole. Counts are over *records*: a quarantined whole
file counts as one record read, a WeCom contact added by several staff as one.

Metrics (a ratio whose denominator is zero is left out, not reported as 0):

- ``records_read`` = ``records_accepted`` + ``records_quarantined``.
- ``records_accepted``: rows of ``standardised_contacts``.
- ``records_quarantined``: rows of the quarantine frame.
- ``quarantine_rate`` = quarantined ÷ read.
- ``quarantine_rate_<reason>`` = quarantined for that reason ÷ read, for each
  reason present in that source (all reasons of the run for ``ALL``).
- ``completeness_<field>`` for name, phone, email, company, city = accepted
  records with the (normalised) field ÷ accepted records.
- ``validity_phone`` = usable ÷ (usable + unusable) among accepted records that
  had a phone: *usable* means the record has a normalised ``phone``; *unusable*
  means it has none and its ``notes`` say ``phone:invalid``, ``phone:placeholder``
  or ``phone:too_long`` (a raw value was typed but could not be used). Records
  that never had a phone do not count either way.
- ``validity_email``: the same with ``email`` and ``email:…`` notes.
- ``duplicate_rate`` = 1 − customers ÷ accepted records, counting the distinct
  ``customer_id``s of that source's records (a record without a cluster counts
  as its own customer). It is the share of records that disappear into another
  record when merged; for ``ALL`` it is 1 − golden customers ÷ accepted records.

Why a long frame: new metrics and sources need no schema change in the store,
and a chart or a comparison between runs is one pivot away.
"""

from __future__ import annotations

import pandas as pd

from .schemas import SOURCE_SYSTEMS

__all__ = [
    "ALL_SOURCES",
    "COMPLETENESS_FIELDS",
    "SCORECARD_COLUMNS",
    "batch_metrics",
    "quality_scorecard",
]

#: The ``source_system`` label of the run-level rows.
ALL_SOURCES = "ALL"
SCORECARD_COLUMNS: tuple[str, ...] = ("run_id", "source_system", "metric", "value", "measured_at")
COMPLETENESS_FIELDS: tuple[str, ...] = ("name", "phone", "email", "company", "city")

_CONTACT_COLUMNS = ("record_key", "source_system", *COMPLETENESS_FIELDS, "notes")
_QUARANTINE_COLUMNS = ("source_system", "reason")
_CLUSTER_COLUMNS = ("record_key", "customer_id")
_UNUSABLE = r"(?:^|;){field}:(?:invalid|placeholder|too_long)(?:;|$)"
_UNKNOWN_SOURCE = "unknown"


def quality_scorecard(
    contacts: pd.DataFrame,
    quarantine: pd.DataFrame,
    clusters: pd.DataFrame,
    run_id: str,
    measured_at: str,
) -> pd.DataFrame:
    """Every metric of the module docstring, per source present and for ``ALL``."""
    contacts, quarantine, clusters = _prepare(contacts, quarantine, clusters)
    customers = contacts["record_key"].map(dict(zip(clusters["record_key"], clusters["customer_id"])))
    customers = customers.fillna(contacts["record_key"])
    rows: list[tuple[str, str, float]] = []
    for source in _sources(contacts, quarantine):
        if source == ALL_SOURCES:
            c, q, cust = contacts, quarantine, customers
        else:
            chosen = contacts["source_system"] == source
            c, q, cust = contacts[chosen], quarantine[quarantine["source_system"] == source], customers[chosen]
        rows += [(source, metric, value) for metric, value in _metrics(c, q, cust).items()]
    frame = pd.DataFrame(rows, columns=["source_system", "metric", "value"])
    frame.insert(0, "run_id", run_id)
    frame["measured_at"] = measured_at
    frame["value"] = frame["value"].astype("float64")
    for column in ("run_id", "source_system", "metric", "measured_at"):
        frame[column] = frame[column].astype("str")
    return frame[list(SCORECARD_COLUMNS)]


def batch_metrics(contacts: pd.DataFrame, quarantine: pd.DataFrame, clusters: pd.DataFrame) -> pd.DataFrame:
    """The frame ``batch_suite`` checks: per source present (then ``ALL``)
    records_read, records_accepted, quarantined and quarantine_rate (NaN when
    nothing was read); the ``ALL`` row also has customers_per_record (golden
    customers ÷ accepted records, NaN for the sources and for an empty run).

    It lives here, beside the scorecard, so the suite and the scorecard can never
    disagree about what a quarantine rate is.
    """
    customers = clusters["customer_id"].nunique() if "customer_id" in clusters else 0
    contacts, quarantine, _ = _prepare(contacts, quarantine, pd.DataFrame())
    rows = []
    for source in _sources(contacts, quarantine):
        accepted = len(contacts) if source == ALL_SOURCES else int((contacts["source_system"] == source).sum())
        rejected = len(quarantine) if source == ALL_SOURCES else int((quarantine["source_system"] == source).sum())
        read = accepted + rejected
        nan = float("nan")
        ratio = customers / accepted if source == ALL_SOURCES and accepted else nan
        rows.append((source, read, accepted, rejected, rejected / read if read else nan, ratio))
    frame = pd.DataFrame(rows, columns=["source_system", "records_read", "records_accepted", "quarantined",
                                        "quarantine_rate", "customers_per_record"])
    return frame.astype({"records_read": "int64", "records_accepted": "int64", "quarantined": "int64",
                         "quarantine_rate": "float64", "customers_per_record": "float64"})


def _prepare(
    contacts: pd.DataFrame, quarantine: pd.DataFrame, clusters: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Only the columns used (missing ones as empty), missing sources labelled."""
    contacts = contacts.reindex(columns=list(_CONTACT_COLUMNS)).reset_index(drop=True)
    quarantine = quarantine.reindex(columns=list(_QUARANTINE_COLUMNS)).reset_index(drop=True)
    clusters = clusters.reindex(columns=list(_CLUSTER_COLUMNS)).dropna()
    for frame in (contacts, quarantine):
        frame["source_system"] = frame["source_system"].astype(object).fillna(_UNKNOWN_SOURCE)
    quarantine["reason"] = quarantine["reason"].astype(object).fillna("unknown")
    return contacts, quarantine, clusters


def _sources(contacts: pd.DataFrame, quarantine: pd.DataFrame) -> list[str]:
    """Known kinds in their usual order, then any other label, then ``ALL``."""
    present = set(contacts["source_system"]) | set(quarantine["source_system"])
    known = [s for s in SOURCE_SYSTEMS if s in present]
    return [*known, *sorted(str(s) for s in present - set(known)), ALL_SOURCES]


def _metrics(contacts: pd.DataFrame, quarantine: pd.DataFrame, customers: pd.Series) -> dict[str, float]:
    accepted, rejected = len(contacts), len(quarantine)
    read = accepted + rejected
    metrics: dict[str, float] = {
        "records_read": read,
        "records_accepted": accepted,
        "records_quarantined": rejected,
    }
    if read:
        metrics["quarantine_rate"] = rejected / read
    if accepted:
        for field in COMPLETENESS_FIELDS:
            metrics[f"completeness_{field}"] = float(contacts[field].notna().mean())
    for field in ("phone", "email"):
        validity = _validity(contacts, field)
        if validity is not None:
            metrics[f"validity_{field}"] = validity
    if accepted:
        metrics["duplicate_rate"] = 1 - customers.nunique() / accepted
    if read:
        for reason, count in sorted(quarantine["reason"].value_counts().items()):
            metrics[f"quarantine_rate_{reason}"] = count / read
    return metrics


def _validity(contacts: pd.DataFrame, field: str) -> float | None:
    """usable ÷ (usable + unusable), or None when no record had a value."""
    usable = contacts[field].notna()
    notes = contacts["notes"].astype(object).fillna("").astype(str)
    unusable = ~usable & notes.str.contains(_UNUSABLE.format(field=field), regex=True)
    seen = int(usable.sum()) + int(unusable.sum())
    return int(usable.sum()) / seen if seen else None
