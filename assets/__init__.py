"""Thin Dagster assets over the pure libraries in ``validators`` and ``matching``."""

from .checks import ASSET_CHECKS
from .compute import ComputeEngine
from .ingest import RAW_ASSETS, SourceBatch
from .io_manager import RunFilesIOManager
from .matched import candidate_pairs, contact_clusters, golden_customers, scored_pairs
from .profiles import customer_profiles
from .published import crm_export, crm_store
from .quality import QUALITY_CHECKS, quality_scorecard, quality_validation
from .resources import CrmStore, DecisionsFolder, QualitySettings, SourcesFolder
from .review import customer_links, merge_review_queue
from .standardised import standardise

ALL_ASSETS = [*RAW_ASSETS, standardise, candidate_pairs, scored_pairs, contact_clusters,
              golden_customers, merge_review_queue, customer_links, customer_profiles, quality_scorecard, quality_validation, crm_store,
              crm_export]
ALL_CHECKS = [*ASSET_CHECKS, *QUALITY_CHECKS]

__all__ = ["ALL_ASSETS", "ALL_CHECKS", "ComputeEngine", "CrmStore", "DecisionsFolder", "QualitySettings",
           "RunFilesIOManager", "SourceBatch", "SourcesFolder"]
