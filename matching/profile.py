"""The 360° view of each customer: every contact point, channel, owner, tag,
consent statement and a grade — built from what the sources said, with the
records each fact came from, so nothing is lost when records merge.

Pure: standardised contacts + the record → customer map + golden records in,
one frame per facet out. Times are the sources' own (``created_at`` /
``updated_at``), never the wall clock, so a re-run on the same input gives the
same profile.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import PurePath

import numpy as np
import pandas as pd

from validators.background import Background

from .compare import is_mobile
from .grouped import joined_distinct, json_lists, numbered_groups, text_extreme
from .settings import GradeRule, ProfileSettings

CONTACT_POINT_COLUMNS = ["customer_id", "kind", "value", "extension", "is_primary", "source_systems",
                         "source_records", "first_seen", "last_seen"]
CHANNEL_COLUMNS = ["customer_id", "source_system", "channel", "detail", "first_seen", "last_seen",
                   "record_count"]
OWNER_COLUMNS = ["customer_id", "owner", "first_added_at", "last_added_at", "rows", "is_primary",
                 "primary_rule"]
TAG_COLUMNS = ["customer_id", "tag", "origins", "record_count"]
CONSENT_COLUMNS = ["customer_id", "marketing_consent", "stated_at", "source_system",
                   "source_record_id", "statements"]
GRADE_COLUMNS = ["customer_id", "grade", "score", "completeness", "recency", "touchpoints",
                 "last_seen", "rule"]


@dataclass(frozen=True)
class CustomerProfiles:
    contact_points: pd.DataFrame
    channels: pd.DataFrame
    owners: pd.DataFrame
    tags: pd.DataFrame
    consent: pd.DataFrame
    grades: pd.DataFrame


def build_profiles(
    contacts: pd.DataFrame,
    clusters: pd.DataFrame,
    golden: pd.DataFrame,
    settings: ProfileSettings = ProfileSettings(),
    beside: bool = False,
) -> CustomerProfiles:
    """Every facet of every customer in ``clusters`` (record_key → customer_id).

    The facets are independent of each other: with ``beside`` (the caller knows
    a fork is safe and a core is free), a forked process computes the contact
    points and consent (about 45% of the work at a million records) while this
    one computes the rest."""
    members = contacts.merge(clusters[["record_key", "customer_id"]], on="record_key")
    members = members.assign(
        first_seen=members["created_at"].fillna(members["updated_at"]),
        last_seen=members["updated_at"].fillna(members["created_at"]),
    )
    with Background(lambda: (contact_points(members, golden), consent(members)), enabled=beside) as other:
        facets = {
            "channels": channels(members),
            "owners": owners(members, settings.primary_owner_rule),
            "tags": tags(members, settings),
            "grades": grades(members, golden, settings.grade),
        }
        points, statements = other.result()
    return CustomerProfiles(contact_points=points, consent=statements, **facets)


def contact_points(members: pd.DataFrame, golden: pd.DataFrame) -> pd.DataFrame:
    """Every distinct usable phone, landline, email and WeCom id, with where it
    came from; the survivorship winner is the primary one. Placeholders and
    invalid values never got this far (they stay in the source records).

    Column-wise (explode, sort, compiled group first/min/max): a Python loop per
    record and point cost a minute at a million records."""
    columns = ["customer_id", "record_key", "source_system", "first_seen", "last_seen", "phones",
               "phone_kinds", "phone", "landline", "phone_extension", "email", "wecom_id"]
    m = members.reindex(columns=columns).reset_index(drop=True)
    rows = pd.concat([_phone_rows(m), _value_rows(m, "email"), _value_rows(m, "wecom_id")],
                     ignore_index=True)
    if rows.empty:
        return pd.DataFrame(columns=CONTACT_POINT_COLUMNS)
    # Each point's rows together, in record order (the first extension given wins).
    rows["order"] = np.arange(len(rows))
    rows = rows.sort_values(["customer_id", "kind", "value", "order"], ignore_index=True)
    rows["point"] = rows.groupby(["customer_id", "kind", "value"], sort=False).ngroup()
    point = rows["point"]
    out = rows.drop_duplicates("point").set_index("point")[["customer_id", "kind", "value"]]
    out["extension"] = rows["extension"].groupby(point).first()
    winners = golden.set_index("customer_id")[["phone", "landline", "email", "wecom_id"]]
    winners = winners.reindex(out["customer_id"])
    column_of = {"mobile": "phone", "phone": "phone", "landline": "landline", "email": "email",
                 "wecom_id": "wecom_id"}
    primary = np.zeros(len(out), dtype=bool)
    kinds = out["kind"].to_numpy(dtype=object)
    values = out["value"].to_numpy(dtype=object)
    for kind, column in column_of.items():
        chosen = kinds == kind
        primary |= chosen & _equal(values, winners[column])
    # A landline can be the golden phone too, when the customer has no mobile.
    primary |= (kinds == "landline") & _equal(values, winners["phone"])
    out["is_primary"] = primary
    out["source_systems"] = joined_distinct(point, rows["source_system"])
    out["source_records"] = json_lists(point, rows["record_key"])
    out["first_seen"] = text_extreme(rows["first_seen"], rows, ["point"], "min")
    out["last_seen"] = text_extreme(rows["last_seen"], rows, ["point"], "max")
    out = out.reset_index(drop=True)[CONTACT_POINT_COLUMNS]
    return out.astype({"extension": "str", "source_records": "str"})


def _equal(values: np.ndarray, other: pd.Series | np.ndarray) -> np.ndarray:
    """Element-wise ``==`` of Python values (None and NaN never equal anything)."""
    right = other.to_numpy(dtype=object) if isinstance(other, pd.Series) else other
    return np.fromiter((a == b for a, b in zip(values, right)), dtype=bool, count=len(values))


def _phone_rows(m: pd.DataFrame) -> pd.DataFrame:
    """One row per (record, listed number): its kind and, for the number the
    record's extension belongs to, the extension."""
    listed = m[m["phones"].notna()]
    if listed.empty:
        return pd.DataFrame(columns=["customer_id", "record_key", "source_system", "first_seen",
                                     "last_seen", "kind", "value", "extension"])
    numbers = listed["phones"].astype(object).str.split(";")
    parsed = [_phone_kinds(k, n) for k, n in zip(listed["phone_kinds"].astype(object), numbers)]
    at = np.repeat(np.arange(len(listed)), numbers.str.len().to_numpy())
    rows = listed.iloc[at].reset_index(drop=True)
    value = np.array([v for n in numbers for v in n], dtype=object)
    parsed_kind = np.array([k for ks in parsed for k in ks], dtype=object)
    landline = rows["landline"].astype(object).where(rows["landline"].notna(), None).to_numpy()
    phone = rows["phone"].astype(object).where(rows["phone"].notna(), None).to_numpy()
    extension = rows["phone_extension"].astype(object).where(rows["phone_extension"].notna(), None)
    owner = np.where(pd.notna(landline), landline, phone)  # the number an extension belongs to
    on_line = _equal(value, owner)
    kind = np.where(parsed_kind == "mobile", "mobile", np.where(_equal(value, landline), "landline", "phone"))
    return pd.DataFrame({
        "customer_id": rows["customer_id"], "record_key": rows["record_key"],
        "source_system": rows["source_system"], "first_seen": rows["first_seen"],
        "last_seen": rows["last_seen"], "kind": kind, "value": value,
        "extension": extension.where(on_line, None).to_numpy(),
    })


