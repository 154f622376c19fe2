"""``customer-master match``: the general matching engine on CSV files.

    customer-master match INPUT.csv [--link OTHER.csv] --id-column COL \\
        --field COL=KIND [--field COL=KIND ...] --out clusters.csv

Reads every cell as text (UTF-8, UTF-8 with BOM or GB18030), checks that the
named columns exist before any work starts, runs ``matching.engine.link_records``
and writes ``record_id,cluster_id`` (link mode: ``dataset,record_id,cluster_id``).
Progress goes to stderr as counts and timings only, never values, so a log of a
run on customer data holds no customer data.

Fields that look like contacts get the contacts pipeline's defaults
(``contact_profile``), because the failure modes are the same whoever wrote
the CSV:

- with a person-name field, a ``company`` column proposes no pairs on its own
  (a hundred colleagues share a company; company + surname initial still
  does), and an ``email`` is compared exact/generic only: an address is mostly
  built from the name's letters (``xiaoming.wang@``), so "same local part"
  would count the name twice, and EM, which assumes fields independent given
  the match, learns a second name comparison as if it were evidence;
- with a full ``name`` and a ``phone`` or ``email``: ``CONTACT_DEFAULTS``
  (a shared number with clearly different names goes to review, a full name
  is weighed by its estimated frequency, …).

A ``--settings`` file is taken as it is (the engine settings part of the
profile is then not applied); the field part always applies.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

from matching.engine import link_records
from matching.engine_settings import CONTACT_DEFAULTS, EngineSettings
from matching.fields import KINDS, FieldSpec
from matching.gc_pause import gc_paused

ENCODINGS = ("utf-8-sig", "gb18030")


class InputError(Exception):
    """A problem with the command's input that the user can fix."""


def add_match_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``match`` on a ``customer-master`` sub-command parser."""
    match = subparsers.add_parser(
        "match",
        help="deduplicate one CSV (or link two) into clusters of records of one entity",
        description="Unsupervised Fellegi-Sunter matching of any CSV: give each column used "
        f"a kind ({', '.join(KINDS)}).",
    )
    match.add_argument("input", help="CSV file to deduplicate (or the left side of a link)")
    match.add_argument("--link", metavar="OTHER.csv",
                       help="link INPUT to this CSV: only pairs across the two are compared")
    match.add_argument("--id-column", required=True, help="column holding each record's id")
    match.add_argument("--field", action="append", required=True, metavar="COL=KIND",
                       help="a column to compare and its kind; repeat for each column")
    match.add_argument("--out", required=True, help="where to write the clusters CSV")
    match.add_argument("--pairs-out", metavar="PAIRS.csv",
                       help="also write every candidate pair with its per-field levels and weights")
    match.add_argument("--settings", metavar="SETTINGS.json",
                       help="engine settings as JSON (EngineSettings.to_json())")
    match.add_argument("--match-probability", type=float,
                       help="probability at or above which a pair is a match")
    match.add_argument("--review-probability", type=float,
                       help="probability at or above which a pair goes to review")
    match.add_argument("--workers", type=int, default=0,
                       help="processes to normalise the fields in (default: every core this "
                       "process may use; above one, the random pairs for u are also compared "
                       "in a second process); the result is the same for any number")


def _progress(message: str) -> None:
    print(f"[match] {message}", file=sys.stderr, flush=True)


def read_csv_text(path: Path) -> pd.DataFrame:
    """Every cell as text; an empty cell is missing. Tries UTF-8 (with or
    without BOM) first, then GB18030 (Excel on Chinese Windows)."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    for encoding in ENCODINGS:
        try:
            return pd.read_csv(path, dtype=str, encoding=encoding,
                               keep_default_na=False, na_values=[""])
        except UnicodeDecodeError:
            continue
        except pd.errors.EmptyDataError as exc:
            raise InputError(f"{path}: the file is empty") from exc
        except pd.errors.ParserError as exc:
            raise InputError(f"{path}: not a readable CSV ({exc})") from exc
    raise InputError(f"{path}: not UTF-8 or GB18030 text")


