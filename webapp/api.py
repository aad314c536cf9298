"""The named API /ask (`legco-rag ask --json` over HTTP), and its JSON described for view_api()."""
from __future__ import annotations

import inspect
from typing import TypedDict

import gradio as gr

from assistant.answer import ask_json, compose
from assistant.followup import WithHistory, check_history
from assistant.restricted import Restricted
from ingest.passage import InputError
from webapp.settings import DEFAULT_K, MAX_API_K


class AskCitation(TypedDict):
    doc: str
    label: str
    section: list[str]
    score: float
    text: str


class AskQuote(TypedDict):
    doc: str
    label: str
    sentence: str
    speaker: str | None


class AskAnswer(TypedDict):
    text: str
    lang: str
    quotes: list[AskQuote]


class AskResult(TypedDict):
    """`legco-rag ask --json`: the question, whether the report answers it, the passages best first,
    the verdict ("answered", "uncertain", "not_answered") and the answer with its quotes."""

    question: str
    answerable: bool
    citations: list[AskCitation]
    verdict: str
    answer: AskAnswer


def make_ask(retriever):
    """/ask over one Retriever; Gradio shows its name, docstring and signature on the API page."""

    def ask(question: str, k: int = DEFAULT_K, history: list[str] | None = None,
            docs: list[str] | None = None) -> AskResult:
        """Search the report: the passages that answer `question`, as `legco-rag ask --json` prints them.
        history: the earlier questions of the conversation, oldest first (optional).
        docs: paper numbers to search only (as `legco-rag ask --doc`); none or empty: every paper."""
        try:
            if not 1 <= int(k) <= MAX_API_K:
                raise InputError(f"k = {k} is out of range: give a number from 1 to {MAX_API_K}")
            searched = Restricted(retriever, list(docs)) if docs else retriever  # an unknown paper is refused
            result = WithHistory(searched, check_history(history)).search(question, k=int(k))
            return ask_json(result, compose(result))
        except InputError as e:
            raise gr.Error(str(e), print_exception=False) from None

    # Gradio reads the signature as written; with postponed annotations that is the string "AskResult",
    # which view_api() would show as "Any". The resolved signature describes /ask's JSON.
    ask.__signature__ = inspect.signature(ask, eval_str=True)
    return ask
