"""The chat app: ask about the report, get verbatim quotes with clickable citations, read around them.

    python app.py                      # http://127.0.0.1:7860, the default index (built on first use)
    legco-rag serve --port 7861 --index data/index

Thin by design: searching and answering live in `assistant`, HTML in `assistant.render`; this file
wires them to Gradio and turns a user's mistake (an InputError) into a message in the chat.
"""
from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path
from typing import TypedDict
from urllib.parse import parse_qsl, urlencode

# Before gradio is imported: no usage analytics or version check, no model downloads.
import index.offline  # noqa: E402,F401

import gradio as gr  # noqa: E402

from assistant import render  # noqa: E402
from assistant.followup import MAX_HISTORY_TURNS  # noqa: E402
from assistant.restricted import Restricted  # noqa: E402
from assistant.retrieve import MAX_QUESTION_CHARS  # noqa: E402
from index.library import parallels  # noqa: E402
from ingest.passage import InputError  # noqa: E402

EXAMPLES = [
    "香港2030年需要多少算力？",  # Traditional Chinese
    "“智方便”有多少登记用户？",  # Simplified Chinese
    "醫院會唔會用AI幫醫生睇症？",  # Cantonese
    "How many registered users does iAM Smart have?",  # English
]
DEFAULT_K = 5
MAX_UI_K = 10
MAX_API_K = 100  # as `legco-rag ask --k`
ALL = "all"

# The model and its two CPU cores are shared by everyone: one search or answer at a time (more in
# parallel would only slice the same cores thinner), with a bounded queue so a burst gets "busy"
# instead of minutes of waiting (64 waiting × ~30 ms a search ≈ 2 s at the back of the queue).
# Opening a citation is cheap string work and gets its own limit.
MODEL_CONCURRENCY = 1
QUEUE_MAX_SIZE = 64
PANEL_CONCURRENCY = 4

# System fonts only (Gradio's own fonts are served locally): nothing is fetched from a CDN.
THEME = gr.themes.Default(
    primary_hue="teal",
    neutral_hue="slate",
    font=(gr.themes.LocalFont("Source Sans Pro"), "Noto Sans CJK TC", "PingFang TC", "Microsoft JhengHei",
          "sans-serif"),
)

# The page script, loaded with the citation panel. One listener for every citation chip on the page
# (chat, panel, report, evaluation): it asks the panel to open the passage. Chips are plain
# <button class=cite-chip value=key> in HTML, so the chat can hold them. Also: copy buttons, example
# questions that ask, the phone's passage sheet, the character counter, the page language, the URL.
PANEL_JS = """
window.__legcoOpen = (key) => trigger('click', {cite: key});
if (!window.__legcoBound) {
  window.__legcoBound = true;
  const narrow = () => window.matchMedia('(max-width: 820px)').matches;
  document.documentElement.lang = 'zh-Hant-HK';  // the interface leads in Chinese
  // On a phone the panel is below the chat: a chip scrolls to it once it has the passage, and
  // "back to the chat" returns to the chip.
  let pendingChip = null, backTo = null;
  const showPanel = () => {
    const col = document.querySelector('#panel-col');
    if (col) col.scrollIntoView({block: 'start'});
  };
  const panelBody = document.querySelector('#cite-panel');
  if (panelBody) new MutationObserver(() => {
    if (pendingChip) { backTo = pendingChip; pendingChip = null; setTimeout(showPanel, 30); }
  }).observe(panelBody, {childList: true, subtree: true});
  if (narrow() && new URLSearchParams(location.search).get('cite')) pendingChip = document.querySelector('#chat');
  document.addEventListener('click', (event) => {
    const t = event.target.closest ? event.target : null;
    if (!t) return;
    const chip = t.closest('button.cite-chip[value]');
    if (chip) {
      event.preventDefault();
      event.stopPropagation();
      if (narrow() && !chip.closest('#panel-col')) pendingChip = chip;
      window.__legcoOpen(chip.value);
      return;
    }
    const copy = t.closest('button.copy-btn[value]');
    if (copy) {
      navigator.clipboard.writeText(copy.value).then(() => {
        copy.textContent = '已複製 · Copied';
        setTimeout(() => { copy.textContent = '複製 · Copy'; }, 1500);
      });
      return;
    }
    const example = t.closest('button.example-q[value]');
    if (example) {
      const box = document.querySelector('#question textarea');
      box.value = example.value;
      box.dispatchEvent(new Event('input', {bubbles: true}));
      setTimeout(() => document.querySelector('#ask-btn').click(), 50);
      return;
    }
    if (t.closest('.sheet-close')) {
      const target = backTo && backTo.isConnected ? backTo : document.querySelector('#chat');
      if (target) target.scrollIntoView({block: 'center'});
    }
  }, true);
  // The character counter shows once a question nears the limit.
  document.addEventListener('input', (event) => {
    if (!event.target.closest || !event.target.closest('#question')) return;
    const counter = document.querySelector('#char-count');
    if (!counter) return;
    const n = event.target.value.length, max = MAX_CHARS;
    counter.textContent = n >= max * 0.8 ? `${n} / ${max} 字 · characters` : '';
    counter.classList.toggle('over', n > max);
  });
  // The report view scrolls to the passage a chip opened: when it changes, and when its tab is shown.
  const scrollCurrent = () => {
    const current = document.querySelector('#report .rp.current');
    if (current && current.offsetParent) current.scrollIntoView({block: 'center'});
  };
  const report = document.querySelector('#report');
  if (report) new MutationObserver(() => setTimeout(scrollCurrent, 50)).observe(report, {childList: true, subtree: true});
  document.addEventListener('click', (event) => {
    if (event.target.closest && event.target.closest('[role=tab]')) setTimeout(scrollCurrent, 150);
  });
  // Focus the question box on wide screens only: on a phone it would scroll the title away.
  setTimeout(() => {
    const box = document.querySelector('#question textarea');
    if (box && !narrow()) box.focus({preventScroll: true});
  }, 300);
}
"""

