"""A crash in the middle of publishing leaves the store exactly as it was, and the
next run gives the same store as one clean run."""

import shutil
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa

from assets.resources import store_engine
from assets.store.decisions import read_open_items, record_decisions
from matching.decisions import Decision
from pipelines.automation import MAIN_JOB
from pipelines.definitions import defs
from tests.storecontent import content

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sources"


class InjectedCrash(RuntimeError):
    pass


def crash_on(engine: sa.Engine, nth_write: int):
    """Fault injection on the real engine: the nth INSERT/UPDATE/DELETE raises."""
    seen = {"writes": 0}

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            seen["writes"] += 1
            if seen["writes"] == nth_write:
                raise InjectedCrash("power cut in the middle of publishing")

    sa.event.listen(engine, "before_cursor_execute", before_cursor_execute)
    return lambda: sa.event.remove(engine, "before_cursor_execute", before_cursor_execute)


def run(instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch, sources: Path, url: str):
    monkeypatch.setenv("CUSTOMER_SOURCES_DIR", str(sources))
    monkeypatch.setenv("CUSTOMER_STORE_URL", url)
    return defs.resolve_job_def(MAIN_JOB).execute_in_process(instance=instance, raise_on_error=False)


def dump(url: str) -> dict[str, list[tuple]]:
    with sa.create_engine(url).connect() as conn:
        return {t: sorted(map(tuple, conn.execute(sa.text(f"SELECT * FROM {t}")).all()))
                for t in ("golden_customer", "customer_xref", "quarantine", "customer_id_alias")}


def test_a_crash_mid_publish_changes_nothing_and_the_rerun_equals_a_clean_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(SAMPLE, sources)
    later = sorted((sources / "web_forms").iterdir())[-1]
    held_back = later.read_bytes()
    later.unlink()  # the first run sees one day fewer of web forms
    url = f"sqlite:///{tmp_path / 'crm.sqlite'}"
    (tmp_path / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "home")) as instance:
        assert run(instance, monkeypatch, sources, url).success
        before = dump(url)

        later.write_bytes(held_back)
        undo = crash_on(store_engine(url), nth_write=3)
        try:
            crashed = run(instance, monkeypatch, sources, url)
        finally:
            undo()
        assert not crashed.success
        failure = next(e for e in crashed.all_events if e.is_step_failure)
        assert failure.step_key == "crm_store"
        assert dump(url) == before  # not one row changed

        assert run(instance, monkeypatch, sources, url).success
        clean_url = f"sqlite:///{tmp_path / 'clean.sqlite'}"
        assert run(instance, monkeypatch, sources, clean_url).success
    assert content(url) == content(clean_url)


REVIEW_TABLES = ("merge_decision", "merge_event", "customer_id_alias", "review_item", "customer_link",
                 "golden_customer", "customer_xref")


def dump_review(url: str) -> dict[str, list[tuple]]:
    with sa.create_engine(url).connect() as conn:
        return {t: sorted(map(tuple, conn.execute(sa.text(f"SELECT * FROM {t}")).all())) for t in REVIEW_TABLES}


def record_sample_decisions(url: str) -> None:
    """A merge of the first grey-zone pair and a split of one record off a customer."""
    engine = sa.create_engine(url)
    item = read_open_items(engine).iloc[0]
    with engine.connect() as conn:
        customer, record = conn.execute(sa.text(
            "SELECT customer_id, max(source_system || ':' || source_record_id) FROM customer_xref "
            "GROUP BY customer_id HAVING count(*) > 2 ORDER BY customer_id LIMIT 1")).one()
    engine.dispose()
    record_decisions(store_engine(url), [
        Decision("merge", "qa", "same person", item_id=item["item_id"]),
        Decision("split_off", "qa", "a colleague's card", records=(record,), customer_id=customer),
    ], channel="cli")


def test_a_crash_while_applying_decisions_changes_nothing_and_the_rerun_equals_a_clean_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'crm.sqlite'}"
    clean_url = f"sqlite:///{tmp_path / 'clean.sqlite'}"
    (tmp_path / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "home")) as instance:
        assert run(instance, monkeypatch, SAMPLE, url).success
        record_sample_decisions(url)
        before = dump_review(url)
        undo = crash_on(store_engine(url), nth_write=5)
        try:
            crashed = run(instance, monkeypatch, SAMPLE, url)
        finally:
            undo()
        assert not crashed.success
        assert next(e for e in crashed.all_events if e.is_step_failure).step_key == "crm_store"
        assert dump_review(url) == before  # no decision half-applied, no event, no alias

        assert run(instance, monkeypatch, SAMPLE, url).success
        assert run(instance, monkeypatch, SAMPLE, clean_url).success
        record_sample_decisions(clean_url)
        assert run(instance, monkeypatch, SAMPLE, clean_url).success
    assert content(url) == content(clean_url)
    applied = {t: dump_review(u)["merge_event"] for t, u in (("crashed", url), ("clean", clean_url))}
    kinds = {t: sorted(e[3] for e in events) for t, events in applied.items()}
    assert kinds["crashed"] == kinds["clean"]  # the same audit trail, once each
