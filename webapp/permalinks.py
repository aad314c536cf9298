"""The address bar as a permalink: ?q=the question, ?cite=doc:label the passage opened."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode


def permalink(question: str = "", cite: tuple[str, str] | None = None) -> str:
    """The query string that reopens this view: q=the question, cite=doc:label.

    >>> permalink("智方便", ("CB(2)1292/2025", "15"))
    'q=%E6%99%BA%E6%96%B9%E4%BE%BF&cite=CB%282%291292%2F2025%3A15'
    """
    params = {}
    if question:
        params["q"] = question
    if cite:
        params["cite"] = f"{cite[0]}:{cite[1]}"
    return urlencode(params)


def question_of(query: str) -> str:
    """The question a permalink's query string holds ("" if none)."""
    return dict(parse_qsl(query or "")).get("q", "")


def parse_cite(value: str, documents: dict) -> tuple[str, str] | None:
    """(doc, label) from a ?cite= value: "CB(2)1292/2025:15", or "15" when the app holds one report.

    >>> parse_cite("CB(2)1292/2025:67(5)", {})
    ('CB(2)1292/2025', '67(5)')
    >>> parse_cite("15", {"CB(2)1292/2025": None})
    ('CB(2)1292/2025', '15')
    """
    value = (value or "").strip()
    if not value:
        return None
    if ":" in value:
        doc, label = value.rsplit(":", 1)
        return doc.strip(), label.strip()
    if len(documents) == 1:
        return next(iter(documents)), value
    return None
