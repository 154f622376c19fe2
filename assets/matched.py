"""Matching assets: candidate_pairs → scored_pairs → contact_clusters → golden_customers."""

import json

import dagster as dg
import pandas as pd

from matching.cluster import cluster_records
from matching.contacts import ContactMatchSettings, block_contacts, score_contacts, weights_table
from matching.decisions import apply_overrides
from matching.engine_steps import compare
from matching.identity import assign_customer_ids, find_merges
from matching.model import NO_MATCH
from matching.settings import SurvivorshipSettings
from matching.survivorship import select_survivors

from .compute import ComputeEngine
from .metadata import counts_table, matrix_table
from .resources import CrmStore
from .review import review_constraints
from .standardised import contacts_name
from .step import step_body
from .store import load_aliases, load_previous_xref

MATCH_GROUP = "match"
_GOLDEN_FIELDS = ("name", "phone", "email", "company", "city", "address", "birth_date")


_DEFAULT = ContactMatchSettings()


class MatchConfig(dg.Config):
    """Thresholds a data engineer may change per run from the Launchpad: a pair
    at or above ``match_probability`` is one customer, between the two it goes
    to review. The weights themselves are learned from each run's data."""

    match_probability: float = _DEFAULT.engine.match_probability
    review_probability: float = _DEFAULT.engine.review_probability
    max_block_size: int = _DEFAULT.engine.max_block_size

    def settings(self) -> ContactMatchSettings:
        return _DEFAULT.with_thresholds(self.match_probability, self.review_probability,
                                        self.max_block_size)


@dg.asset(group_name=MATCH_GROUP, kinds={"pandas"})
@step_body
def candidate_pairs(
    context: dg.AssetExecutionContext, config: MatchConfig, compute: ComputeEngine,
    standardised_contacts: pd.DataFrame,
) -> dg.Output[pd.DataFrame]:
    """Record pairs sharing a blocking key (phone, email, resident id, pinyin
    letters of the name, name + birth year, company + surname …)."""
    result = block_contacts(standardised_contacts, config.settings(), beside=compute.beside(),
                            same_as=contacts_name(context.run_id))
    pairs = result.pairs
    return dg.Output(
        pairs,
        metadata={
            "dagster/row_count": len(pairs),
            "pairs_per_rule": dg.MetadataValue.md(
                counts_table(result.pairs_per_rule, "blocking rule", "pairs")
            ),
            "oversized_blocks_skipped": dg.MetadataValue.md(
                counts_table({k: v for k, v in result.skipped_blocks.items() if v}, "rule", "blocks")
            ),
        },
    )


@dg.asset(group_name=MATCH_GROUP, kinds={"pandas", "rapidfuzz"})
@step_body
def scored_pairs(
    context: dg.AssetExecutionContext,
    config: MatchConfig,
    compute: ComputeEngine,
    standardised_contacts: pd.DataFrame,
    candidate_pairs: pd.DataFrame,
) -> dg.Output[pd.DataFrame]:
    """The scored candidate pairs later steps read, with per-field comparison
    levels, match weights (``w_<field>``, bits), score, match probability and
    decision: every match and review pair (clustering, evidence, the review
    queue) and every no-match pair a field weighs strongly against (clustering
    keeps those apart). The other no-match pairs, most of them, are only
    counted (``decisions``). The model (m and u per level) is learned from this
    run's records."""
    settings = config.settings()
    # Pair comparison is per pair: on engine dask, chunks of pairs run on the cluster.
    result = score_contacts(standardised_contacts, candidate_pairs, settings,
                            compare_with=compute.pair_comparer(compare), every_pair=False,
                            same_as=contacts_name(context.run_id))
    scored = result.pairs
    decisions = {d: n for d, n in scored["decision"].value_counts().items() if d != NO_MATCH}
    if len(candidate_pairs) > sum(decisions.values()):  # every pair left out is a no-match
        decisions[NO_MATCH] = len(candidate_pairs) - sum(decisions.values())
    model = {
        f"{row.field} {row.level}": {"m": f"{row.m:.4f}", "u": f"{row.u:.2e}", "weight": f"{row.weight:+.2f}"}
        for row in weights_table(result.parameters).itertuples()
    }
    return dg.Output(
        scored,
        metadata={
            "dagster/row_count": len(scored),
            "pairs_scored": len(candidate_pairs),
            "decisions": dg.MetadataValue.md(counts_table(decisions, "decision", "pairs")),
            "model": dg.MetadataValue.md(matrix_table(model, "field level")),
            "prior": float(result.parameters.prior),
            "settings": dg.MetadataValue.json(json.loads(settings.to_json())),
        },
    )


