"""Great Expectations suites: clean frames pass, each planted defect fails exactly its
expectation with the right severity, samples are masked, empty frames work.

The GX context is built once per test process (``validators.expectations`` caches it).
"""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from validators.expectations import (
    QualityThresholds,
    batch_metrics,
    batch_suite,
    contacts_view,
    golden_customers_suite,
    golden_view,
    standardised_contacts_suite,
    xref_suite,
)
from validators.schemas import (
    GOLDEN_CUSTOMER_COLUMNS,
    STANDARD_CONTACT_COLUMNS,
    GoldenCustomer,
    StandardContact,
)
from validators.validation import ERROR, ExpectationOutcome, SuiteOutcome, run_suite

_BOOL = ("phone_placeholder", "email_placeholder", "id_card_valid")


def contacts_frame(*rows: dict) -> pd.DataFrame:
    """A ``StandardContact`` frame; unspecified fields are missing."""
    base = {"source_file": "export.xlsx", "source_rows": 1, "name_script": "han"}
    records = [{**base, **r, "record_key": f"{r['source_system']}:{r['source_record_id']}"} for r in rows]
    data = {}
    for column in STANDARD_CONTACT_COLUMNS:
        values = [r.get(column, False if column in _BOOL else None) for r in records]
        dtype = bool if column in _BOOL else "int64" if column == "source_rows" else "str"
        data[column] = pd.Series(values, dtype=dtype)
    return pd.DataFrame(data)


def golden_frame(*rows: dict) -> pd.DataFrame:
    data = {}
    for column in GOLDEN_CUSTOMER_COLUMNS:
        default = {"source_count": 1, "provenance": "{}", "source_systems": "web_forms"}.get(column)
        values = [r.get(column, default) for r in rows]
        data[column] = pd.Series(values, dtype="int64" if column == "source_count" else "str")
    return pd.DataFrame(data)


CONTACTS = contacts_frame(
    {"source_system": "web_forms", "source_record_id": "wf-20240601-000001", "name": "王小明",
     "phone": "+8613911082345", "phones": "+8613911082345", "email": "wang.xiaoming@163.com",
     "city": "深圳市"},
    {"source_system": "wechat", "source_record_id": "wmYVMyFxXlKqsUnGJe2F", "name": "李娜",
     "phone": "+8618621563370", "phones": "+8618621563370;+862162345678", "landline": "+862162345678",
     "wecom_id": "wmYVMyFxXlKqsUnGJe2F"},
    {"source_system": "spreadsheets", "source_record_id": "展会2024.xlsx#客户!7", "name": "张伟",
     "email": "zhangwei@huawei.com", "company": "华为技术有限公司"},
    {"source_system": "legacy", "source_record_id": "C00000042", "name": "陈静",
     "phone": "+8615821097788", "phones": "+8615821097788", "city": "杭州市"},
)

GOLDEN = golden_frame(
    {"customer_id": "CM-0A1B2C3D4E5F", "name": "王小明", "phone": "+8613911082345",
     "email": "wang.xiaoming@163.com", "company": "腾讯科技（深圳）有限公司", "city": "深圳市"},
    {"customer_id": "CM-1B2C3D4E5F60", "name": "李娜", "phone": "+8618621563370",
     "landline": "+862162345678", "email": "lina.sh@qq.com", "company": "上海浦东发展银行", "city": "上海市"},
    {"customer_id": "CM-2C3D4E5F6071", "name": "张伟", "phone": "+8613602183456",
     "company": "华为技术有限公司", "city": "北京市"},
    {"customer_id": "CM-3D4E5F607182", "name": "陈静", "phone": "+8615821097788",
     "email": "chenjing@sina.com", "company": "阿里巴巴（中国）有限公司", "city": "杭州市"},
)


def only_failure(outcome: SuiteOutcome) -> ExpectationOutcome:
    failed = outcome.failed()
    assert len(failed) == 1, [o.expectation for o in failed]
    return failed[0]


def test_the_example_frames_fit_their_pandera_schemas() -> None:
    StandardContact.validate(CONTACTS)
    GoldenCustomer.validate(GOLDEN)


def test_clean_frames_pass_every_suite() -> None:
    contacts = pd.DataFrame({"record_key": CONTACTS["record_key"], "customer_id": GOLDEN["customer_id"]})
    runs = [
        run_suite(contacts_view(CONTACTS), standardised_contacts_suite()),
        run_suite(golden_view(GOLDEN), golden_customers_suite()),
        run_suite(pd.concat([CONTACTS[["source_system", "source_record_id"]], contacts], axis=1)
                  .assign(match_score=1.0), xref_suite()),
        run_suite(batch_metrics(CONTACTS, pd.DataFrame(), contacts), batch_suite()),
    ]
    for outcome in runs:
        assert outcome.errors_passed and outcome.warnings_passed, outcome.to_markdown()
        assert all(o.success for o in outcome.outcomes)
        assert {o.severity for o in outcome.outcomes} <= {"error", "warning"}
        assert all(o.why for o in outcome.outcomes)


