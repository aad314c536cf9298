"""XSS: a report whose text carries <script>, <img onerror>, <iframe>, <svg onload> and javascript:
links is shown as text in the browser, in the answer, the citation panel and the report view; nothing
runs, no element is made from it, and the page asks nothing of any other machine.

The app is tests/guard_network.py's `hostile_app`: the hostile report, indexed and served with the
network blocked. Drives Debian's chromium (never `playwright install`).
Rerun: .venv/bin/python -m pytest -q tests/test_xss_browser.py
"""
from __future__ import annotations


import pytest
from app_server import guarded_page
from guard_network import IMG, SCRIPT, attempts, hostile_app  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.model]

ANSWER_TIMEOUT = 120_000  # ms: the first question also warms the model up
# Anything the hostile text would have made, had it been parsed as HTML.
INJECTED = ("script:not([src]):not([type]), img[src='x'], iframe, svg[onload], a[href^='javascript'], b")


@pytest.fixture()
def page(browser, hostile_app):
    """A page on the hostile app that records dialogs, page errors and any request off this machine."""
    page = guarded_page(browser, hostile_app["url"])
    yield page
    page.context.close()


def nothing_ran(page) -> None:
    page.wait_for_timeout(500)  # time for an onerror or onload to fire, had one been made
    assert page.evaluate("window.__xss") is None
    assert page.dialogs == []
    made = page.evaluate(f"""() => [...document.querySelectorAll("{INJECTED}")]
        .filter(e => e.closest('#chat, #cite-panel, #report, .app-header')).map(e => e.outerHTML)""")
    assert made == []
    assert page.outside == []


def test_markup_in_the_report_is_shown_as_text_in_the_answer_and_the_panel(page, hostile_app):
    page.fill("#question textarea", "委員對網頁腳本注入有何關注？")
    page.click("#ask-btn")
    answer = page.locator("#chat .answer").first
    answer.wait_for(timeout=ANSWER_TIMEOUT)
    page.wait_for_function("document.querySelector('#cite-panel .panel-text')", timeout=15_000)
    page.wait_for_function("document.querySelectorAll('.pending').length === 0", timeout=15_000)

    shown = answer.inner_text() + page.locator("#cite-panel").inner_text()
    assert SCRIPT in shown or IMG in shown, shown
    panel = page.locator("#cite-panel .panel-text").inner_text()
    assert "<" in panel and ">" in panel  # the angle brackets are on screen, as characters
    nothing_ran(page)
    assert attempts(hostile_app["serve_log"]) == []


def test_markup_in_headings_footnotes_and_items_is_shown_as_text_in_the_report_view(page):
    page.get_by_role("tab", name="全文 · Read the report").click()
    report = page.locator("#report")
    report.wait_for(timeout=15_000)
    page.wait_for_function("document.querySelector('#report').innerText.includes('<svg onload=alert(4)>')",
                           timeout=15_000)
    text = report.inner_text()
    for markup in (SCRIPT, IMG, '<iframe src="javascript:alert(3)"></iframe>', "<svg onload=alert(4)>",
                   '<a href="javascript:alert(5)">連結</a>'):
        assert markup in text, markup
    header = page.locator(".app-header").inner_text()
    assert "<b>標記</b>測試小組委員會報告" in header
    nothing_ran(page)


def test_opening_every_passage_of_the_report_in_the_panel_runs_nothing(page):
    page.get_by_role("tab", name="全文 · Read the report").click()
    page.locator("#report .rp .cite-chip").first.wait_for(timeout=15_000)
    keys = page.evaluate("() => [...new Set([...document.querySelectorAll('#report .cite-chip')]"
                         ".map(e => e.value || e.getAttribute('data-cite')))]")
    assert len(keys) >= 6
    shown = []
    for key in keys:  # as a click on its chip does: the panel opens the passage
        label = key.rsplit("|", 1)[1]
        page.evaluate("key => window.__legcoOpen(key)", key)
        page.wait_for_function("label => { const p = document.querySelector('#cite-panel .panel-label');"
                               " return p && p.getAttribute('data-label') === label; }", arg=label, timeout=15_000)
        shown.append(page.locator("#cite-panel .panel-text").inner_text())
    assert sum("<" in text for text in shown) >= 4  # paragraphs 1–3, the items and the footnote carry markup
    nothing_ran(page)


def test_a_conversation_restored_from_the_browsers_storage_is_shown_as_text(page, hostile_app):
    question = '<img src=x onerror="window.__xss=1">委員對網頁腳本注入有何關注？'
    page.fill("#question textarea", question)
    page.click("#ask-btn")
    page.locator("#chat .answer").first.wait_for(timeout=ANSWER_TIMEOUT)
    page.wait_for_function("document.querySelectorAll('.pending').length === 0", timeout=15_000)
    page.goto(hostile_app["url"])  # the history comes back from localStorage
    page.locator("#chat .answer").first.wait_for(timeout=ANSWER_TIMEOUT)
    assert '<img src=x onerror="window.__xss=1">' in page.locator("#chat .q-text").first.inner_text()
    nothing_ran(page)
