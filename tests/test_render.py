"""assistant.render: escaping, highlight placement, citation chips, the panel and the report view."""
from __future__ import annotations

import re

import pytest

from assistant.answer import Answer, Quote
from assistant.render import (
    answer_copy_text, answer_html, chip_key, citation_chip, conversation_markdown, copy_button, eval_case_html,
    example_buttons, find_quote, highlight_html, message_html, neighbours, parse_chip_key, passage_html,
    question_html, quote_with_citation, reading_order, report_html, section_of, sections,
)
from assistant.retrieve import Hit
from ingest.passage import Document, Passage

DOC = "CB(2)1292/2025"
DOCUMENT = Document(DOC, "發展智慧城市事宜小組委員會報告", "2025-06-25")
SECTION = ("小組委員會的商議工作", "發展智慧城市的數字基礎建設", "人工智能超算中心")
P14 = Passage(DOC, "14", SECTION, "委員察悉，超算中心首階段設施已於2024年12月投入服務。")
P15 = Passage(DOC, "15", SECTION, "政府當局表示，超算中心會支援研發。當局委托的顧問預計，香港於2030年將需要約15 000 PFLOPS的算力。"
              "局方希望引入私人界別。", footnotes=("fn6",))
P16 = Passage(DOC, "16", SECTION, "委員關注到，人工智能發展涉及高耗電量。")
REC = Passage(DOC, "67(3)", ("建議", "數字基礎建設"), "增加算力資源(參閱上文第15段)；", refs=("15",))
FN6 = Passage(DOC, "fn6", SECTION, "算力單位為PFLOPS(即每秒浮點運算1千萬億次)。")
EVIL = Passage(DOC, "7", ("<b>標題</b>",), '有人寫了<script>alert("x")</script>和<img src=x onerror=alert(1)>。')
PASSAGES = (P14, P15, P16, REC, FN6)

QUOTE = "當局委托的顧問預計，香港於2030年將需要約15 000 PFLOPS的算力。"


def answer(lang="zh-Hant", text=f"報告指出：\n「{QUOTE}」〔第15段〕", quotes=(Quote(QUOTE, "15", DOC),),
           hits=(Hit(P15, 1.2), Hit(P16, 1.0)), answerable=True, flagged=()):
    return Answer("香港2030年需要多少算力？", lang, text, answerable, quotes, hits, flagged)


def chip_keys(html: str) -> list[str]:
    return re.findall(r'class="cite-chip[^"]*" value="([^"]*)"', html)


def chip_texts(html: str) -> list[str]:
    return re.findall(r'<button type="button" class="cite-chip[^>]*>([^<]*)</button>', html)


# ---- escaping ----------------------------------------------------------------------------------

def test_script_in_a_passage_is_shown_as_text():
    html = passage_html(EVIL, DOCUMENT)
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;標題&lt;/b&gt;" in html


