"""PDF papers: read by default, without their running headers and page numbers, paragraphs rejoined
across page breaks, and refused in one line when there is no text to read."""
from __future__ import annotations

import re
import warnings
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.cli import main
from ingest.furniture import strip_furniture
from ingest.lines import join, paragraphs
from ingest.parse import load_report
from ingest.passage import InputError
from ingest.read import ReportWarning, read_report
from paper_pdf import write_image_only_pdf, write_password_pdf, write_pdf, write_raised_note_pdf

HEADER = "本處檔號：CB4/PS/2/25"
PAGE_1 = [
    "立法會CB(3)710/2026(06)號文件",
    "數碼基建發展最新情況",
    "一、引言",
    "1.1 政府當局於2025年公布《數碼基建發展策略》，提出在五年內提升全港",
    "的寬頻網絡覆蓋率。",
    "1.2 The Administration said that the Smart City Blueprint would cover cyber-",
    "security and the digital economy, and that it would be updated in the",
    "first half of 2026.",
    "二、落實進度",
    "2.1 當局表示，第二期工程預計於2027年完成，屆時將額外涵蓋約200條村",
    "落，¹而私營網絡營辦商亦會獲資助鋪設光纖網絡，以及為偏遠地區的居民",
    "¹ 該200條村落位於新界北及離島區。",
]
PAGE_2 = [
    "提供上網服務。委員關注工程進度，並要求當局定期匯報。",
    "三、徵詢意見",
    "3.1 請委員察悉本文件的內容。",
]


