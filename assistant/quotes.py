"""An answer and the verbatim quotes it rests on: the one shape every way of answering returns.

Extractive answers (assistant.answer) and checked LLM answers (assistant.llm) both build these,
so the CLI, the app and the JSON output read one type whichever answered.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from assistant.cite import citation
from assistant.retrieve import Hit
from ingest.charsets import form
from ingest.passage import InputError

LANGS = ("zh-Hant", "zh-Hans", "yue", "en")


@dataclass(frozen=True)
class Quote:
    """A sentence verbatim from a passage (an exact substring of its text) and where it is from."""

    text: str
    label: str
    doc: str
    # Who says the quoted sentence ("members", "subcommittee", "administration", a named body) and what
    # it does ("asks", "urges", "states"), from ingest.speakers; where it is from decides equality.
    speaker: str | None = field(default=None, compare=False)
    act: str = field(default="", compare=False)


@dataclass(frozen=True)
class Answer:
    """What the assistant says, the quotes it rests on, the passages it searched and any warnings."""

    question: str
    lang: str
    text: str
    answerable: bool
    quotes: tuple[Quote, ...]
    hits: tuple[Hit, ...]
    flagged: tuple[str, ...] = ()
    source: str = "extractive"  # "extractive" or "llm"
    verdict: str = ""  # "answered", "uncertain" or "not_answered"; "" for an answer kept from before verdicts

    def answer_json(self) -> dict:
        """The `"answer"` object of `legco-rag ask --json` and the app's /ask: the text and its quotes."""
        return {"text": self.text, "lang": self.lang,
                "quotes": [{"doc": q.doc, "label": q.label, "sentence": q.text, "speaker": q.speaker}
                           for q in self.quotes]}

    def to_json(self) -> dict:
        """The `legco-rag ask --json` shape of an answer."""
        return {
            "question": self.question,
            "lang": self.lang,
            "answerable": self.answerable,
            "verdict": self.verdict,
            "source": self.source,
            "text": self.text,
            "quotes": [{"text": q.text, "doc": q.doc, "label": q.label, "citation": citation(q.label, form(self.lang)),
                        "speaker": q.speaker}
                       for q in self.quotes],
            "flagged": list(self.flagged),
            "citations": [
                {"doc": h.passage.doc, "label": h.passage.label, "section": list(h.passage.section),
                 "score": round(float(h.score), 4), "via": h.via, "text": h.passage.text}
                for h in self.hits
            ],
        }


def check_lang(lang: str) -> str:
    """`lang` if it is a supported answer language, else an InputError naming the choices."""
    if lang not in LANGS:
        raise InputError(f"answer language {lang!r} is not supported: use one of {', '.join(LANGS)}")
    return lang
