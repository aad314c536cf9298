"""The chat app: ask about the report, get verbatim quotes with clickable citations, read around them.

    python app.py                      # http://127.0.0.1:7860, the default index (built on first use)
    legco-rag serve --port 7861 --index data/index

Thin by design: searching and answering live in `assistant`, HTML in `assistant.render`; this file
wires them to Gradio and turns a user's mistake (an InputError) into a message in the chat.
"""
from __future__ import annotations

import sys

# Before gradio is imported: no usage analytics or version check, no model downloads.
import index.offline  # noqa: E402,F401

import gradio as gr  # noqa: E402

from assistant import render  # noqa: E402
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

# One listener for every citation chip on the page (chat, panel, report): it asks the panel to
# open the passage. Chips are plain <button class=cite-chip value=key> in HTML, so the chat can hold them.
PANEL_JS = """
window.__legcoOpen = (key) => trigger('click', {cite: key});
if (!window.__legcoBound) {
  window.__legcoBound = true;
  document.addEventListener('click', (event) => {
    const chip = event.target.closest && event.target.closest('button.cite-chip[value]');
    if (!chip) return;
    event.preventDefault();
    event.stopPropagation();
    window.__legcoOpen(chip.value);
  }, true);
}
"""

CSS = """
.gradio-container { max-width: 1480px !important; margin: 0 auto; }
.app-header { padding: 6px 2px 2px; }
.app-title { font-size: 1.6rem; font-weight: 700; color: #0f3d3e; }
.app-title-en { font-size: 1.05rem; font-weight: 500; color: #4b6b6b; margin-left: .5rem; }
.app-sub { color: #475569; margin-top: 2px; }
.app-doc { display: flex; gap: 8px; align-items: baseline; margin-top: 4px; }
.app-doc-h { font-size: .75rem; font-weight: 700; color: #fff; background: #0f766e; border-radius: 4px; padding: 0 6px; }
.doc-id { font-family: var(--font-mono); font-size: .85em; color: #0f766e; }
.doc-date { color: #64748b; font-size: .85em; }
.q-text { white-space: normal; }
.answer-text { line-height: 1.7; }
.answer-weak .answer-text { color: #475569; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-top: 10px;
         padding-top: 8px; border-top: 1px dashed #cbd5e1; }
.chips-related { border-top: none; margin-top: 4px; padding-top: 0; }
.chips-label { font-size: .8rem; color: #64748b; margin-right: 2px; }
.cite-chip { display: inline-block; border: 1px solid #5eb5ad; background: #e6f4f2; color: #0f5e57;
             border-radius: 999px; padding: 1px 10px; margin: 0 2px; font-size: .88rem; line-height: 1.6;
             cursor: pointer; font-weight: 600; white-space: nowrap; }
.cite-chip:hover, .cite-chip:focus-visible { background: #0f766e; color: #fff; border-color: #0f766e; }
.cite-related, .cite-linked, .cite-nav, .cite-footnote { background: #f8fafc; color: #334155;
             border-color: #cbd5e1; font-weight: 500; }
.cite-demo { cursor: default; }
.note, .flag { border-radius: 8px; padding: 8px 12px; background: #fff7ed; border: 1px solid #fdba74; color: #7c2d12; }
.source { margin-top: 8px; font-size: .8rem; color: #64748b; }
#cite-panel { border: 1px solid #d5e3e1; border-radius: 12px; background: #fcfefe; padding: 14px 16px;
              min-height: 560px; }
.panel-empty { color: #475569; line-height: 1.7; }
.panel-empty-title { font-weight: 700; color: #0f3d3e; font-size: 1.1rem; margin-bottom: 6px; }
.doc-line { font-size: .85rem; color: #475569; display: flex; flex-wrap: wrap; gap: 4px; align-items: baseline; }
.doc-line .sep { color: #94a3b8; }
.doc-title { font-weight: 600; color: #334155; }
.panel-label { font-size: 1.5rem; font-weight: 700; color: #0f3d3e; margin-top: 8px; }
.panel-label-en { font-size: .95rem; font-weight: 500; color: #64748b; margin-left: .6rem; }
.panel-path { font-size: .88rem; color: #0f766e; margin: 2px 0 10px; }
.panel-text { font-size: 1.02rem; line-height: 1.85; color: #1e293b; }
.panel-text mark, .answer mark { background: #fde68a; color: inherit; padding: 1px 0; border-radius: 2px; }
.panel-block { margin-top: 14px; }
.panel-h { font-size: .82rem; font-weight: 700; color: #64748b; text-transform: uppercase; letter-spacing: .03em;
           margin-bottom: 4px; }
.fn-list, .linked-list { list-style: none; margin: 0; padding: 0; }
.fn-list li, .linked-list li { padding: 5px 0; border-bottom: 1px solid #eef2f6; font-size: .92rem; line-height: 1.6; }
.fn-text { color: #334155; margin-left: 4px; }
.rel { font-size: .8rem; color: #0f766e; margin: 0 6px; }
.snippet { color: #475569; }
.panel-nav { display: flex; justify-content: space-between; margin-top: 16px; }
.report { line-height: 1.8; }
.report .rh { color: #0f3d3e; margin: 18px 0 6px; }
.report .doc-line { margin-bottom: 6px; }
.rp { display: flex; gap: 10px; padding: 6px 8px; border-radius: 8px; }
.rp .cite-label { flex: none; align-self: flex-start; min-width: 4.2rem; text-align: center; }
.rp-fn { font-size: .9rem; color: #475569; margin-left: 1.5rem; }
.rp.current { background: #fef9c3; outline: 2px solid #facc15; }
"""


