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


@pytest.mark.parametrize("escape_text", [False, True])
def test_a_first_publish_writes_the_rows_the_comparison_would_see(escape_text: bool) -> None:
    # A first publish builds its rows column by column; a later one compares rows
    # cleaned as a frame. Any difference would show as changes on every re-run.
    import importlib

    from assets.store.schema import metadata

    store = importlib.import_module("assets.store.publish")
    points = pd.DataFrame({
        "customer_id": ["CM-1", "CM-2", "CM-3"], "kind": ["mobile", "email", "landline"],
        "value": ["+8613800138000", "a\x00b@example.com", None], "extension": [None, "12", float("nan")],
        "is_primary": [True, False, None], "source_systems": ["legacy", "wechat,web_forms", ""],
        "source_records": ['["legacy:1"]', "[]", None], "first_seen": [None, "2024-01-01", "2024-01-02"],
        "last_seen": ["2024-02-01", None, None],
    }).astype({"customer_id": "str", "value": "str", "extension": "str"})
    grades = pd.DataFrame({
        "customer_id": ["CM-1", "CM-2"], "grade": ["A", None], "score": [0.12345678, float("nan")],
        "completeness": [1.0, 0.5], "recency": [0.5, 1.0], "touchpoints": [3, 1],
        "last_seen": ["2024-02-01", None], "rule": ["{}", "{}"],
    })
    for name, frame in (("customer_contact_point", points), ("customer_grade", grades)):
        table = metadata.tables[name]
        columns = [c.name for c in table.columns]
        expected = store._rows(store._clean(frame, table, escape_text=escape_text), columns)
        built = store._store_rows(frame, table, escape_text)
        assert built == expected
        assert [[type(v) for v in row] for row in built] == [[type(v) for v in row] for row in expected]
