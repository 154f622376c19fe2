"""Readers for the four kinds of source export (pure: paths in, frames out)."""

from .records import QUARANTINE_COLUMNS, RAW_FIELDS, RECORD_COLUMNS, ReadResult
from .spec import SOURCE_SPECS, SPECS_BY_KIND, SourceSpec, read_source, source_files

__all__ = [
    "QUARANTINE_COLUMNS",
    "RAW_FIELDS",
    "RECORD_COLUMNS",
    "ReadResult",
    "SOURCE_SPECS",
    "SPECS_BY_KIND",
    "SourceSpec",
    "read_source",
    "source_files",
]
