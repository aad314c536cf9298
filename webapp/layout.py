"""The page: the Ask, Read-the-report and Evaluation tabs beside the citation panel, and which event
calls what with which concurrency limit."""
from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from assistant import render
from webapp.api import make_ask
from webapp.assets import DOWNLOAD_JS, PAGE_JS, PERMALINK_JS
from webapp.chat import Chat
from webapp.evaluation_tab import EvaluationTab, evaluation_view, wire_evaluation
from webapp.history import HISTORY_KEY, HISTORY_SECRET
from webapp.panel import Panel
from webapp.settings import ALL, DEFAULT_K, EXAMPLES, MAX_UI_K, MODEL_CONCURRENCY, PANEL_CONCURRENCY, QUEUE_MAX_SIZE

PRIVATE = {"api_visibility": "private"}  # only /ask is on the API page
MODEL = {"concurrency_id": "model", "concurrency_limit": MODEL_CONCURRENCY}  # searching and answering
CHEAP = {"concurrency_id": "panel", "concurrency_limit": PANEL_CONCURRENCY}  # string work only


@dataclass(frozen=True)
class AskView:
    chat: gr.Chatbot
    question: gr.Textbox
    send: gr.Button
    doc_pick: gr.Dropdown
    export_btn: gr.Button
    clear_btn: gr.Button
    k: gr.Slider


@dataclass(frozen=True)
class BrowseView:
    version: gr.Dropdown
    section: gr.Dropdown
    report: gr.HTML


@dataclass(frozen=True)
class Shared:
    """What every tab may update: the kept conversation, the panel and the hidden permalink/export boxes."""

    turns: gr.BrowserState
    panel: gr.HTML
    link: gr.Textbox
    export_md: gr.Textbox


def ask_view(panel: Panel) -> AskView:
    """The Ask tab: the chat, the question box, the paper picker, examples, export, clear and k."""
    chat = gr.Chatbot(
        show_label=False, buttons=[], feedback_options=None,
        placeholder="**問我關於報告的問題 · Ask about the report**<br>"
                    "答案引用報告原文，點擊引文即可查看段落。"
                    "Answers quote the report; click a citation to read the passage.",
        elem_id="chat")
    with gr.Row():
        question = gr.Textbox(show_label=False, scale=6, lines=1, max_lines=4,
                              placeholder="輸入問題… · Type a question… (中文 / 粵語 / English)", elem_id="question")
        send = gr.Button("提問 · Ask", variant="primary", scale=1, min_width=96, elem_id="ask-btn")
    doc_pick = gr.Dropdown(panel.doc_choices, value=[], multiselect=True, elem_id="doc-pick",
                           label="只搜尋這些文件 · Only these papers (none picked: all)",
                           visible=len(panel.doc_choices) > 1)
    gr.HTML("", elem_id="char-count", js_on_load=None)
    gr.HTML(render.example_buttons(EXAMPLES), js_on_load=None, elem_id="examples")
    with gr.Row():
        export_btn = gr.Button("匯出 Markdown · Export", size="sm", elem_id="export-btn")
        clear_btn = gr.Button("清除 · Clear", size="sm", elem_id="clear-btn")
    with gr.Accordion("選項 · Options", open=False):
        k = gr.Slider(1, MAX_UI_K, value=DEFAULT_K, step=1, label="搜尋段落數目 · Passages to search (k)")
    return AskView(chat, question, send, doc_pick, export_btn, clear_btn, k)


def browse_view(panel: Panel) -> BrowseView:
    """The Read-the-report tab: a paper menu (when there are several), a section menu, the text."""
    version = gr.Dropdown(panel.version_choices, value=ALL, label="文件 · Paper", elem_id="browse-doc",
                          visible=len(panel.versions) > 1)
    section = gr.Dropdown(panel.section_choices, value=ALL, label="章節 · Section", elem_id="browse-section")
    report = gr.HTML(panel.whole_report(), js_on_load=None, max_height=720, elem_id="report")
    return BrowseView(version, section, report)


def panel_column(panel: Panel) -> gr.HTML:
    """The citation panel, with the phone's way back to the chat; it carries the page script."""
    gr.HTML('<button type="button" class="sheet-close">← 返回問答 · Back to the chat</button>', js_on_load=None)
    return gr.HTML(panel.placeholder(), js_on_load=PAGE_JS, elem_id="cite-panel")


def wire(chat: Chat, panel: Panel, ask: AskView, browse: BrowseView, shared: Shared) -> None:
    """The chat's and the report's events: asking takes the model's slot, the rest is string work."""
    model, cheap = {**MODEL, **PRIVATE}, {**CHEAP, **PRIVATE}
    turns, link = shared.turns, shared.link
    views = [shared.panel, browse.section, browse.report, link]
    for event in (ask.question.submit, ask.send.click):
        event(chat.respond, [ask.question, ask.k, ask.doc_pick, ask.chat, turns],
              [ask.chat, turns, ask.question, *views], **model)
    shared.panel.click(chat.open_citation, [turns, link], views, **cheap)
    browse.section.input(panel.show_section, [browse.section, browse.version], [browse.report], **cheap)
    browse.version.input(panel.show_version, [browse.version], [browse.section, browse.report], **cheap)
    link.change(None, [link], None, js=PERMALINK_JS, **PRIVATE)
    for event in (ask.clear_btn.click, ask.chat.clear):  # the chat's own bin too: history and panel go with it
        event(chat.clear, None, [ask.chat, turns, *views], **cheap)
    ask.export_btn.click(chat.export, [turns], [shared.export_md], **cheap).then(
        None, [shared.export_md], None, js=DOWNLOAD_JS, **PRIVATE)


def build_app(retriever, llm=None) -> gr.Blocks:
    """The app over one loaded Retriever (tests pass their own); launch it with `app.serve`.

    `llm`: LLMSettings for the optional LLM answer; None (the default) answers extractively.
    """
    panel = Panel(retriever)
    chat = Chat(retriever, panel, llm)
    with gr.Blocks(title="立法會報告引文搜尋 · LegCo Report Search") as demo:
        turns = gr.BrowserState([], storage_key=HISTORY_KEY, secret=HISTORY_SECRET)
        gr.HTML(render.header_html(panel.documents, len(panel.passages)), js_on_load=None)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=320):
                with gr.Tabs():
                    with gr.Tab("問答 · Ask", id="ask"):
                        ask = ask_view(panel)
                    with gr.Tab("全文 · Read the report", id="browse"):
                        browse = browse_view(panel)
                    with gr.Tab("評估 · Evaluation", id="evaluation"):
                        evaluation = evaluation_view()
            with gr.Column(scale=2, min_width=300, elem_id="panel-col"):
                cite_panel = panel_column(panel)
        shared = Shared(turns, cite_panel, gr.Textbox(elem_id="permalink", show_label=False, container=False),
                        gr.Textbox(elem_id="export-md", show_label=False, container=False))
        wire(chat, panel, ask, browse, shared)
        wire_evaluation(evaluation, EvaluationTab(retriever), {**MODEL, **PRIVATE}, {**CHEAP, **PRIVATE})
        demo.load(chat.on_load, [turns], [ask.chat, turns, cite_panel, browse.section, browse.report, shared.link],
                  **MODEL, **PRIVATE)
        gr.api(make_ask(retriever), api_name="ask", **MODEL)
    demo.queue(default_concurrency_limit=MODEL_CONCURRENCY, max_size=QUEUE_MAX_SIZE)
    return demo
