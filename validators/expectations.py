"""Great Expectations suites for the frames that reach the CRM (run by ``validation.run_suite``).

The pandera schemas (``schemas.py``) say what *shape* a frame must have; these
suites say what the *business* must be able to trust, with a severity each:
``error`` protects the CRM (a failed error blocks the publish), ``warning`` is
a trend a person should look at. Every expectation carries
``meta={"severity", "why", "sample_columns"}``; the last names the columns whose
(masked) values illustrate a failure.

Great Expectations is imported inside the functions (it costs seconds), its
ephemeral context is built once per process, and its progress bars are off.
Computed columns the suites need (``phone_is_valid`` …) come from the pure
views below, evaluated once per distinct value.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd
from email_validator import validate_email

from . import e164_rule  # the same phone rule pandera applies, its verdicts shared
from .distinct import Mapper, in_process
from .emails import _plain_address, parse_email
from .phones import is_placeholder_phone
from .schemas import SOURCE_SYSTEMS
from .scorecard import batch_metrics  # one definition of a quarantine rate, shared
from .validation import ERROR, WARNING, SuiteOutcome, run_suite

if TYPE_CHECKING:
    import great_expectations as gx

__all__ = [
    "QualityThresholds", "batch_metrics", "batch_suite", "contacts_view", "golden_customers_suite",
    "golden_view", "standardised_contacts_suite", "validate_contacts", "xref_suite",
]

#: Golden fields and the share of customers that should have them. Set below the
#: sample data's levels (name 95 %, phone 88 %, email 42 %, company 77 %, city 58 %)
#: so a warning means a real drop, not the normal gaps of Chinese contact data.
DEFAULT_MIN_COMPLETENESS: dict[str, float] = {
    "name": 0.9,  # the CRM addresses people by name; only WeCom nicknames lack one
    "phone": 0.6,  # the main channel and the strongest match key in China
    "email": 0.2,  # many customers never give one; WeCom exports carry none
    "company": 0.4,  # B2B context, but the old CRM dump has no company column
    "city": 0.3,  # web forms rarely ask for it
}


@dataclass(frozen=True)
class QualityThresholds:
    """The numbers the suites compare against: data, so a run can record them."""

    min_completeness: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_MIN_COMPLETENESS))
    #: Per source: above this, an export or a reader is probably broken.
    max_quarantine_rate: float = 0.25
    #: Golden customers ÷ accepted records. Below the band a merge key collapsed
    #: (one placeholder joining hundreds); above 1 records were lost.
    customers_per_record: tuple[float, float] = (0.2, 1.0)
    #: Per accepted record (before merging): name, and a usable phone or email.
    min_record_completeness: dict[str, float] = field(
        default_factory=lambda: {"name": 0.8, "phone_or_email": 0.7}
    )

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> QualityThresholds:
        data = json.loads(text)
        data["customers_per_record"] = tuple(data["customers_per_record"])
        return cls(**data)


# --- views: the computed columns the suites check ------------------------------------


def contacts_view(contacts: pd.DataFrame, mapper: Mapper = in_process) -> pd.DataFrame:
    """``standardised_contacts`` plus ``phone_is_valid`` (every number of the record,
    NA when it has none), ``email_is_valid`` (NA without email) and ``has_phone_or_email``.
    ``mapper`` runs the phone rule over the distinct numbers (``validators.distinct``)."""
    view = contacts.reset_index(drop=True)  # copy-on-write: new columns stay in the view
    numbers = [view[c] for c in ("phone", "phones", "landline") if c in view]
    view["phone_is_valid"] = _flag(numbers, _phones_valid_by(numbers, mapper), "all")
    view["email_is_valid"] = _flag([view["email"]], _email_valid, "all", mapper)
    view["has_phone_or_email"] = view["phone"].notna() | view["email"].notna()
    return view


_REMEMBERED: dict[str, SuiteOutcome] = {}
_REMEMBER_LOCK = threading.Lock()


def validate_contacts(contacts: pd.DataFrame, thresholds: QualityThresholds,
                      mapper: Mapper = in_process, same_as: str | None = None) -> SuiteOutcome:
    """The standardised-contacts suite on ``contacts_view(contacts)``.

    Why remembered: the blocking check on ``standardised_contacts`` and the run's
    quality report both need this outcome, and validating a million records costs
    half a minute. The outcome of the last frame seen is kept with the
    thresholds, under ``same_as`` when the caller names the frame (a run's
    output, which nothing changes within the run: the asset layer passes the
    run id and the output's name), otherwise under a hash of the frame's content
    (values, index, columns, dtypes), which costs ~4 s at a million records.
    Either way only the very same frame and rules get it back; anything else is
    validated."""
    key = _fingerprint(contacts, thresholds, same_as)
    with _REMEMBER_LOCK:
        if key in _REMEMBERED:
            return _REMEMBERED[key]
    outcome = run_suite(contacts_view(contacts, mapper), standardised_contacts_suite(thresholds))
    with _REMEMBER_LOCK:
        _REMEMBERED.clear()
        _REMEMBERED[key] = outcome
    return outcome


def _fingerprint(frame: pd.DataFrame, thresholds: QualityThresholds, same_as: str | None = None) -> str:
    digest = hashlib.sha256()
    if same_as is None:
        digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    else:  # named by the caller; its shape is still checked
        digest.update(json.dumps(["named", same_as]).encode())
    digest.update(json.dumps([list(map(str, frame.columns)), [str(t) for t in frame.dtypes],
                              len(frame), thresholds.to_json()]).encode())
    return digest.hexdigest()


def golden_view(golden: pd.DataFrame, mapper: Mapper = in_process) -> pd.DataFrame:
    """``golden_customers`` plus ``phone_is_valid``/``phone_is_placeholder`` (phone and
    landline) and ``email_is_valid``/``email_is_placeholder``; NA where there is no value."""
    view = golden.reset_index(drop=True)  # copy-on-write: new columns stay in the view
    phones = [view["phone"], view["landline"]]
    view["phone_is_valid"] = _flag(phones, _phones_valid_by(phones, mapper), "all")
    view["phone_is_placeholder"] = _flag(phones, is_placeholder_phone, "any", mapper)
    view["email_is_valid"] = _flag([view["email"]], _email_valid, "all", mapper)
    view["email_is_placeholder"] = _flag([view["email"]], _email_placeholder, "any", mapper)
    return view


def forget_phone_verdicts() -> None:
    """The run's last phone rule has run: drop its remembered verdicts (``e164_rule``)."""
    e164_rule.forget()


def _phones_valid_by(columns: list[pd.Series], mapper: Mapper) -> Callable[[str], bool]:
    """The rule "every number of the ``;`` list is a valid E.164 number", with
    each distinct number of ``columns`` judged once (``phones`` repeats the
    ``phone`` and ``landline`` columns' numbers) by ``mapper``, on both cores
    at a million records: parsing them was four fifths of the contacts suite.
    Verdicts are shared with the pandera schemas and the run's next suite
    (``e164_rule``): the golden records' numbers are the contacts' numbers again."""
    numbers: set[str] = set()
    for column in columns:
        for value in column.dropna().unique():
            numbers.update(part for part in str(value).split(";") if part)
    verdicts = e164_rule.judge(numbers, mapper)

    def valid(value: str) -> bool:
        return all(verdicts[part] for part in str(value).split(";") if part)

    return valid


def _email_placeholder(value: str) -> bool:
    return parse_email(value).placeholder


def _email_valid(value: str) -> bool:
    if _plain_address(str(value)) is not None:  # plainly well formed: the validator accepts it
        return True
    try:
        validate_email(str(value), check_deliverability=False)
    except Exception:  # noqa: BLE001 - EmailNotValidError, and anything odd from IDNA
        return False
    return True


def _per_distinct(series: pd.Series, check: Callable[[str], bool], mapper: Mapper = in_process) -> pd.Series:
    """``check`` once per distinct non-missing value (by ``mapper``: both cores at a
    million records); NA where the value is missing."""
    present = series.dropna()
    values = present.unique().tolist()
    results = dict(zip(values, (bool(v) for v in mapper(check, values))))
    return present.map(results).reindex(series.index).astype("boolean")


def _flag(columns: list[pd.Series], check: Callable[[str], bool], how: str,
          mapper: Mapper = in_process) -> pd.Series:
    """Per row, ``all``/``any`` of ``check`` over the columns' values; NA when the row
    has none. ``check`` must be picklable when ``mapper`` sends it to another process
    (the phone rule's closure over every verdict is not sent: it stays here)."""
    checked = pd.concat([_per_distinct(c, check, mapper) for c in columns], axis=1)
    combined = checked.all(axis=1) if how == "all" else checked.any(axis=1)
    return combined.where(checked.notna().any(axis=1)).astype("boolean")


# --- suites ------------------------------------------------------------------------


def standardised_contacts_suite(t: QualityThresholds = QualityThresholds()) -> gx.ExpectationSuite:
    """Runs on ``contacts_view(standardised_contacts)``."""
    import great_expectations.expectations as gxe

    key = ["record_key"]
    return _suite("standardised_contacts", [
        (gxe.ExpectColumnValuesToBeUnique(column="record_key"), ERROR, key,
         "Two rows with one record key would give one source record two customers."),
        (gxe.ExpectColumnValuesToBeInSet(column="phone_is_valid", value_set=[True]), ERROR, ["phones"],
         "An invalid number must never be matched on or published as E.164."),
        (gxe.ExpectColumnValuesToBeInSet(column="email_is_valid", value_set=[True]), ERROR, ["email"],
         "An address email-validator rejects cannot be a match key or a mailing address."),
        (gxe.ExpectColumnValuesToBeInSet(column="source_system", value_set=list(SOURCE_SYSTEMS)), ERROR,
         ["source_system"], "Survivorship trust and provenance only know the four source kinds."),
        (gxe.ExpectColumnValuesToNotBeNull(column="name", mostly=t.min_record_completeness["name"]),
         WARNING, key, "Records without a name are hard to match and to greet."),
        (gxe.ExpectColumnValuesToBeInSet(column="has_phone_or_email", value_set=[True],
                                         mostly=t.min_record_completeness["phone_or_email"]),
         WARNING, key, "A record nobody can call or write to adds little to the CRM."),
    ])


def golden_customers_suite(t: QualityThresholds = QualityThresholds()) -> gx.ExpectationSuite:
    """Runs on ``golden_view(golden_customers)``."""
    import great_expectations.expectations as gxe

    key = ["customer_id"]
    rules: list[tuple[Any, str, list[str], str]] = [
        (gxe.ExpectColumnValuesToBeUnique(column="customer_id"), ERROR, key,
         "The CRM keys customers by this id; a duplicate would overwrite a customer."),
        (gxe.ExpectColumnValuesToBeInSet(column="phone_is_valid", value_set=[True]), ERROR,
         ["phone", "landline"], "Sales would dial a number that cannot exist."),
        (gxe.ExpectColumnValuesToBeInSet(column="email_is_valid", value_set=[True]), ERROR, ["email"],
         "Campaigns would bounce on an address that is not one."),
        (gxe.ExpectColumnValuesToBeInSet(column="phone_is_placeholder", value_set=[False]), ERROR,
         ["phone", "landline"], "A well-known dummy number would ring a stranger, not the customer."),
        (gxe.ExpectColumnValuesToBeInSet(column="email_is_placeholder", value_set=[False]), ERROR,
         ["email"], "A filler address typed to get past a form belongs to no customer."),
    ]
    rules += [
        (gxe.ExpectColumnValuesToNotBeNull(column=name, mostly=share), WARNING, key,
         f"Fewer customers than usual have a {name} value: a source or its reader may have changed.")
        for name, share in t.min_completeness.items()
    ]
    return _suite("golden_customers", rules)


def xref_suite() -> gx.ExpectationSuite:
    """Runs on the cross-reference frame (source_system, source_record_id,
    customer_id, match_score), e.g. ``contact_clusters``."""
    import great_expectations.expectations as gxe

    pair = ["source_system", "source_record_id"]
    return _suite("customer_xref", [
        (gxe.ExpectCompoundColumnsToBeUnique(column_list=pair), ERROR, pair,
         "A source record must point at exactly one customer, or the CRM loader cannot resolve it."),
        (gxe.ExpectColumnValuesToNotBeNull(column="customer_id"), ERROR, pair,
         "Every accepted record must belong to a customer, or it is silently lost."),
        (gxe.ExpectColumnValuesToBeBetween(column="match_score", min_value=0.0, max_value=1.0), WARNING,
         [*pair, "match_score"], "Match scores are probabilities; anything else means a scoring bug."),
    ])


def batch_suite(t: QualityThresholds = QualityThresholds()) -> gx.ExpectationSuite:
    """Runs on ``batch_metrics(...)``: NaN rows (nothing read, per-source ratio) are skipped."""
    import great_expectations.expectations as gxe

    low, high = t.customers_per_record
    return _suite("batch_metrics", [
        (gxe.ExpectColumnValuesToBeBetween(column="quarantine_rate", max_value=t.max_quarantine_rate),
         WARNING, ["source_system", "quarantine_rate"],
         "A source losing this many records usually has a changed export format."),
        (gxe.ExpectColumnValuesToBeBetween(column="customers_per_record", min_value=low, max_value=high),
         ERROR, ["source_system", "customers_per_record"],
         "Too few customers per record means a bad merge key joined strangers; above one, records were lost."),
    ])


def _suite(name: str, rules: Iterable[tuple[Any, str, list[str], str]]) -> gx.ExpectationSuite:
    import great_expectations as gx

    expectations = []
    for expectation, severity, sample_columns, why in rules:
        expectation.meta = {"severity": severity, "why": why, "sample_columns": sample_columns}
        expectations.append(expectation)
    return gx.ExpectationSuite(name=name, expectations=expectations)


# --- runner ------------------------------------------------------------------------
