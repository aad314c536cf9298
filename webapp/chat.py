"""The chat: a question in, an answer with citation chips out, and its first citation opened.

Also what the page does with the conversation: reopen it on load (and what a ?q= or ?cite= link
asks), open a clicked chip, clear it, export it. A user's mistake (an InputError) becomes a message
in the chat, in Chinese and English.
"""
from __future__ import annotations

import re

import gradio as gr

from assistant import render
from assistant.answer import answer_question
from assistant.followup import MAX_HISTORY_TURNS, WithHistory, check_history
from assistant.restricted import Restricted
from assistant.retrieve import MAX_QUESTION_CHARS
from ingest.passage import InputError
from webapp.history import MAX_STORED_TURNS, highlights, restored_answer, stored_turn
from webapp.permalinks import parse_cite, permalink, question_of
from webapp.settings import ALL, DEFAULT_K

NO_QUESTION = ("請先輸入問題，例如：香港2030年需要多少算力？\nPlease type a question first, "
               "e.g. How many registered users does iAM Smart have?")


def reason_zh(error: InputError) -> str:
    """The Chinese for the reason a question cannot be searched (the English follows it)."""
    text = str(error)
    if m := re.search(r"is (\d+) characters long", text):
        return f"問題有 {m[1]} 字，請少於 {MAX_QUESTION_CHARS} 字（一次問一件事）。"
    if "no words" in text:
        return "問題沒有文字（只有符號、表情符號或控制字元），請輸入問題，例如：香港2030年需要多少算力？"
    if "empty" in text:
        return "問題是空的，請輸入問題，例如：香港2030年需要多少算力？"
    return "請修改問題後再試。"


def first_cited(answer) -> tuple[str, str] | None:
    """(doc, label) of the answer's first quote, else of its first hit: what the panel opens first."""
    if answer.quotes:
        return answer.quotes[0].doc, answer.quotes[0].label
    if answer.hits:
        return answer.hits[0].passage.doc, answer.hits[0].passage.label
    return None


class Chat:
    """The chat's event handlers over one Retriever and its Panel.

    Handlers keep Gradio's names (`respond`, `open_citation`, `on_load`, `clear`, `export`): the
    queue's limits and the tests refer to them.
    """

    def __init__(self, retriever, panel, llm=None):
        self.retriever = retriever
        self.panel = panel
        self.llm = llm  # LLMSettings for the optional LLM answer; None answers extractively

    def chat_of(self, turns: list) -> list[dict]:
        """The chat's messages for the stored turns (each rebuilt and escaped as a fresh answer)."""
        messages = []
        for i, turn in enumerate(turns):
            answer = restored_answer(turn, self.panel.by_label)
            if answer is not None:
                messages += [{"role": "user", "content": render.question_html(answer.question)},
                             {"role": "assistant", "content": render.answer_html(answer, i)}]
        return messages

    def respond(self, question: str, k: float, docs: list | None, history: list, turns: list):
        """One chat turn: the question, the answer with its citation chips, its first citation opened."""
        history, turns = list(history or []), list(turns or [])
        if not question or not question.strip():
            history.append({"role": "assistant", "content": render.message_html(NO_QUESTION, "info")})
            return history, turns, question, gr.skip(), gr.skip(), gr.skip(), gr.skip()
        history.append({"role": "user", "content": render.question_html(question)})
        earlier = [str(t.get("question", "")) for t in turns if isinstance(t, dict)][-MAX_HISTORY_TURNS:]
        try:
            searched = Restricted(self.retriever, docs) if docs else self.retriever  # the papers picked, or all
            answer = answer_question(WithHistory(searched, check_history(earlier)), question, k=int(k), llm=self.llm)
        except InputError as e:
            history.append({"role": "assistant", "content": render.message_html(
                f"無法搜尋這個問題 · Cannot search this question:\n{reason_zh(e)}\n{e}")})
            return history, turns, question, gr.skip(), gr.skip(), gr.skip(), gr.skip()
        turns = [*turns, stored_turn(answer)][-MAX_STORED_TURNS:]
        turn = len(turns) - 1
        history.append({"role": "assistant", "content": render.answer_html(answer, turn)})
        link = permalink(answer.question)
        first = first_cited(answer)
        if first is None:
            return history, turns, "", gr.skip(), gr.skip(), gr.skip(), link
        return history, turns, "", *self.panel.open_passage(*first, highlights(turns, turn, *first)), link

    def open_citation(self, turns: list, url: str, evt: gr.EventData):
        """A chip was clicked: show its passage, with the quoted sentence marked if it came from an answer."""
        try:
            turn, doc, label = render.parse_chip_key(getattr(evt, "cite", None))
        except ValueError:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        opened = self.panel.open_passage(doc, label, highlights(list(turns or []), turn, doc, label))
        return *opened, permalink(question_of(url), (doc, label))

    def on_load(self, turns: list, request: gr.Request):
        """The page opened: the kept conversation again, then what its address asks (?q=…, ?cite=…)."""
        turns = [t for t in (turns if isinstance(turns, list) else []) if restored_answer(t, self.panel.by_label)]
        history = self.chat_of(turns)
        params = dict(request.query_params) if request else {}
        question, cite = (params.get("q") or "").strip(), parse_cite(params.get("cite", ""), self.panel.documents)
        panel, section_value, report_value, link = gr.skip(), gr.skip(), gr.skip(), gr.skip()
        # Reloading a ?q= link must not ask again what the kept conversation already ends with.
        if question and not (turns and turns[-1].get("question") == " ".join(question.split())):
            history, turns, _, panel, section_value, report_value, link = self.respond(
                question, DEFAULT_K, [], history, turns)
        if cite:
            panel, section_value, report_value = self.panel.open_passage(*cite)
            link = permalink(question, cite)
        return history, turns, panel, section_value, report_value, link

    def clear(self):
        """Forget the conversation (here and in the browser) and empty the panel."""
        return [], [], self.panel.placeholder(), ALL, self.panel.whole_report(), ""

    def export(self, turns: list) -> str:
        """The conversation as Markdown, for the browser to save."""
        answers = [a for a in (restored_answer(t, self.panel.by_label) for t in (turns or [])) if a is not None]
        return render.conversation_markdown(answers, self.panel.documents)