def _check_columns(frame: pd.DataFrame, path: Path, id_column: str, specs: list[FieldSpec]) -> None:
    wanted = [id_column] + [s.column for s in specs]
    missing = [c for c in dict.fromkeys(wanted) if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path}: no column(s) {', '.join(repr(c) for c in missing)}; "
            f"the file has: {', '.join(repr(c) for c in frame.columns)}"
        )
    ids = frame[id_column]
    if ids.isna().any():
        raise InputError(f"{path}: {int(ids.isna().sum())} row(s) have no {id_column!r}")
    if ids.duplicated().any():
        raise InputError(f"{path}: {int(ids.duplicated().sum())} repeated {id_column!r} value(s)")


def contact_profile(specs: list[FieldSpec]) -> tuple[list[FieldSpec], dict[str, object]]:
    """The field specs adjusted for contact data and the engine settings to
    change (see the module docstring); unchanged specs and ``{}`` for data
    that is not about people's contact points."""
    person = any(s.definition.person_name for s in specs)
    full_name = any(s.kind == "name" for s in specs)
    contact = any(s.kind in ("phone", "email") for s in specs)
    adjusted = []
    for spec in specs:
        if person and spec.kind == "company" and spec.block_on is None:
            spec = replace(spec, block_on=())
        elif person and spec.kind == "email" and spec.only_levels is None:
            spec = replace(spec, only_levels=("exact", "generic"), block_on=("value",))
        adjusted.append(spec)
    return adjusted, (dict(CONTACT_DEFAULTS) if full_name and contact else {})


def _settings(args: argparse.Namespace, profile: dict[str, object]) -> EngineSettings:
    settings = EngineSettings(**profile)  # type: ignore[arg-type]
    if args.settings:
        try:
            settings = EngineSettings.from_json(Path(args.settings).read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError) as exc:
            raise InputError(f"{args.settings}: {exc}") from exc
    overrides = {}
    if args.match_probability is not None:
        overrides["match_probability"] = args.match_probability
    if args.review_probability is not None:
        overrides["review_probability"] = args.review_probability
    if overrides:
        data = {**vars(settings), **overrides}
        try:
            settings = EngineSettings(**data)
        except ValueError as exc:
            raise InputError(str(exc)) from exc
    return settings


def _cores() -> int:
    """Cores this process may run on (a container or ``taskset`` may allow fewer
    than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_match(args: argparse.Namespace) -> int:
    """Run the ``match`` command; 0 on success, 2 when the input is wrong."""
    started = time.perf_counter()
    try:
        specs, profile = contact_profile([FieldSpec.parse(text) for text in args.field])
        settings = _settings(args, profile)
        paths = [Path(args.input)] + ([Path(args.link)] if args.link else [])
        frames = []
        for path in paths:
            frame = read_csv_text(path)
            _check_columns(frame, path, args.id_column, specs)
            frames.append(frame)
            _progress(f"read {path.name}: {len(frame):,} rows, {len(frame.columns)} columns")
        if profile and not args.settings:
            _progress("contact data (a name with a phone or e-mail): contact defaults "
                      f"({', '.join(sorted(profile))})")
    except (InputError, ValueError) as exc:
        print(f"customer-master match: error: {exc}", file=sys.stderr)
        return 2
    with gc_paused():  # a one-shot batch of arrays and frames: see matching.gc_pause
        result = link_records(frames, specs, settings, id_column=args.id_column,
                              progress=_progress, workers=args.workers or _cores())
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    result.clusters.to_csv(out, index=False, encoding="utf-8")
    if args.pairs_out:
        result.pairs.drop(columns=["left", "right"]).to_csv(args.pairs_out, index=False,
                                                            encoding="utf-8")
    _progress(f"wrote {len(result.clusters):,} records in {result.stats['clusters']:,} clusters "
              f"({time.perf_counter() - started:.2f} s in all)")
    return 0
