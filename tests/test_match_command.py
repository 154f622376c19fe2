"""``customer-master match`` on small CSV files with a known answer."""

import argparse
from pathlib import Path

import pandas as pd
import pytest

from pipelines.match_command import add_match_parser, run_match
from tests.engine_data import dedupe_frame, make_people, retyped, same_partition

FIELDS = ["name=name", "phone=phone", "email=email", "birth_date=date", "city=exact"]


def match(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="customer-master")
    add_match_parser(parser.add_subparsers(dest="command"))
    return run_match(parser.parse_args(["match", *argv]))


def field_args(fields: list[str] = FIELDS) -> list[str]:
    return [arg for field in fields for arg in ("--field", field)]


def test_dedupe_writes_the_known_clusters(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    frame = dedupe_frame()
    frame.drop(columns="person").to_csv(tmp_path / "in.csv", index=False, encoding="utf-8-sig")
    out = tmp_path / "out" / "clusters.csv"
    pairs = tmp_path / "pairs.csv"
    assert match(str(tmp_path / "in.csv"), "--id-column", "id", *field_args(),
                 "--out", str(out), "--pairs-out", str(pairs)) == 0
    clusters = pd.read_csv(out, dtype=str)
    assert list(clusters.columns) == ["record_id", "cluster_id"]
    truth = frame.set_index("id")["person"]
    assert same_partition(clusters["record_id"], clusters["cluster_id"],
                          clusters["record_id"].map(truth))
    assert {"w_name", "level_phone", "match_probability", "decision", "blocked_on"} <= set(
        pd.read_csv(pairs, nrows=1).columns)
    err = capsys.readouterr().err
    assert "[match] blocking:" in err and "wrote" in err
    values = [v for c in ("name", "phone", "email") for v in frame[c] if isinstance(v, str) and v]
    assert not any(v in err for v in values)  # counts and timings only


def test_link_mode_pairs_records_across_two_files(tmp_path: Path) -> None:
    people = make_people(40, seed=11)
    left = pd.DataFrame([p for i, p in enumerate(people) if i < 30])
    right = pd.DataFrame([retyped(p, i) for i, p in enumerate(people) if i >= 10])
    left["id"] = [f"L{i}" for i in range(len(left))]
    right["id"] = [f"R{i}" for i in range(len(right))]
    left.drop(columns="person").to_csv(tmp_path / "left.csv", index=False)
    right.drop(columns="person").to_csv(tmp_path / "right.csv", index=False, encoding="gb18030")
    out = tmp_path / "linked.csv"
    assert match(str(tmp_path / "left.csv"), "--link", str(tmp_path / "right.csv"),
                 "--id-column", "id", *field_args(), "--out", str(out)) == 0
    clusters = pd.read_csv(out, dtype=str)
    assert list(clusters.columns) == ["dataset", "record_id", "cluster_id"]
    assert set(clusters["dataset"]) == {"left", "right"}
    assert clusters.groupby(["cluster_id", "dataset"]).size().max() == 1
    person = {("left", i): p for i, p in zip(left["id"], left["person"])}
    person.update({("right", i): p for i, p in zip(right["id"], right["person"])})
    truth = [person[(d, i)] for d, i in zip(clusters["dataset"], clusters["record_id"])]
    assert same_partition(clusters["record_id"], clusters["cluster_id"], pd.Series(truth))
    assert clusters["cluster_id"].nunique() == 40


def test_missing_columns_are_named_before_any_work(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    pd.DataFrame({"id": ["1", "2"], "name": ["王伟", "李娜"]}).to_csv(tmp_path / "in.csv", index=False)
    out = tmp_path / "out.csv"
    code = match(str(tmp_path / "in.csv"), "--id-column", "key", "--field", "name=name",
                 "--field", "mobile=phone", "--out", str(out))
    assert code == 2 and not out.exists()
    err = capsys.readouterr().err
    assert "no column(s) 'key', 'mobile'" in err and "the file has: 'id', 'name'" in err


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("id,name\n1,a\n1,b\n", ["--field", "name=name"], "repeated 'id'"),
        ("id,name\n1,a\n", ["--field", "name=colour"], "unknown field kind 'colour'"),
        ("id,name\n1,a\n", ["--field", "name"], "COLUMN=KIND"),
        ("", ["--field", "name=name"], "empty"),
    ],
)
def test_bad_input_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture,
                                    content: str, args: list[str], message: str) -> None:
    (tmp_path / "in.csv").write_text(content, encoding="utf-8")
    assert match(str(tmp_path / "in.csv"), "--id-column", "id", *args,
                 "--out", str(tmp_path / "o.csv")) == 2
    assert message in capsys.readouterr().err


def test_settings_file_and_thresholds_are_read(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    dedupe_frame(20).to_csv(tmp_path / "in.csv", index=False)
    (tmp_path / "s.json").write_text('{"max_block_size": 1}', encoding="utf-8")
    assert match(str(tmp_path / "in.csv"), "--id-column", "id", *field_args(),
                 "--settings", str(tmp_path / "s.json"), "--out", str(tmp_path / "o.csv")) == 2
    assert "max_block_size" in capsys.readouterr().err
    assert match(str(tmp_path / "in.csv"), "--id-column", "id", *field_args(),
                 "--match-probability", "0.4", "--out", str(tmp_path / "o.csv")) == 2


def test_the_engine_and_the_command_import_no_dagster() -> None:
    """``matching`` is a pure library, and ``match`` must start fast."""
    import subprocess
    import sys

    code = ("import sys, matching.engine, pipelines.match_command; "
            "print(sorted(m for m in ('dagster', 'great_expectations') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_command_line_ends_with_its_output_written(tmp_path: Path) -> None:
    """From the command line ``match`` ends without the interpreter's teardown
    (``cli._exit_without_teardown``): the clusters file, the progress lines and
    the exit code must all still be there."""
    import subprocess
    import sys

    frame = dedupe_frame()
    frame.drop(columns="person").to_csv(tmp_path / "in.csv", index=False)
    out = tmp_path / "clusters.csv"
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "match", str(tmp_path / "in.csv"),
                           "--id-column", "id", *field_args(), "--out", str(out)],
                          cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "[match] wrote" in done.stderr
    assert len(pd.read_csv(out, dtype=str)) == len(frame)
    wrong = subprocess.run([sys.executable, "-m", "pipelines.cli", "match", str(tmp_path / "no.csv"),
                            "--id-column", "id", *field_args(), "--out", str(out)],
                           cwd=root, capture_output=True, text=True, timeout=120)
    assert wrong.returncode == 2 and "no such file" in wrong.stderr
