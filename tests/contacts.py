"""Build standardised contacts from a few raw fields, as the readers would hand them over."""

import itertools

import pandas as pd

from assets.sources.records import records_frame
from matching.cluster import cluster_records
from matching.contacts import ContactMatchSettings, block_contacts, score_contacts
from validators.standardise import standardise_contacts

_ids = itertools.count(1)


def raw(source_system: str = "spreadsheets", record_id: str | None = None, **fields: str) -> dict:
    number = next(_ids)
    return {
        "source_system": source_system,
        "source_file": "test",
        "source_record_id": record_id or f"r{number:04d}",
        "source_row": str(number),
        "raw": "{}",
        **fields,
    }


def contacts(*rows: dict) -> pd.DataFrame:
    return standardise_contacts(records_frame(list(rows))).contacts


def resolve(frame: pd.DataFrame, settings: ContactMatchSettings = ContactMatchSettings(),
            **constraints):
    """The pure matching chain, as the assets run it: record_key → cluster number."""
    pairs = block_contacts(frame, settings).pairs
    scored = score_contacts(frame, pairs, settings).pairs
    result = cluster_records(frame, scored, settings, **constraints)
    return dict(zip(result.clusters["record_key"], result.clusters["cluster"])), scored


def same_customer(clusters: dict, a: dict, b: dict) -> bool:
    return clusters[f"{a['source_system']}:{a['source_record_id']}"] == clusters[
        f"{b['source_system']}:{b['source_record_id']}"
    ]
