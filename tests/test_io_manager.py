"""The run's IO manager writes every output as Dagster's pickled files and hands
it in memory to the run's later steps, each read a private copy, released after
its last read."""

from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from assets.io_manager import HELD, MIN_READS, HeldOutputs, private_copy
from pipelines.automation import MAIN_JOB
from pipelines.definitions import defs

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sources"


@dataclass(frozen=True)
class Batch:
    records: pd.DataFrame
    label: str


def test_a_reader_changing_its_copy_does_not_change_the_next_readers() -> None:
    frame = pd.DataFrame({"name": ["王伟", "李娜"], "phone": ["+8613800138000", ""]})
    batch = Batch(frame, "wechat")
    mine = private_copy(batch)
    mine.records["phone"] = "changed"
    mine.records.loc[0, "name"] = "张三"
    mine.records["extra"] = 1
    assert list(batch.records.columns) == ["name", "phone"]
    assert batch.records["name"].tolist() == ["王伟", "李娜"]
    assert batch.records["phone"].tolist() == ["+8613800138000", ""]
    listed = private_copy([frame, "text"])
    listed[0]["name"] = "x"
    assert frame["name"].tolist() == ["王伟", "李娜"] and listed[1] == "text"


def test_an_output_is_held_for_exactly_its_planned_reads() -> None:
    held = HeldOutputs()
    held.hold("run-1", "/s/a", "A", reads=2)
    held.hold("run-1", "/s/b", "B", reads=0)  # nobody reads it: not held
    assert held.take("run-1", "/s/a") == (True, "A")
    assert held.take("run-2", "/s/a") == (False, None)  # another run's reads go to the file
    assert held.take("run-1", "/s/a") == (True, "A")
    assert held.take("run-1", "/s/a") == (False, None)  # released after the last planned read
    assert held.take("run-1", "/s/b") == (False, None)
    held.hold("run-1", "/s/c", "C", reads=3)
    held.hold("run-2", "/s/d", "D", reads=1)  # a new run drops what the last one left
    assert held.take("run-1", "/s/c") == (False, None) and len(held) == 1


def test_a_run_reads_its_outputs_from_memory_and_still_writes_every_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUSTOMER_SOURCES_DIR", str(SAMPLE))
    monkeypatch.setenv("CUSTOMER_STORE_URL", f"sqlite:///{tmp_path / 'crm.sqlite'}")
    monkeypatch.setenv("CUSTOMER_OUTPUT_DIR", str(tmp_path / "out"))
    job = defs.resolve_job_def(MAIN_JOB)
    hits = HELD.hits
    (tmp_path / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "home")) as instance:
        result = dg.execute_job(dg.reconstructable(_main_job), instance=instance,
                                run_config={"execution": {"config": {"in_process": {}}}})
        with result:
            assert result.success
            storage = Path(instance.storage_directory())
    readers: dict[str, int] = {}
    for node in job.graph.node_defs:
        for input_def in node.input_defs:
            if not input_def.dagster_type.is_nothing:
                readers[input_def.name] = readers.get(input_def.name, 0) + 1
    shared = {name: n for name, n in readers.items() if n >= MIN_READS}
    assert shared["standardised_contacts"] > 5 and "raw_wechat_contacts" not in shared
    assert HELD.hits - hits == sum(shared.values())  # every read of a shared output, none from a file
    assert len(HELD) == 0  # everything released after its last read
    produced = {key.path[-1] for key in job.asset_layer.executable_asset_keys}
    written = {p.name for p in storage.iterdir() if p.is_file()}
    assert produced - {"crm_store", "crm_export"} <= written  # (those two return no value)


def _main_job() -> dg.JobDefinition:
    return defs.resolve_job_def(MAIN_JOB)
