"""The types that carry a citation from ingest to answer."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Document:
    """A paper: its official id, title, date, language, committee and where it came from.

    The same paper in two languages shares `doc_id` (its paper number) and differs in `lang`.
    """

    doc_id: str  # the paper number, e.g. "CB(2)1292/2025"; the file name when the paper states none
    title: str = ""
    date: str = ""  # ISO date, e.g. "2025-06-25"
    lang: str = "zh-Hant"  # "zh-Hant", "zh-Hans", "zh" or "en"
    source: str = ""  # path of the file it was read from
    committee: str = ""  # e.g. "發展智慧城市事宜小組委員會", "Panel on Security"
    checksum: str = ""  # sha256 of the source file's bytes
    url: str = ""  # where the paper was published, from the sidecar .json

    def to_json(self) -> dict:
        return {"doc_id": self.doc_id, "title": self.title, "date": self.date, "lang": self.lang,
                "committee": self.committee, "source": self.source, "checksum": self.checksum, "url": self.url}


@dataclass(frozen=True)
class Passage:
    """One citable unit of a report, labelled exactly as the report numbers it.

    label: "15", "66(a)", "67(5)", "fn6", "appendix2".
    section: heading path, outermost first.
    footnotes: labels of footnotes marked in the text ("fn6").
    refs: labels of paragraphs the text cross-references ("11" for 參閱上文第11段).
    chunk: position of this chunk within its passage (0 for unsplit passages).
    speakers: who speaks in it, distinct and in order ("members", "subcommittee", "administration" or a
        named body such as "醫院管理局"), from ingest.speakers; not part of `id`, which the text decides.
    lang: the language of the document version it is from ("zh-Hant", "en"), so the two versions of
        a bilingual paper (one paper number) tell their passages apart; "" where unknown.
    """

    doc: str
    label: str
    section: tuple[str, ...]
    text: str
    footnotes: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()
    chunk: int = 0
    speakers: tuple[str, ...] = ()
    lang: str = ""

    @property
    def id(self) -> str:
        """A content id: stable across rebuilds, changes when the text changes."""
        key = "\x1f".join((self.doc, self.label, str(self.chunk), self.text))
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    def to_json(self) -> dict:
        return {
            "doc": self.doc,
            "label": self.label,
            "section": list(self.section),
            "text": self.text,
            "footnotes": list(self.footnotes),
            "refs": list(self.refs),
            "chunk": self.chunk,
            "speakers": list(self.speakers),
            "lang": self.lang,
        }

    @classmethod
    def from_json(cls, obj: dict) -> "Passage":
        return cls(
            doc=obj["doc"],
            label=obj["label"],
            section=tuple(obj.get("section", ())),
            text=obj["text"],
            footnotes=tuple(obj.get("footnotes", ())),
            refs=tuple(obj.get("refs", ())),
            chunk=int(obj.get("chunk", 0)),
            speakers=tuple(obj.get("speakers", ())),  # an index written before speakers were read
            lang=obj.get("lang", ""),
        )


class InputError(ValueError):
    """A user's input is unusable; the message says what is wrong and how to fix it."""