def _value_rows(m: pd.DataFrame, column: str) -> pd.DataFrame:
    held = m[m[column].notna()]
    return pd.DataFrame({
        "customer_id": held["customer_id"], "record_key": held["record_key"],
        "source_system": held["source_system"], "first_seen": held["first_seen"],
        "last_seen": held["last_seen"], "kind": column, "value": held[column],
        "extension": None,
    })


def _phone_kinds(listed: object, numbers: list[str]) -> list[str]:
    """Each number's kind as the standardiser parsed it (``phone_kinds``); a frame
    without that column (built by hand) gets each number parsed here instead."""
    if isinstance(listed, str):
        return listed.split(";")
    return ["mobile" if is_mobile(number) else "other" for number in numbers]


def channels(members: pd.DataFrame) -> pd.DataFrame:
    """How the customer reached us: web channel + form, each WeCom 来源, each list
    file, the old CRM — with first and last time and the number of records."""
    rows = []
    columns = ["customer_id", "record_key", "source_system", "first_seen", "last_seen", "owners",
               "channel", "form_id", "source_file"]
    for record in _records(members, columns):
        system = record.source_system
        if system == "wechat" and isinstance(record.owners, str):
            for entry in json.loads(record.owners):
                rows.append((record, entry.get("channel") or "unknown", "", entry.get("added_at")))
            continue
        if system == "web_forms":
            channel, detail = (_text(record.channel) or "unknown"), (_text(record.form_id) or "")
        elif system == "wechat":
            channel, detail = (_text(record.channel) or "unknown"), ""
        elif system == "spreadsheets":
            channel, detail = "list", record.source_file.split(";")[0]
        else:
            channel, detail = "legacy_crm", ""
        rows.append((record, channel, detail, None))
    frame = pd.DataFrame(
        [(r.customer_id, r.source_system, c, d, at or r.first_seen, at or r.last_seen, r.record_key)
         for r, c, d, at in rows],
        columns=["customer_id", "source_system", "channel", "detail", "first_seen", "last_seen",
                 "record_key"],
    )
    if frame.empty:
        return pd.DataFrame(columns=CHANNEL_COLUMNS)
    group, out = numbered_groups(frame, ["customer_id", "source_system", "channel", "detail"])
    numbered = pd.DataFrame({"group": group})
    out["record_count"] = frame["record_key"].groupby(group).nunique().to_numpy()
    out["first_seen"] = text_extreme(frame["first_seen"], numbered, ["group"], "min").to_numpy()
    out["last_seen"] = text_extreme(frame["last_seen"], numbered, ["group"], "max").to_numpy()
    return out[CHANNEL_COLUMNS]


