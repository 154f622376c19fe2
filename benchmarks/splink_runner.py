"""Run Splink 4 (DuckDB backend) on one benchmark input; write its clusters.

    python benchmarks/splink_runner.py --model febrl INPUT.csv [--link OTHER.csv] \
        --id-column rec_id --out clusters.csv [--pairs pairs.csv] [--model-json model.json]

The harness (``run_matching_benchmark.py``) starts this as its own process, so the
time and peak memory it measures are Splink's alone (interpreter start, imports
and CSV reading included). Output: ``record_id,cluster_id`` (and ``dataset`` in
link mode); ``--pairs`` keeps every scored pair at or above the predict threshold
(for the threshold sweep in the report), ``--model-json`` the trained model
(``linker.misc.save_model_to_json``) and ``--timings`` the seconds per phase.

The models follow Splink's own documentation, not tuning against the truth:

- ``febrl``: the "detailed model" of Splink's FEBRL4 example
  (docs/demos/examples/duckdb/febrl4): NameComparison on given name and surname,
  DateOfBirthComparison, Damerau-Levenshtein on soc_sec_id and postcode, exact
  street number; its seven blocking rules; λ from deterministic rules with
  recall 0.8; u by random sampling; m by EM blocked on date of birth, then on
  postcode. (``cl.PostcodeComparison`` parses UK postcodes, so it does not apply
  to FEBRL's Australian 4-digit codes: Splink's example uses Damerau-Levenshtein.)
- ``chinese``: the same recipe on the pipeline's standardised contacts, with the
  project's identifiers: a name comparison (exact hanzi, same pinyin letters in
  any order, Jaro-Winkler on pinyin), phones as an array (primary phone exact
  with term frequencies, then any shared number), EmailComparison, exact valid
  resident id, DateOfBirthComparison, Jaro-Winkler on the normalised company,
  exact city and gender; blocking on any shared phone (array exploded), email,
  resident id, pinyin anagram, and surname + company; λ from resident id, email,
  phone + name (recall 0.7); m by EM blocked on phone, then on pinyin anagram +
  company (see ``chinese_model`` for why not on the name alone).

Both: ``predict(threshold_match_probability=PREDICT_THRESHOLD)`` then
``cluster_pairwise_predictions_at_threshold(..., CLUSTER_THRESHOLD)``, u sampled
with a fixed seed, DuckDB's ``threads`` left at its default (all cores).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

PREDICT_THRESHOLD = 0.2  # as Splink's FEBRL examples
CLUSTER_THRESHOLD = 0.95  # fixed before looking at any result; the report sweeps others
# Splink's default, and what its FEBRL4 example uses. On these sets 1e7 pairs gives
# the same clusters (pair F1 within 0.0003) at ~8x the time and ~6x the memory:
# benchmarks/RESULTS_splink_u1e7.md.
U_MAX_PAIRS = 1e6
SEED = 42


def febrl_model(link: bool):
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    blocking = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        block_on("soc_sec_id"),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only" if link else "dedupe_only",
        blocking_rules_to_generate_predictions=blocking,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y-%m-%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ],
    )
    training = {
        "deterministic_rules": [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
        ],
        "deterministic_recall": 0.8,
        "em_rules": [block_on("date_of_birth"), block_on("postcode")],
    }
    return settings, training


def chinese_model(link: bool):
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    name = cl.CustomComparison(
        output_column_name="name",
        comparison_description="hanzi / pinyin name",
        comparison_levels=[
            cll.NullLevel("name_pinyin"),
            cll.ExactMatchLevel("name").configure(tf_adjustment_column="name"),
            cll.ExactMatchLevel("name_anagram").configure(
                label_for_charts="same pinyin letters, any order"
            ),
            cll.JaroWinklerLevel("name_pinyin", 0.92),
            cll.JaroWinklerLevel("name_pinyin", 0.8),
            cll.ElseLevel(),
        ],
    )
    phone = cl.CustomComparison(
        output_column_name="phone",
        comparison_description="phones (E.164 list)",
        comparison_levels=[
            cll.NullLevel("phone"),
            cll.ExactMatchLevel("phone").configure(tf_adjustment_column="phone"),
            cll.ArrayIntersectLevel("phones_arr", min_intersection=1),
            cll.ElseLevel(),
        ],
    )
    settings = SettingsCreator(
        unique_id_column_name="record_key",
        link_type="link_only" if link else "dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("phones_arr", arrays_to_explode=["phones_arr"]),
            block_on("email"),
            block_on("id_card"),
            block_on("name_anagram"),
            block_on("family_name", "company_key"),
        ],
        comparisons=[
            name,
            phone,
            cl.EmailComparison("email"),
            cl.ExactMatch("id_card"),
            cl.DateOfBirthComparison(
                "birth_date", input_is_string=True, datetime_format="%Y-%m-%d",
                invalid_dates_as_null=True,
            ),
            cl.JaroWinklerAtThresholds("company_key", [0.9, 0.8]).configure(
                term_frequency_adjustments=True
            ),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.ExactMatch("gender"),
        ],
    )
    training = {
        "deterministic_rules": [
            block_on("id_card"),
            block_on("email"),
            block_on("phone", "name_pinyin"),
        ],
        "deterministic_recall": 0.7,
        # EM needs blocks where matches are a fair share of the pairs. Blocked on the
        # name alone, the 20,000-person set's blocks are mostly namesakes and EM
        # settles on "a match rarely shares a phone" (m = 0.17 for an exact phone,
        # visible in the match-weights chart without any truth); name + company and
        # phone blocks are mostly matches and give sane m values.
        "em_rules": [block_on("phone"), block_on("name_anagram", "company_key")],
    }
    return settings, training


MODELS = {"febrl": febrl_model, "chinese": chinese_model}

#: Derived columns per model (DuckDB SQL over the all-text input).
DERIVED = {
    # Splink 4.0.17's DateOfBirthComparison hands ``datetime_format`` to its null and
    # exact levels but not to its date-difference levels, which always parse
    # '%Y-%m-%d': so FEBRL's YYYYMMDD is turned into ISO here (invalid dates → null,
    # as ``invalid_dates_as_null`` would make them anyway).
    "febrl": """ replace (
        strftime(try_strptime(date_of_birth, '%Y%m%d'), '%Y-%m-%d') as date_of_birth)""",
    "chinese": """,
        string_split(phones, ';') as phones_arr,
        array_to_string(list_sort(string_split(replace(name_pinyin, ' ', ''), '')), '')
            as name_anagram""",
}


def _load(con, path: Path, table: str, model: str) -> None:
    con.execute(
        f"create table {table} as select *{DERIVED[model]} "
        "from read_csv(?, header = true, all_varchar = true)",
        [str(path)],
    )


def run(args: argparse.Namespace) -> dict:
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(phase: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[phase] = round(now - clock, 2)
        clock = now

    import duckdb
    import splink
    from splink import DuckDBAPI, Linker

    lap("import")
    con = duckdb.connect()
    _load(con, args.input, "input_a", args.model)
    tables = ["input_a"]
    if args.link:
        _load(con, args.link, "input_b", args.model)
        tables.append("input_b")
    if args.id_column != ("rec_id" if args.model == "febrl" else "record_key"):
        raise SystemExit(f"--id-column {args.id_column} does not fit model {args.model}")
    settings, training = MODELS[args.model](bool(args.link))
    linker = Linker(
        tables if args.link else tables[0], settings, DuckDBAPI(connection=con),
        input_table_aliases=["a", "b"] if args.link else None,
    )
    lap("load")

    linker.training.estimate_probability_two_random_records_match(
        training["deterministic_rules"], recall=training["deterministic_recall"]
    )
    lap("train_lambda")
    linker.training.estimate_u_using_random_sampling(max_pairs=args.u_max_pairs, seed=SEED)
    lap("train_u")
    for rule in training["em_rules"]:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    lap("train_em")

    predictions = linker.inference.predict(threshold_match_probability=PREDICT_THRESHOLD)
    lap("predict")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=CLUSTER_THRESHOLD
    )
    frame = clusters.as_pandas_dataframe()
    lap("cluster")

    out = frame.rename(columns={settings.unique_id_column_name: "record_id"})
    columns = ["record_id", "cluster_id"]
    if args.link:
        out = out.rename(columns={"source_dataset": "dataset"})
        columns.append("dataset")
    out[columns].to_csv(args.out, index=False)
    if args.pairs:
        uid = settings.unique_id_column_name
        pairs = predictions.as_pandas_dataframe()
        keep = [f"{uid}_l", f"{uid}_r", "match_probability", "match_weight"]
        pairs[keep].rename(columns={f"{uid}_l": "id_l", f"{uid}_r": "id_r"}).to_csv(
            args.pairs, index=False
        )
    if args.model_json:
        linker.misc.save_model_to_json(str(args.model_json), overwrite=True)
    lap("write")
    return {
        "splink_version": splink.__version__,
        "duckdb_version": duckdb.__version__,
        "model": args.model,
        "link": bool(args.link),
        "predict_threshold": PREDICT_THRESHOLD,
        "cluster_threshold": CLUSTER_THRESHOLD,
        "u_max_pairs": args.u_max_pairs,
        "seed": SEED,
        "deterministic_recall": training["deterministic_recall"],
        "probability_two_random_records_match": linker._settings_obj._probability_two_random_records_match,
        "scored_pairs_at_predict_threshold": int(
            con.sql(f"select count(*) from {predictions.physical_name}").fetchall()[0][0]
        ),
        "clusters": int(out["cluster_id"].nunique()),
        "seconds": timings,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path)
    parser.add_argument("--link", type=Path, help="second dataset: link A to B (link_only)")
    parser.add_argument("--model", choices=sorted(MODELS), required=True)
    parser.add_argument("--id-column", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--pairs", type=Path)
    parser.add_argument("--model-json", type=Path)
    parser.add_argument("--timings", type=Path, help="write run facts (JSON) here")
    parser.add_argument("--u-max-pairs", type=float, default=U_MAX_PAIRS,
                        help=f"pairs sampled to estimate u (default {U_MAX_PAIRS:.0e})")
    args = parser.parse_args(argv)
    facts = run(args)
    if args.timings:
        args.timings.write_text(json.dumps(facts, indent=2))
    print(json.dumps(facts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