def test_outcomes_keep_suite_order_and_name_their_expectation() -> None:
    suite = golden_customers_suite()
    outcome = run_suite(golden_view(GOLDEN), suite)
    assert outcome.suite == "golden_customers"
    assert [o.expectation.split("(")[0] for o in outcome.outcomes] == [e.expectation_type for e in suite.expectations]
    first = outcome.outcomes[0]
    assert first.expectation == "expect_column_values_to_be_unique(customer_id)"
    assert first.column == "customer_id" and first.severity == "error" and first.element_count == 4
    assert "expect_column_values_to_not_be_null(email, mostly=0.2)" in [o.expectation for o in outcome.outcomes]


def test_duplicate_customer_id_fails_uniqueness_only() -> None:
    golden = GOLDEN.copy()
    golden.loc[1, "customer_id"] = golden.loc[0, "customer_id"]
    outcome = run_suite(golden_view(golden), golden_customers_suite())
    failed = only_failure(outcome)
    assert failed.expectation == "expect_column_values_to_be_unique(customer_id)"
    assert failed.severity == "error" and not outcome.errors_passed and outcome.warnings_passed
    assert failed.unexpected_count == 2 and failed.unexpected_percent == pytest.approx(50.0)
    assert failed.sample == ("CM-0A1B2C3D4E5F",)  # a customer id is not personal data


@pytest.mark.parametrize(
    ("column", "value", "expectation", "masked", "raw_forms"),
    [
        ("phone", "+8612911082345", "phone_is_valid", "+86 129****2345", ("+8612911082345", "12911082345")),
        ("phone", "+8613800138000", "phone_is_placeholder", "+86 138****8000", ("+8613800138000", "13800138000")),
        ("landline", "+861012345678", "phone_is_placeholder", "+86 101***5678", ("+861012345678", "1012345678")),
        ("email", "wang.xiaoming@163", "email_is_valid", "w***@163", ("wang.xiaoming@163",)),
        ("email", "test@qq.com", "email_is_placeholder", "t***@qq.com", ("test@qq.com",)),
    ],
)
def test_bad_golden_value_fails_its_expectation_with_a_masked_sample(
    column: str, value: str, expectation: str, masked: str, raw_forms: tuple[str, ...]
) -> None:
    golden = GOLDEN.copy()
    golden.loc[2, column] = value
    outcome = run_suite(golden_view(golden), golden_customers_suite())
    failed = only_failure(outcome)
    assert failed.column == expectation and failed.severity == "error"
    assert failed.unexpected_count == 1
    assert masked in failed.sample[0]
    shown = outcome.to_markdown() + " ".join(failed.sample)
    for raw in raw_forms:
        assert raw not in shown


def test_contact_defects_each_fail_their_expectation() -> None:
    cases = {
        "record_key": ("record_key", CONTACTS["record_key"][0]),
        "phone_is_valid": ("phones", "+8613911082345;+8612911082345"),
        "email_is_valid": ("email", "zhangwei@@huawei.com"),
        "source_system": ("source_system", "crm2"),
    }
    for expectation, (column, value) in cases.items():
        contacts = CONTACTS.copy()
        contacts.loc[1, column] = value
        outcome = run_suite(contacts_view(contacts), standardised_contacts_suite())
        failed = only_failure(outcome)
        assert (failed.column, failed.severity) == (expectation, "error")
        assert "+8612911082345" not in outcome.to_markdown()
        assert "zhangwei@@huawei.com" not in outcome.to_markdown()


def test_sparse_contacts_only_warn() -> None:
    contacts = CONTACTS.copy()
    contacts[["name", "phone", "phones", "landline", "email"]] = None
    outcome = run_suite(contacts_view(contacts), standardised_contacts_suite())
    assert outcome.errors_passed and not outcome.warnings_passed
    assert {o.column for o in outcome.failed("warning")} == {"name", "has_phone_or_email"}
    assert outcome.failed("warning")[0].sample[0] == "web_forms:wf-20240601-000001"