def owners(members: pd.DataFrame, rule: str) -> pd.DataFrame:
    """Every staff member who added the customer in WeCom, and the suggested
    primary owner by ``rule``: ``most_recent`` (latest to add), ``most_rows``
    (most export rows, then most recent) or ``first_added``."""
    entries = [
        (customer, entry["owner"], entry.get("added_at"))
        for customer, listed in zip(members["customer_id"], members["owners"])
        if isinstance(listed, str)
        for entry in json.loads(listed)
    ]
    frame = pd.DataFrame(entries, columns=["customer_id", "owner", "added_at"])
    if frame.empty:
        return pd.DataFrame(columns=OWNER_COLUMNS)
    group, out = numbered_groups(frame, ["customer_id", "owner"])
    numbered = pd.DataFrame({"group": group})
    out["rows"] = group.groupby(group).size().to_numpy()
    out["first_added_at"] = text_extreme(frame["added_at"], numbered, ["group"], "min").to_numpy()
    out["last_added_at"] = text_extreme(frame["added_at"], numbered, ["group"], "max").to_numpy()
    out = out[["customer_id", "owner", "first_added_at", "last_added_at", "rows"]]
    keys = {
        "most_recent": (["last_added_at", "rows"], [False, False]),
        "most_rows": (["rows", "last_added_at"], [False, False]),
        "first_added": (["first_added_at"], [True]),
    }
    if rule not in keys:
        raise ValueError(f"unknown primary owner rule {rule!r}; one of {sorted(keys)}")
    columns, ascending = keys[rule]
    ranked = out.sort_values(["customer_id", *columns, "owner"], ascending=[True, *ascending, True],
                             na_position="last")
    winners = set(ranked.drop_duplicates("customer_id").index)
    out["is_primary"] = out.index.isin(winners)
    out["primary_rule"] = rule
    out["rows"] = out["rows"].astype("int64")
    return out[OWNER_COLUMNS]


def tags(members: pd.DataFrame, settings: ProfileSettings) -> pd.DataFrame:
    """WeCom 标签, plus tags derived from form ids and list file names; one tag
    per spelling-insensitive value (``VIP`` = ``vip``), with where it came from.
    Column-wise, like ``contact_points``."""
    m = members.reindex(columns=["customer_id", "record_key", "source_system", "tags", "form_id",
                                 "source_file"]).reset_index(drop=True)
    parts = []
    listed = m[m["tags"].notna()]
    if len(listed):
        split = listed["tags"].astype(object).str.split(";").explode()
        split = split[split.notna() & (split != "")]
        parts.append(_tag_rows(m, split.index, split.to_numpy(dtype=object), "wecom"))
    if settings.derive_form_tags:
        forms = m["form_id"][m["form_id"].notna()]
        parts.append(_tag_rows(m, forms.index, (settings.form_tag_prefix + forms.astype(object)).to_numpy(), "form"))
    if settings.derive_list_tags:
        lists = m["source_file"][m["source_system"] == "spreadsheets"]
        stems = {f: PurePath(f.split(";")[0]).stem for f in lists.unique()}  # per distinct file
        parts.append(_tag_rows(m, lists.index, (settings.list_tag_prefix + lists.map(stems).astype(object)).to_numpy(),
                               "list"))
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if rows.empty:
        return pd.DataFrame(columns=TAG_COLUMNS)
    rows["folded"] = [t.casefold() for t in rows["tag"]]
    rows = rows.sort_values(["customer_id", "folded"], kind="stable", ignore_index=True)
    rows["entry"] = rows.groupby(["customer_id", "folded"], sort=False).ngroup()
    # The most used spelling; on a tie the first in code-point order (so the result
    # does not depend on the order records were read in).
    spellings = rows.groupby(["entry", "tag"], sort=False).size().rename("n").reset_index()
    spellings = spellings.sort_values(["entry", "n", "tag"], ascending=[True, False, True])
    usual = spellings.drop_duplicates("entry").set_index("entry")["tag"]
    out = rows.drop_duplicates("entry").set_index("entry")[["customer_id"]]
    out["tag"] = usual
    out["origins"] = joined_distinct(rows["entry"], rows["origin"])
    out["record_count"] = rows[["entry", "record_key"]].drop_duplicates().groupby("entry").size().astype("int64")
    return out.reset_index(drop=True)[TAG_COLUMNS]