@pytest.fixture(scope="module")
def two_pages(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "paper.pdf"
    write_pdf(path, [PAGE_1, PAGE_2], header=HEADER, footer="- {n} -")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a PDF stating its paper number reads without a warning
        doc, passages = load_report(path)
    return doc, {p.label: p for p in passages}


def test_a_pdf_is_read_without_any_extra_install(two_pages):
    doc, by_label = two_pages
    assert doc.doc_id == "CB(3)710/2026(06)"
    assert list(by_label) == ["1.1", "1.2", "2.1", "3.1", "fn1"]


def test_paragraph_cut_by_page_break_is_rejoined(two_pages):
    assert two_pages[1]["2.1"].text == ("當局表示，第二期工程預計於2027年完成，屆時將額外涵蓋約200條村落，"
                                        "而私營網絡營辦商亦會獲資助鋪設光纖網絡，以及為偏遠地區的居民提供上網服務。"
                                        "委員關注工程進度，並要求當局定期匯報。")


def test_footnote_at_the_foot_of_the_page_stays_out_of_the_paragraph_it_cut(two_pages):
    by_label = two_pages[1]
    assert by_label["2.1"].footnotes == ("fn1",)
    assert by_label["fn1"].text == "該200條村落位於新界北及離島區。"


def test_running_header_and_page_numbers_are_removed(two_pages):
    texts = " ".join(p.text + " ".join(p.section) for p in two_pages[1].values())
    assert "本處檔號" not in texts and "- 2 -" not in texts


def test_wrapped_english_lines_are_joined_with_a_space_and_a_broken_word_is_mended(two_pages):
    assert two_pages[1]["1.2"].text == ("The Administration said that the Smart City Blueprint would cover cybersecurity "
                                        "and the digital economy, and that it would be updated in the first half of 2026.")


def test_section_headings_head_the_paragraphs_under_them(two_pages):
    by_label = two_pages[1]
    assert [by_label[k].section for k in ("1.1", "2.1", "3.1")] == [("一、引言",), ("二、落實進度",), ("三、徵詢意見",)]


def test_nothing_but_the_furniture_is_lost(tmp_path):
    path = write_pdf(tmp_path / "p.pdf", [PAGE_1, PAGE_2], header=HEADER, footer="- {n} -")
    _, text = read_report(path)

    def chars(s: str) -> str:
        return "".join(sorted(re.sub(r"\s|-(?=\n)", "", s)))

    written = "\n".join(PAGE_1 + PAGE_2)
    assert chars(text) == chars(written)


def test_a_raised_small_digit_is_a_footnote_mark_not_text(tmp_path):
    with pytest.warns(ReportWarning, match="states no paper number"):
        _, passages = load_report(write_raised_note_pdf(tmp_path / "notes.pdf"))
    by_label = {p.label: p for p in passages}
    assert list(by_label) == ["4", "fn2"]
    assert by_label["4"].text == "當局設立數字政策辦公室。政府亦積極運用先進科技，目標是於2025年推出100個項目。"
    assert by_label["4"].footnotes == ("fn2",)
    assert by_label["fn2"].text == "數字辦負責制訂政策。"


# --- the pieces, on their own ----------------------------------------------------------------------

def test_a_line_on_most_pages_is_furniture_but_only_at_the_edges():
    words = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉亥"
    bodies = [[f"{c}。" for c in words[n:n + 3]] + ["委員會"] + [f"{c}。" for c in words[n + 10:n + 13]] for n in range(5)]
    pages = ["\n".join([f"CB(3)710/2026({n:02d})", *body, f"- {n} -"]) for n, body in enumerate(bodies, 1)]
    cleaned = strip_furniture(pages)
    assert cleaned.pages == bodies  # "委員會" recurs on every page too, but mid-page
    assert cleaned.removed.count("- 3 -") == 1 and len(cleaned.removed) == 10


def test_a_one_page_paper_keeps_its_first_line():
    assert strip_furniture(["立法會CB(3)710/2026(06)號文件\n正文。"]).pages == [["立法會CB(3)710/2026(06)號文件", "正文。"]]


@pytest.mark.parametrize("left, right, joined", [
    ("政府當局", "表示", "政府當局表示"),
    ("the Hong", "Kong Government", "the Hong Kong Government"),
    ("cyber-", "security", "cybersecurity"),
    ("Kowloon-", "Canton Railway", "Kowloon- Canton Railway"),  # a capital after the hyphen: not a broken word
    ("第2.1段所述的", "Smart City", "第2.1段所述的Smart City"),
    ("數字辦，", "and", "數字辦，and"),
])
def test_lines_are_joined_as_their_language_wants(left, right, joined):
    assert join(left, right) == joined


def test_a_numbered_line_starts_a_new_paragraph_even_after_a_full_line():
    lines = ["1. 政府當局表示會繼續致力落實多項便民利商的措施讓市民受惠", "2. 另一段。"]
    assert paragraphs([lines]) == lines


def test_a_short_line_after_a_finished_sentence_is_a_heading_not_its_tail():
    lines = ["1. 政府當局表示會繼續致力落實多項便民利商的措施讓市民受惠。", "背景", "2. 另一段。"]
    assert paragraphs([lines]) == lines


# --- PDFs that cannot be read: one line naming the file and the fix ---------------------------------

def test_a_scanned_pdf_is_refused_as_needing_ocr(tmp_path):
    path = write_image_only_pdf(tmp_path / "scan.pdf")
    with pytest.raises(InputError, match=r"^PDF 'scan.pdf' has no text layer .*needs OCR"):
        load_report(path)


def test_a_password_protected_pdf_is_refused_by_name(tmp_path):
    path = write_password_pdf(tmp_path / "locked.pdf")
    with pytest.raises(InputError, match=r"^PDF 'locked.pdf' is password-protected: save an unprotected copy"):
        load_report(path)


@pytest.mark.parametrize("content", [b"%PDF-1.7\n%garbage", b"not a pdf at all", b"%PDF-1.4\n1 0 obj\n<<"])
def test_a_damaged_pdf_is_refused_by_name(tmp_path, content):
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)
    with pytest.raises(InputError, match=r"^PDF 'broken.pdf' is damaged or not a PDF .*download it again"):
        load_report(path)


