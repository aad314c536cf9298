"""The chat app: ask about the report, get verbatim quotes with clickable citations, read around them.

    python app.py                      # http://127.0.0.1:7860, the default index (built on first use)
    legco-rag serve --port 7861 --index data/index

Thin by design: searching and answering live in `assistant`, HTML in `assistant.render`, and the
page's parts in `webapp` (one module each: chat, panel, evaluation tab, /ask, permalinks, history,
styles and script). This file opens the index, warms it up and serves the page.
"""
from __future__ import annotations

import sys

import webapp  # noqa: F401  (first: sets the offline environment before gradio is imported)
from ingest.passage import InputError
from webapp.assets import CSS, THEME
from webapp.layout import build_app
from webapp.settings import (ALL, DEFAULT_K, EXAMPLES, MAX_API_K, MAX_UI_K, MODEL_CONCURRENCY,
                             PANEL_CONCURRENCY, QUEUE_MAX_SIZE)

__all__ = ["ALL", "CSS", "DEFAULT_K", "EXAMPLES", "MAX_API_K", "MAX_UI_K", "MODEL_CONCURRENCY", "PANEL_CONCURRENCY",
           "QUEUE_MAX_SIZE", "THEME", "build_app", "main", "serve", "warm_up"]


def warm_up(retriever) -> None:
    """Answer one example in each language once, so the model, jieba, OpenCC and the English dictionary
    are loaded before the first reader asks (the first answer is then as fast as the rest)."""
    from assistant.answer import answer_question
    from index.serving import prepare_to_serve

    load_query_engine = getattr(retriever.embedder, "load_query_engine", None)
    if load_query_engine is not None:  # compile the query encoder and run its common lengths once
        load_query_engine(warm=True)
    prepare_to_serve()
    for question in EXAMPLES:
        answer_question(retriever, question)


def serve(demo, host: str = "127.0.0.1", port: int = 7860, **launch) -> None:
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
