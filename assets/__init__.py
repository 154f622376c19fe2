"""Thin Dagster assets over the pure libraries in ``validators`` and ``matching``."""

from .checks import ASSET_CHECKS
from .ingest import RAW_ASSETS, SourceBatch
from .matched import candidate_pairs, contact_clusters, golden_customers, scored_pairs
from .published import crm_store
from .resources import CrmStore, SourcesFolder
from .standardised import standardise

ALL_ASSETS = [*RAW_ASSETS, standardise, candidate_pairs, scored_pairs, contact_clusters,
              golden_customers, crm_store]

__all__ = ["ALL_ASSETS", "ASSET_CHECKS", "CrmStore", "SourceBatch", "SourcesFolder"]
