"""The abstention judge: whether the report answers a question at all, from every signal at once.

Three signals, calibrated on the dev split (see eval/):
- the question names something the report never mentions: a Latin-script name or code (5G, MTR,
  ChatGPT) that is neither in the report nor an English name the glossary maps to the report's words;
- the question asks how many, how much or how long (or when), and no sentence of the top passages
  gives an amount (a date) about the question's subject;
- the evidence is weak: the best dense similarity plus how much of the question's wording one of the
  top passages covers (words weighted by rarity, so the subject counts more than "plan" or "develop")
  falls under a threshold.
A question that names a passage outright ("第15段") is always answerable.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from assistant.links import Links
from assistant.query import Query
from assistant.settings import Settings
from assistant.words import glossary_spans, latin_names, latin_words
from index.normalise import fold
from ingest.chunk import sentences
from ingest.passage import Passage


@dataclass(frozen=True)
class Verdict:
    """Whether the report answers, and why not."""

    answerable: bool
    evidence: float  # best cosine + weighted coverage (SearchResult.top_score)
    unknown: tuple[str, ...] = ()  # names in the question the report never mentions
    not_given: str = ""  # "amount" or "date" asked for and not given about the question's subject


def unknown_names(question: str, vocabulary: set[str]) -> list[str]:
    """Latin-script names in a raw question that neither the report (its latin_words) nor the glossary knows.

    >>> unknown_names("Can I pay MTR fares with iAM Smart?", {"pflops"})
    ['MTR']
    """
    return [token for token, key in latin_names(question, glossary_spans(question.lower())) if key not in vocabulary]


def coverage(words: Mapping[str, frozenset[str]], weights: Mapping[str, float], text: str) -> float:
    """Share of the words' weight found in `text` (folded): 1.0 when the text holds every word.
    `weights` may hold other words too."""
    total = sum(weights[w] for w in words)
    return sum(weights[w] for w, forms in words.items() if any(f in text for f in forms)) / total if total else 0.0


# The text that gives what a question asks for. An amount is a number that is not a date (2024年), a
# citation (第15段, 附錄2, (5)) or part of one or of a code (CV/2023/01); a date is a year, month, day or quarter.
_GIVES = {
    "amount": re.compile(r"(?<![第錄(\d.,/\-a-z])\d[\d,.]*(?![\d,.)/\-]|\s*[年月日段章條款號])"),
    "date": re.compile(r"\d\s*[年月日]|[今明去本上下]年|年[初中底內]|季"),
}


def gives(kind: str, text: str) -> bool:
    """Whether folded text gives an answer of that kind: an amount ("340萬", "9次", "15000 PFLOPS", not
    dates or citations) or a date ("2025 年 3 月").

    >>> gives("amount", "於 2024 年12月投入服務(參閱上文第14段)"), gives("amount", "超過340萬登記用戶")
    (False, True)
    >>> gives("date", "立法會於 2025 年 3 月 19 日通過"), gives("date", "載於附錄2")
    (True, False)
    """
    return _GIVES[kind].search(text) is not None


def evidence(words: Mapping[str, frozenset[str]], weights: Mapping[str, float], top_cosine: float,
             top: list[str], settings: Settings) -> float:
    """How strongly the report answers: best cosine plus coverage_weight × the best coverage of the
    question's words by one of the `top` passages (folded texts); coverage_default when it has none."""
    if not words:
        return top_cosine + settings.coverage_weight * settings.coverage_default
    covered = max((coverage(words, weights, text) for text in top), default=0.0)
    return top_cosine + settings.coverage_weight * covered


class Judge:
    """Turns a question's signals over one collection into a Verdict.

    `lexical` answers document_frequency and len() (for word weights); `links` gives the paragraph
    that marks a footnote, read with it; the `passages`' Latin-script words are the names it knows.
    """

    def __init__(self, lexical, links: Links, passages: tuple[Passage, ...] | list[Passage]):
        self.lexical = lexical
        self.links = links
        self.names = set().union(*(latin_words(" ".join(p.section) + " " + p.text) for p in passages))

    def verdict(self, query: Query, top: list[Passage], top_cosine: float, named: bool,
                settings: Settings) -> Verdict:
        """The verdict on a question whose best passages are `top` (best first) and best cosine
        `top_cosine`; `named` when the question names a passage outright."""
        weights = query.weights(self.lexical)
        # The top passages, folded in one pass (the record separator survives fold).
        folded = fold("\x1e".join(" ".join(p.section) + " " + p.text for p in top)).split("\x1e")
        score = evidence(query.words, weights, top_cosine, folded, settings)
        unknown = tuple(token for token, key in query.names if key not in self.names)
        not_given = self.not_given(query, weights, top, settings)
        answerable = named or (score >= settings.abstain_below and not unknown and not not_given)
        return Verdict(answerable, score, unknown, not_given)

    def not_given(self, query: Query, weights: Mapping[str, float], top: list[Passage], settings: Settings) -> str:
        """"amount" or "date" when the question asks for one and no sentence of the `top` passages gives
        one about the question's subject: read with its heading (and a footnote's with the paragraph that
        marks it), the sentence holds `subject_coverage` of the weight of the question's words that the
        collection uses."""
        kind = query.asks
        if not kind:
            return ""
        used = self.lexical.document_frequency
        known = {w: forms for w, forms in query.words.items() if any(map(used, forms))}
        for p in top:
            context = fold(" ".join([*p.section, *(q.text for q in self.links.marking(p))]))
            for a, b in sentences(p.text):
                sentence = fold(p.text[a:b])
                if gives(kind, sentence) and (not known or coverage(known, weights, f"{context} {sentence}")
                                              >= settings.subject_coverage):
                    return ""
        return kind