@dg.asset(group_name=MATCH_GROUP, kinds={"pandas"})
@step_body
def contact_clusters(
    context: dg.AssetExecutionContext,
    config: MatchConfig,
    store: CrmStore,
    standardised_contacts: pd.DataFrame,
    scored_pairs: pd.DataFrame,
) -> dg.Output[pd.DataFrame]:
    """Records grouped into customers (constrained clustering), each with its
    stable customer id (inherited from the store where the customer existed)."""
    engine = store.engine()
    decided = review_constraints(engine)  # reviewers' decisions win over scores
    result = cluster_records(standardised_contacts, scored_pairs, config.settings(),
                             must_link=decided.must_link, cannot_link=decided.cannot_link)
    previous = load_previous_xref(engine)
    identity = assign_customer_ids(result.clusters, previous, reserved=load_aliases(engine))
    clusters = result.clusters.merge(identity.assignments, on="cluster")
    clusters = clusters.merge(
        standardised_contacts[["record_key", "source_system", "source_record_id"]], on="record_key"
    )
    sizes = clusters.groupby("cluster").size()
    for problem in decided.contradictions:  # kept apart loses: must-links are applied first
        context.log.warning(f"review decisions disagree: {problem}")
    context.log.info(
        f"{len(clusters)} records → {len(sizes)} customers; "
        f"{len(result.refused_edges)} matched pairs kept apart by contradictions"
    )
    return dg.Output(
        clusters,
        metadata={
            "dagster/row_count": len(clusters),
            "customers": int(len(sizes)),
            "customers_with_several_records": int((sizes > 1).sum()),
            "largest_cluster": int(sizes.max()) if len(sizes) else 0,
            "cluster_sizes": dg.MetadataValue.md(
                counts_table(sizes.value_counts().sort_index().to_dict(), "records per customer", "customers")
            ),
            "pairs_refused_by_constraints": len(result.refused_edges),
            "review_decisions_honoured": len(decided.applied),
            "must_links_from_reviewers": len(decided.must_link),
            "cannot_links_from_reviewers": len(decided.cannot_link),
            "ids_kept_from_store": int(identity.assignments["customer_id"].isin(previous["customer_id"]).sum()),
            "ids_merged_away": len(identity.merged),
            "ids_retired": len(identity.retired),
            "merged_ids": dg.MetadataValue.json(identity.merged.to_dict("records")),
        },
    )


@dg.asset(group_name=MATCH_GROUP, kinds={"pandas"})
@step_body
def golden_customers(
    store: CrmStore, standardised_contacts: pd.DataFrame, contact_clusters: pd.DataFrame
) -> dg.Output[pd.DataFrame]:
    """One golden record per customer: each field chosen by its survivorship rule,
    with the winning source record kept as provenance; a value a reviewer chose
    (choose_value) wins over the rule."""
    settings = SurvivorshipSettings()
    golden = select_survivors(standardised_contacts, contact_clusters, settings)
    engine = store.engine()
    overrides = review_constraints(engine).overrides
    if overrides:  # a choice made for a customer that merged this run follows it
        moved = find_merges(load_previous_xref(engine), contact_clusters[["record_key", "customer_id"]])
        into = dict(zip(moved["old_customer_id"], moved["customer_id"]))
        followed: dict[str, dict] = {}
        for customer, fields in overrides.items():
            followed.setdefault(into.get(customer, customer), {}).update(fields)
        golden = apply_overrides(golden, followed)
    combos = golden["source_systems"].value_counts().to_dict()
    return dg.Output(
        golden,
        metadata={
            "dagster/row_count": len(golden),
            "customers_by_sources": dg.MetadataValue.md(counts_table(combos, "sources", "customers")),
            "values_chosen_by_reviewers": sum(len(f) for f in overrides.values()),
            "field_completeness": dg.MetadataValue.md(
                matrix_table(
                    {"filled": {c: f"{golden[c].notna().mean():.0%}" for c in _GOLDEN_FIELDS}}, "share"
                )
            ),
        },
    )