def _tag_rows(m: pd.DataFrame, at: pd.Index, tags: np.ndarray, origin: str) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": m["customer_id"].to_numpy(dtype=object)[at],
                         "tag": tags, "origin": origin,
                         "record_key": m["record_key"].to_numpy(dtype=object)[at]})


def consent(members: pd.DataFrame) -> pd.DataFrame:
    """The customer's most recent explicit marketing-consent statement (never
    invented: customers who never stated one have no row). Two statements at
    the same moment: a refusal wins."""
    stated = members[members["consent_marketing"].notna()].copy()
    if stated.empty:
        return pd.DataFrame(columns=CONSENT_COLUMNS)
    stated["refused"] = stated["consent_marketing"] == "false"
    stated = stated.sort_values(["customer_id", "first_seen", "refused", "record_key"],
                                ascending=[True, False, False, True], na_position="last")
    counts = stated.groupby("customer_id").size()
    latest = stated.drop_duplicates("customer_id")
    out = pd.DataFrame({
        "customer_id": latest["customer_id"],
        "marketing_consent": latest["refused"].map({True: "refused", False: "granted"}),
        "stated_at": latest["first_seen"],
        "source_system": latest["source_system"],
        "source_record_id": latest["source_record_id"],
        "statements": latest["customer_id"].map(counts).astype("int64"),
    })
    return out.reset_index(drop=True)[CONSENT_COLUMNS]


def grades(members: pd.DataFrame, golden: pd.DataFrame, rule: GradeRule) -> pd.DataFrame:
    """A/B/C per customer from completeness, recency and touchpoints (see
    ``GradeRule``). Recency is measured against the newest date in the data,
    not today, so the same input always grades the same."""
    if golden.empty:
        return pd.DataFrame(columns=GRADE_COLUMNS)
    seen = pd.to_datetime(members["last_seen"], utc=True, errors="coerce", format="ISO8601")
    as_of = seen.max()
    last = seen.groupby(members["customer_id"]).max()
    last_text = text_extreme(members["last_seen"], members, ["customer_id"], "max")
    touch = members.groupby("customer_id")["record_key"].nunique()
    frame = golden.set_index("customer_id")
    completeness = frame[list(rule.completeness_fields)].notna().mean(axis=1)
    days = (as_of - last.reindex(frame.index)).dt.days
    recency = pd.Series(0.0, index=frame.index)
    recency[days <= rule.active_days] = 0.5
    recency[days <= rule.recent_days] = 1.0
    touchpoints = touch.reindex(frame.index).fillna(0)
    score = (rule.weight_completeness * completeness + rule.weight_recency * recency
             + rule.weight_touchpoints * (touchpoints / rule.touchpoints_for_full).clip(upper=1))
    grade = pd.Series("C", index=frame.index)
    grade[score >= rule.grade_b] = "B"
    grade[score >= rule.grade_a] = "A"
    return pd.DataFrame({
        "customer_id": frame.index,
        "grade": grade.to_numpy(),
        "score": score.round(1).to_numpy(),
        "completeness": completeness.round(3).to_numpy(),
        "recency": recency.to_numpy(),
        "touchpoints": touchpoints.astype("int64").to_numpy(),
        "last_seen": last_text.reindex(frame.index).to_numpy(),
        "rule": json.dumps(asdict(rule), sort_keys=True),
    })[GRADE_COLUMNS]


def _records(members: pd.DataFrame, columns: list[str]):
    """Row tuples of ``columns`` with plain Python values: iterating pandas' text
    arrays element by element costs ~10x a conversion to object arrays first, and
    converting only the columns a facet reads saves converting the other thirty."""
    return members.reindex(columns=columns).astype(object).itertuples(index=False)


def _joined_set(values: pd.Series) -> str:
    return ",".join(sorted(set(values.dropna())))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