# Keeps the address bar a permalink: ?q=… after a question, &cite=doc:label once a passage is opened.
PERMALINK_JS = """
(query) => {
  const url = location.pathname + (query ? '?' + query : '');
  const theme = new URLSearchParams(location.search).get('__theme');
  history.replaceState(null, '', theme ? url + (query ? '&' : '?') + '__theme=' + theme : url);
}
"""

# Saves the conversation's Markdown as a file, in the browser.
DOWNLOAD_JS = """
(markdown) => {
  if (!markdown) return;
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([markdown], {type: 'text/markdown;charset=utf-8'}));
  link.download = 'legco-rag-conversation.md';
  document.body.appendChild(link);
  link.click();
  link.remove();
}
"""

# One palette for light and dark (Gradio puts .dark on the body): every text colour here is at least
# 4.5:1 on the background it sits on (WCAG AA); tests/test_app_views_browser.py measures it.
CSS = """
:root { --lr-title: #0f3d3e; --lr-title-en: #3f5f5f; --lr-text: #1e293b; --lr-muted: #475569;
        --lr-accent: #0f6a63; --lr-chip-bg: #e6f4f2; --lr-chip-fg: #0b524c; --lr-chip-border: #5eb5ad;
        --lr-soft-bg: #f1f5f9; --lr-soft-fg: #334155; --lr-soft-border: #cbd5e1; --lr-panel-bg: #fcfefe;
        --lr-panel-border: #d5e3e1; --lr-note-bg: #fff7ed; --lr-note-fg: #7c2d12; --lr-note-border: #fdba74;
        --lr-mark: #fde68a; --lr-mark-fg: #1e293b; --lr-current: #fef9c3; --lr-badge-bg: #0f766e; }
.dark { --lr-title: #5eead4; --lr-title-en: #cbd5e1; --lr-text: #e2e8f0; --lr-muted: #cbd5e1;
        --lr-accent: #5eead4; --lr-chip-bg: #134e4a; --lr-chip-fg: #ccfbf1; --lr-chip-border: #2dd4bf;
        --lr-soft-bg: #1e293b; --lr-soft-fg: #e2e8f0; --lr-soft-border: #475569; --lr-panel-bg: #111827;
        --lr-panel-border: #334155; --lr-note-bg: #431407; --lr-note-fg: #fed7aa; --lr-note-border: #9a3412;
        --lr-mark: #fde68a; --lr-mark-fg: #1e293b; --lr-current: #3f3a12; --lr-badge-bg: #115e59; }
.gradio-container { max-width: 1480px !important; margin: 0 auto; }
.app-header { padding: 6px 2px 2px; }
.app-title { font-size: 1.6rem; font-weight: 700; color: var(--lr-title); }
.app-title-en { font-size: 1.05rem; font-weight: 500; color: var(--lr-title-en); margin-left: .5rem; }
.app-sub { color: var(--lr-muted); margin-top: 2px; }
.app-doc { display: flex; gap: 8px; align-items: baseline; margin-top: 4px; flex-wrap: wrap; }
.app-doc-h { font-size: .75rem; font-weight: 700; color: #fff; background: var(--lr-badge-bg); border-radius: 4px; padding: 0 6px; }
.doc-id { font-family: var(--font-mono); font-size: .85em; color: var(--lr-accent); }
.doc-date { color: var(--lr-muted); font-size: .85em; }
.doc-url { color: var(--lr-accent); font-size: .85em; }
.q-text { white-space: normal; }
.answer-text { line-height: 1.7; color: var(--lr-text); }
.answer-weak .answer-text { color: var(--lr-muted); }
.chips { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-top: 10px;
         padding-top: 8px; border-top: 1px dashed var(--lr-soft-border); }
.chips-related { border-top: none; margin-top: 4px; padding-top: 0; }
.chips-label, .examples-label { font-size: .8rem; color: var(--lr-muted); margin-right: 2px; }
.cite-chip { display: inline-block; border: 1px solid var(--lr-chip-border); background: var(--lr-chip-bg);
             color: var(--lr-chip-fg); border-radius: 999px; padding: 1px 10px; margin: 0 2px; font-size: .88rem;
             line-height: 1.6; cursor: pointer; font-weight: 600; white-space: nowrap; }
.cite-chip:hover, .cite-chip:focus-visible { background: var(--lr-badge-bg); color: #fff; border-color: var(--lr-badge-bg); }
.cite-related, .cite-linked, .cite-nav, .cite-footnote { background: var(--lr-soft-bg); color: var(--lr-soft-fg);
             border-color: var(--lr-soft-border); font-weight: 500; }
.cite-demo { cursor: default; }
.note, .flag { border-radius: 8px; padding: 8px 12px; background: var(--lr-note-bg);
               border: 1px solid var(--lr-note-border); color: var(--lr-note-fg); }
.speaker { display: block; font-size: .8rem; color: var(--lr-muted); }
.source { margin-top: 8px; font-size: .8rem; color: var(--lr-muted); }
.tools { margin-top: 8px; display: flex; justify-content: flex-end; }
.copy-btn { font-size: .8rem; color: var(--lr-soft-fg); background: var(--lr-soft-bg); border: 1px solid var(--lr-soft-border);
            border-radius: 6px; padding: 1px 8px; cursor: pointer; }
.examples { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.example-q { font-size: .85rem; color: var(--lr-soft-fg); background: var(--lr-soft-bg); border: 1px solid var(--lr-soft-border);
             border-radius: 999px; padding: 2px 10px; cursor: pointer; text-align: left; }
.example-q:hover { border-color: var(--lr-chip-border); }
#char-count { font-size: .8rem; color: var(--lr-muted); min-height: 0; }
#char-count.over { color: var(--lr-note-fg); font-weight: 700; }
#permalink, #export-md { display: none !important; }
#cite-panel { border: 1px solid var(--lr-panel-border); border-radius: 12px; background: var(--lr-panel-bg);
              padding: 14px 16px; min-height: 420px; color: var(--lr-text); }
#panel-col { position: sticky; top: 8px; align-self: flex-start; max-height: calc(100vh - 16px); overflow-y: auto; }
.sheet-close { display: none; }
.panel-empty { color: var(--lr-muted); line-height: 1.7; }
.panel-empty-title { font-weight: 700; color: var(--lr-title); font-size: 1.1rem; margin-bottom: 6px; }
.doc-line { font-size: .85rem; color: var(--lr-muted); display: flex; flex-wrap: wrap; gap: 4px; align-items: baseline; }
.doc-line .sep { color: var(--lr-muted); }
.doc-title { font-weight: 600; color: var(--lr-soft-fg); }
.panel-label { font-size: 1.5rem; font-weight: 700; color: var(--lr-title); margin-top: 8px; }
.panel-label-en { font-size: .95rem; font-weight: 500; color: var(--lr-muted); margin-left: .6rem; }
.panel-path { font-size: .88rem; color: var(--lr-accent); margin: 2px 0 10px; }
.panel-text { font-size: 1.02rem; line-height: 1.85; color: var(--lr-text); }
.panel-text mark, .answer mark { background: var(--lr-mark); color: var(--lr-mark-fg); padding: 1px 0; border-radius: 2px; }
.panel-block { margin-top: 14px; }
.panel-h { font-size: .82rem; font-weight: 700; color: var(--lr-muted); text-transform: uppercase; letter-spacing: .03em;
           margin-bottom: 4px; }
.fn-list, .linked-list { list-style: none; margin: 0; padding: 0; }
.fn-list li, .linked-list li { padding: 5px 0; border-bottom: 1px solid var(--lr-soft-border); font-size: .92rem; line-height: 1.6; }
.fn-text { color: var(--lr-soft-fg); margin-left: 4px; }
.rel { font-size: .8rem; color: var(--lr-accent); margin: 0 6px; }
.snippet { color: var(--lr-muted); }
.panel-nav { display: flex; justify-content: space-between; margin-top: 16px; }
.report { line-height: 1.8; color: var(--lr-text); }
.report .rh { color: var(--lr-title); margin: 18px 0 6px; }
.report .doc-line { margin-bottom: 6px; }
.rp { display: flex; gap: 10px; padding: 6px 8px; border-radius: 8px; }
.rp .cite-label { flex: none; align-self: flex-start; min-width: 4.2rem; text-align: center; }
.rp-fn { font-size: .9rem; color: var(--lr-muted); margin-left: 1.5rem; }
.rp.current { background: var(--lr-current); outline: 2px solid #facc15; }
.eval-q { font-weight: 700; color: var(--lr-title); }
.eval-why { color: var(--lr-muted); font-size: .85rem; }
.eval-ranked { list-style: decimal; padding-left: 1.5rem; }
#chat { height: min(520px, calc(100vh - 400px)) !important; min-height: 300px; }
@media (max-width: 820px) {
  #chat { height: calc(100dvh - 260px) !important; min-height: 280px; }
  #panel-col { position: static; max-height: none; overflow: visible; }
  .sheet-close { display: block; width: 100%; font-size: .95rem; padding: 8px; border-radius: 8px;
                 color: var(--lr-soft-fg); background: var(--lr-soft-bg); border: 1px solid var(--lr-soft-border); }
  #cite-panel { min-height: 0; border: none; }
  .app-title { font-size: 1.3rem; }
}
"""


