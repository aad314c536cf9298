"""The app as people keep it open: on a phone and a desktop, in light and dark, shared by links,
copied, exported, remembered across a reload, and evaluated in its own tab.

Drives Debian's chromium (never `playwright install`). Screenshots of the phone, dark and evaluation
views go to docs/ when LEGCO_RAG_UPDATE_SCREENSHOT is set, else to artifacts/screenshots/.
Rerun: .venv/bin/python -m pytest -q -m browser tests/test_app_views_browser.py
"""
from __future__ import annotations

import os
from urllib.parse import quote

import pytest

from app_server import ROOT, guarded_page

pytestmark = [pytest.mark.browser, pytest.mark.model]

ANSWER_TIMEOUT = 120_000  # ms: the first question also warms the model up
EVAL_TIMEOUT = 600_000  # ms: the test split on a busy 2-core machine
VIEWS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
DOCS = ROOT / "docs"
SHOTS = DOCS if os.environ.get("LEGCO_RAG_UPDATE_SCREENSHOT") else ROOT / "artifacts" / "screenshots"

# The contrast of an element's text on what is really behind it: walk up the tree compositing every
# background (a transparent one shows its parent's) down to an opaque one. WCAG 2 relative luminance.
CONTRAST_JS = """
(el) => {
  const parse = (c) => { const m = c.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const bg = parse(getComputedStyle(e).backgroundColor);
    if (bg[3] > 0) { layers.push(bg); if (bg[3] >= 1) break; }
  }
  let bg = [255, 255, 255, 1];
  for (const layer of layers.reverse()) bg = over(layer, bg);
  const fg = over(parse(getComputedStyle(el).color), bg);
  const lum = (c) => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                       return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}
"""
NAMED = {"title": ".app-title", "report title": ".app-header .doc-title", "answer": "#chat .answer-text",
         "chip": "#chat .answer .cite-chip", "related chip": "#chat .cite-related",
         "panel label": "#cite-panel .panel-label", "panel text": "#cite-panel .panel-text",
         "panel path": "#cite-panel .panel-path"}


def open_page(browser, url: str, view: str = "desktop", scheme: str = "light"):
    context = browser.new_context(viewport=VIEWS[view], color_scheme=scheme, device_scale_factor=1)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.split("?")[0].rstrip("/"))
    page = context.new_page()
    page.outside, page.dialogs = [], []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    page.wait_for_selector("#question textarea")
    return page


def ask(page, question: str):
    before = page.locator("#chat .answer, #chat .note").count()
    page.fill("#question textarea", question)
    page.click("#ask-btn")
    answer = page.locator("#chat .answer, #chat .note").nth(before)
    answer.wait_for(timeout=ANSWER_TIMEOUT)
    return answer


def panel_shows(page, label: str) -> None:
    page.wait_for_function("label => { const p = document.querySelector('#cite-panel .panel-label');"
                           " return p && p.getAttribute('data-label') === label; }", arg=label, timeout=30_000)


def in_viewport(page, selector: str) -> bool:
    return page.evaluate("""s => { const r = document.querySelector(s).getBoundingClientRect();
        return r.top < innerHeight && r.bottom > 0 && r.left < innerWidth && r.right > 0; }""", selector)


def settle(page) -> None:
    page.wait_for_function("document.querySelectorAll('.pending').length === 0", timeout=15_000)
    page.wait_for_timeout(400)


@pytest.fixture(params=[(v, s) for v in VIEWS for s in ("light", "dark")], ids=lambda p: f"{p[0]}-{p[1]}")
def view(request, browser, app_url):
    page = open_page(browser, app_url, *request.param)
    page.view = request.param
    yield page
    page.context.close()


def test_the_title_is_in_view_on_load_and_a_chip_opens_its_passage_where_the_reader_is(view):
    assert view.evaluate("document.documentElement.lang").startswith("zh")
    assert in_viewport(view, ".app-title")  # no autofocus scroll
    answer = ask(view, "香港2030年需要多少算力？")
    chip = answer.locator(".cite-chip", has_text="第14段")
    chip.scroll_into_view_if_needed()
    chip.click()
    panel_shows(view, "14")
    view.wait_for_timeout(400)  # the scroll to the panel
    assert in_viewport(view, "#cite-panel .panel-text")
    if view.view == ("phone", "dark"):
        settle(view)
        view.screenshot(path=str(SHOTS / "app-phone.png"))
        view.locator(".sheet-close").click()  # and back to the chat
        view.wait_for_timeout(400)
        assert in_viewport(view, "#chat")


def test_text_contrast_is_at_least_4_5_to_1(view):
    ask(view, "香港2030年需要多少算力？")
    panel_shows(view, "15")
    settle(view)
    ratios = {name: view.locator(css).first.evaluate(CONTRAST_JS) for name, css in NAMED.items()}
    assert {name: r for name, r in ratios.items() if r < 4.5} == {}, ratios
    if view.view == ("desktop", "dark"):
        view.evaluate("scrollTo(0, 0)")
        view.wait_for_timeout(300)
        view.screenshot(path=str(SHOTS / "app-dark.png"))


