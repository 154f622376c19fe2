"""Ops review end to end on the sample, on SQLite and PostgreSQL: decisions made on
the command line and from a decisions file are honoured by every later run —
also when the thresholds change — ids stay stable, merged ids resolve as
aliases, a split gets a new id, and bad decisions change nothing."""

import json
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
import sqlalchemy as sa

from assets.resources import DecisionsFolder, store_engine
from assets.review import review_constraints
from assets.store import load_customer
from assets.store.decisions import load_ledger, load_view, read_open_items
from matching.decisions import constraints_from_ledger
from pipelines.automation import MAIN_JOB
from pipelines.cli import main as cli
from pipelines.definitions import defs
from pipelines.explain import render
from pipelines.review_job import JOB as REVIEW_JOB
from pipelines.review_job import OP, review_decisions_file_sensor
from tests import pg_server

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sources"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'crm.sqlite'}"
    else:
        yield pg_server.fresh_database(request.getfixturevalue("postgres_url"), "crm_review_flow")


def run(tmp: Path, store_url: str, match_probability: float | None = None) -> None:
    home = tmp / f"home-{len(list(tmp.glob('home-*')))}"
    home.mkdir(parents=True)
    config = {}
    if match_probability is not None:
        config = {"ops": {name: {"config": {"match_probability": match_probability}}
                          for name in ("candidate_pairs", "scored_pairs", "contact_clusters")}}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CUSTOMER_SOURCES_DIR", str(SAMPLE))
        patch.setenv("CUSTOMER_STORE_URL", store_url)
        patch.setenv("CUSTOMER_OUTPUT_DIR", str(tmp / "out"))
        with dg.instance_for_test(temp_dir=str(home)) as instance:
            result = defs.resolve_job_def(MAIN_JOB).execute_in_process(instance=instance, run_config=config)
    store_engine(store_url).dispose()
    assert result.success


def owners(engine: sa.Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT source_system, source_record_id, customer_id FROM customer_xref"))
        return {f"{s}:{r}": c for s, r, c in rows}


def decide(store_url: str, *argv: str) -> int:
    return cli(["review", "decide", "--store", store_url, "--reviewer", "qa", "--reason", "checked", *argv])


def table(engine: sa.Engine, sql: str) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(sa.text(sql)).mappings().all())


