"""The bundled report printed to PDF by Chromium (as a word processor or browser would publish it,
with a running header and "- n -" page numbers) parses to the same passages as its text.

Marked browser: it drives Debian's chromium. Rerun: python -m pytest -q -m browser tests/test_pdf_browser.py
"""
from __future__ import annotations

import html
import warnings
from pathlib import Path

import pytest

from ingest.parse import load_report

REPORT = Path(__file__).resolve().parents[1] / "data" / "reports" / "cb2-1292-2025.zh-Hant.txt"
HEADER = ("<div style='font-size:9px;font-family:Noto Sans CJK TC;width:100%;text-align:right;margin-right:1cm'>"
          "本處檔號：CB1/HS/1/22</div>")
FOOTER = "<div style='font-size:9px;width:100%;text-align:center'>- <span class=pageNumber></span> -</div>"


@pytest.mark.browser
def test_the_bundled_report_as_a_pdf_gives_the_passages_of_its_text(browser, tmp_path):
    lines = [line.strip() for line in REPORT.read_text(encoding="utf-8").splitlines() if line.strip()]
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    page = browser.new_page()
    page.set_content(f"<html><head><meta charset=utf-8><style>body {{ font-family: 'Noto Serif CJK TC'; "
                     f"font-size: 12pt }}</style></head><body>{body}</body></html>")
    pdf = tmp_path / "cb2-1292-2025.zh-Hant.pdf"
    page.pdf(path=str(pdf), format="A4", display_header_footer=True, header_template=HEADER,
             footer_template=FOOTER, margin={"top": "2cm", "bottom": "2cm", "left": "2cm", "right": "2cm"})
    page.close()
    _, from_text = load_report(REPORT)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, from_pdf = load_report(pdf)
    assert [(p.label, p.section) for p in from_pdf] == [(p.label, p.section) for p in from_text]
    differ = [p.label for p, q in zip(from_text, from_pdf) if p.text != q.text]
    # The membership list's lines are one paragraph in the text and separate ones in print; only its
    # line breaks may differ.
    assert differ in ([], ["appendix2"])
    if differ:
        assert from_text[-1].text.replace("\n", "") == from_pdf[-1].text.replace("\n", "")
