"""LegCo papers beyond the bundled report: every numbering scheme, English and HTML papers, and
metadata read from the paper itself. The fixtures are stand-ins for the formats, not the targets."""
from __future__ import annotations

import re
import warnings
from collections import Counter
from pathlib import Path

import pytest

from ingest.chunk import sentences
from ingest.furniture import PAGE_NUMBER
from ingest.metadata import committee_in, doc_id_in
from ingest.parse import load_report, parse_layout, parse_report
from ingest.read import ReportWarning, read_report

FIXTURES = Path(__file__).parent / "fixtures"
ZH = FIXTURES / "paper-1.1.zh-Hant.txt"  # sections 一、, paragraphs 1.1, items (a), a page header, a summary
EN = FIXTURES / "paper-abc.en.md"  # sections A.–D., paragraphs 1.–6., items (1), notes [1]–[3], Markdown
HTML = FIXTURES / "paper-transport.en.html"


def labelled(path: Path) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # well-formed papers stating their numbers read without a warning
        _, passages = load_report(path)
    return {p.label: p for p in passages}


# --- a Chinese paper numbered 1.1 under sections 一、 -------------------------------------------------

def test_dotted_paragraph_numbers_are_labels_and_sub_items_hang_from_them():
    assert list(labelled(ZH)) == ["summary", "1.1", "1.2", "1.2(a)", "1.2(b)", "1.2(c)",
                                  "2.1", "2.2", "2.3", "3.1", "fn1"]


def test_text_before_the_first_numbered_paragraph_is_kept_under_its_heading():
    summary = labelled(ZH)["summary"]
    assert summary.section == ("摘要",)
    assert summary.text == "本文件簡述政府當局推展數碼基建的工作，並載列委員在2026年1月12日會議上提出的關注。"


def test_numbered_sections_are_the_top_of_the_heading_path():
    by_label = labelled(ZH)
    assert by_label["1.2(a)"].section == ("一、引言",)
    assert by_label["2.3"].section == ("二、落實進度",)


def test_page_header_and_page_number_are_not_read_as_text():
    texts = [p.text for p in labelled(ZH).values()]
    assert not any("本處檔號" in t or "- 2 -" in t for t in texts)


def test_paragraph_cut_by_a_page_break_is_rejoined_without_a_space():
    assert labelled(ZH)["2.2"].text.endswith("而私營網絡營辦商亦會獲資助鋪設光纖至偏遠地區。委員關注工程進度，並要求當局定期匯報。")


# --- an English paper: A./1./(1) and [n] notes ---------------------------------------------------

def test_english_paper_labels():
    assert list(labelled(EN)) == ["1", "2", "3", "3(1)", "3(2)", "3(3)", "4", "5", "6", "fn1", "fn2", "fn3", "annex1"]


def test_a_section_heading_is_not_glued_to_paragraph_1():
    para1 = labelled(EN)["1"]
    assert para1.section == ("A. Purpose",)
    assert para1.text.startswith("This paper reports on the deliberations of the Bills Committee")


def test_bracketed_note_markers_link_the_notes_and_leave_the_text():
    by_label = labelled(EN)
    assert by_label["1"].footnotes == ("fn1",) and "[1]" not in by_label["1"].text
    assert by_label["fn2"].text == "LC Paper No. CB(2)111/24-25."


def test_markdown_emphasis_and_heading_marks_are_removed():
    for p in labelled(EN).values():
        assert not re.search(r"[*#_`]", p.text + "".join(p.section)), p


def test_an_annex_is_labelled_annex():
    annex = labelled(EN)["annex1"]
    assert annex.section[0] == "Annex 1" and "Hon Elizabeth QUAT" in annex.text


def test_english_sentences_split_on_english_punctuation_and_keep_abbreviations():
    text = labelled(EN)["2"].text
    assert [text[a:b] for a, b in sentences(text)] == [
        "The Bill was introduced into the Legislative Council on 11 December 2024.",
        "It seeks to protect the security of the computer systems of critical infrastructures, i.e. those "
        "essential to the continuous delivery of essential services in Hong Kong."]


# --- an HTML paper ----------------------------------------------------------------------------------