def test_a_q_link_asks_and_a_cite_link_opens_the_passage(browser, app_url):
    page = open_page(browser, app_url + "?q=" + quote("“智方便”有多少登记用户？"))
    try:
        page.locator("#chat .answer").first.wait_for(timeout=ANSWER_TIMEOUT)
        assert "340萬" in page.locator("#chat .answer").first.inner_text()
        for cite, label in (("15", "15"), ("CB(2)1292/2025:fn6", "fn6")):
            page.goto(app_url + "?cite=" + quote(cite))
            panel_shows(page, label)
    finally:
        page.context.close()


def test_asking_and_opening_keep_the_address_a_permalink(browser, app_url):
    page = open_page(browser, app_url)
    try:
        answer = ask(page, "香港2030年需要多少算力？")
        page.wait_for_function("location.search.includes('q=')", timeout=15_000)
        answer.locator(".cite-chip", has_text="第14段").click()
        page.wait_for_function("decodeURIComponent(location.search).includes('cite=CB(2)1292/2025:14')",
                               timeout=15_000)
    finally:
        page.context.close()


def test_copy_buttons_put_the_quote_with_its_full_citation_on_the_clipboard(browser, app_url):
    page = open_page(browser, app_url)
    try:
        answer = ask(page, "香港2030年需要多少算力？")
        answer.locator(".copy-btn").click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert "(CB(2)1292/2025，第15段)" in copied and "15 000 PFLOPS" in copied
        english = ask(page, "How many registered users does iAM Smart have?")
        english.locator(".copy-btn").click()
        assert "(LC Paper CB(2)1292/2025, para. 48)" in page.evaluate("navigator.clipboard.readText()")
        page.locator("#cite-panel .copy-btn").click()
        assert page.evaluate("navigator.clipboard.readText()").endswith("(CB(2)1292/2025，第48段)")
    finally:
        page.context.close()


def test_the_export_holds_every_quote_and_the_history_survives_a_reload_until_cleared(browser, app_url, tmp_path):
    page = open_page(browser, app_url)
    try:
        ask(page, "香港2030年需要多少算力？")
        ask(page, "How many registered users does iAM Smart have?")
        with page.expect_download() as download:
            page.click("#export-btn")
        markdown = (download.value.path() and open(download.value.path(), encoding="utf-8").read())
        assert "發展智慧城市事宜小組委員會報告" in markdown and "2025-06-25" in markdown
        assert "(CB(2)1292/2025，第15段)" in markdown and "(LC Paper CB(2)1292/2025, para. 48)" in markdown

        page.goto(app_url)  # a reload without a ?q=: the conversation comes back from localStorage
        page.locator("#chat .answer").nth(1).wait_for(timeout=ANSWER_TIMEOUT)
        assert page.locator("#chat .answer").count() == 2
        page.click("#clear-btn")
        page.wait_for_function("!document.querySelector('#chat .answer')"
                               " && !document.querySelector('#cite-panel .panel-text')", timeout=15_000)
        page.goto(app_url)
        page.wait_for_timeout(2000)
        assert page.locator("#chat .answer").count() == 0
    finally:
        page.context.close()


def test_the_evaluation_tab_runs_the_test_split_and_shows_the_table_chart_and_missed_questions(browser, app_url):
    page = open_page(browser, app_url)
    try:
        page.get_by_role("tab", name="評估 · Evaluation").click()
        assert page.locator("#eval-split input[value=test]").is_checked()
        page.click("#eval-run")
        page.wait_for_function("document.querySelector('#eval-summary').innerText.includes('split test')",
                               timeout=EVAL_TIMEOUT)
        table = page.locator("#eval-table").inner_text()
        for column in ("hit@1", "mrr@10", "ndcg@10", "abstain_on_none"):
            assert column in table
        for group in ("overall", "lang=en", "lang=yue"):
            assert group in table
        page.locator("#eval-chart canvas, #eval-chart svg").first.wait_for(timeout=30_000)
        cells = page.locator("#eval-missed .virtual-row").first.locator("[role=gridcell]")
        if "0 題答錯" not in page.locator("#eval-summary").inner_text():  # a missed question opens on a click
            missed_id = cells.first.inner_text().strip()
            cells.nth(3).click()
            page.wait_for_function("id => (document.querySelector('#eval-case .eval-why') || {}).textContent"
                                   "?.startsWith(id)", arg=missed_id, timeout=15_000)
            assert page.locator("#eval-case .eval-ranked .cite-chip").count() >= 1
        settle(page)
        page.locator("#eval-summary").evaluate("e => e.scrollIntoView({block: 'start'})")
        page.screenshot(path=str(SHOTS / "app-evaluation.png"))
    finally:
        page.context.close()