def _first_cited(answer) -> tuple[str, str] | None:
    """(doc, label) of the answer's first quote, else of its first hit: what the panel opens first."""
    if answer.quotes:
        return answer.quotes[0].doc, answer.quotes[0].label
    if answer.hits:
        return answer.hits[0].passage.doc, answer.hits[0].passage.label
    return None


# ---- the conversation as the browser keeps it (localStorage, never on the server) ---------------

MAX_STORED_TURNS = 50  # the oldest answers drop off the browser's history beyond this
HISTORY_KEY = "legco-rag-history"
# gr.BrowserState signs and encrypts what it keeps; a fixed key keeps the history readable after the
# server restarts. It guards nothing secret: the history is the reader's own, in their own browser.
HISTORY_SECRET = "legco-rag-history-v1"


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
    from assistant.answer import LANGS, Answer, Quote
    from assistant.retrieve import Hit

    try:
        lang = turn["lang"] if turn["lang"] in LANGS else "zh-Hant"
        quotes = tuple(Quote(text=str(t), label=str(l), doc=str(d), speaker=str(rest[0]) if rest and rest[0] else None,
                             act=str(rest[1]) if len(rest) > 1 else "")
                       for t, d, l, *rest in turn["quotes"])
        hits = tuple(Hit(by_label[(str(d), str(l))], float(score), str(via))
                     for d, l, score, via in turn["hits"] if (str(d), str(l)) in by_label)
        return Answer(str(turn["question"]), lang, str(turn["text"]), bool(turn["answerable"]), quotes, hits,
                      tuple(str(f) for f in turn.get("flagged", ())), str(turn.get("source", "extractive")),
                      str(turn.get("verdict", "")) if turn.get("verdict") in ("answered", "uncertain", "not_answered") else "")
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


