"""Pairwise precision / recall / F1 of a published store against a generator's ground truth.

    python benchmarks/evaluate.py --truth data/sample_truth.csv --store sqlite:///output/crm_store.sqlite

Pairs are counted over accepted source records (``expected == accepted``): a
true pair is two records of one person, a predicted pair two records with one
customer_id. Also reports whether every record landed where the truth says.
"""

import argparse
import itertools
import json
from collections import Counter

import pandas as pd
import sqlalchemy as sa


def pairs(groups: pd.Series) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for _, keys in groups.groupby(groups).groups.items():
        out.update(itertools.combinations(sorted(keys), 2))
    return out


def evaluate(truth: pd.DataFrame, xref: pd.DataFrame) -> dict[str, object]:
    accepted = truth[truth["expected"] == "accepted"].copy()
    accepted["key"] = accepted["source_system"] + ":" + accepted["source_record_id"].astype(str)
    accepted = accepted.drop_duplicates("key")  # WeCom rows of one contact are one record
    xref = xref.assign(key=xref["source_system"] + ":" + xref["source_record_id"])
    true_person = accepted.set_index("key")["person_id"]
    predicted = xref.set_index("key")["customer_id"]
    common = true_person.index.intersection(predicted.index)
    true_pairs = pairs(true_person[common])
    predicted_pairs = pairs(predicted[common])
    hits = len(true_pairs & predicted_pairs)
    precision = hits / len(predicted_pairs) if predicted_pairs else 1.0
    recall = hits / len(true_pairs) if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "records_expected_accepted": len(accepted),
        "records_in_xref": len(xref),
        "expected_but_missing_from_xref": len(true_person.index.difference(predicted.index)),
        "true_pairs": len(true_pairs),
        "predicted_pairs": len(predicted_pairs),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "true_customers": int(true_person[common].nunique()),
        "predicted_customers": int(predicted[common].nunique()),
    }


def errors(truth: pd.DataFrame, xref: pd.DataFrame) -> pd.DataFrame:
    """Missed and wrong pairs with the scenario labels, to look at by hand."""
    accepted = truth[truth["expected"] == "accepted"].copy()
    accepted["key"] = accepted["source_system"] + ":" + accepted["source_record_id"].astype(str)
    accepted = accepted.drop_duplicates("key").set_index("key")
    xref = xref.assign(key=xref["source_system"] + ":" + xref["source_record_id"]).set_index("key")
    joined = accepted.join(xref["customer_id"], how="inner")
    tp = pairs(joined["person_id"])
    pp = pairs(joined["customer_id"])
    rows = [("missed", a, b) for a, b in tp - pp] + [("wrong", a, b) for a, b in pp - tp]
    frame = pd.DataFrame(rows, columns=["kind", "a", "b"])
    frame["scenario_a"] = frame["a"].map(joined["scenario"])
    frame["scenario_b"] = frame["b"].map(joined["scenario"])
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truth", required=True)
    parser.add_argument("--store", required=True)
    parser.add_argument("--errors", help="write missed/wrong pairs to this CSV")
    args = parser.parse_args()
    truth = pd.read_csv(args.truth, dtype=str, keep_default_na=False)
    engine = sa.create_engine(args.store)
    xref = pd.read_sql_table("customer_xref", engine)
    print(json.dumps(evaluate(truth, xref), indent=2))
    if args.errors:
        found = errors(truth, xref)
        found.to_csv(args.errors, index=False)
        print(Counter(found["kind"]))


if __name__ == "__main__":
    main()