def test_script_in_the_report_view_is_shown_as_text():
    html = report_html((EVIL,), {DOC: DOCUMENT})
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_script_in_a_question_or_message_is_shown_as_text():
    assert "<script>" not in question_html("<script>alert(1)</script>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in question_html("<script>alert(1)</script>")
    assert "<img" not in message_html("<img src=x onerror=alert(1)>")


def test_script_in_an_answer_text_or_flag_is_shown_as_text():
    html = answer_html(answer(text="<script>x</script>〔第15段〕", flagged=("<b>llm</b> down",)), 0)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "&lt;b&gt;llm&lt;/b&gt; down" in html


def test_quotes_in_a_document_id_cannot_break_out_of_the_chip_attribute():
    html = citation_chip('X" onclick="alert(1)', "15")
    assert 'onclick="alert' not in html
    assert chip_keys(html) == ["|X&quot; onclick=&quot;alert(1)|15"]


def test_html_has_no_blank_line_for_markdown_to_break_on():
    long = Passage(DOC, "2", ("背景",), "第一行\n\n第二行")
    for html in (passage_html(long), report_html((long,)), answer_html(answer(text="a\n\nb"), 0),
                 question_html("a\n\nb")):
        assert "\n" not in html


# ---- highlighting ------------------------------------------------------------------------------

def test_the_quoted_sentence_is_marked_where_it_is_in_the_passage():
    html = highlight_html(P15.text, [QUOTE])
    assert html == ("政府當局表示，超算中心會支援研發。<mark>" + QUOTE + "</mark>局方希望引入私人界別。")


def test_a_quote_at_the_start_or_end_is_marked():
    assert highlight_html("甲。乙。", ["甲。"]) == "<mark>甲。</mark>乙。"
    assert highlight_html("甲。乙。", ["乙。"]) == "甲。<mark>乙。</mark>"


def test_text_around_and_inside_the_mark_is_escaped():
    assert highlight_html("a<b>c<d>e", ["c<d>"]) == "a&lt;b&gt;<mark>c&lt;d&gt;</mark>e"


def test_a_quote_not_in_the_passage_marks_nothing():
    assert highlight_html("甲乙丙", ["丁"]) == "甲乙丙"
    assert highlight_html("甲乙丙", [""]) == "甲乙丙"


def test_a_quote_differing_only_in_white_space_is_still_found():
    assert find_quote("約15 000\nPFLOPS的算力", "15 000 PFLOPS") == (1, 14)


def test_two_quotes_are_both_marked_and_overlapping_ones_merged():
    assert highlight_html("甲。乙。丙。", ["甲。", "丙。"]) == "<mark>甲。</mark>乙。<mark>丙。</mark>"
    assert highlight_html("甲乙丙丁", ["甲乙", "乙丙"]) == "<mark>甲乙丙</mark>丁"


# ---- chips -------------------------------------------------------------------------------------

@pytest.mark.parametrize("label, lang, shown", [
    ("15", "zh-Hant", "第15段"), ("15", "yue", "第15段"), ("15", "zh-Hans", "第15段"), ("15", "en", "para. 15"),
    ("67(5)", "zh-Hant", "第67(5)段"), ("67(5)", "en", "para. 67(5)"), ("fn6", "zh-Hant", "註6"), ("fn6", "en", "footnote 6"),
    ("appendix2", "zh-Hant", "附錄2"), ("appendix2", "en", "Appendix 2"),
])
def test_a_chip_shows_the_citation_in_the_reports_form(label, lang, shown):
    assert chip_texts(citation_chip(DOC, label, lang)) == [shown]


@pytest.mark.parametrize("key, parsed", [
    ("0|CB(2)1292/2025|15", (0, DOC, "15")),
    ("|CB(2)1292/2025|fn6", (None, DOC, "fn6")),
    ("12|CB(2)1292/2025|67(5)", (12, DOC, "67(5)")),
])
def test_chip_keys_round_trip(key, parsed):
    assert parse_chip_key(key) == parsed
    assert chip_key(parsed[1], parsed[2], parsed[0]) == key


@pytest.mark.parametrize("key", [None, "", "15", "x|CB|15", "0||15", "0|CB|", 15, "-1|CB|15"])
def test_a_malformed_chip_key_is_refused(key):
    with pytest.raises(ValueError):
        parse_chip_key(key)


def test_each_citation_is_shown_once_inline_then_the_other_hits():
    html = answer_html(answer(), turn=3)
    text, related = html.split('class="chips chips-related"')
    assert 'class="chips"' not in text  # no second row repeating the inline chip
    assert chip_texts(text) == ["第15段"]
    assert chip_texts(related) == ["第16段"]
    assert chip_keys(html) == [f"3|{DOC}|15", f"3|{DOC}|16"]


def test_a_quote_the_text_does_not_cite_inline_gets_a_chip_in_the_citations_row():
    html = answer_html(answer(text="報告指出：一句話。"), turn=0)
    row = html.split('<div class="chips">')[1]
    assert chip_texts(row.split("chips-related")[0]) == ["第15段"]


def test_the_bracketed_citation_in_the_answer_text_becomes_a_chip():
    html = answer_html(answer(), turn=0)
    text = html.split('<div class="chips')[0]
    assert "〔第15段〕" not in text
    assert f"「{QUOTE}」" in text
    assert chip_texts(text) == ["第15段"]


def test_an_english_answer_has_english_chips():
    html = answer_html(answer(lang="en", text=f"The report says:\n“{QUOTE}” [para. 15]"), 0)
    assert "[para. 15]" not in html
    assert chip_texts(html) == ["para. 15", "para. 16"]


def test_an_unanswerable_answer_offers_the_closest_passages_as_chips():
    html = answer_html(answer(answerable=False, quotes=(), text="報告似乎沒有談及這個問題。"), 0)
    assert "answer-weak" in html
    assert "相關段落 Closest passages" in html
    assert chip_texts(html) == ["第15段", "第16段"]


# ---- the panel ---------------------------------------------------------------------------------

def test_the_panel_shows_document_label_path_and_text():
    html = passage_html(P15, DOCUMENT, [QUOTE])
    for part in ("發展智慧城市事宜小組委員會報告", DOC, "2025-06-25", "第15段", "para. 15",
                 "小組委員會的商議工作 › 發展智慧城市的數字基礎建設 › 人工智能超算中心", f"<mark>{QUOTE}</mark>"):
        assert part in html


def test_the_panel_lists_footnotes_with_their_text_and_linked_passages_as_chips():
    html = passage_html(P15, DOCUMENT, (), linked=(FN6, REC), neighbours=(P14, P16))
    footnotes = html.split("註釋 Footnotes")[1].split("相關段落 Linked passages")[0]
    assert chip_texts(footnotes) == ["註6"] and "每秒浮點運算1千萬億次" in footnotes
    linked = html.split("相關段落 Linked passages")[1]
    assert chip_texts(linked)[0] == "第67(3)段"
    assert "提及本段 Refers to this" in linked
    assert chip_texts(html)[-2:] == ["← 上一段 第14段", "下一段 第16段 →"]
    assert f"|{DOC}|fn6" in chip_keys(html) and f"|{DOC}|67(3)" in chip_keys(html)


def test_the_panel_of_a_recommendation_links_back_to_its_paragraph():
    html = passage_html(REC, DOCUMENT, (), linked=(P15,))
    assert "本段提及 Referred to here" in html and "第15段" in chip_texts(html)


def test_neighbours_are_of_the_same_kind():
    assert neighbours(PASSAGES, P15) == (P14, P16)
    assert neighbours(PASSAGES, P14) == (None, P15)
    assert neighbours(PASSAGES, FN6) == (None, None)


# ---- the report view ---------------------------------------------------------------------------

def test_a_footnote_is_read_right_after_its_paragraph():
    assert [p.label for p in reading_order(PASSAGES)] == ["14", "15", "fn6", "16", "67(3)"]


def test_the_report_is_split_by_its_first_two_headings():
    assert section_of(P15) == SECTION[:2]
    assert sections(PASSAGES) == [(DOC, SECTION[:2]), (DOC, ("建議", "數字基礎建設"))]


def test_the_report_view_has_headings_once_and_marks_the_current_passage():
    html = report_html(PASSAGES, {DOC: DOCUMENT}, current=P15)
    assert html.count("人工智能超算中心</h5>") == 1
    assert html.count('class="rp current"') == 1
    assert re.search(r'class="rp current"[^>]*>.*?第15段', html)
    assert chip_texts(html) == ["第14段", "第15段", "註6", "第16段", "第67(3)段"]


def test_the_report_view_can_show_one_section():
    html = report_html(PASSAGES, {DOC: DOCUMENT}, section=(DOC, ("建議", "數字基礎建設")))
    assert chip_texts(html) == ["第67(3)段"]


def test_a_section_shows_everything_under_it_including_its_sub_sections():
    intro = Passage(DOC, "66", ("建議",), "小組委員會建議政府當局：")
    html = report_html((intro, *PASSAGES), {DOC: DOCUMENT}, section=(DOC, ("建議",)))
    assert chip_texts(html) == ["第66段", "第67(3)段"]


# ---- share and cite ----------------------------------------------------------------------------

@pytest.mark.parametrize("label, lang, copied", [
    ("15", "zh-Hant", "「一句。」(CB(2)1292/2025，第15段)"),
    ("fn6", "yue", "「一句。」(CB(2)1292/2025，註6)"),
    ("15", "en", '"一句。" (LC Paper CB(2)1292/2025, para. 15)'),
])
def test_a_copied_quote_carries_its_full_citation_with_the_paper_number(label, lang, copied):
    assert quote_with_citation("一句。", DOC, label, lang) == copied


def test_an_answers_copy_button_holds_each_quote_with_its_citation():
    html = answer_html(answer(), 0)
    assert answer_copy_text(answer()) == f"「{QUOTE}」({DOC}，第15段)"
    assert f'class="copy-btn" value="「{QUOTE}」({DOC}，第15段)"' in html


def test_an_answer_quoting_nothing_copies_its_own_text():
    weak = answer(answerable=False, quotes=(), text="報告似乎沒有談及這個問題。")
    assert answer_copy_text(weak) == "報告似乎沒有談及這個問題。"


def test_the_copy_button_escapes_its_text_and_keeps_newlines():
    html = copy_button('a"<b>\nc')
    assert 'value="a&quot;&lt;b&gt;&#10;c"' in html


def test_the_panel_has_a_copy_button_for_its_passage():
    assert f'value="「{P16.text}」({DOC}，第16段)"' in passage_html(P16, DOCUMENT)


def test_the_panel_links_to_the_official_document_only_for_a_web_address():
    class WithUrl:
        doc_id, title, date = DOC, "報告", "2025-06-25"
        url = "https://www.legco.gov.hk/x.pdf"

    assert 'href="https://www.legco.gov.hk/x.pdf"' in passage_html(P16, WithUrl())
    WithUrl.url = "javascript:alert(1)"
    assert "href=" not in passage_html(P16, WithUrl())
    assert "href=" not in passage_html(P16, DOCUMENT)


def test_the_exported_conversation_holds_the_report_every_question_quote_and_citation():
    en = answer(lang="en", text=f"The report says:\n「{QUOTE}」 [para. 15]")
    md = conversation_markdown([answer(), en], {DOC: DOCUMENT})
    assert "發展智慧城市事宜小組委員會報告 · CB(2)1292/2025 · 2025-06-25" in md
    assert "## 1. 香港2030年需要多少算力？" in md and "## 2. " in md
    assert f"> 「{QUOTE}」({DOC}，第15段)" in md
    assert f'> "{QUOTE}" (LC Paper {DOC}, para. 15)' in md


def test_example_questions_are_escaped_buttons():
    html = example_buttons(["<b>x</b>"])
    assert "<b>" not in html and 'value="&lt;b&gt;x&lt;/b&gt;"' in html


def test_a_missed_evaluation_question_shows_gold_and_ranked_passages_as_chips():
    case = {"id": "q1", "question": "<i>算力</i>？", "why": "top passage not gold", "gold": ["15"], "ranked": ["16", "15"]}
    html = eval_case_html(case, {(DOC, "15"): P15, (DOC, "16"): P16}, DOC)
    assert "<i>" not in html
    gold, ranked = html.split("排名 Ranked")
    assert chip_texts(gold) == ["第15段"]
    assert chip_texts(ranked) == ["第16段", "第15段"]
    assert ranked.count("✓ ") == 1 and ranked.index("✓ ") > ranked.index("第16段</button>")  # the gold one, second