def test_xref_duplicate_pair_sample_is_masked() -> None:
    xref = pd.DataFrame(
        {
            "source_system": ["legacy", "legacy", "wechat"],
            "source_record_id": ["13911082345", "13911082345", "wmYVMyFxXlKqsUnGJe2F"],
            "customer_id": ["CM-0A1B2C3D4E5F", "CM-1B2C3D4E5F60", "CM-1B2C3D4E5F60"],
            "match_score": [1.0, 0.97, 1.0],
        }
    )
    outcome = run_suite(xref, xref_suite())
    failed = only_failure(outcome)
    assert failed.expectation == "expect_compound_columns_to_be_unique(source_system, source_record_id)"
    assert failed.column is None and failed.severity == "error"
    assert failed.sample == ("legacy / 139****2345",)
    assert "13911082345" not in outcome.to_markdown()


def test_batch_suite_warns_on_quarantine_and_errors_on_a_collapsed_merge() -> None:
    contacts = pd.DataFrame({"record_key": [f"wechat:wm{i}" for i in range(10)], "source_system": "wechat"})
    quarantine = pd.DataFrame({"source_system": ["legacy"] * 3, "reason": ["wrong_column_count"] * 3})
    one_customer = pd.DataFrame({"record_key": contacts["record_key"], "customer_id": "CM-0A1B2C3D4E5F"})
    metrics = batch_metrics(contacts, quarantine, one_customer)
    assert metrics["source_system"].tolist() == ["wechat", "legacy", "ALL"]
    assert metrics["records_read"].tolist() == [10, 3, 13]
    assert metrics["customers_per_record"].iloc[-1] == pytest.approx(0.1)
    outcome = run_suite(metrics, batch_suite())
    assert [(o.column, o.severity) for o in outcome.failed()] == [
        ("quarantine_rate", "warning"), ("customers_per_record", "error"),
    ]
    assert outcome.failed("warning")[0].sample == ("legacy / 1.000",)
    assert outcome.failed("error")[0].sample == ("ALL / 0.100",)
    relaxed = QualityThresholds(max_quarantine_rate=1.0, customers_per_record=(0.05, 1.0))
    assert not run_suite(metrics, batch_suite(relaxed)).failed()


def test_empty_frames_pass() -> None:
    empty_contacts, empty_golden = CONTACTS.iloc[0:0], GOLDEN.iloc[0:0]
    runs = [
        run_suite(contacts_view(empty_contacts), standardised_contacts_suite()),
        run_suite(golden_view(empty_golden), golden_customers_suite()),
        run_suite(pd.DataFrame({c: pd.Series(dtype="str") for c in ("source_system", "source_record_id",
                                                                      "customer_id")}).assign(match_score=1.0),
                  xref_suite()),
        run_suite(batch_metrics(empty_contacts, pd.DataFrame(), pd.DataFrame()), batch_suite()),
    ]
    for outcome in runs:
        assert outcome.errors_passed and outcome.warnings_passed, outcome.to_markdown()
        assert "| expectation |" in outcome.to_markdown()


def test_a_missing_column_is_a_failure_not_a_crash() -> None:
    outcome = run_suite(golden_view(GOLDEN).drop(columns="email_is_placeholder"), golden_customers_suite())
    failed = only_failure(outcome)
    assert failed.column == "email_is_placeholder" and failed.sample[0].startswith("could not run")


def test_views_flag_per_record_and_leave_absent_values_na() -> None:
    golden = GOLDEN.copy()
    golden.loc[3, "landline"] = "+861062345670"  # 010 number: valid, not a dummy
    view = golden_view(golden)
    assert view["phone_is_valid"].tolist() == [True] * 4
    assert view["email_is_placeholder"].isna().tolist() == [False, False, True, False]
    assert contacts_view(CONTACTS)["has_phone_or_email"].tolist() == [True, True, True, True]


def test_thresholds_round_trip_as_json() -> None:
    thresholds = QualityThresholds(min_completeness={"name": 0.95}, max_quarantine_rate=0.1)
    assert QualityThresholds.from_json(thresholds.to_json()) == thresholds
    assert QualityThresholds().min_completeness["name"] == 0.9


def test_markdown_table_reads_well() -> None:
    golden = GOLDEN.copy()
    golden.loc[0, "phone"] = "+8613800138000"
    text = run_suite(golden_view(golden), golden_customers_suite()).to_markdown()
    assert text.startswith("**golden_customers**")
    assert "| expectation | severity | result | unexpected | sample | why |" in text
    assert "| `expect_column_values_to_be_in_set(phone_is_placeholder)` | error | FAIL | 1 of 4 (25.0%) |" in text