def test_an_html_paper_is_read_as_paragraphs_without_markup_or_scripts():
    by_label = labelled(HTML)
    assert list(by_label) == ["1", "2", "2(a)", "2(b)", "3", "4", "fn1"]
    assert by_label["3"].text == "The Administration will extend the system to Hong Kong Island in 2027."
    assert by_label["1"].footnotes == ("fn1",)
    assert not any("var x" in p.text or "<" in p.text for p in by_label.values())


# --- metadata from the paper itself, the sidecar overriding it ----------------------------------------

@pytest.mark.parametrize("path, doc_id, title, date, lang, committee", [
    (ZH, "CB(3)710/2026(06)", "數碼基建發展最新情況", "2026-01-08", "zh-Hant", "資訊科技及廣播事務委員會"),
    (EN, "CB(2)1292/24-25", "Report on the Protection of Critical Infrastructures (Computer Systems) Bill",
     "2025-06-20", "en", "Panel on Security"),
    (HTML, "CB(4)456/25-26(03)", "Smart Mobility Roadmap: progress update", "", "en", "Panel on Transport"),
])
def test_metadata_comes_from_the_paper(path, doc_id, title, date, lang, committee):
    doc, _ = read_report(path)
    assert (doc.doc_id, doc.title, doc.date, doc.lang, doc.committee) == (doc_id, title, date, lang, committee)
    assert re.fullmatch(r"[0-9a-f]{64}", doc.checksum)


def test_the_sidecar_overrides_the_paper_and_may_give_a_url(tmp_path):
    copy = tmp_path / "paper.md"
    copy.write_bytes(EN.read_bytes())
    (tmp_path / "paper.json").write_text('{"committee": "Bills Committee", "url": "https://www.legco.gov.hk/x.pdf"}',
                                         encoding="utf-8")
    doc, _ = read_report(copy)
    assert (doc.doc_id, doc.committee, doc.url) == ("CB(2)1292/24-25", "Bills Committee", "https://www.legco.gov.hk/x.pdf")


@pytest.mark.parametrize("line, paper", [
    ("立法會CB(3)710/2026(06)號文件", "CB(3)710/2026(06)"),
    ("立法會 CB(2)1292/2025 號文件", "CB(2)1292/2025"),
    ("LC Paper No. CB(2)1292/24-25", "CB(2)1292/24-25"),
    ("LC Paper No. CB(4) 123/20-21(01)", "CB(4)123/20-21(01)"),
    ("LC Paper No. ESC45/24-25", "ESC45/24-25"),
    ("Legislative Council Panel on Security", ""),
])
def test_paper_numbers_in_the_council_s_wordings(line, paper):
    assert doc_id_in(f"\n{line}\n\n標題\n") == paper


@pytest.mark.parametrize("text, committee", [
    ("立法會資訊科技及廣播事務委員會\n智慧城市", "資訊科技及廣播事務委員會"),
    ("Legislative Council Panel on Information Technology and Broadcasting\nMeeting on 3 May 2026",
     "Panel on Information Technology and Broadcasting"),
    ("Bills Committee on Protection of Critical Infrastructures (Computer Systems) Bill", ""),
])
def test_the_committee_is_named_in_the_front_matter(text, committee):
    found = committee_in(text)
    assert found == committee or (not committee and found.startswith("Bills Committee on Protection"))


def test_without_a_paper_number_the_file_name_is_the_doc_id_and_a_warning_says_so(tmp_path):
    path = tmp_path / "minutes.txt"
    path.write_text("目的\n\n1. 本文件旨在匯報。\n", encoding="utf-8")
    with pytest.warns(ReportWarning, match=r"'minutes.txt' states no paper number.*cited as 'minutes'"):
        doc, _ = read_report(path)
    assert doc.doc_id == "minutes"


# --- numbering rules on small inputs --------------------------------------------------------------------

