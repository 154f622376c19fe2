"""Readers never raise on arbitrary bytes, and account for every line they see."""

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assets.sources import SPECS_BY_KIND, read_source
from tests.sourcefiles import LEGACY_HEADER

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

line_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)


def _fresh(tmp_path: Path, kind: str) -> Path:
    root = tmp_path / "src"
    folder = root / kind
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    return root


@FAST
@given(data=st.binary(max_size=2000), kind=st.sampled_from(sorted(SPECS_BY_KIND)),
       suffix=st.sampled_from([".jsonl", ".csv", ".txt", ".xlsx"]))
def test_arbitrary_bytes_never_raise(tmp_path: Path, data: bytes, kind: str, suffix: str) -> None:
    root = _fresh(tmp_path, kind)
    (root / kind / f"file{suffix}").write_bytes(data)
    result = read_source(SPECS_BY_KIND[kind], root)
    for row in result.quarantine:
        assert row["reason"] and row["reason_detail"]
    # Reading is a function of the bytes: twice gives the same.
    again = read_source(SPECS_BY_KIND[kind], root)
    assert again.records == result.records and again.quarantine == result.quarantine


@FAST
@given(lines=st.lists(line_text, max_size=15))
def test_every_non_blank_json_line_is_a_record_or_quarantined(tmp_path: Path, lines: list[str]) -> None:
    root = _fresh(tmp_path, "web_forms")
    text = "\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines)
    (root / "web_forms" / "f.jsonl").write_text(text, encoding="utf-8")
    result = read_source(SPECS_BY_KIND["web_forms"], root)
    # Blank means ASCII whitespace only (a line of control characters is junk to quarantine).
    non_blank = [line for line in text.split("\n") if line.encode().strip()]
    if non_blank:
        assert len(result.records) + len(result.quarantine) == len(non_blank)


@FAST
@given(lines=st.lists(st.lists(line_text.filter(lambda t: "|" not in t and "\n" not in t and "\r" not in t),
                               min_size=1, max_size=16), min_size=1, max_size=10))
def test_every_legacy_line_is_a_record_or_quarantined(tmp_path: Path, lines: list[list[str]]) -> None:
    root = _fresh(tmp_path, "legacy")
    body = ["|".join(cells) for cells in lines]
    (root / "legacy" / "dump.txt").write_bytes("\n".join([LEGACY_HEADER, *body]).encode("utf-8"))
    result = read_source(SPECS_BY_KIND["legacy"], root)
    # A line whose cells are all blank is an empty row, like a blank line: not a record.
    data_lines = [cells for cells in lines if any(c.strip() for c in cells)]
    if data_lines:
        assert len(result.records) + len(result.quarantine) == len(data_lines)
    else:
        assert [q["reason"] for q in result.quarantine] == ["no_data_rows"]