@pytest.mark.parametrize("make", [write_image_only_pdf, write_password_pdf])
def test_the_cli_refuses_an_unreadable_pdf_in_one_line_and_builds_nothing(tmp_path, capsys, make):
    path = make(tmp_path / "bad.pdf")
    code = main(["build", str(path), "--index", str(tmp_path / "index"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("legco-rag: error: PDF 'bad.pdf'") and err.count("\n") == 1, err
    assert not (tmp_path / "index").exists()


# --- whatever the pages, only furniture leaves them ----------------------------------------------------

_PAGE_LINE = st.one_of(st.sampled_from(["本處檔號：CB1/HS/1/22", "- 2 -", "第 3 頁", "Page 4 of 9", "1.1 政府當局表示",
                                        "(a) 甲；", "¹ 註。", "[2] Note.", "cyber-", "security", "背景", "。", ""]),
                       st.text(max_size=30))


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.lists(_PAGE_LINE, max_size=12).map("\n".join), max_size=6))
def test_rejoining_pages_loses_nothing_but_the_furniture_it_names(pages):
    cleaned = strip_furniture(pages)
    out = paragraphs(cleaned.pages)

    def chars(lines) -> Counter:  # hyphens may mend a broken word; spaces and line ends are layout
        return Counter(c for line in lines for c in line if not c.isspace() and c not in "-‐")

    assert chars(pages) == chars(out) + chars(cleaned.removed)
    assert all("\n" not in paragraph for paragraph in out)


# --- a number printed alone on its line, its text on the next ------------------------------------------

def _lone_number_pages() -> list[list[str]]:
    """Three pages whose paragraphs' numbers stand alone, one of them opening each later page."""
    return [
        ["立法會CB(3)710/2026(06)號文件", "一、", "引言", "1.", "政府當局於2025年公布《數碼基建發展策略》，提出在五年內提升全港的寬頻網絡覆蓋率。",
         "2.", "當局表示，第二期工程預計於2027年完成。", "(a)", "為偏遠地區的居民提供上網服務；", "(b)", "鋪設光纖網絡。"],
        ["3.", "委員關注工程進度，並要求當局定期匯報。", "3.1", "The Administration said the Blueprint would be updated."],
        ["4.", "請委員察悉本文件的內容。", "A.", "Introduction", "5.", "The Bill was gazetted in 2026."],
    ]


@pytest.fixture(scope="module")
def lone_numbers(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "lone.pdf"
    write_pdf(path, _lone_number_pages(), header=HEADER, footer="- {n} -")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no number out of sequence, nothing joined by mistake
        _, passages = load_report(path)
    return {p.label: p for p in passages}


def test_a_paragraph_number_alone_on_its_line_numbers_the_text_below_it(lone_numbers):
    assert lone_numbers["1"].text == "政府當局於2025年公布《數碼基建發展策略》，提出在五年內提升全港的寬頻網絡覆蓋率。"
    assert lone_numbers["2(a)"].text == "為偏遠地區的居民提供上網服務；"


def test_a_paragraph_number_at_the_top_of_every_page_is_not_taken_for_a_page_number(lone_numbers):
    assert lone_numbers["3"].text == "委員關注工程進度，並要求當局定期匯報。"
    assert lone_numbers["4"].text == "請委員察悉本文件的內容。"
    assert lone_numbers["3.1"].text == "The Administration said the Blueprint would be updated."


def test_a_section_number_alone_heads_the_section_with_the_words_below_it(lone_numbers):
    assert lone_numbers["1"].section == ("一、引言",)
    assert lone_numbers["5"].section == ("A. Introduction",)


@pytest.mark.parametrize("number, text, joined", [
    ("12.", "政府當局表示。", "12. 政府當局表示。"),
    ("1.1", "The Administration said.", "1.1 The Administration said."),
    ("(a)", "甲；", "(a) 甲；"),
    ("（一）", "甲；", "（一）甲；"),
    ("一、", "引言", "一、引言"),
    ("A.", "Introduction", "A. Introduction"),
    ("IV.", "Way forward", "IV. Way forward"),
])
def test_a_lone_number_is_joined_to_its_text_after_a_full_line(number, text, joined):
    full = "1. 政府當局表示會繼續致力落實多項便民利商的措施讓市民受惠"
    assert paragraphs([[full, number, text]]) == [full, joined]


def test_a_lone_number_at_the_foot_of_a_page_takes_its_text_from_the_next_page():
    assert paragraphs([["1. 甲。", "2."], ["乙。"]]) == ["1. 甲。", "2. 乙。"]


@pytest.mark.parametrize("mark, note", [("[3]", "[3] Gazetted in 2026."), ("²", "² 數字辦負責制訂政策。")])
def test_a_footnote_mark_alone_at_the_foot_of_the_page_takes_the_note_below_it(mark, note):
    page = ["1. 政府當局表示會繼續致力落實多項便民利商的措施讓市民受惠", "的方案。", mark, note.split(" ", 1)[1]]
    assert paragraphs([page]) == ["1. 政府當局表示會繼續致力落實多項便民利商的措施讓市民受惠的方案。", note]


def test_a_lone_number_with_its_text_below_is_body_but_a_bare_number_is_a_page_number():
    words = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳"
    bodies = [[f"{n}.", *(f"{c}。" for c in words[3 * n - 3:3 * n])] for n in range(1, 6)]
    cleaned = strip_furniture(["\n".join(["檔號：X", *body, str(n)]) for n, body in enumerate(bodies, 1)])
    assert cleaned.pages == bodies
    assert cleaned.removed == [line for n in range(1, 6) for line in ("檔號：X", str(n))]


def test_a_numbered_page_number_with_nothing_after_it_on_most_pages_is_furniture():
    words = "甲乙丙丁戊己庚辛壬癸"
    pages = [f"{words[n]}。\n{words[n + 5]}。\n{n}." for n in range(1, 5)]
    assert strip_furniture(pages).pages == [[f"{words[n]}。", f"{words[n + 5]}。"] for n in range(1, 5)]