# ---- messages for people -------------------------------------------------------------------------

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


def permalink(question: str = "", cite: tuple[str, str] | None = None) -> str:
    """The query string that reopens this view: q=the question, cite=doc:label."""
    params = {}
    if question:
        params["q"] = question
    if cite:
        params["cite"] = f"{cite[0]}:{cite[1]}"
    return urlencode(params)


def parse_cite(value: str, documents: dict) -> tuple[str, str] | None:
    """(doc, label) from a ?cite= value: "CB(2)1292/2025:15", or "15" when the app holds one report."""
    value = (value or "").strip()
    if not value:
        return None
    if ":" in value:
        doc, label = value.rsplit(":", 1)
        return doc.strip(), label.strip()
    if len(documents) == 1:
        return next(iter(documents)), value
    return None


# ---- /ask's answer, described for view_api() ----------------------------------------------------

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


# ---- the evaluation tab --------------------------------------------------------------------------

EVAL_DIR = Path(__file__).resolve().parent / "eval"
EVAL_METRICS = ("hit@1", "hit@5", "mrr@10", "ndcg@10", "abstain_on_none", "false_abstention")


def question_files() -> list[str]:
    """The question sets a reader may run: the JSONL files beside eval/run.py (never a path typed in)."""
    return sorted(p.name for p in EVAL_DIR.glob("*.jsonl"))


