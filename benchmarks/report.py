"""The benchmark's report: the machine it ran on and the Markdown table of results
(split from run_matching_benchmark.py, which measures)."""

from __future__ import annotations

import math
import os
import platform
import subprocess
from datetime import datetime
from importlib import metadata
from pathlib import Path

import datasets as ds
import ours_runner
from run_types import Row


def machine() -> dict[str, str]:
    info: dict[str, str] = {}
    try:
        info["nproc"] = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    except OSError:
        info["nproc"] = str(len(os.sched_getaffinity(0)))
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory"] = f"{int(line.split()[1]) / 2**20:.1f} GiB"
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info["os"] = platform.platform()
    info["python"] = platform.python_version()
    for package in ("customer-master", "splink", "duckdb", "recordlinkage", "pandas", "numpy",
                    "scipy", "rapidfuzz", "dagster"):
        try:
            info[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[package] = "not installed"
    return info


def load_average() -> str:
    """Other work on the machine skews the times: the report shows how busy it was."""
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


# ----------------------------------------------------------------------- report

def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.4f}"


def fmt_num(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def render(rows: list[Row], prepared: dict[str, ds.Dataset], info: dict[str, str],
           command: str, started: datetime, total_s: float) -> str:
    lines = [
        "# Matching benchmark: customer-master vs Splink",
        "",
        f"Run {started:%Y-%m-%d %H:%M} UTC, {total_s / 60:.1f} min in all, with",
        "",
        "```",
        command,
        "```",
        "",
        "How the numbers are made and how to read them: [README.md](README.md).",
        "",
        "## Results",
        "",
        "| dataset | engine | pair precision | pair recall | pair F1 | cluster F1 (B³) | wall time s | peak memory MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        s = r.scores
        if r.status == "ok" and s:
            lines.append(
                f"| {r.dataset} | {r.engine} | {_pct(s.pair_precision)} | {_pct(s.pair_recall)} | "
                f"{_pct(s.pair_f1)} | {_pct(s.bcubed_f1)} | {fmt_num(r.wall_s)} | {fmt_num(r.peak_mb, 0)} |"
            )
        else:
            lines.append(f"| {r.dataset} | {r.engine} | {r.status} | | | | "
                         f"{fmt_num(r.wall_s)} | {fmt_num(r.peak_mb, 0)} |")
    lines.append("")
    for r in rows:
        if r.status != "ok":
            lines += [f"- **{r.dataset} / {r.engine}: {r.status}.** " + (
                r.note if "\n" not in r.note else "Last lines of its log:\n\n```\n" + r.note + "\n```"
            )]
    lines += ["", "Pair measures in link mode (febrl4) count only A–B pairs. Wall time and peak "
              "memory are the engine's whole process: interpreter start, imports, reading its "
              "input and writing its output included.", ""]
    how: dict[str, list[str]] = {}
    for r in rows:
        if r.extra.get("how"):
            how.setdefault(r.extra["how"], []).append(r.dataset)
    if how:
        lines += ["Our engine ran as: " + "; ".join(
            f"`{k}` ({', '.join(v)})" for k, v in how.items()) + ".", ""]

    lines += ["## Datasets", "", "| dataset | mode | records | true entities | true pairs | input |",
              "|---|---|---:|---:|---:|---|"]
    for name, d in prepared.items():
        what = ("generated: `data/generate_sample.py --people "
                f"{d.facts['people']} --seed {d.facts['seed']}`" if name == "chinese"
                else f"`recordlinkage.datasets.load_{name}()`")
        lines.append(f"| {name} | {d.mode} | {d.facts['records']} | {d.facts['true_entities']} | "
                     f"{d.facts['true_pairs']} | {what} |")
    lines.append("")

    lines += ["## Detail", "",
              "| dataset | engine | predicted pairs | correct pairs | B³ precision | B³ recall | "
              "exact-cluster precision | exact-cluster recall | predicted clusters | true entities |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        if r.scores:
            s = r.scores
            lines.append(
                f"| {r.dataset} | {r.engine} | {s.predicted_pairs} | {s.correct_pairs} | "
                f"{_pct(s.bcubed_precision)} | {_pct(s.bcubed_recall)} | "
                f"{_pct(s.exact_cluster_precision)} | {_pct(s.exact_cluster_recall)} | "
                f"{s.predicted_clusters} | {s.true_entities} |"
            )
    odd = [r for r in rows if r.extra.get("records_missing_from_output")
           or r.extra.get("unknown_records_in_output")]
    for r in odd:
        lines.append(f"\n{r.dataset} / {r.engine}: {r.extra['records_missing_from_output']} "
                     f"records missing from the output (scored as singletons), "
                     f"{r.extra['unknown_records_in_output']} unknown ids in it (ignored).")
    lines.append("")

    if "chinese" in prepared:
        lines += _chinese_section(prepared["chinese"], [r for r in rows if r.dataset == "chinese"])
    lines += _splink_section([r for r in rows if r.engine == "splink" and r.status == "ok"])

    lines += ["## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in info.items()]
    lines.append("")
    return "\n".join(lines)


def _chinese_section(data: ds.Dataset, rows: list[Row]) -> list[str]:
    f = data.facts
    ceiling, ids_only = f["evidence_ceiling"], f["evidence_ceiling_identifiers_only"]
    lines = [
        "## The Chinese set", "",
        f"{f['source_rows_in_truth']} source rows for {f['people']} people; "
        f"{f['records']} records accepted by the standardiser, every one of them in the truth "
        f"as accepted ({f['accepted_not_in_truth']} accepted but not in the truth, "
        f"{f['truth_accepted_not_accepted']} expected but not accepted).",
        "",
        f"**Evidence ceiling: {ceiling['ceiling']:.4f}** — {ceiling['reachable_pairs']} of "
        f"{ceiling['true_pairs']} true pairs are joined, inside their own person, by a chain "
        "of records sharing a phone (any listed number, landlines included), an email, a valid "
        "resident id, a WeCom id, or the same name (hanzi or pinyin). With identifiers alone "
        f"(no names): {ids_only['ceiling']:.4f}. Pairs above the ceiling can only be found "
        "from fuzzy evidence (similar names, company, city…), so recall beyond it is possible "
        "but rare and risky.",
        "",
        "Same records, two scorers — `benchmarks/evaluate.py` on each engine's clustering "
        "(for `ours`, the store's `customer_xref`; for `ours-match` and Splink, their "
        "clusters CSV):",
        "",
        "| engine | precision | recall | F1 | true pairs | predicted pairs | predicted customers |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        e = r.extra.get("evaluate_py")
        if e:
            lines.append(f"| {r.engine} | {e['precision']} | {e['recall']} | {e['f1']} | "
                         f"{e['true_pairs']} | {e['predicted_pairs']} | {e['predicted_customers']} |")
    lines.append("")
    for r in rows:
        steps = r.extra.get("steps")
        if r.engine == "ours" and steps:
            matching = sum(steps.get(s, 0) for s in ours_runner.MATCH_STEPS)
            lines += [
                f"Our row is the whole pipeline ({r.wall_s:.1f} s): reading the four source "
                f"kinds, standardising ({steps.get('standardise', 0):.1f} s), matching "
                f"(candidate_pairs + scored_pairs + contact_clusters: {matching:.1f} s), golden "
                "records, the pandera and Great Expectations checks, the publish to SQLite "
                "and every other asset of the job, plus Dagster's own start-up. Steps:",
                "",
                "| step | s |", "|---|---:|",
                *[f"| {k} | {v} |" for k, v in steps.items()],
                "",
            ]
    for r in rows:
        if r.engine == "ours-match" and r.extra.get("fields"):
            fields = " ".join(f"--field {c}={k}" for c, k in r.extra["fields"].items())
            lines += [
                f"The `ours-match` row ({fmt_num(r.wall_s)} s) is our matching engine alone on "
                "exactly Splink's input: `customer-master match` on the same standardised CSV, "
                f"`--id-column record_key {fields}`, the command's defaults (for these "
                "columns its contact profile: the pipeline's engine settings), no labels. "
                "It is the like-for-like speed comparison with Splink; the `ours` row is "
                "the accuracy through the whole pipeline (which also uses WeCom ids and "
                "addresses that Splink's CSV does not carry).",
                "",
            ]
    lines += [
        f"Splink's input was made by the harness beforehand and is not in Splink's time: "
        f"generating the sources took {f['generate_seconds']} s, reading and standardising "
        f"them (the pipeline's own readers and `standardise_contacts`) {f['standardise_seconds']} s.",
        "",
    ]
    return lines


def _splink_section(rows: list[Row]) -> list[str]:
    if not rows:
        return []
    first = rows[0].extra["splink"]
    lines = [
        "## Splink's model", "",
        f"Splink {first['splink_version']} on DuckDB {first['duckdb_version']}. Per dataset: "
        f"λ (probability two random records match) from deterministic rules, u from "
        f"{first['u_max_pairs']:.0e} random pairs (seed {first['seed']}), m by EM over two "
        f"blocking rules, `predict(threshold_match_probability={first['predict_threshold']})`, "
        f"`cluster_pairwise_predictions_at_threshold({first['cluster_threshold']})`. "
        "Settings are in `benchmarks/splink_runner.py`.",
        "",
        "| dataset | λ estimated | scored pairs ≥ predict threshold | load s | train λ s | train u s | train EM s | predict s | cluster s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        f, t = r.extra["splink"], r.extra["splink"]["seconds"]
        lines.append(
            f"| {r.dataset} | {f['probability_two_random_records_match']:.3g} | "
            f"{f['scored_pairs_at_predict_threshold']} | {t.get('load')} | {t.get('train_lambda')} | "
            f"{t.get('train_u')} | {t.get('train_em')} | {t.get('predict')} | {t.get('cluster')} |"
        )
    lines += ["", "Threshold sweep (Splink's scored pairs clustered by connected components at "
              "each threshold; the results table uses the fixed "
              f"{first['cluster_threshold']}, chosen before any run — the best row here is "
              "picked with the truth in hand, which no real deployment has):", "",
              "| dataset | threshold | pair precision | pair recall | pair F1 | B³ F1 |",
              "|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        for s in r.extra["sweep"]:
            lines.append(f"| {r.dataset} | {s['threshold']} | {_pct(s['pair_precision'])} | "
                         f"{_pct(s['pair_recall'])} | {_pct(s['pair_f1'])} | {_pct(s['bcubed_f1'])} |")
    lines.append("")
    seen: set[str] = set()
    for r in rows:
        model = r.extra["model"]
        kind = r.extra["splink"]["model"]
        if kind in seen:
            continue
        seen.add(kind)
        datasets_of_kind = ", ".join(x.dataset for x in rows if x.extra["splink"]["model"] == kind)
        lines += [f"<details><summary>Trained model as used on {r.dataset} "
                  f"(same settings for: {datasets_of_kind})</summary>", "",
                  "Blocking rules for prediction:", ""]
        lines += [f"- `{b['blocking_rule']}`" if isinstance(b, dict) else f"- `{b}`"
                  for b in model.get("blocking_rules_to_generate_predictions", [])]
        lines += ["", "| comparison | level | m | u | match weight |", "|---|---|---:|---:|---:|"]
        for comparison in model.get("comparisons", []):
            for level in comparison.get("comparison_levels", []):
                if level.get("is_null_level"):
                    continue
                m, u = level.get("m_probability"), level.get("u_probability")
                weight = (f"{math.log2(m / u):.2f}" if m and u else "–")
                lines.append(
                    f"| {comparison.get('output_column_name')} | "
                    f"{level.get('label_for_charts', level.get('sql_condition'))} | "
                    f"{fmt_num(m, 4) if m is not None else '–'} | "
                    f"{'–' if u is None else f'{u:.2e}'} | {weight} |"
                )
        lines += ["", "</details>", ""]
    return lines


# ------------------------------------------------------------------------- main
