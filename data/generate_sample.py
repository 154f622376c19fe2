#!/usr/bin/env python3
"""Deterministic synthetic source exports + ground truth for customer-master.

    python data/generate_sample.py --people 300 --seed 20241103 \
        --out data/sources --truth data/sample_truth.csv

Follows shared/SOURCES.md. Makes N true persons, including hard cases (namesakes, a
family sharing one phone, colleagues giving one switchboard number, people who changed
company, placeholder phones, WeCom contacts with several owners), and writes each one
1-4 times across the four source kinds. The ground truth has one row per source row
written, broken rows included. Use it as a script, or load it by path with importlib
and call ``generate(out_dir, people, seed)``. The output depends only on (people, seed):
it reads no clock and relies on no hash order.

This module holds only the run: how often each person is written and where, and the
ground truth table. The parts live beside it, each small enough to read on its own:
sample_people (the true persons and companies, and the hard cases), sample_rows (each
source's row shape and its truth record), sample_messiness (how values get written
down differently), sample_files (file layout and deterministic saving) and sample_vocab
(word lists). data/ is no package, so this file puts its own folder on sys.path first:
that makes the sibling imports work both as a script and when loaded by path.
"""
from __future__ import annotations

import argparse
import itertools
import random
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # data/ is no package: loaded by path, the siblings need this
    sys.path.insert(0, str(HERE))

from sample_files import KINDS  # noqa: E402
from sample_people import Population  # noqa: E402
from sample_rows import TRUTH_COLUMNS, RowWriter  # noqa: E402

KIND_WEIGHTS = (30, 25, 27, 18)
ROW_COUNTS, ROW_COUNT_WEIGHTS, MEAN_ROWS = (1, 2, 3, 4), (45, 30, 17, 8), 1.9


def emit_person(p, r, rows: RowWriter):
    """Write a person 1-4 times across the kinds, always in the sources a hard case needs."""
    kinds = list(p.forced)
    wanted = r.choices(ROW_COUNTS, ROW_COUNT_WEIGHTS)[0]
    kinds += r.choices(KINDS, KIND_WEIGHTS, k=max(0, wanted - len(kinds)))
    several_owners = kinds.count("wechat") > 1
    for kind in kinds:
        labels = list(p.labels)
        if kind == "web_forms":
            rows.web_row(p, labels)
        elif kind == "wechat":
            rows.wechat_row(p, labels + ["multi_owner"] * several_owners)
        elif kind.startswith("spreadsheets"):
            rows.sheet_row(p, labels, old_only=kind.endswith(":old"))
        else:
            rows.legacy_row(p, labels)


def generate(out_dir: Path, people: int = 300, seed: int = 20241103) -> pd.DataFrame:
    """Write the four source folders under ``out_dir`` and return the ground truth: one row
    per source row written, sorted by source_system, source_file, sheet and source_line."""
    r = random.Random(seed)  # the one random stream: every draw, in a fixed order
    population = Population(r, people)
    # rows each kind will get; the web-form clock is derived from it, so changing the
    # arithmetic (even its order) changes the output bytes
    expected_rows = {kind: people * MEAN_ROWS * weight / 100
                     for kind, weight in zip(KINDS, KIND_WEIGHTS, strict=True)}
    rows = RowWriter(Path(out_dir), r, population.companies, expected_rows)
    try:
        for group in itertools.count():
            if population.n_persons >= people:
                break
            for person in population.make_group(group, people - population.n_persons):
                emit_person(person, r, rows)
    finally:
        rows.close()
    truth = pd.DataFrame(rows.truth, columns=[*TRUTH_COLUMNS, "sheet"])
    truth["kind_order"] = truth["source_system"].map(KINDS.index)
    truth = truth.sort_values(["kind_order", "source_file", "sheet", "source_line"], kind="stable")
    return truth.drop(columns=["kind_order", "sheet"]).reset_index(drop=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Write synthetic customer source exports.")
    ap.add_argument("--people", type=int, default=300, help="number of true persons")
    ap.add_argument("--seed", type=int, default=20241103)
    ap.add_argument("--out", type=Path, default=HERE / "sources", help="sources root folder")
    ap.add_argument("--truth", type=Path, default=HERE / "sample_truth.csv")
    args = ap.parse_args(argv)
    truth = generate(args.out, args.people, args.seed)
    args.truth.parent.mkdir(parents=True, exist_ok=True)
    truth.to_csv(args.truth, index=False, encoding="utf-8", lineterminator="\n")
    print(truth.groupby(["source_system", "expected"]).size().to_string())
    print(f"{len(truth)} source rows for {args.people} persons -> {args.out}; truth {args.truth}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
