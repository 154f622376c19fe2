"""The three outcomes of a scored pair (``scored_pairs.decision``).

A pair at or above the match probability is one customer; between the review
and the match probability it goes to a person (the review queue); below, the
records stay apart. How a pair gets its probability: ``matching.scoring``.
"""

MATCH, REVIEW, NO_MATCH = "match", "review", "no_match"
