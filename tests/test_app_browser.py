"""The app in a real browser: ask in Chinese and English, click citations, read the report.

Drives Debian's chromium (never `playwright install`); screenshots go to artifacts/screenshots/
and the README's picture to docs/screenshot.png.
"""
from __future__ import annotations

import os
import shutil

import pytest

from app_server import ROOT, guarded_page

pytestmark = [pytest.mark.browser, pytest.mark.model]

SHOTS = ROOT / "artifacts" / "screenshots"
README_SHOT = ROOT / "docs" / "screenshot.png"
ANSWER_TIMEOUT = 120_000  # ms: the first question also warms the model up


@pytest.fixture()
def page(browser, app_url):
    """A fresh page on the app that refuses (and records) any request off this machine."""
    page = guarded_page(browser, app_url)
    yield page
    page.context.close()


def ask(page, question: str):
    """Type a question, send it, and return the new answer bubble once it has arrived."""
    before = page.locator("#chat .answer, #chat .note").count()
    page.fill("#question textarea", question)
    page.click("#ask-btn")
    answer = page.locator("#chat .answer, #chat .note").nth(before)
    answer.wait_for(timeout=ANSWER_TIMEOUT)
    return answer


def chips(answer) -> list[str]:
    return [t.strip() for t in answer.locator(".cite-chip.cite-cited").all_inner_texts()]


def settle(page) -> None:
    """Wait until no output is still loading (Gradio dims those), so a screenshot shows the result."""
    page.wait_for_function("document.querySelectorAll('.pending').length === 0", timeout=15_000)
    page.wait_for_timeout(300)


def panel_shows(page, label: str, text: str) -> None:
    page.wait_for_function(
        "([label, text]) => { const p = document.querySelector('#cite-panel .cite-panel');"
        " return p && p.querySelector('.panel-label').textContent.startsWith(label)"
        " && p.querySelector('.panel-text').textContent.includes(text); }",
        arg=[label, text], timeout=15_000)


def test_chinese_question_cites_paragraph_15_and_opens_it(page):
    answer = ask(page, "香港2030年需要多少算力？")
    assert "第15段" in chips(answer)
    assert "15 000 PFLOPS" in answer.inner_text()

    # The first citation opens by itself; its footnote is a chip in the panel…
    panel_shows(page, "第15段", "15 000 PFLOPS")
    page.locator("#cite-panel .fn-list .cite-chip", has_text="註6").click()
    panel_shows(page, "註6", "PFLOPS")
    # …and the chip in the answer brings paragraph 15 back, the quoted sentence marked.
    answer.locator(".cite-chip.cite-cited", has_text="第15段").click()
    panel_shows(page, "第15段", "15 000 PFLOPS")
    assert "2030年將需要約15 000 PFLOPS" in page.locator("#cite-panel mark").first.inner_text()
    assert "人工智能超算中心" in page.locator("#cite-panel .panel-path").inner_text()

    SHOTS.mkdir(parents=True, exist_ok=True)
    settle(page)
    page.screenshot(path=str(SHOTS / "01-zh-answer.png"))
    if os.environ.get("LEGCO_RAG_UPDATE_SCREENSHOT"):  # refresh the README's picture on purpose only
        shutil.copyfile(SHOTS / "01-zh-answer.png", README_SHOT)
    assert page.outside == []


def test_english_question_cites_para_48_and_opens_it(page):
    answer = ask(page, "How many registered users does iAM Smart have?")
    assert "para. 48" in chips(answer)

    # Move the panel elsewhere first, so what follows is the chip's doing.
    page.locator("#cite-panel .cite-nav").last.click()
    page.wait_for_function("!document.querySelector('#cite-panel .panel-label')"
                           ".textContent.startsWith('第48段')", timeout=15_000)
    answer.locator(".cite-chip.cite-cited", has_text="para. 48").click()
    panel_shows(page, "第48段", "340萬登記用戶")
    assert "para. 48" in page.locator("#cite-panel .panel-label").inner_text()

    SHOTS.mkdir(parents=True, exist_ok=True)
    settle(page)
    page.screenshot(path=str(SHOTS / "02-en-answer.png"))
    assert page.outside == []


def test_cantonese_question_gets_an_answer_with_citations(page):
    answer = ask(page, "醫院會唔會用AI幫醫生睇症？")
    assert chips(answer), answer.inner_text()


def test_markup_in_a_question_is_shown_as_text_not_run(page):
    question = '<script>alert("x")</script><img src=x onerror="alert(1)"> 智方便'
    ask(page, question)
    bubble = page.locator("#chat .q-text").last
    assert '<script>alert("x")</script>' in bubble.inner_text()
    assert bubble.locator("img, script").count() == 0
    assert page.dialogs == []


def test_empty_and_overlong_questions_get_a_friendly_message(page):
    note = ask(page, "   ")
    assert "請先輸入問題" in note.inner_text()
    note = ask(page, "算力" * 600)
    assert "keep it under" in note.inner_text() and "請少於 1000 字" in note.inner_text()  # the reason in both
    assert page.locator("#chat .cite-chip").count() == 0


def test_report_view_reads_around_an_opened_citation(page):
    ask(page, "香港2030年需要多少算力？")
    panel_shows(page, "第15段", "15 000 PFLOPS")
    page.get_by_role("tab", name="全文 · Read the report").click()
    current = page.locator("#report .rp.current")
    current.wait_for(timeout=15_000)
    assert "15 000 PFLOPS" in current.inner_text()
    assert page.locator("#report .rp", has_text="首階段設施").count() == 1  # paragraph 14 beside it
    page.locator("#report .rp .cite-chip", has_text="第14段").click()
    panel_shows(page, "第14段", "首階段設施")

    SHOTS.mkdir(parents=True, exist_ok=True)
    settle(page)
    page.screenshot(path=str(SHOTS / "03-report.png"))
    assert page.outside == []


def test_examples_are_in_view_on_load_and_clicking_one_asks_it(page):
    page.set_viewport_size({"width": 1366, "height": 900})
    examples = page.locator("#examples .example-q")
    assert examples.count() == 4
    for i in range(4):
        box = examples.nth(i).bounding_box()
        assert box["y"] + box["height"] <= 900, box
    examples.nth(3).click()
    answer = page.locator("#chat .answer").first
    answer.wait_for(timeout=ANSWER_TIMEOUT)
    assert "para. 48" in chips(answer)


def test_a_counter_shows_when_a_question_nears_the_limit(page):
    page.fill("#question textarea", "算" * 100)
    assert page.locator("#char-count").inner_text().strip() == ""
    page.fill("#question textarea", "算" * 900)
    page.wait_for_function("document.querySelector('#char-count').innerText.includes('900 / 1000')", timeout=5_000)
