"""``customer_profiles``: the 360° view — contact points, channels, owners, tags,
consent and grade of every customer (published with the golden records)."""

import json

import dagster as dg
import pandas as pd

from matching.profile import CustomerProfiles, build_profiles
from matching.settings import GradeRule, ProfileSettings

from .compute import ComputeEngine
from .metadata import counts_table
from .step import step_body

PROFILE_GROUP = "match"


class ProfileConfig(dg.Config):
    """Rules a data engineer may change per run from the Launchpad (defaults and
    meaning: ``ProfileSettings`` and ``GradeRule`` in matching/settings.py)."""

    primary_owner_rule: str = ProfileSettings.primary_owner_rule
    derive_form_tags: bool = ProfileSettings.derive_form_tags
    form_tag_prefix: str = ProfileSettings.form_tag_prefix
    derive_list_tags: bool = ProfileSettings.derive_list_tags
    list_tag_prefix: str = ProfileSettings.list_tag_prefix
    grade_a: float = GradeRule.grade_a
    grade_b: float = GradeRule.grade_b
    recent_days: int = GradeRule.recent_days
    active_days: int = GradeRule.active_days

    def settings(self) -> ProfileSettings:
        grade = GradeRule(grade_a=self.grade_a, grade_b=self.grade_b,
                          recent_days=self.recent_days, active_days=self.active_days)
        return ProfileSettings(
            primary_owner_rule=self.primary_owner_rule,
            derive_form_tags=self.derive_form_tags, form_tag_prefix=self.form_tag_prefix,
            derive_list_tags=self.derive_list_tags, list_tag_prefix=self.list_tag_prefix,
            grade=grade,
        )


@dg.asset(group_name=PROFILE_GROUP, kinds={"pandas"})
@step_body
def customer_profiles(
    config: ProfileConfig,
    compute: ComputeEngine,
    standardised_contacts: pd.DataFrame,
    contact_clusters: pd.DataFrame,
    golden_customers: pd.DataFrame,
) -> dg.Output[CustomerProfiles]:
    """Every contact point, channel, WeCom owner, tag, consent statement and the
    grade of each customer, with the source records each came from."""
    settings = config.settings()
    profiles = build_profiles(standardised_contacts, contact_clusters, golden_customers, settings,
                              beside=compute.beside())
    consent = profiles.consent["marketing_consent"].value_counts().to_dict()
    return dg.Output(
        profiles,
        metadata={
            "contact_points_by_kind": dg.MetadataValue.md(
                counts_table(profiles.contact_points["kind"].value_counts().to_dict(), "kind", "contact points")),
            "channels": dg.MetadataValue.md(counts_table(
                (profiles.channels["source_system"] + " / " + profiles.channels["channel"])
                .value_counts().to_dict(), "source / channel", "customers")),
            "customers_with_several_owners": int((profiles.owners.groupby("customer_id").size() > 1).sum()),
            "primary_owner_rule": settings.primary_owner_rule,
            "distinct_tags": int(profiles.tags["tag"].nunique()),
            "marketing_consent": dg.MetadataValue.md(
                counts_table({**consent, "no statement": len(golden_customers) - sum(consent.values())},
                             "consent", "customers")),
            "grades": dg.MetadataValue.md(
                counts_table(profiles.grades["grade"].value_counts().to_dict(), "grade", "customers")),
            "grade_rule": dg.MetadataValue.json(json.loads(settings.to_json())["grade"]),
        },
    )
