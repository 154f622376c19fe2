"""Publishing to the store: diffed, idempotent, all-or-nothing."""

from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from assets.store import count_rows, publish

GOLDEN_COLUMNS = dict(name=None, name_pinyin=None, phone=None, phone_extension=None, landline=None,
                      email=None, company=None, title=None, province=None, city=None, address=None,
                      gender=None, birth_date=None, id_card_no=None, wecom_id=None, source_count=1,
                      source_systems="legacy", provenance="{}", updated_at=None)


def golden(*ids_and_names: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame([{**GOLDEN_COLUMNS, "customer_id": i, "name": n} for i, n in ids_and_names])


def xref(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"source_system": s, "source_record_id": r, "customer_id": c, "match_score": 1.0} for s, r, c in rows]
    )


def quarantine(*rows: tuple[str, str]) -> pd.DataFrame:
    columns = ["source_system", "source_file", "source_record_id", "source_row", "reason",
               "reason_detail", "raw"]
    return pd.DataFrame([("legacy", "d.txt", r, "2", reason, "x", "C9|...") for r, reason in rows],
                        columns=columns)


NO_MERGES = pd.DataFrame(columns=["old_customer_id", "customer_id"])


@pytest.fixture
def engine(tmp_path: Path) -> sa.Engine:
    return sa.create_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")


def dump(engine: sa.Engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {t: sorted(map(tuple, conn.execute(sa.text(f"SELECT * FROM {t}")).all()))
                for t in ("golden_customer", "customer_xref", "quarantine")}


def test_second_publish_of_the_same_result_changes_nothing(engine: sa.Engine) -> None:
    args = (golden(("CM-1", "王小明")), xref(("legacy", "C1", "CM-1")), quarantine(("C9", "deleted_in_source")))
    first = publish(engine, *args, NO_MERGES, now="2024-11-03T10:00:00+08:00")
    assert first.changed
    before = dump(engine)
    second = publish(engine, *args, NO_MERGES, now="2024-11-04T10:00:00+08:00")
    assert not second.changed
    assert dump(engine) == before  # matched_at / quarantined_at kept too


def test_changes_are_applied_as_inserts_updates_and_deletes(engine: sa.Engine) -> None:
    publish(engine, golden(("CM-1", "王小明"), ("CM-2", "李娜")),
            xref(("legacy", "C1", "CM-1"), ("legacy", "C2", "CM-2")), quarantine(), NO_MERGES, now="t1")
    report = publish(
        engine, golden(("CM-1", "王晓明"), ("CM-3", "张伟")),
        xref(("legacy", "C1", "CM-1"), ("legacy", "C2", "CM-1"), ("web_forms", "w1", "CM-3")),
        quarantine(), pd.DataFrame([{"old_customer_id": "CM-2", "customer_id": "CM-1"}]), now="t2",
    )
    g, x = report.tables["golden_customer"], report.tables["customer_xref"]
    assert (g.inserted, g.updated, g.deleted) == (1, 1, 1)
    assert (x.inserted, x.updated, x.deleted, x.unchanged) == (1, 1, 0, 1)
    rows = dump(engine)
    assert [r[:4] for r in rows["customer_xref"]] == [
        ("legacy", "C1", "CM-1", 1.0), ("legacy", "C2", "CM-1", 1.0), ("web_forms", "w1", "CM-3", 1.0)]
    matched_at = {r[1]: r[4] for r in rows["customer_xref"]}
    assert matched_at == {"C1": "t1", "C2": "t2", "w1": "t2"}  # re-linked record gets a new time
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT alias_id, customer_id, created_at FROM customer_id_alias")).all() == [
            ("CM-2", "CM-1", "t2")]


def test_a_failing_publish_leaves_the_store_as_it_was(engine: sa.Engine) -> None:
    publish(engine, golden(("CM-1", "王小明")), xref(("legacy", "C1", "CM-1")), quarantine(), NO_MERGES, now="t1")
    before = dump(engine)
    broken_xref = xref(("legacy", "C1", "CM-1"), ("legacy", "C5", "CM-NOT-THERE"))
    with pytest.raises(sa.exc.IntegrityError):
        # Two rows with one key: the database refuses the insert half-way through.
        publish(engine, golden(("CM-1", "改名"), ("CM-2", "x")),
                pd.concat([broken_xref, broken_xref.iloc[[1]]]), quarantine(), NO_MERGES, now="t2")
    assert dump(engine) == before
    assert count_rows(engine)["golden_customer"] == 1


def test_a_new_sqlite_store_gets_large_pages_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    """A store created now has 16 KB pages (faster bulk publishes); a store an
    earlier version created keeps its 4 KB pages and still publishes."""
    import sqlite3

    from assets.resources import SQLITE_PAGE_BYTES, store_engine

    def page_size(path: Path) -> int:
        with sqlite3.connect(path) as conn:
            return conn.execute("PRAGMA page_size").fetchone()[0]

    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as conn:
        conn.execute("PRAGMA page_size=4096")
        conn.execute("CREATE TABLE made_earlier (x)")
    for path in (tmp_path / "new.sqlite", old):
        engine = store_engine(f"sqlite:///{path}")
        report = publish(engine, golden(("CM-1", "王小明")), xref(("legacy", "C1", "CM-1")),
                         quarantine(), NO_MERGES, now="t1")
        assert report.tables["golden_customer"].inserted == 1
        engine.dispose()
    assert page_size(tmp_path / "new.sqlite") == SQLITE_PAGE_BYTES == 16384
    assert page_size(old) == 4096
