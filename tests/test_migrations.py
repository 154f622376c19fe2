"""Schema migrations (Alembic, assets/store/migrations): the migrated store is exactly
schema.py's metadata on SQLite and PostgreSQL, upgrades are idempotent, stores made by
the old ``create_all`` are adopted, and ``customer-master db`` reports it."""

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from assets.store import ensure_schema, metadata, migrate, publish
from pipelines.db_command import add_db_parser, run_db
from tests import pg_server
from tests.test_store import NO_MERGES, golden, quarantine, xref


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty store of each kind (a fresh database per test)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'crm.sqlite'}"
    else:
        postgres_url = request.getfixturevalue("postgres_url")
        yield pg_server.fresh_database(postgres_url, f"crm_mig_{request.node.name[5:30]}".lower()
                                       .replace("[", "_").replace("]", "").replace("-", "_"))
    migrate.forget_checked()


@pytest.fixture
def engine(store_url: str) -> Iterator[sa.Engine]:
    engine = sa.create_engine(store_url, poolclass=sa.NullPool)
    yield engine
    engine.dispose()


def differences(engine: sa.Engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def statements(engine: sa.Engine) -> list[str]:
    """Every SQL statement ``engine`` runs from now on."""
    seen: list[str] = []
    sa.event.listen(engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *args: seen.append(statement.strip()))
    return seen


def writes(seen: list[str]) -> list[str]:
    return [s for s in seen if not s.upper().startswith(("SELECT", "PRAGMA", "SHOW", "BEGIN",
                                                          "COMMIT", "ROLLBACK"))]


def test_upgrade_of_an_empty_store_creates_exactly_the_schema(engine: sa.Engine) -> None:
    assert migrate.current_revisions(engine) == ()
    migrate.upgrade(engine)
    assert set(sa.inspect(engine).get_table_names()) == set(metadata.tables) | {"alembic_version"}
    assert differences(engine) == []
    assert migrate.current_revisions(engine) == migrate.head_revisions() == ("0002",)


def test_a_second_upgrade_changes_nothing(engine: sa.Engine) -> None:
    migrate.upgrade(engine)
    seen = statements(engine)
    migrate.upgrade(engine)
    assert writes(seen) == []
    assert migrate.current_revisions(engine) == migrate.head_revisions()


def test_ensure_schema_migrates_once_then_trusts_its_cache(engine: sa.Engine) -> None:
    ensure_schema(engine)
    assert differences(engine) == []
    seen = statements(engine)
    ensure_schema(engine)
    ensure_schema(engine)
    assert seen == []  # not even a look at alembic_version


def create_all_at_0001(engine: sa.Engine) -> None:
    """A store as ``metadata.create_all`` made it before there were migrations:
    revision 0001's tables and no ``alembic_version``."""
    migrate.upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE alembic_version"))
    migrate.forget_checked()


def test_a_store_made_by_create_all_is_stamped_and_publishes(engine: sa.Engine) -> None:
    create_all_at_0001(engine)
    publish(engine, golden(("CM-1", "王小明")), xref(("legacy", "C1", "CM-1")), quarantine(),
            NO_MERGES, now="t1")
    assert migrate.current_revisions(engine) == ("0002",)  # publish ran ensure_schema
    assert differences(engine) == []
    report = publish(engine, golden(("CM-1", "王小明"), ("CM-2", "李娜")),
                     xref(("legacy", "C1", "CM-1"), ("legacy", "C2", "CM-2")), quarantine(),
                     NO_MERGES, now="t2")
    assert report.tables["golden_customer"].inserted == 1
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM golden_customer")).scalar_one() == 2


def test_a_store_that_does_not_match_revision_0001_is_refused(engine: sa.Engine) -> None:
    create_all_at_0001(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE customer_tag DROP COLUMN origins"))
        conn.execute(sa.text("DROP TABLE crm_export_log"))
    with pytest.raises(migrate.StoreSchemaError, match="customer_tag lacks origins") as error:
        ensure_schema(engine)
    assert "crm_export_log is missing" in str(error.value)
    assert migrate.current_revisions(engine) == ()


def db(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    add_db_parser(parser.add_subparsers(dest="command", required=True))
    return run_db(parser.parse_args(["db", *argv]))


def test_db_commands(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert db("current", "--store", store_url) == 0
    assert capsys.readouterr().out.strip().endswith(": none")
    assert db("upgrade", "--store", store_url) == 0
    assert "none -> 0002 (head)" in capsys.readouterr().out
    assert db("upgrade", "--store", store_url) == 0
    assert "already at 0002 (head)" in capsys.readouterr().out
    assert db("current", "--store", store_url) == 0
    assert capsys.readouterr().out.strip().endswith(": 0002 (head)")
    assert db("history") == 0
    history = capsys.readouterr().out
    assert history.startswith("0001 -> 0002 (head): ") and "<base> -> 0001: " in history


def test_0002_keeps_merged_ids_as_aliases_and_downgrades_back(engine: sa.Engine) -> None:
    migrate.upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO customer_merge VALUES ('CM-OLD', 'CM-NEW', 't1')"))
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT alias_id, customer_id, created_at, run_id "
                                    "FROM customer_id_alias")).all() == [("CM-OLD", "CM-NEW", "t1", None)]
    assert differences(engine) == []
    _downgrade(engine, "0001")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT * FROM customer_merge")).all() == [("CM-OLD", "CM-NEW", "t1")]
        assert not sa.inspect(conn).has_table("customer_id_alias")


def _downgrade(engine: sa.Engine, revision: str) -> None:
    from alembic import command

    with engine.begin() as conn:
        config = migrate.alembic_config(engine.url)
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def test_db_upgrade_refuses_a_mismatched_store(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE golden_customer ADD COLUMN note TEXT"))
    engine.dispose()
    assert db("upgrade", "--store", url) == 2
    assert "golden_customer has unknown columns note" in capsys.readouterr().out
