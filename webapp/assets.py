"""The app's look and page script: the theme, and the CSS and JavaScript files beside this module.

The files are read once, at import; they ship as package data (pyproject.toml), so an installed
package has them too.
"""
from __future__ import annotations

from pathlib import Path

import gradio as gr

from assistant.retrieve import MAX_QUESTION_CHARS

HERE = Path(__file__).resolve().parent


def read_asset(name: str) -> str:
    """The text of one file beside this module."""
    return (HERE / name).read_text(encoding="utf-8")


# System fonts only (Gradio's own fonts are served locally): nothing is fetched from a CDN.
THEME = gr.themes.Default(
    primary_hue="teal",
    neutral_hue="slate",
    font=(gr.themes.LocalFont("Source Sans Pro"), "Noto Sans CJK TC", "PingFang TC", "Microsoft JhengHei",
          "sans-serif"),
)
CSS = read_asset("styles.css")
# The chips, copy buttons, examples, phone sheet and character counter (loaded with the panel).
PAGE_JS = read_asset("page.js").replace("MAX_CHARS", str(MAX_QUESTION_CHARS))
# Keeps the address bar a permalink: ?q=… after a question, &cite=doc:label once a passage is opened.
PERMALINK_JS = read_asset("permalink.js")
# Saves the conversation's Markdown as a file, in the browser.
DOWNLOAD_JS = read_asset("download.js")
