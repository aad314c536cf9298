"""What retrieval returns: a `Hit` per passage found, and the `SearchResult` of one question."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ingest.passage import Passage

if TYPE_CHECKING:
    from assistant.query import Query

Key = tuple[str, str]  # (doc, label): one passage of one report


@dataclass(frozen=True)
class Hit:
    """A passage found for a question, with its score and how it was found."""

    passage: Passage
    score: float
    via: str = "search"  # "lookup" (the question named it) or "search"
    linked: tuple[Passage, ...] = ()  # footnotes, cited paragraphs, recommendations citing it

    @property
    def key(self) -> Key:
        return (self.passage.doc, self.passage.label)


VERDICTS = ("answered", "uncertain", "not_answered")


@dataclass(frozen=True)
class Given:
    """A sentence of a top passage (passage.text[start:end]) that gives what the question asks for (a
    figure, a date) but about something else: what the report *does* give, for an uncertain answer."""

    doc: str
    label: str
    start: int
    end: int


@dataclass(frozen=True)
class SearchResult:
    """One question's hits and the judge's verdict on them.

    `verdict` is "answered" (a quoted sentence carries the answer), "uncertain" (related passages, none
    states it) or "not_answered" (nothing relevant, or names the report never mentions); `answerable`
    is `verdict == "answered"`. A result built by hand may give either: the other is filled in.
    """

    question: str
    answerable: bool
    hits: tuple[Hit, ...]
    top_score: float  # the evidence the verdict weighs (see assistant.abstain)
    unknown: tuple[str, ...] = ()  # names in the question that the report never mentions
    not_given: str = ""  # the kind asked for ("amount", "date", "person", "yes-no") that no top passage gives for its subject
    # The analysed question, so the answer reads its language and expansion instead of redoing them;
    # None for a result built by hand.
    query: Query | None = field(default=None, compare=False, repr=False)
    verdict: str = ""  # "answered", "uncertain" or "not_answered"; "" → from `answerable`
    gives: tuple[Given, ...] = ()  # for an uncertain result: sentences giving the kind asked about another subject
    papers: int = 1  # how many papers the index holds: with more than one, every citation names its paper
    # The side a follow-up asked for ("政府點答？", "who asked?"), which its quotes are taken from;
    # "" when the question's own words say whom it asks about (the answer reads them there).
    side: str = ""

    def __post_init__(self):
        if not self.verdict:
            object.__setattr__(self, "verdict", "answered" if self.answerable else "not_answered")
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict {self.verdict!r} is not one of {', '.join(VERDICTS)}")
        if self.answerable != (self.verdict == "answered"):
            raise ValueError(f"answerable={self.answerable} contradicts verdict {self.verdict!r}: "
                             f"answerable is verdict == 'answered'; give both consistently or only answerable")

    def to_json(self) -> dict:
        """The `legco-rag ask --json` shape."""
        return {
            "question": self.question,
            "answerable": self.answerable,
            "verdict": self.verdict,
            "citations": [
                {"doc": h.passage.doc, "label": h.passage.label, "section": list(h.passage.section),
                 "score": round(float(h.score), 4), "text": h.passage.text}
                for h in self.hits
            ],
        }