def test_decisions_are_honoured_by_every_later_run(tmp_path: Path, store_url: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    run(tmp_path, store_url)
    engine = sa.create_engine(store_url, poolclass=sa.NullPool)
    before = owners(engine)
    queue = read_open_items(engine)
    pair = queue[queue["kind"] == "pair"].iloc[0]
    merged_away = {pair["left_customer_id"], pair["right_customer_id"]}
    sizes = pd.Series(before).value_counts()
    big = sizes[sizes >= 2].index[0]
    split_record = sorted(r for r, c in before.items() if c == big)[-1]
    chooser = sizes[sizes >= 2].index[1]

    assert cli(["review", "list", "--store", store_url, "--format", "csv"]) == 0
    listed = capsys.readouterr().out
    assert pair["item_id"] in listed and "@" not in listed.replace("***@", "")  # masked e-mails only
    assert decide(store_url, "--decision", "merge", "--item", pair["item_id"]) == 0
    assert decide(store_url, "--decision", "split_off", "--record", split_record, "--customer", big) == 0
    assert decide(store_url, "--decision", "choose_value", "--customer", chooser, "--field", "email",
                  "--value", "Chosen.Address@Example.COM") == 0
    assert "recorded decision #3" in capsys.readouterr().out
    # A run reads only the store rows the ledger names, and gets what the whole store gives.
    with engine.connect() as conn:
        ledger = load_ledger(conn)
        whole_store = constraints_from_ledger(ledger, load_view(conn))
        assert len(load_view(conn, ledger).membership) < len(load_view(conn).membership)
    assert review_constraints(engine) == whole_store

    run(tmp_path, store_url)
    after = owners(engine)
    survivor = after[pair["left_record"]]
    assert after[pair["right_record"]] == survivor
    (gone,) = merged_away - {survivor}
    aliases = table(engine, "SELECT alias_id, customer_id FROM customer_id_alias")
    assert dict(zip(aliases["alias_id"], aliases["customer_id"]))[gone] == survivor
    assert after[split_record] not in set(before.values()) | set(aliases["alias_id"])
    assert all(after[r] == big for r, c in before.items() if c == big and r != split_record)
    golden = table(engine, f"SELECT email, provenance FROM golden_customer WHERE customer_id = '{chooser}'")
    assert golden["email"].iat[0] == "chosen.address@example.com"
    assert json.loads(golden["provenance"].iat[0])["email"]["rule"] == "reviewer"
    events = table(engine, "SELECT event_type FROM merge_event")["event_type"].value_counts()
    assert events["decision_recorded"] == 3 and events["decision_applied"] == 3
    assert events["merge"] >= 1 and events["alias"] >= 1 and events["split"] >= 1
    # The merged-away id still resolves, and explain shows the evidence and decisions.
    found = load_customer(engine, gone)
    assert found["golden_customer"]["customer_id"].iat[0] == survivor
    shown = render(found)
    assert f"{gone} was merged into {survivor}" in shown and "decision" in shown and "merge" in shown

    # Much stricter thresholds break customers up, but every decision still holds.
    run(tmp_path, store_url, match_probability=0.999999999)
    strict = owners(engine)
    assert strict[pair["left_record"]] == strict[pair["right_record"]]
    assert strict[split_record] == after[split_record] != strict[sorted(r for r, c in before.items()
                                                                         if c == big)[0]]
    assert table(engine, f"SELECT email FROM golden_customer WHERE customer_id = '{chooser}'")["email"].iat[0] \
        == "chosen.address@example.com"

    # Reversing a decision is a newer decision: the pair comes apart again.
    assert decide(store_url, "--decision", "keep_apart", "--record", pair["left_record"],
                  "--record", pair["right_record"]) == 0
    run(tmp_path, store_url)
    final = owners(engine)
    assert final[pair["left_record"]] != final[pair["right_record"]]
    engine.dispose()


def test_bad_decisions_are_rejected_and_change_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store_url = f"sqlite:///{tmp_path / 'crm.sqlite'}"
    run(tmp_path, store_url)
    engine = sa.create_engine(store_url, poolclass=sa.NullPool)
    records = sorted(owners(engine))
    a, b, c = records[:3]
    assert decide(store_url, "--decision", "merge", "--record", a, "--record", b) == 0
    assert decide(store_url, "--decision", "merge", "--record", b, "--record", c) == 0
    capsys.readouterr()
    ledger = table(engine, "SELECT * FROM merge_decision")
    assert decide(store_url, "--decision", "keep_apart", "--record", a, "--record", c) == 2
    assert "contradicts earlier decisions" in capsys.readouterr().err
    assert decide(store_url, "--decision", "merge", "--record", "legacy:NO-SUCH", "--record", a) == 2
    assert "unknown record legacy:NO-SUCH" in capsys.readouterr().err
    assert decide(store_url, "--decision", "choose_value", "--customer", owners(engine)[a], "--field",
                  "phone", "--value", "12") == 2
    assert "not a usable phone number" in capsys.readouterr().err
    assert table(engine, "SELECT * FROM merge_decision").equals(ledger)
    engine.dispose()


def test_a_decisions_file_is_picked_up_once_and_recorded(tmp_path: Path) -> None:
    store_url = f"sqlite:///{tmp_path / 'crm.sqlite'}"
    run(tmp_path, store_url)
    engine = sa.create_engine(store_url, poolclass=sa.NullPool)
    item = read_open_items(engine).iloc[0]
    inbox = tmp_path / "decisions"
    inbox.mkdir()
    (inbox / "monday.csv").write_text(
        "decision,item_id,left_record,right_record,customer_id,field,value,reviewer,reason\n"
        f"keep_apart,{item['item_id']},,,,,,li.lei,different people\n", encoding="utf-8")
    (inbox / "broken.csv").write_text("who,what\nme,that\n", encoding="utf-8")

    def tick(cursor):
        with dg.build_sensor_context(cursor=cursor, resources={
                "decisions_folder": DecisionsFolder(path=str(inbox))}) as context:
            return review_decisions_file_sensor(context), context.cursor

    result, cursor = tick(None)
    (request,) = result if isinstance(result, list) else [result]
    assert request.tags["customer_master/decisions_file"] == "monday.csv"
    decisions = request.run_config["ops"][OP]["config"]["decisions"]
    assert decisions == [{"decision": "keep_apart", "reviewer": "li.lei", "reason": "different people",
                          "records": [], "item_id": item["item_id"]}]
    again, cursor = tick(cursor)
    assert isinstance(again, dg.SkipReason)

    (tmp_path / "home-review").mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CUSTOMER_STORE_URL", store_url)
        with dg.instance_for_test(temp_dir=str(tmp_path / "home-review")) as instance:
            recorded = defs.resolve_job_def(REVIEW_JOB).execute_in_process(
                instance=instance, run_config=request.run_config, tags=request.tags)
    assert recorded.success
    ledger = table(engine, "SELECT decision, item_id, reviewer, channel FROM merge_decision")
    assert ledger.to_dict("records") == [{"decision": "keep_apart", "item_id": item["item_id"],
                                          "reviewer": "li.lei", "channel": "sensor"}]
    assert item["item_id"] not in set(read_open_items(engine)["item_id"])
    engine.dispose()


def test_the_sensor_explains_a_file_that_is_not_a_decisions_file(tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("who,what\nme,that\n", encoding="utf-8")
    with dg.build_sensor_context(resources={"decisions_folder": DecisionsFolder(path=str(tmp_path))}) as context:
        result = review_decisions_file_sensor(context)
    assert isinstance(result, dg.SkipReason)
    assert "notes.csv: the header lacks decision, reason, reviewer" in result.skip_message