@pytest.mark.parametrize("text, labels", [
    ("Introduction\n\nThis paper sets out the plan.\n\n1. First.\n", ["intro", "1"]),
    ("Executive Summary\n\nIn short.\n\nA. Purpose\n\n1. First.\n", ["summary", "1"]),
    ("目的\n\n本文件旨在匯報。\n\n背景\n\n2. 第二段。\n", ["1", "2"]),  # LegCo reports leave paragraph 1 unnumbered
    ("Purpose\n\nThis paper reports.\n\n1.1 First.\n", ["purpose", "1.1"]),
    ("1.1 甲。\n\n1.1.1 乙。\n\n1.1.2 丙。\n\n1.2 丁。\n\n2.1 戊。\n", ["1.1", "1.1.1", "1.1.2", "1.2", "2.1"]),
    ("1. 甲：\n\n(i) 乙；\n\n(ii) 丙。\n\n2. 丁：\n\n（一）戊；\n\n（二）己。\n", ["1", "1(i)", "1(ii)", "2", "2(一)", "2(二)"]),
    ("1. 甲。¹\n\n2. 乙。\n\n註1： 丙。\n", ["1", "2", "fn1"]),
    ("1. Text.\n\n2. More.\n\n附件1\n\n甲\n\n乙\n\n附錄1\n\n丙\n\n丁\n", ["1", "2", "annex1", "appendix1"]),
    ("1. Introduction\n\n1.1 The Bill.\n\n2. Deliberations\n\n2.1 Members asked.\n", ["1.1", "2.1"]),
])
def test_numbering_schemes_map_to_labels(text, labels):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [p.label for p in parse_report(text, "X")] == labels


def test_a_numbered_section_heading_heads_its_dotted_paragraphs():
    text = "1. Introduction\n\n1.1 The Bill.\n\n2. Deliberations\n\n2.1 Members asked:\n\n(a) one.\n"
    assert [(p.label, p.section) for p in parse_report(text, "X")] == [
        ("1.1", ("1. Introduction",)), ("2.1", ("2. Deliberations",)), ("2.1(a)", ("2. Deliberations",))]


def test_a_number_out_of_sequence_is_named_in_a_warning_and_kept_as_text():
    with pytest.warns(ReportWarning, match=r"out of sequence read as text of the paragraph before "
                                           r"\(first at line 5: '1.5 錯。'\)"):
        passages = parse_report("1.1 甲。\n\n1.2 乙。\n\n1.5 錯。\n\n1.3 丙。\n", "X")
    assert [(p.label, p.text) for p in passages] == [("1.1", "甲。"), ("1.2", "乙。1.5 錯。"), ("1.3", "丙。")]


# --- nothing silently dropped -------------------------------------------------------------------------

def _characters(text: str) -> Counter:
    """What must survive parsing: every character but spaces, markup, link targets, page numbers,
    list bullets, note-marker punctuation and the dot after a paragraph number (the label keeps the number)."""
    text = "\n".join(line for line in text.splitlines() if not PAGE_NUMBER.fullmatch(line.strip()))
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"(?m)^\s*[-•‧·]\s+(?=[(（])", "", text)  # list bullets
    text = re.sub(r"(?m)^\s*(?:[-•]\s*)?(\d{1,3}(?:\.\d{1,3})*)[.．]", r"\1", text)
    text = text.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))
    return Counter(re.sub(r"[\s*#_`\[\]]|註", "", text))


@pytest.mark.parametrize("path", [ZH, EN, HTML, FIXTURES / "mini-report.zh-Hant.txt"],
                         ids=lambda p: p.name)
def test_every_character_read_is_in_a_passage_a_label_a_heading_the_front_matter_or_the_signature(path):
    doc, text = read_report(path)
    layout = parse_layout(text, doc.doc_id)
    out = "".join(p.text + p.label + "".join(p.section + p.footnotes) for p in layout.passages)
    out += "".join(layout.headings + layout.front + layout.signature)
    assert _characters(text) - _characters(out) == Counter()


@pytest.mark.parametrize("text, expected", [
    ("Mr. Chan said so. Dr. Lee agreed.", ["Mr. Chan said so.", "Dr. Lee agreed."]),
    ("The U.S. and the U.K. agreed. Then more.", ["The U.S. and the U.K. agreed.", "Then more."]),
    ('He said "Yes." Then left.', ['He said "Yes."', "Then left."]),
    ('"Really?" she asked. Yes!', ['"Really?" she asked.', "Yes!"]),
    ("The Bill is in Annex A. It has 3 parts.", ["The Bill is in Annex A.", "It has 3 parts."]),
    ("It costs $5.5 million, approx. 2% of the total. Noted.", ["It costs $5.5 million, approx. 2% of the total.", "Noted."]),
    ("Hon. Mrs Regina IP spoke; the Panel agreed.", ["Hon. Mrs Regina IP spoke;", "the Panel agreed."]),
])
def test_english_sentence_ends(text, expected):
    assert [text[a:b] for a, b in sentences(text)] == expected