def _first_cited(answer) -> tuple[str, str] | None:
    """(doc, label) of the answer's first quote, else of its first hit: what the panel opens first."""
    if answer.quotes:
        return answer.quotes[0].doc, answer.quotes[0].label
    if answer.hits:
        return answer.hits[0].passage.doc, answer.hits[0].passage.label
    return None


def build_app(retriever, llm=None) -> gr.Blocks:
    """The app over one loaded Retriever (tests pass their own); launch it with `serve`.

    `llm`: LLMSettings for the optional LLM answer; None (the default) answers extractively.
    """
    from assistant.answer import answer_question

    passages = retriever.index.passages
    documents = retriever.index.documents
    parts = render.sections(passages)
    many = len({doc for doc, _ in parts}) > 1
    section_choices = [("全部 · Whole report", ALL)] + [
        ((f"{doc} › " if many else "") + " › ".join(section), str(i)) for i, (doc, section) in enumerate(parts)]

    def open_passage(doc: str, label: str, highlight=()):
        """Panel HTML, report section and report HTML for one passage (or a note if it is unknown)."""
        p = retriever.by_label.get((doc, label))
        if p is None:
            note = render.message_html(f"找不到這段 · Passage not found: {doc} {label}")
            return note, gr.skip(), gr.skip()
        # Retriever.linked gives footnotes, cited and citing passages; a footnote also links back
        # to the paragraph that carries its marker.
        linked = retriever.linked(p)
        panel = render.passage_html(p, documents.get(p.doc), highlight, linked, render.neighbours(passages, p))
        part = (p.doc, render.section_of(p))
        if part not in parts:  # a footnote filed under a heading with no paragraph of its own
            return panel, ALL, render.report_html(passages, documents, None, p)
        return panel, str(parts.index(part)), render.report_html(passages, documents, part, p)

    def respond(question: str, k: float, history: list, quotes: list):
        """One chat turn: the question, the answer with its citation chips, its first citation opened."""
        history = list(history or [])
        if not question or not question.strip():
            history.append({"role": "assistant", "content": render.message_html(
                "請先輸入問題，例如：香港2030年需要多少算力？\nPlease type a question first, "
                "e.g. How many registered users does iAM Smart have?", "info")})
            return history, quotes, question, gr.skip(), gr.skip(), gr.skip()
        history.append({"role": "user", "content": render.question_html(question)})
        try:
            answer = answer_question(retriever, question, k=int(k), llm=llm)
        except InputError as e:
            history.append({"role": "assistant", "content": render.message_html(
                f"無法搜尋這個問題 · Cannot search this question:\n{e}")})
            return history, quotes, question, gr.skip(), gr.skip(), gr.skip()
        turn = len(quotes)
        marks: dict[str, list[str]] = {}
        for q in answer.quotes:
            marks.setdefault(f"{q.doc}|{q.label}", []).append(q.text)
        history.append({"role": "assistant", "content": render.answer_html(answer, turn)})
        quotes = [*quotes, marks]
        first = _first_cited(answer)
        if first is None:
            return history, quotes, "", gr.skip(), gr.skip(), gr.skip()
        return history, quotes, "", *open_passage(*first, marks.get("|".join(first), ()))

    def open_citation(quotes: list, evt: gr.EventData):
        """A chip was clicked: show its passage, with the quoted sentence marked if it came from an answer."""
        try:
            turn, doc, label = render.parse_chip_key(getattr(evt, "cite", None))
        except ValueError:
            return gr.skip(), gr.skip(), gr.skip()
        highlight = quotes[turn].get(f"{doc}|{label}", ()) if turn is not None and turn < len(quotes) else ()
        return open_passage(doc, label, highlight)

    def show_section(choice: str):
        """The part of the report picked in the section menu."""
        whole = choice in (None, ALL) or not str(choice).isdigit() or int(choice) >= len(parts)
        return render.report_html(passages, documents, None if whole else parts[int(choice)])

    def ask(question: str, k: int = DEFAULT_K) -> dict:
        """Search the report: the passages that answer `question`, as `legco-rag ask --json` prints them."""
        try:
            if not 1 <= int(k) <= MAX_API_K:
                raise InputError(f"k = {k} is out of range: give a number from 1 to {MAX_API_K}")
            return retriever.search(question, k=int(k)).to_json()
        except InputError as e:
            raise gr.Error(str(e), print_exception=False) from None

    with gr.Blocks(title="立法會報告引文搜尋 · LegCo Report Search") as demo:
        quotes = gr.State([])  # per answer: "doc|label" → the sentences it quoted, for highlighting
        gr.HTML(render.header_html(documents, len(passages)), js_on_load=None)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=420):
                with gr.Tabs():
                    with gr.Tab("問答 · Ask", id="ask"):
                        chat = gr.Chatbot(
                            label="問答 · Chat", height=560, buttons=[], feedback_options=None,
                            placeholder="**問我關於報告的問題 · Ask about the report**<br>"
                                        "答案引用報告原文，點擊引文即可查看段落。"
                                        "Answers quote the report; click a citation to read the passage.",
                            elem_id="chat")
                        with gr.Row():
                            question = gr.Textbox(
                                show_label=False, scale=6, lines=1, max_lines=4, autofocus=True,
                                placeholder="輸入問題… · Type a question… (中文 / 粵語 / English)",
                                elem_id="question")
                            send = gr.Button("提問 · Ask", variant="primary", scale=1, min_width=110, elem_id="ask-btn")
                        with gr.Accordion("選項 · Options", open=False):
                            k = gr.Slider(1, MAX_UI_K, value=DEFAULT_K, step=1,
                                          label="搜尋段落數目 · Passages to search (k)")
                        gr.Examples([[q] for q in EXAMPLES], inputs=[question],
                                    label="示例問題 · Example questions")
                    with gr.Tab("全文 · Read the report", id="browse"):
                        section = gr.Dropdown(section_choices, value=ALL, label="章節 · Section",
                                              elem_id="browse-section")
                        report = gr.HTML(render.report_html(passages, documents), js_on_load=None,
                                         max_height=720, elem_id="report")
            with gr.Column(scale=2, min_width=340):
                panel = gr.HTML(render.panel_placeholder_html(), js_on_load=PANEL_JS, elem_id="cite-panel")

        turn_outputs = [chat, quotes, question, panel, section, report]
        for event in (question.submit, send.click):
            event(respond, [question, k, chat, quotes], turn_outputs, concurrency_id="model",
                  concurrency_limit=MODEL_CONCURRENCY, api_visibility="private")
        panel.click(open_citation, [quotes], [panel, section, report], concurrency_id="panel",
                    concurrency_limit=PANEL_CONCURRENCY, api_visibility="private")
        section.input(show_section, [section], [report], concurrency_id="panel",
                      concurrency_limit=PANEL_CONCURRENCY, api_visibility="private")
        gr.api(ask, api_name="ask", concurrency_id="model", concurrency_limit=MODEL_CONCURRENCY)

    demo.queue(default_concurrency_limit=MODEL_CONCURRENCY, max_size=QUEUE_MAX_SIZE)
    return demo


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
    serve(build_app(retriever, llm), host, port)


if __name__ == "__main__":
    main()
