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


def by_key(hits: list[Hit]) -> dict[Key, float]:
    """{(doc, label): score} of ranked hits, for fuse()."""
    return {h.key: h.score for h in hits}


@dataclass(frozen=True)
class SearchResult:
    question: str
    answerable: bool
    hits: tuple[Hit, ...]
    top_score: float  # the evidence that decides `answerable` (see assistant.abstain)
    unknown: tuple[str, ...] = ()  # names in the question that the report never mentions
    not_given: str = ""  # "amount" or "date" when the question asks for one and no top passage gives it for its subject
    # The analysed question, so the answer reads its language and expansion instead of redoing them;
    # None for a result built by hand.
    query: Query | None = field(default=None, compare=False, repr=False)
    papers: int = 1  # how many papers the index holds: with more than one, every citation names its paper

    def to_json(self) -> dict:
        """The `legco-rag ask --json` shape."""
        return {
            "question": self.question,
            "answerable": self.answerable,
            "citations": [
                {"doc": h.passage.doc, "label": h.passage.label, "section": list(h.passage.section),
                 "score": round(float(h.score), 4), "text": h.passage.text}
                for h in self.hits
            ],
        }
