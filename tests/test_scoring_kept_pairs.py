"""Scoring without ``every_pair`` (what the ``scored_pairs`` asset keeps) is the
full scoring with only the plain no-match pairs left out: every row it keeps is
exactly the full scoring's row, and every consumer's selection is unchanged."""

from dataclasses import replace
from pathlib import Path

import pandas as pd

from assets.sources import SOURCE_SPECS, read_source
from matching.cluster import cluster_records, contradicting_pairs
from matching.contacts import CONTACT_ENGINE, ContactMatchSettings, block_contacts, score_contacts
from matching.evidence import customer_links
from matching.model import MATCH, NO_MATCH, REVIEW
from matching.review import build_review_queue
from validators.standardise import standardise_contacts

#: The sample's strongest evidence against a pair is ~-8 bits; -6 makes clustering
#: keep a good share of its no-match pairs apart, so both kinds of no-match occur.
SETTINGS = replace(ContactMatchSettings(), engine=replace(CONTACT_ENGINE, contradiction_weight=-6.0))
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sources"


def _records() -> pd.DataFrame:
    """The bundled sample exports, standardised (they hold all three decisions)."""
    raw = pd.concat([read_source(spec, SAMPLE).records_frame() for spec in SOURCE_SPECS],
                    ignore_index=True)
    return standardise_contacts(raw).contacts


def test_kept_pairs_are_the_full_scorings_rows_minus_plain_no_matches() -> None:
    frame = _records()
    pairs = block_contacts(frame, SETTINGS).pairs
    full = score_contacts(frame, pairs, SETTINGS).pairs
    kept = score_contacts(frame, pairs, SETTINGS, every_pair=False).pairs
    assert {MATCH, REVIEW, NO_MATCH} <= set(full["decision"])
    weights = full[[c for c in full.columns if c.startswith("w_")]]
    expected = (full["decision"] != NO_MATCH) | (weights.min(axis=1) <= SETTINGS.contradiction_weight)
    assert 0 < expected.sum() < len(full)
    assert (~expected & (full["decision"] == NO_MATCH)).any()  # something really is left out
    pd.testing.assert_frame_equal(kept, full[expected])  # same rows, same index, same columns


def test_consumers_read_the_same_from_the_kept_pairs() -> None:
    frame = _records()
    pairs = block_contacts(frame, SETTINGS).pairs
    full = score_contacts(frame, pairs, SETTINGS).pairs
    kept = score_contacts(frame, pairs, SETTINGS, every_pair=False).pairs
    assert not contradicting_pairs(full, SETTINGS.contradiction_weight).empty
    pd.testing.assert_frame_equal(contradicting_pairs(kept, SETTINGS.contradiction_weight),
                                  contradicting_pairs(full, SETTINGS.contradiction_weight))
    for decision in (MATCH, REVIEW):
        pd.testing.assert_frame_equal(kept[kept["decision"] == decision], full[full["decision"] == decision])
    on_full, on_kept = cluster_records(frame, full, SETTINGS), cluster_records(frame, kept, SETTINGS)
    pd.testing.assert_frame_equal(on_kept.clusters, on_full.clusters)
    pd.testing.assert_frame_equal(on_kept.refused_edges, on_full.refused_edges)
    clusters = on_full.clusters.assign(customer_id="C" + on_full.clusters["cluster"].astype(str))
    pd.testing.assert_frame_equal(customer_links(kept, clusters), customer_links(full, clusters))
    # The review queue's pairs are review pairs kept in different customers: split the sample's
    # customers apart so that there are some.
    apart = clusters.assign(customer_id=clusters["record_key"])
    queue = build_review_queue(frame, full, apart)
    assert (queue["kind"] == "pair").any()
    pd.testing.assert_frame_equal(build_review_queue(frame, kept, apart), queue)


def test_scoring_in_chunks_gives_the_same_pairs_as_in_one_go(monkeypatch) -> None:
    """At a million records the pairs are weighed a chunk at a time
    (``matching.weighing``); the term-frequency tables are counted over all
    records first, so the chunk size must not change a single pair."""
    import matching.weighing

    frame = _records()
    pairs = block_contacts(frame, SETTINGS).pairs
    whole = {mode: score_contacts(frame, pairs, SETTINGS, every_pair=mode).pairs for mode in (True, False)}
    monkeypatch.setattr(matching.weighing, "CHUNK_PAIRS", max(len(pairs) // 7, 1))
    assert len(matching.weighing.chunks(len(pairs))) >= 7
    for mode, expected in whole.items():
        chunked = score_contacts(frame, pairs, SETTINGS, every_pair=mode).pairs
        pd.testing.assert_frame_equal(chunked, expected)
