"""The conversation as the browser keeps it (localStorage, never on the server), and rebuilt from it."""
from __future__ import annotations

from assistant.answer import LANGS, Answer, Quote
from assistant.retrieve import Hit

MAX_STORED_TURNS = 50  # the oldest answers drop off the browser's history beyond this
HISTORY_KEY = "legco-rag-history"
# gr.BrowserState signs and encrypts what it keeps; a fixed key keeps the history readable after the
# server restarts. It guards nothing secret: the history is the reader's own, in their own browser.
HISTORY_SECRET = "legco-rag-history-v1"
VERDICTS = ("answered", "uncertain", "not_answered")


def stored_turn(answer) -> dict:
    """An answer as the browser keeps it: the text, the quotes and which passages were found."""
    return {"question": answer.question, "lang": answer.lang, "text": answer.text,
            "answerable": bool(answer.answerable), "source": answer.source, "flagged": list(answer.flagged),
            "verdict": answer.verdict,
            "quotes": [[q.text, q.doc, q.label, q.speaker or "", q.act] for q in answer.quotes],
            "hits": [[h.passage.doc, h.passage.label, round(float(h.score), 4), h.via] for h in answer.hits]}


def restored_answer(turn: object, by_label: dict):
    """An Answer again from what the browser kept; None if it is malformed.

    The browser's copy is input like any other: it is rebuilt into typed values here and rendered
    through the same escaping as a fresh answer; passages the index does not hold are dropped.
    """
    try:
        lang = turn["lang"] if turn["lang"] in LANGS else "zh-Hant"
        quotes = tuple(Quote(text=str(t), label=str(l), doc=str(d), speaker=str(rest[0]) if rest and rest[0] else None,
                             act=str(rest[1]) if len(rest) > 1 else "")
                       for t, d, l, *rest in turn["quotes"])
        hits = tuple(Hit(by_label[(str(d), str(l))], float(score), str(via))
                     for d, l, score, via in turn["hits"] if (str(d), str(l)) in by_label)
        return Answer(str(turn["question"]), lang, str(turn["text"]), bool(turn["answerable"]), quotes, hits,
                      tuple(str(f) for f in turn.get("flagged", ())), str(turn.get("source", "extractive")),
                      str(turn.get("verdict", "")) if turn.get("verdict") in VERDICTS else "")
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def highlights(turns: list, turn: int | None, doc: str, label: str) -> tuple[str, ...]:
    """The sentences answer `turn` quoted from (doc, label), to mark in the panel."""
    if turn is None or not 0 <= turn < len(turns):
        return ()
    try:
        return tuple(str(t) for t, d, l, *_ in turns[turn]["quotes"] if (d, l) == (doc, label))
    except (KeyError, TypeError, ValueError):
        return ()