def metric_rows(metrics: dict) -> list[dict]:
    """eval.run.score's nested figures as rows: overall, then per language, then per kind."""
    rows = [{"group": "overall", **metrics.get("overall", {})}]
    for field in ("by_lang", "by_kind"):
        rows += [{"group": f"{field[3:]}={name}", **m} for name, m in metrics.get(field, {}).items()]
    return rows


def version_key(doc: str, lang: str) -> str:
    """The browse menu's value for one language version of a paper."""
    return f"{doc}|{lang}"


def build_app(retriever, llm=None) -> gr.Blocks:
    """The app over one loaded Retriever (tests pass their own); launch it with `serve`.

    `llm`: LLMSettings for the optional LLM answer; None (the default) answers extractively.
    """
    import pandas as pd

    from assistant.answer import answer_question, ask_json, compose
    from assistant.followup import WithHistory, check_history
    from eval.run import describe, evaluate_retriever, load_questions, missed

    passages = retriever.index.passages
    documents = retriever.index.documents
    by_label = retriever.by_label
    parts = render.sections(passages)
    many = len({doc for doc, _ in parts}) > 1
    section_choices = [("全部 · Whole report", ALL)] + [
        ((f"{doc} › " if many else "") + " › ".join(section), str(i)) for i, (doc, section) in enumerate(parts)]
    # The library: each paper's language versions, browsable one at a time, and the bilingual pairs.
    versions = {version_key(d.doc_id, d.lang): d for d in retriever.index.versions}
    of_version = {key: [p for p in passages if version_key(p.doc, p.lang) == key or not p.lang and p.doc == d.doc_id]
                  for key, d in versions.items()}
    pairs = parallels(passages)
    doc_choices = [(f"{d.doc_id} · {d.title}" if d.title else d.doc_id, d.doc_id) for d in documents.values()]
    version_choices = [("全部 · All papers", ALL)] + [
        (f"{d.doc_id} · {d.lang}" + (f" · {d.title}" if d.title else ""), key) for key, d in versions.items()]

    def open_passage(doc: str, label: str, highlight=()):
        """Panel HTML, report section and report HTML for one passage (or a note if it is unknown)."""
        p = by_label.get((doc, label))
        if p is None:
            note = render.message_html(f"找不到這段 · Passage not found: {doc} {label}")
            return note, gr.skip(), gr.skip()
        # Retriever.linked gives footnotes, cited and citing passages; a footnote also links back
        # to the paragraph that carries its marker.
        linked = retriever.linked(p)
        same = of_version.get(version_key(p.doc, p.lang), passages)  # neighbours in its own language
        document = versions.get(version_key(p.doc, p.lang)) or documents.get(p.doc)  # its own language's title
        panel = render.passage_html(p, document, highlight, linked, render.neighbours(same, p),
                                    parallel=pairs.get((p.doc, p.label, p.lang)))
        part = (p.doc, render.section_of(p))
        if part not in parts:  # a footnote filed under a heading with no paragraph of its own
            return panel, ALL, render.report_html(passages, documents, None, p)
        return panel, str(parts.index(part)), render.report_html(passages, documents, part, p)

    def chat_of(turns: list) -> list[dict]:
        """The chat's messages for the stored turns (each rebuilt and escaped as a fresh answer)."""
        messages = []
        for i, turn in enumerate(turns):
            answer = restored_answer(turn, by_label)
            if answer is not None:
                messages += [{"role": "user", "content": render.question_html(answer.question)},
                             {"role": "assistant", "content": render.answer_html(answer, i)}]
        return messages

    def respond(question: str, k: float, docs: list | None, history: list, turns: list):
        """One chat turn: the question, the answer with its citation chips, its first citation opened."""
        history, turns = list(history or []), list(turns or [])
        if not question or not question.strip():
            history.append({"role": "assistant", "content": render.message_html(
                "請先輸入問題，例如：香港2030年需要多少算力？\nPlease type a question first, "
                "e.g. How many registered users does iAM Smart have?", "info")})
            return history, turns, question, gr.skip(), gr.skip(), gr.skip(), gr.skip()
        history.append({"role": "user", "content": render.question_html(question)})
        earlier = [str(t.get("question", "")) for t in turns if isinstance(t, dict)][-MAX_HISTORY_TURNS:]
        try:
            searched = Restricted(retriever, docs) if docs else retriever  # the papers picked, or all
            answer = answer_question(WithHistory(searched, check_history(earlier)), question, k=int(k), llm=llm)
        except InputError as e:
            history.append({"role": "assistant", "content": render.message_html(
                f"無法搜尋這個問題 · Cannot search this question:\n{reason_zh(e)}\n{e}")})
            return history, turns, question, gr.skip(), gr.skip(), gr.skip(), gr.skip()
        turns = [*turns, stored_turn(answer)][-MAX_STORED_TURNS:]
        turn = len(turns) - 1
        history.append({"role": "assistant", "content": render.answer_html(answer, turn)})
        link = permalink(answer.question)
        first = _first_cited(answer)
        if first is None:
            return history, turns, "", gr.skip(), gr.skip(), gr.skip(), link
        return history, turns, "", *open_passage(*first, highlights(turns, turn, *first)), link

    def open_citation(turns: list, url: str, evt: gr.EventData):
        """A chip was clicked: show its passage, with the quoted sentence marked if it came from an answer."""
        try:
            turn, doc, label = render.parse_chip_key(getattr(evt, "cite", None))
        except ValueError:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        question = dict(parse_qsl(url or "")).get("q", "")
        opened = open_passage(doc, label, highlights(list(turns or []), turn, doc, label))
        return *opened, permalink(question, (doc, label))

    def on_load(turns: list, request: gr.Request):
        """The page opened: the kept conversation again, then what its address asks (?q=…, ?cite=…)."""
        turns = [t for t in (turns if isinstance(turns, list) else []) if restored_answer(t, by_label)]
        history = chat_of(turns)
        params = dict(request.query_params) if request else {}
        question, cite = (params.get("q") or "").strip(), parse_cite(params.get("cite", ""), documents)
        panel, section_value, report_value, link = gr.skip(), gr.skip(), gr.skip(), gr.skip()
        # Reloading a ?q= link must not ask again what the kept conversation already ends with.
        if question and not (turns and turns[-1].get("question") == " ".join(question.split())):
            history, turns, _, panel, section_value, report_value, link = respond(question, DEFAULT_K, [], history,
                                                                                 turns)
        if cite:
            panel, section_value, report_value = open_passage(*cite)
            link = permalink(question, cite)
        return history, turns, panel, section_value, report_value, link

    def clear():
        """Forget the conversation (here and in the browser) and empty the panel."""
        return [], [], render.panel_placeholder_html(), ALL, render.report_html(passages, documents), ""

    def export(turns: list) -> str:
        """The conversation as Markdown, for the browser to save."""
        answers = [a for a in (restored_answer(t, by_label) for t in (turns or [])) if a is not None]
        return render.conversation_markdown(answers, documents)

    def show_section(choice: str, version: str = ALL):
        """The part of the report picked in the section menu (of the paper picked in the paper menu)."""
        whole = choice in (None, ALL) or not str(choice).isdigit() or int(choice) >= len(parts)
        return render.report_html(of_version.get(version, passages), documents, None if whole else parts[int(choice)])

    def show_version(version: str):
        """One paper in one language (or every paper): its sections in the section menu, and its text."""
        shown = of_version.get(version, passages)
        mine = set(render.sections(shown))
        choices = [section_choices[0]] + [c for c, part in zip(section_choices[1:], parts) if part in mine]
        return gr.update(choices=choices, value=ALL), render.report_html(shown, documents)

    def chart_of(table, metric: str):
        """One metric per group, for the bar chart, the groups in the table's order."""
        if table is None or len(table) == 0 or metric not in table:
            return None
        figures = table[["group", metric]].rename(columns={metric: "value"}).dropna()
        return gr.BarPlot(figures, sort=list(figures["group"]), y_title=metric)

    def run_evaluation(file: str, split: str, metric: str, progress=gr.Progress()):
        """Run a question set through the retrieval, with progress; figures as a table and a chart."""
        if file not in question_files():
            raise gr.Error(f"沒有這個問題集 · No question set '{file}': pick one of {', '.join(question_files())}",
                           print_exception=False)
        try:
            questions = load_questions(EVAL_DIR / file, split)
        except InputError as e:
            raise gr.Error(str(e), print_exception=False) from None

        def track(qs):
            return progress.tqdm(qs, total=len(questions), desc="問題 · questions")

        report = evaluate_retriever(retriever, questions, config={"questions": file, "split": split}, track=track)
        table = pd.DataFrame(metric_rows(report["metrics"])).reindex(columns=["group", "n", *EVAL_METRICS]).round(3)
        wrong = missed(questions, report["results"])
        listing = pd.DataFrame([{"id": m["id"], "lang": m.get("lang", ""), "kind": m.get("kind", ""), "why": m["why"],
                                 "question": m["question"], "gold": " ".join(m["gold"]) or "—",
                                 "top 3": " ".join(m["ranked"][:3])} for m in wrong],
                               columns=["id", "lang", "kind", "why", "question", "gold", "top 3"])
        summary = f"{describe(file, split, retriever)} · {len(questions)} 題 questions · {len(wrong)} 題答錯 missed"
        return summary, table, chart_of(table, metric), listing, wrong, ""

    def show_missed(wrong: list, evt: gr.SelectData):
        """A missed question, clicked: its gold passages and its ranked ones."""
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        if not wrong or not isinstance(row, int) or not 0 <= row < len(wrong):
            return gr.skip()
        doc = next(iter(documents)) if documents else ""
        return render.eval_case_html(wrong[row], by_label, doc)

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

    with gr.Blocks(title="立法會報告引文搜尋 · LegCo Report Search") as demo:
        turns = gr.BrowserState([], storage_key=HISTORY_KEY, secret=HISTORY_SECRET)
        gr.HTML(render.header_html(documents, len(passages)), js_on_load=None)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=320):
                with gr.Tabs():
                    with gr.Tab("問答 · Ask", id="ask"):
                        chat = gr.Chatbot(
                            show_label=False, buttons=[], feedback_options=None,
                            placeholder="**問我關於報告的問題 · Ask about the report**<br>"
                                        "答案引用報告原文，點擊引文即可查看段落。"
                                        "Answers quote the report; click a citation to read the passage.",
                            elem_id="chat")
                        with gr.Row():
                            question = gr.Textbox(
                                show_label=False, scale=6, lines=1, max_lines=4,
                                placeholder="輸入問題… · Type a question… (中文 / 粵語 / English)",
                                elem_id="question")
                            send = gr.Button("提問 · Ask", variant="primary", scale=1, min_width=96, elem_id="ask-btn")
                        doc_pick = gr.Dropdown(doc_choices, value=[], multiselect=True, elem_id="doc-pick",
                                               label="只搜尋這些文件 · Only these papers (none picked: all)",
                                               visible=len(doc_choices) > 1)
                        gr.HTML("", elem_id="char-count", js_on_load=None)
                        gr.HTML(render.example_buttons(EXAMPLES), js_on_load=None, elem_id="examples")
                        with gr.Row():
                            export_btn = gr.Button("匯出 Markdown · Export", size="sm", elem_id="export-btn")
                            clear_btn = gr.Button("清除 · Clear", size="sm", elem_id="clear-btn")
                        with gr.Accordion("選項 · Options", open=False):
                            k = gr.Slider(1, MAX_UI_K, value=DEFAULT_K, step=1,
                                          label="搜尋段落數目 · Passages to search (k)")
                    with gr.Tab("全文 · Read the report", id="browse"):
                        version = gr.Dropdown(version_choices, value=ALL, label="文件 · Paper", elem_id="browse-doc",
                                              visible=len(versions) > 1)
                        section = gr.Dropdown(section_choices, value=ALL, label="章節 · Section",
                                              elem_id="browse-section")
                        report = gr.HTML(render.report_html(passages, documents), js_on_load=None,
                                         max_height=720, elem_id="report")
                    with gr.Tab("評估 · Evaluation", id="evaluation"):
                        files = question_files()
                        with gr.Row():
                            eval_file = gr.Dropdown(files, value=files[0] if files else None,
                                                    label="問題集 · Question file", elem_id="eval-file")
                            eval_split = gr.Radio(["dev", "test", "all"], value="test", label="分組 · Split",
                                                  elem_id="eval-split")
                            eval_metric = gr.Dropdown(list(EVAL_METRICS), value="mrr@10",
                                                      label="圖表指標 · Chart metric", elem_id="eval-metric")
                        eval_run = gr.Button("執行評估 · Run the evaluation", variant="primary", elem_id="eval-run")
                        eval_summary = gr.Markdown(elem_id="eval-summary")
                        eval_table = gr.Dataframe(label="各語言及類別 · By language and kind", interactive=False,
                                                  elem_id="eval-table")
                        eval_chart = gr.BarPlot(x="group", y="value", label="圖表 · Chart", elem_id="eval-chart",
                                                sort=None, y_lim=[0, 1], x_label_angle=-35)
                        eval_missed = gr.Dataframe(label="答錯的問題（點擊查看）· Missed questions (click one)",
                                                   interactive=False, elem_id="eval-missed", wrap=True)
                        eval_case = gr.HTML("", elem_id="eval-case", js_on_load=None)
                        wrong = gr.State([])
            with gr.Column(scale=2, min_width=300, elem_id="panel-col"):
                gr.HTML('<button type="button" class="sheet-close">← 返回問答 · Back to the chat</button>',
                        js_on_load=None)
                panel = gr.HTML(render.panel_placeholder_html(),
                                js_on_load=PANEL_JS.replace("MAX_CHARS", str(MAX_QUESTION_CHARS)), elem_id="cite-panel")
        link = gr.Textbox(elem_id="permalink", show_label=False, container=False)
        export_md = gr.Textbox(elem_id="export-md", show_label=False, container=False)

        private = {"api_visibility": "private"}
        cheap = {"concurrency_id": "panel", "concurrency_limit": PANEL_CONCURRENCY, **private}  # string work only
        turn_outputs = [chat, turns, question, panel, section, report, link]
        for event in (question.submit, send.click):
            event(respond, [question, k, doc_pick, chat, turns], turn_outputs, concurrency_id="model",
                  concurrency_limit=MODEL_CONCURRENCY, **private)
        panel.click(open_citation, [turns, link], [panel, section, report, link], concurrency_id="panel",
                    concurrency_limit=PANEL_CONCURRENCY, **private)
        section.input(show_section, [section, version], [report], concurrency_id="panel",
                      concurrency_limit=PANEL_CONCURRENCY, **private)
        version.input(show_version, [version], [section, report], concurrency_id="panel",
                      concurrency_limit=PANEL_CONCURRENCY, **private)
        link.change(None, [link], None, js=PERMALINK_JS, **private)
        for event in (clear_btn.click, chat.clear):  # the chat's own bin too: history and panel go with it
            event(clear, None, [chat, turns, panel, section, report, link], **cheap)
        export_btn.click(export, [turns], [export_md], **cheap).then(None, [export_md], None, js=DOWNLOAD_JS,
                                                                       **private)
        eval_run.click(run_evaluation, [eval_file, eval_split, eval_metric],
                       [eval_summary, eval_table, eval_chart, eval_missed, wrong, eval_case],
                       concurrency_id="model", concurrency_limit=MODEL_CONCURRENCY, **private)
        eval_metric.input(chart_of, [eval_table, eval_metric], [eval_chart], **cheap)
        eval_missed.select(show_missed, [wrong], [eval_case], **cheap)
        demo.load(on_load, [turns], [chat, turns, panel, section, report, link], concurrency_id="model",
                  concurrency_limit=MODEL_CONCURRENCY, **private)
        gr.api(ask, api_name="ask", concurrency_id="model", concurrency_limit=MODEL_CONCURRENCY)

    demo.queue(default_concurrency_limit=MODEL_CONCURRENCY, max_size=QUEUE_MAX_SIZE)
    return demo


