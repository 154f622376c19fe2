"""The store on a real PostgreSQL server (tests/pg_server.py): the same content as on
SQLite, idempotent re-runs, NUL-safe text, and the least-privilege roles of
assets/store/sql/least_privilege.sql."""

import os
from pathlib import Path

import dagster as dg
import pandas as pd
import psycopg
import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from assets.resources import store_engine
from assets.store import ensure_schema, load_previous_xref, metadata, publish
from assets.store.text import from_store_text, to_store_text
from pipelines.automation import MAIN_JOB
from pipelines.definitions import defs
from tests import pg_server

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE = PROJECT / "data" / "sources"
ROLES_SQL = PROJECT / "assets" / "store" / "sql" / "least_privilege.sql"
WRITER_PASSWORD = "writer pw with 'quotes' and \\ backslash"
READER_PASSWORD = "reader-pw"
#: When something happened: differs between two stores by design, so not compared.
STAMPS = {"matched_at", "quarantined_at", "created_at", "run_id"}
TABLES = ("golden_customer", "customer_xref", "quarantine", "customer_id_alias")


def run_pipeline(tmp: Path, store_url: str, sources: Path = SAMPLE) -> dg.ExecuteInProcessResult:
    home = tmp / f"home-{len(list(tmp.glob('home-*')))}"
    home.mkdir(parents=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CUSTOMER_SOURCES_DIR", str(sources))
        patch.setenv("CUSTOMER_STORE_URL", store_url)
        with dg.instance_for_test(temp_dir=str(home)) as instance:
            result = defs.resolve_job_def(MAIN_JOB).execute_in_process(instance=instance)
    store_engine(store_url).dispose()  # no pooled connection outlives the run
    return result


def content(url: str) -> dict[str, list[tuple]]:
    """Every store table's rows, sorted, without the timestamps of when they were written."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            out = {}
            for name in TABLES:
                table = metadata.tables[name]
                columns = [c for c in table.columns if c.name not in STAMPS]
                out[name] = sorted(tuple(r) for r in conn.execute(sa.select(*columns)).all())
            return out
    finally:
        engine.dispose()


def with_stamps(url: str) -> dict[str, list[tuple]]:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            return {t: sorted(map(tuple, conn.execute(sa.select(metadata.tables[t])).all()))
                    for t in TABLES}
    finally:
        engine.dispose()


def store_changed(result: dg.ExecuteInProcessResult) -> bool:
    return result.asset_materializations_for_node("crm_store")[0].metadata["changed"].value


@pytest.fixture(scope="module")
def on_sqlite(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple]]:
    tmp = tmp_path_factory.mktemp("sqlite_store")
    url = f"sqlite:///{tmp / 'crm.sqlite'}"
    assert run_pipeline(tmp, url).success
    return content(url)


@pytest.fixture(scope="module")
def on_postgres(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Two runs on the sample as the superuser."""
    tmp = tmp_path_factory.mktemp("pg_store")
    url = pg_server.fresh_database(postgres_url, "crm_sample")
    first = run_pipeline(tmp, url)
    after_first = with_stamps(url)
    second = run_pipeline(tmp, url)
    return {"url": url, "first": first, "second": second, "after_first": after_first,
            "after_second": with_stamps(url), "content": content(url)}


@pytest.fixture(scope="module")
def roles(postgres_url: str) -> dict[str, str]:
    """A fresh database with least_privilege.sql applied (twice: it is idempotent)."""
    if pg_server.find_psql(pg_server.find_bin_dir()) is None:
        reason = "psql (PostgreSQL client) not found"
        if os.environ.get("CUSTOMER_TEST_REQUIRE_POSTGRES"):
            pytest.fail(reason)
        pytest.skip(reason)
    admin = pg_server.fresh_database(postgres_url, "crm_roles")
    for _ in range(2):
        pg_server.run_psql_file(admin, ROLES_SQL, {"writer_password": WRITER_PASSWORD,
                                                   "reader_password": READER_PASSWORD})
    return {"admin": admin,
            "writer": pg_server.with_user(admin, "crm_writer", WRITER_PASSWORD),
            "reader": pg_server.with_user(admin, "crm_reader", READER_PASSWORD)}


@pytest.fixture(scope="module")
def published_by_writer(roles: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The whole pipeline, twice, logged in as crm_writer (it creates the tables)."""
    tmp = tmp_path_factory.mktemp("pg_writer")
    results = [run_pipeline(tmp, roles["writer"]) for _ in range(2)]
    return {"results": results, "content": content(roles["admin"])}


# -- the pipeline on PostgreSQL ------------------------------------------------------------------


def test_postgres_holds_what_sqlite_holds(on_postgres, on_sqlite) -> None:
    assert on_postgres["first"].success
    assert all(e.passed or e.check_name == "review_queue_empty" for e in on_postgres["first"].get_asset_check_evaluations())
    assert on_sqlite["golden_customer"] and on_sqlite["customer_xref"] and on_sqlite["quarantine"]
    for table in TABLES:
        assert on_postgres["content"][table] == on_sqlite[table], table


def test_a_second_run_on_postgres_changes_nothing(on_postgres) -> None:
    assert on_postgres["second"].success
    assert store_changed(on_postgres["first"]) is True
    assert store_changed(on_postgres["second"]) is False
    assert on_postgres["after_second"] == on_postgres["after_first"]  # timestamps included


def test_column_types_are_the_same_as_on_sqlite(on_postgres) -> None:
    engine = sa.create_engine(on_postgres["url"], poolclass=sa.NullPool)
    try:
        golden = pd.read_sql_table("golden_customer", engine)
        xref = pd.read_sql_table("customer_xref", engine)
    finally:
        engine.dispose()
    assert golden["source_count"].dtype.kind == "i"
    assert xref["match_score"].dtype.kind == "f"
    assert xref["match_score"].between(0, 1).all()


# -- NUL in text: PostgreSQL cannot store it, the store escapes it reversibly ----------------------


@given(st.text(alphabet=st.sampled_from(["\x00", "\\", "x", "0", "5", "c", "C", "a", "王"]), max_size=30))
def test_store_text_escaping_is_reversible_and_nul_free(value: str) -> None:
    stored = to_store_text(value)
    assert "\x00" not in stored
    assert from_store_text(stored) == value
    if "\x00" not in value and "\\x00" not in value and "\\x5c" not in value:
        assert stored == value  # ordinary text is stored as it is


def test_store_text_escapes_are_visible() -> None:
    assert to_store_text("a\x00b") == "a\\x00b"
    assert to_store_text("literal \\x00") == "literal \\x5cx00"
    assert to_store_text('{"name": "\\u0000"}') == '{"name": "\\u0000"}'
    assert from_store_text("a\\x00b\\x5cx5c") == "a\x00b\\x5c"


def _nul_frames() -> tuple[pd.DataFrame, ...]:
    golden = pd.DataFrame([{
        "customer_id": "CM-000000000001", "name": "灭\x00绝", "source_count": 1,
        "source_systems": "web_forms", "provenance": '{"name": "web_forms:h\\x00-1"}'}])
    xref = pd.DataFrame([{"source_system": "web_forms", "source_record_id": "h\x00-1",
                          "customer_id": "CM-000000000001", "match_score": 1.0}])
    quarantine = pd.DataFrame([{
        "source_system": "web_forms", "source_file": "nul.jsonl", "source_record_id": None,
        "source_row": "2", "reason": "invalid_json", "reason_detail": "nul.jsonl line 2: not JSON",
        "raw": '{"submission_id": "x", "fields": {"name": "\x00raw"}}'}])
    merges = pd.DataFrame(columns=["old_customer_id", "customer_id"])
    return golden, xref, quarantine, merges


def test_nul_bytes_are_published_to_postgres_escaped_and_read_back(postgres_url: str) -> None:
    url = pg_server.fresh_database(postgres_url, "crm_nul")
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        frames = _nul_frames()
        assert publish(engine, *frames, now="2024-11-03T10:00:00+08:00").changed
        assert not publish(engine, *frames, now="2024-11-04T10:00:00+08:00").changed
        with engine.connect() as conn:
            raw = conn.execute(sa.text("SELECT raw FROM quarantine")).scalar_one()
            name = conn.execute(sa.text("SELECT name FROM golden_customer")).scalar_one()
            provenance = conn.execute(sa.text("SELECT provenance FROM golden_customer")).scalar_one()
        assert raw == '{"submission_id": "x", "fields": {"name": "\\x00raw"}}'
        assert from_store_text(raw) == frames[2]["raw"].iloc[0]
        assert name == "灭\\x00绝"
        assert from_store_text(provenance) == '{"name": "web_forms:h\\x00-1"}'  # literal text kept
        # The previous links come back as the pipeline's record keys, NUL included.
        previous = load_previous_xref(engine)
        assert previous.to_dict("records") == [
            {"record_key": "web_forms:h\x00-1", "customer_id": "CM-000000000001"}]
    finally:
        engine.dispose()


def test_nul_bytes_stay_as_they_are_on_sqlite(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    frames = _nul_frames()
    publish(engine, *frames, now="t1")
    assert not publish(engine, *frames, now="t2").changed
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT raw FROM quarantine")).scalar_one() == frames[2]["raw"].iloc[0]
        assert conn.execute(sa.text("SELECT name FROM golden_customer")).scalar_one() == "灭\x00绝"
    assert load_previous_xref(engine)["record_key"].tolist() == ["web_forms:h\x00-1"]


def test_a_quarantined_line_with_a_nul_byte_runs_through_postgres(
    postgres_url: str, sources: Path, tmp_path: Path
) -> None:
    (sources / "web_forms" / "nul.jsonl").write_bytes(
        b'{"submission_id": "ok-1", "fields": {"name": "\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e", '
        b'"phone": "13912345601"}}\n'
        b'{"submission_id": "bad-1", "fields": {"name": "\x00raw"}}\n')
    url = pg_server.fresh_database(postgres_url, "crm_nul_pipeline")
    assert run_pipeline(tmp_path, url, sources).success
    rows = content(url)
    assert [r[:2] for r in rows["customer_xref"]] == [("web_forms", "ok-1")]
    [row] = rows["quarantine"]
    assert "invalid_json" in row and from_store_text(row[-1]).endswith('{"name": "\x00raw"}}')


# -- least-privilege roles -----------------------------------------------------------------------


def _denied(url: str, statement: str) -> psycopg.Error:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with pytest.raises(sa.exc.DBAPIError) as caught, engine.begin() as conn:
            conn.execute(sa.text(statement))
    finally:
        engine.dispose()
    assert isinstance(caught.value.orig, psycopg.errors.InsufficientPrivilege), caught.value.orig
    return caught.value.orig


def test_the_writer_publishes_the_whole_pipeline(published_by_writer, on_sqlite) -> None:
    first, second = published_by_writer["results"]
    assert first.success and second.success
    assert store_changed(first) is True and store_changed(second) is False
    for table in TABLES:
        assert published_by_writer["content"][table] == on_sqlite[table], table


def test_the_writer_is_no_administrator(roles) -> None:
    engine = sa.create_engine(roles["writer"], poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            flags = conn.execute(sa.text(
                "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user"
            )).one()
    finally:
        engine.dispose()
    assert tuple(flags) == (False, False, False)
    _denied(roles["writer"], "CREATE ROLE crm_intruder")
    _denied(roles["writer"], "CREATE TEMPORARY TABLE scratch (a int)")


def test_the_reader_can_select_every_table(published_by_writer, roles) -> None:
    engine = sa.create_engine(roles["reader"], poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            counts = {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}
    finally:
        engine.dispose()
    assert counts == {t: len(published_by_writer["content"][t]) for t in TABLES}
    assert counts["golden_customer"] > 0


@pytest.mark.parametrize("statement", [
    "INSERT INTO golden_customer (customer_id, source_count, source_systems, provenance) "
    "VALUES ('CM-x', 1, 'legacy', '{}')",
    "UPDATE quarantine SET reason = 'tampered'",
    "DELETE FROM customer_xref",
    "DELETE FROM customer_id_alias",
    "TRUNCATE golden_customer CASCADE",
    "CREATE TABLE crm_reader_scratch (a int)",
    "CREATE TEMPORARY TABLE crm_reader_scratch (a int)",
    "DROP TABLE quarantine",
    "ALTER TABLE golden_customer ADD COLUMN note text",
    "CREATE INDEX reader_index ON golden_customer (name)",
])
def test_the_reader_cannot_change_anything(published_by_writer, roles, statement: str) -> None:
    _denied(roles["reader"], statement)


def test_roles_work_on_tables_an_administrator_created_first(postgres_url: str) -> None:
    """Tables that exist before the roles file runs get the same grants."""
    admin = pg_server.fresh_database(postgres_url, "crm_precreated")
    engine = sa.create_engine(admin, poolclass=sa.NullPool)
    ensure_schema(engine)
    engine.dispose()
    pg_server.run_psql_file(admin, ROLES_SQL, {"writer_password": WRITER_PASSWORD,
                                               "reader_password": READER_PASSWORD})
    writer = sa.create_engine(pg_server.with_user(admin, "crm_writer", WRITER_PASSWORD),
                              poolclass=sa.NullPool)
    golden, xref, quarantine, merges = _nul_frames()
    try:
        publish(writer, golden, xref, quarantine, merges, now="t1")
        renamed = golden.assign(name="王小明")
        report = publish(writer, renamed, xref.iloc[:0], quarantine.iloc[:0], merges, now="t2")
    finally:
        writer.dispose()
    assert report.tables["golden_customer"].updated == 1
    assert report.tables["customer_xref"].deleted == 1 and report.tables["quarantine"].deleted == 1
    reader_url = pg_server.with_user(admin, "crm_reader", READER_PASSWORD)
    assert content(reader_url)["golden_customer"][0][1] == "王小明"
    _denied(reader_url, "DELETE FROM golden_customer")


def test_roles_in_a_schema_of_their_own(postgres_url: str) -> None:
    admin = pg_server.fresh_database(postgres_url, "crm_own_schema")
    pg_server.run_psql_file(admin, ROLES_SQL, {"writer_password": WRITER_PASSWORD,
                                               "reader_password": READER_PASSWORD, "schema": "crm"})
    writer = sa.create_engine(pg_server.with_user(admin, "crm_writer", WRITER_PASSWORD),
                              poolclass=sa.NullPool)
    try:
        assert publish(writer, *_nul_frames(), now="t1").changed
    finally:
        writer.dispose()
    engine = sa.create_engine(admin, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            owners = set(conn.execute(sa.text(
                "SELECT schemaname, tableowner FROM pg_tables WHERE tablename = ANY(:names)"),
                {"names": list(TABLES)}).all())
    finally:
        engine.dispose()
    assert owners == {("crm", "crm_writer")}
    reader_url = pg_server.with_user(admin, "crm_reader", READER_PASSWORD)
    assert len(content(reader_url)["golden_customer"]) == 1
    _denied(reader_url, "CREATE TABLE public.crm_reader_scratch (a int)")
    _denied(reader_url, "CREATE TABLE crm.crm_reader_scratch (a int)")


def test_the_roles_file_refuses_to_run_without_passwords(roles) -> None:
    with pytest.raises(RuntimeError, match="writer_password"):
        pg_server.run_psql_file(roles["admin"], ROLES_SQL, {})
