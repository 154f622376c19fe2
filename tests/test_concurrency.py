"""Two ``customer-master run`` processes started at the same moment against one CRM store.

They read different inputs (the sample, and the sample plus one extra web-form
submission), so the end state says whose publish committed last. Whatever the
interleaving, the store must end up exactly as one clean run on that input
leaves a fresh store (publish times aside), with every source record in
customer_xref or quarantine exactly once. On PostgreSQL publishes are serialised
by an advisory lock; SQLite serialises writers itself.
"""

import json
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from tests import pg_server
from tests.cli_runs import (
    SAMPLE_SOURCES,
    cli_env,
    describe,
    finish,
    last_publishing_run,
    result_tables,
    run_id_of,
    start_run,
)

EXTRA_SUBMISSION = {
    "submission_id": "wf-20241104-900001", "submitted_at": "2024-11-04T09:15:00+08:00",
    "form_id": "contact-us", "channel": "website",
    "fields": {"name": "欧阳明远", "phone": "186-2233-4455", "email": "ouyang.mingyuan@163.com",
               "company": "杭州远明精密机械有限公司", "city": "杭州", "title": "采购经理",
               "message": "请联系我"},
    "consent_marketing": True,
}


def _sources_with_extra(root: Path) -> Path:
    shutil.copytree(SAMPLE_SOURCES, root)
    (root / "web_forms" / "forms_20241104.jsonl").write_text(
        json.dumps(EXTRA_SUBMISSION, ensure_ascii=False) + "\n", encoding="utf-8")
    return root


def _store(kind: str, name: str, tmp_path: Path, postgres_url: str | None) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / f'{name}.sqlite'}"
    return pg_server.fresh_database(postgres_url, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> tuple[str, str | None]:
    if request.param == "postgresql":
        return "postgresql", request.getfixturevalue("postgres_url")
    return "sqlite", None


def _assert_each_record_once(tables: dict[str, pd.DataFrame]) -> None:
    xref, quarantine = tables["customer_xref"], tables["quarantine"]
    keys = list(zip(xref["source_system"], xref["source_record_id"]))
    assert len(keys) == len(set(keys)), "a record is linked twice"
    assert set(xref["customer_id"]) == set(tables["golden_customer"]["customer_id"])
    rejected = quarantine.dropna(subset=["source_record_id"])
    rejected_keys = set(zip(rejected["source_system"], rejected["source_record_id"]))
    assert not set(keys) & rejected_keys, "a record is both linked and quarantined"


@pytest.mark.parametrize("store_state", ["empty", "published"])
def test_two_runs_at_once_leave_the_store_of_the_last_publish(backend, store_state, tmp_path: Path):
    """``empty``: both runs also create the schema; ``published``: the store already
    holds a run's result (at the latest migration), so only the publishes race."""
    kind, server_url = backend
    inputs = {"sample": SAMPLE_SOURCES, "extra": _sources_with_extra(tmp_path / "sources_extra")}
    store_url = _store(kind, "concurrent_store", tmp_path, server_url)
    if store_state == "published":
        code, out, err = finish(start_run(cli_env(tmp_path / "out_seed", store_url,
                                                  dagster_home=tmp_path / "home_seed")))
        assert code == 0, describe(code, out, err)

    started = time.monotonic()
    processes = {
        name: start_run(cli_env(tmp_path / f"out_{name}", store_url, sources=sources,
                                dagster_home=tmp_path / f"home_{name}"))
        for name, sources in inputs.items()
    }
    results = {name: finish(process) for name, process in processes.items()}
    concurrent_s = time.monotonic() - started

    for name, (code, out, err) in results.items():
        if "database is locked" in err + out:
            pytest.fail(f"{name}: SQLite 'database is locked': the store engine needs a busy "
                        "timeout and BEGIN IMMEDIATE (assets/resources.py store_engine)\n"
                        + describe(code, out, err))
        assert code == 0, f"{name}: {describe(code, out, err)}"
    run_ids = {run_id_of(out): name for name, (_, out, _) in results.items()}
    last = run_ids[last_publishing_run(store_url)]

    clean_url = _store(kind, "clean_store", tmp_path, server_url)
    started_clean = time.monotonic()
    code, out, err = finish(start_run(cli_env(tmp_path / "out_clean", clean_url,
                                              sources=inputs[last],
                                              dagster_home=tmp_path / "home_clean")))
    clean_s = time.monotonic() - started_clean
    assert code == 0, describe(code, out, err)
    print(f"{kind}: two runs at once {concurrent_s:.1f} s (last publish: {last}), "
          f"clean run {clean_s:.1f} s")

    got, want = result_tables(store_url), result_tables(clean_url)
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name], check_dtype=False, obj=name)
    _assert_each_record_once(got)
    extra_linked = ("web_forms", EXTRA_SUBMISSION["submission_id"]) in set(
        zip(got["customer_xref"]["source_system"], got["customer_xref"]["source_record_id"]))
    assert extra_linked == (last == "extra")

    engine = sa.create_engine(store_url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:  # both publishes were recorded, each once
            published = conn.execute(sa.text(
                "SELECT count(DISTINCT run_id) FROM quality_metric")).scalar_one()
    finally:
        engine.dispose()
    assert published == (2 if store_state == "empty" else 3)
