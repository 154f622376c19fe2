"""Canonical pandera schemas, one per stage that hands a frame to the next.

Checks are named, registered functions (not lambdas) so a failure in Dagster
says *which* rule broke, and so the same rules can be reused by any schema.
"""

from __future__ import annotations

import json

import pandas as pd
import pandera.pandas as pa
from pandera.extensions import register_check_method
from pandera.typing import Series

from validators import e164_rule

SOURCE_SYSTEMS: tuple[str, ...] = ("web_forms", "wechat", "spreadsheets", "legacy")
NAME_SCRIPTS: tuple[str, ...] = ("han", "latin", "mixed", "none")
GENDERS: tuple[str, ...] = ("M", "F")

_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
_ISO_TIMESTAMP = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$"
_EMAIL = r"^[^@\sA-Z]+@[^@\sA-Z]+\.[^@\sA-Z]+$"


@register_check_method(statistics=[])
def valid_e164(series: pd.Series) -> pd.Series:
    """Every value is a number ``phonenumbers`` parses and calls valid (each
    distinct number judged once per run: ``e164_rule``)."""
    verdicts = e164_rule.judge(series.dropna().unique())
    return series.map(verdicts, na_action="ignore").fillna(True).astype(bool)


@register_check_method(statistics=[])
def valid_e164_list(series: pd.Series) -> pd.Series:
    """A ``;``-separated list of valid E.164 numbers."""
    verdicts = e164_rule.judge(part for value in series.dropna().unique() for part in value.split(";"))
    return (
        series.map(lambda v: all(verdicts[p] for p in v.split(";")), na_action="ignore")
        .fillna(True)
        .astype(bool)
    )


@register_check_method(statistics=[])
def json_object(series: pd.Series) -> pd.Series:
    """Every value is a JSON object (the ``attributes`` and ``provenance`` columns)."""
    return series.map(_is_json_object, na_action="ignore").fillna(True).astype(bool)


@register_check_method(statistics=[])
def json_array(series: pd.Series) -> pd.Series:
    """Every value is a JSON array (per-row lists such as WeCom owners)."""
    return series.map(_is_json_array, na_action="ignore").fillna(True).astype(bool)


def _is_json_array(value: str) -> bool:
    try:
        return isinstance(json.loads(value), list)
    except (TypeError, ValueError):
        return False


def _is_json_object(value: str) -> bool:
    try:
        return isinstance(json.loads(value), dict)
    except (TypeError, ValueError):
        return False


def _text(**kwargs) -> pa.Field:  # a nullable text column
    return pa.Field(nullable=True, **kwargs)


class StandardContact(pa.DataFrameModel):
    """One accepted source record, every field normalised (the matching input)."""

    record_key: Series[str] = pa.Field(unique=True, str_matches=r"^[a-z_]+:.+")
    source_system: Series[str] = pa.Field(isin=SOURCE_SYSTEMS)
    source_record_id: Series[str] = pa.Field(str_length={"min_value": 1})
    source_file: Series[str]
    source_rows: Series[int] = pa.Field(ge=1)
    name: Series[str] = _text()
    name_key: Series[str] = _text()
    name_pinyin: Series[str] = _text(str_matches=r"^[a-z]+( [a-z]+)*$")
    name_script: Series[str] = pa.Field(isin=NAME_SCRIPTS)
    family_name: Series[str] = _text()
    honorific: Series[str] = _text()
    nickname: Series[str] = _text()
    gender: Series[str] = _text(isin=GENDERS)
    birth_date: Series[str] = _text(str_matches=_ISO_DATE)
    phone: Series[str] = _text(valid_e164=())
    phones: Series[str] = _text(valid_e164_list=())
    phone_kinds: Series[str] = _text(str_matches=r"^(mobile|landline|other)(;(mobile|landline|other))*$")
    phone_extension: Series[str] = _text(str_matches=r"^\d{1,8}$")
    landline: Series[str] = _text(valid_e164=())
    phone_placeholder: Series[bool]
    email: Series[str] = _text(str_matches=_EMAIL)
    email_placeholder: Series[bool]
    company: Series[str] = _text()
    company_key: Series[str] = _text()
    title: Series[str] = _text()
    province: Series[str] = _text()
    city: Series[str] = _text()
    address: Series[str] = _text()
    id_card: Series[str] = _text()
    id_card_valid: Series[bool]
    wecom_id: Series[str] = _text()
    owners: Series[str] = _text(json_array=())  # [{owner, added_at, channel, source_file}]
    tags: Series[str] = _text()
    channel: Series[str] = _text()
    form_id: Series[str] = _text()
    consent_marketing: Series[str] = _text(isin=("true", "false"))
    created_at: Series[str] = _text(str_matches=_ISO_TIMESTAMP)
    updated_at: Series[str] = _text(str_matches=_ISO_TIMESTAMP)
    attributes: Series[str] = _text(json_object=())
    notes: Series[str] = _text()

    class Config:
        strict = True
        coerce = False


class GoldenCustomer(pa.DataFrameModel):
    """One row per real customer, as published to ``golden_customer``."""

    customer_id: Series[str] = pa.Field(unique=True, str_matches=r"^CM-[0-9A-F]{12}$")
    name: Series[str] = _text()
    name_pinyin: Series[str] = _text()
    phone: Series[str] = _text(valid_e164=())
    phone_extension: Series[str] = _text()
    landline: Series[str] = _text(valid_e164=())
    email: Series[str] = _text(str_matches=_EMAIL)
    company: Series[str] = _text()
    title: Series[str] = _text()
    province: Series[str] = _text()
    city: Series[str] = _text()
    address: Series[str] = _text()
    gender: Series[str] = _text(isin=GENDERS)
    birth_date: Series[str] = _text(str_matches=_ISO_DATE)
    id_card_no: Series[str] = _text(str_matches=r"^\d{17}[\dX]$")
    wecom_id: Series[str] = _text()
    source_count: Series[int] = pa.Field(ge=1)
    source_systems: Series[str]
    provenance: Series[str] = pa.Field(json_object=())
    updated_at: Series[str] = _text(str_matches=_ISO_TIMESTAMP)

    class Config:
        strict = True
        coerce = False


class QuarantinedRecord(pa.DataFrameModel):
    """One rejected record or file, with a reason a person understands."""

    source_system: Series[str] = pa.Field(isin=SOURCE_SYSTEMS)
    source_file: Series[str] = pa.Field(str_length={"min_value": 1})
    source_record_id: Series[str] = _text()
    source_row: Series[str] = _text()
    reason: Series[str] = pa.Field(str_matches=r"^[a-z_]+$")
    reason_detail: Series[str] = pa.Field(str_length={"min_value": 10})
    raw: Series[str] = pa.Field(nullable=False)

    class Config:
        strict = True
        coerce = False


class ContactCluster(pa.DataFrameModel):
    """One accepted record, the customer it belongs to and how strongly."""

    record_key: Series[str] = pa.Field(unique=True)
    cluster: Series[int] = pa.Field(ge=0)
    match_score: Series[float] = pa.Field(ge=0.0, le=1.0)
    customer_id: Series[str] = pa.Field(str_matches=r"^CM-[0-9A-F]{12}$")
    source_system: Series[str] = pa.Field(isin=SOURCE_SYSTEMS)
    source_record_id: Series[str] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True
        coerce = False


STANDARD_CONTACT_COLUMNS: tuple[str, ...] = tuple(StandardContact.to_schema().columns)
GOLDEN_CUSTOMER_COLUMNS: tuple[str, ...] = tuple(GoldenCustomer.to_schema().columns)
