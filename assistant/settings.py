"""Retrieval knobs, read by the retriever and its abstention judge."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """Retrieval knobs, tuned on the dev split only (see eval/)."""

    mode: str = "hybrid"  # "hybrid", "dense" or "lexical" (the last two for ablations)
    normalise: bool = True  # fold scripts/numerals, Cantonese → written, glossary expansion on the query
    pool: int = 50  # candidates taken from each of dense and lexical search
    lexical_weight: float = 0.2  # weight of max-normalised BM25 beside dense cosine
    link_bonus: float = 0.9  # share of a hit's score passed to the passages it links to
    coverage_weight: float = 0.15  # weight of the question's words (rarity-weighted) found in one top passage
    coverage_default: float = 0.5  # coverage assumed when the question has no words to look for
    abstain_below: float = 0.905  # evidence (cosine + weighted coverage) under which the report is taken not to answer
    subject_coverage: float = 0.5  # share of the question's report words a sentence giving the amount/date must hold
    related_below: float = 0.80  # evidence under which nothing in the report is taken to be related (not_answered)
    yes_no_coverage: float = 0.4  # share of a yes/no question's words (those the report never uses too) one top passage must hold
    own_coverage: float = 0.5  # share of a follow-up's own words one top passage must hold