def warm_up(retriever) -> None:
    """Answer one example in each language once, so the model, jieba, OpenCC and the English dictionary
    are loaded before the first reader asks (the first answer is then as fast as the rest)."""
    from assistant.answer import answer_question

    for question in EXAMPLES:
        answer_question(retriever, question)


def serve(demo: gr.Blocks, host: str = "127.0.0.1", port: int = 7860, **launch) -> None:
    """Launch `demo` with the app's look; no share link, no Gradio footer beyond the API page."""
    demo.launch(server_name=host, server_port=port, theme=THEME, css=CSS, footer_links=["api"],
                run_history=False, share=False, **launch)


def main(host: str = "127.0.0.1", port: int = 7860, index: str | None = None) -> None:
    """Open the index (building the default one on first use) and serve the app until interrupted."""
    from assistant.open_index import open_retriever
    from assistant.llm import LLMSettings

    try:
        retriever = open_retriever(index)
        llm = LLMSettings.from_env()  # off unless LEGCO_RAG_LLM_BASE_URL and _MODEL are set
    except InputError as e:
        print(f"legco-rag: error: {e}", file=sys.stderr)
        raise SystemExit(2) from None
    warm_up(retriever)
    serve(build_app(retriever, llm), host, port)


if __name__ == "__main__":
    main()
