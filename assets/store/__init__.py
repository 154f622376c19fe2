"""The CRM store: schema, reads and the one-transaction publish."""

from .publish import PublishReport, TableChanges, publish, quarantine_ids
from .reads import count_rows, load_aliases, load_customer, load_previous_xref
from .schema import ensure_schema, metadata

__all__ = [
    "PublishReport",
    "TableChanges",
    "count_rows",
    "ensure_schema",
    "load_aliases",
    "load_customer",
    "load_previous_xref",
    "metadata",
    "publish",
    "quarantine_ids",
]