def test_importing_the_libraries_loads_neither_gx_nor_dagster_nor_matplotlib() -> None:
    code = (
        "import sys, validators.expectations, validators.scorecard, validators.quality_report\n"
        "print(sorted(m for m in ('great_expectations', 'dagster', 'matplotlib') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_samples_of_personal_columns_are_masked_by_kind() -> None:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name="ad_hoc", expectations=[
        gxe.ExpectColumnValuesToBeInSet(column="name", value_set=["李娜"]),
        gxe.ExpectColumnValuesToBeInSet(column="email", value_set=["lina.sh@qq.com"],
                                        meta={"severity": "warning", "sample_columns": ["email", "address"]}),
    ])
    golden = GOLDEN.assign(address="南山区科技园科苑路15号")
    names, emails = run_suite(golden, suite).outcomes
    assert names.severity == "error"  # no severity given: treated as blocking
    assert names.sample == ("王*明", "张*", "陈*")
    assert emails.sample[0] == "w***@163.com / ***"
    assert "王小明" not in str(names) and "科苑路" not in str(emails)


def test_validate_contacts_remembers_only_the_very_same_frame_and_rules() -> None:
    from validators.expectations import validate_contacts

    thresholds = QualityThresholds()
    first = validate_contacts(CONTACTS, thresholds)
    assert first == run_suite(contacts_view(CONTACTS), standardised_contacts_suite(thresholds))
    assert validate_contacts(CONTACTS.copy(), thresholds) is first  # same content: remembered
    broken = CONTACTS.copy()
    broken.loc[0, "email"] = "not an email"
    again = validate_contacts(broken, thresholds)
    assert again is not first and again.failed(ERROR)
    assert validate_contacts(CONTACTS, QualityThresholds(max_quarantine_rate=0.5)) is not first


def test_validate_contacts_named_by_the_run_is_remembered_for_that_name_only() -> None:
    """The asset layer names a run's standardised contacts (run id + output): the
    check and the quality report then share one validation without hashing a
    million records; another run's name, or other rules, validate again."""
    from validators.expectations import validate_contacts

    thresholds = QualityThresholds()
    first = validate_contacts(CONTACTS, thresholds, same_as="run-1/standardised_contacts")
    assert first == run_suite(contacts_view(CONTACTS), standardised_contacts_suite(thresholds))
    assert validate_contacts(CONTACTS.copy(), thresholds, same_as="run-1/standardised_contacts") is first
    assert validate_contacts(CONTACTS, thresholds, same_as="run-2/standardised_contacts") is not first
    named = validate_contacts(CONTACTS, thresholds, same_as="run-3/standardised_contacts")
    assert validate_contacts(CONTACTS, QualityThresholds(max_quarantine_rate=0.5),
                             same_as="run-3/standardised_contacts") is not named


def test_the_schema_reuses_the_phone_verdicts_the_suite_reached(monkeypatch) -> None:
    """One verdict per number per run: after the suite's view judged the
    contacts' numbers (on any mapper), pandera's phone checks judge none again."""
    from validators import e164_rule

    judged: list[str] = []
    rule = e164_rule.is_valid_e164
    monkeypatch.setattr(e164_rule, "is_valid_e164", lambda v: judged.append(v) or rule(v))
    e164_rule.forget()
    view = contacts_view(CONTACTS)
    assert judged and set(judged) == set(e164_rule.VERDICTS)
    before = len(judged)
    StandardContact.validate(CONTACTS)
    assert len(judged) == before
    assert view["phone_is_valid"].dropna().tolist()  # the verdicts were used
    e164_rule.forget()
    assert not e164_rule.VERDICTS


def test_remembered_phone_verdicts_stay_bounded_and_right(monkeypatch) -> None:
    """A process whose runs never reach ``forget`` keeps at most ``MAX_VERDICTS``
    (then starts afresh with the numbers asked about), and every verdict handed
    back is the rule's."""
    from validators import e164_rule

    e164_rule.forget()
    monkeypatch.setattr(e164_rule, "MAX_VERDICTS", 3)
    numbers = ["+8613800138000", "+8613800138001", "+86123", "+16502530000", "+8610623456789"]
    for start in range(len(numbers)):
        asked = numbers[start:start + 2]
        verdicts = e164_rule.judge(iter(asked))  # a one-pass iterable, as the list check passes
        assert len(e164_rule.VERDICTS) <= 3
        assert {n: verdicts[n] for n in asked} == {n: e164_rule.is_valid_e164(n) for n in asked}
    e164_rule.forget()


def test_a_suite_run_does_not_hash_the_whole_frame(monkeypatch) -> None:
    """GX's batch fingerprint (every cell hashed, for a marker nothing here reads)
    is switched off: the same outcomes without it."""
    from great_expectations.execution_engine import pandas_execution_engine

    def no_hashing(frame):
        raise AssertionError("the frame was hashed for a fingerprint")

    monkeypatch.setattr(pandas_execution_engine, "hash_pandas_dataframe", no_hashing)
    outcome = run_suite(golden_view(GOLDEN), golden_customers_suite())
    assert outcome.errors_passed and all(o.success for o in outcome.outcomes)
