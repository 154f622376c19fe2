"""Personal data never leaves the store: a real run's logs, events and metadata hold
no phone, email or resident id from the inputs (PIPL)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assets.sources import SOURCE_SPECS, read_source
from validators.emails import parse_email
from validators.identity_numbers import parse_resident_id
from validators.phones import parse_phone, parse_phone_list

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE = PROJECT / "data" / "sources"
BIN = Path(sys.executable).parent


def personal_values() -> set[str]:
    """Every phone (E.164 and, for mobiles, the 11 national digits), email and
    resident id in the sample exports, as typed and as normalised."""
    values: set[str] = set()
    for spec in SOURCE_SPECS:
        for record in read_source(spec, SAMPLE).records:
            for result in [*parse_phone_list(record.get("phone")), parse_phone(record.get("landline"))]:
                if result.e164:
                    values.add(result.e164)
                    if result.kind == "mobile":
                        values.add(result.e164[3:])
            email = parse_email(record.get("email"))
            if email.email:
                values.add(email.email)
                values.add(record["email"].strip())
            resident = parse_resident_id(record.get("id_card"))
            if resident.number and len(resident.number) == 18:
                values.add(resident.number)
    return values


def recorded_files(home: Path) -> list[Path]:
    """What Dagster recorded: run and event storage, schedules, captured compute
    logs. Asset values (the pickled frames under storage/<asset>) are data, like
    the store, and are not logs."""
    files = [p for p in (home / "history").rglob("*") if p.is_file()]
    files += [p for p in (home / "schedules").rglob("*") if p.is_file()]
    files += [p for p in (home / "storage").glob("*/compute_logs/**/*") if p.is_file()]
    return files


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("pii")
    home = tmp / "home"
    home.mkdir()
    env = {**os.environ, "DAGSTER_HOME": str(home), "CUSTOMER_OUTPUT_DIR": str(tmp / "out"),
           "CUSTOMER_SOURCES_DIR": str(SAMPLE)}
    env.pop("CUSTOMER_STORE_URL", None)
    completed = subprocess.run([str(BIN / "customer-master"), "run"], env=env, capture_output=True,
                               text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-2000:]
    return {"home": home, "console": completed.stdout + completed.stderr}


def test_the_scan_has_something_to_find(recorded) -> None:
    values = personal_values()
    assert len(values) > 500
    files = recorded_files(recorded["home"])
    assert len(files) >= 3
    # Event storage is searchable text: metadata labels and log messages are found in it.
    text = "".join(p.read_bytes().decode("utf-8", "replace") for p in files)
    assert "completeness_per_source" in text and "records accepted" in text
    # The store itself does hold them: that is where personal data belongs.
    store = (recorded["home"].parent / "out" / "crm_store.sqlite").read_bytes()
    assert sum(v.encode() in store for v in values) > 100


def test_no_personal_data_in_dagster_events_metadata_or_logs(recorded) -> None:
    values = personal_values()
    haystacks = {str(p): p.read_bytes().decode("utf-8", "replace") for p in recorded_files(recorded["home"])}
    haystacks["console output of customer-master run"] = recorded["console"]
    leaks = {where: sorted(v for v in values if v in text)[:3] for where, text in haystacks.items()}
    leaks = {where: found for where, found in leaks.items() if found}
    assert not leaks, f"personal data found in: {list(leaks)}"


def test_a_failing_step_reports_its_error_with_personal_data_masked(tmp_path: Path) -> None:
    # A store path that happens to contain a phone number and an email, and cannot be created.
    (tmp_path / "13912345670").write_text("a file, not a folder")
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    url = f"sqlite:///{tmp_path}/13912345670/li.na@example.com.db"
    completed = subprocess.run([str(BIN / "customer-master"), "run", "--quiet", "--store", url],
                               env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 1
    assert "PipelineStepError: FileExistsError" in completed.stdout
    assert "139****5670" in completed.stdout
    events = "".join(p.read_bytes().decode("utf-8", "replace") for p in recorded_files(tmp_path))
    assert "FileExistsError" in events
    for text in (completed.stdout, completed.stderr, events):
        assert "13912345670" not in text and "li.na@example.com" not in text
