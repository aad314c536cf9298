"""The citation grammar: every written form LegCo papers and readers use, read as labels and written back."""
import pytest

from ingest.labels import MAX_RANGE, cited, citation, label_text, labels_of, mentions, parse_label

REPORT = {"15", "16", "17", "18", "3", "4", "5", "67", "67(5)", "67(29)", "66(a)", "66(b)", "66(c)",
          "1.1", "1.2", "1.3", "1.1.1", "2.2(a)", "3(i)", "3(ii)", "3(iii)", "fn6", "appendix2", "annex1",
          "summary"}


def named(text: str) -> list[str]:
    """Every label the text names, without knowing the report (recommendations need it: see cited)."""
    return [label for m in mentions(text) for label in labels_of(m)]


@pytest.mark.parametrize("text, expected", [
    ("第15段", ["15"]),
    ("第 15 段", ["15"]),
    ("第15至17段", ["15", "16", "17"]),
    ("第15到17段", ["15", "16", "17"]),
    ("第15、17及18段", ["15", "17", "18"]),
    ("第3至第5段", ["3", "4", "5"]),
    ("第十五段", ["15"]),
    ("第六十七段", ["67"]),
    ("第67(5)段", ["67(5)"]),
    ("第67（5）段", ["67(5)"]),
    ("第六十七(五)段", ["67(5)"]),
    ("第67(1)至(3)段", ["67(1)", "67(2)", "67(3)"]),
    ("第66(a)至(c)段", ["66(a)", "66(b)", "66(c)"]),
    ("第3(i)至(iii)段", ["3(i)", "3(ii)", "3(iii)"]),
    ("第8段及第9(a)段", ["8", "9(a)"]),
    ("第1.1段", ["1.1"]),
    ("第1.1至1.3段", ["1.1", "1.2", "1.3"]),
    ("第2.2(a)段", ["2.2(a)"]),
    ("para 67(5)", ["67(5)"]),
    ("para. 15", ["15"]),
    ("Para 15", ["15"]),
    ("paras 3 to 5", ["3", "4", "5"]),
    ("paras. 5-7", ["5", "6", "7"]),
    ("paragraphs 47 and 49", ["47", "49"]),
    ("paragraph 3(2)", ["3(2)"]),
    ("paragraph 3 (A)", ["3(a)"]),
    ("¶ 3", ["3"]),
    ("para. 2.2(a)", ["2.2(a)"]),
    ("paragraph 1.1.1", ["1.1.1"]),
    ("see para. 15. Then", ["15"]),
    ("註6", ["fn6"]),
    ("腳註6", ["fn6"]),
    ("脚注6", ["fn6"]),
    ("footnote 6", ["fn6"]),
    ("footnotes 6 and 7", ["fn6", "fn7"]),
    ("fn. 6", ["fn6"]),
    ("fn6", ["fn6"]),
    ("note 6", ["fn6"]),
    ("附錄2", ["appendix2"]),
    ("附錄1及2", ["appendix1", "appendix2"]),
    ("附錄二", ["appendix2"]),
    ("Appendix 2", ["appendix2"]),
    ("Appendix II", ["appendix2"]),
    ("Appendices 1 to 3", ["appendix1", "appendix2", "appendix3"]),
    ("附件2", ["annex2"]),
    ("Annex 2", ["annex2"]),
    ("(參閱上文第3、5至7段及第67(5)段)，載於附錄1", ["3", "5", "6", "7", "67(5)", "appendix1"]),
])
def test_each_written_form_names_its_labels(text, expected):
    assert named(text) == expected


@pytest.mark.parametrize("text", [
    "《電子健康紀錄互通系統條例》(第625章)",
    "在亞洲城市中則排名第6。",
    "未來5至10年",
    "第二階段的工作",
    "denote 5 things",
    "a parallel 5 lane road",
    "Appendix",
    "當局關注2項",
])
def test_text_that_only_looks_like_a_citation_names_nothing(text):
    assert named(text) == []


def test_a_range_wider_than_the_cap_keeps_just_its_ends():
    assert named(f"第1至{MAX_RANGE + 2}段") == ["1", str(MAX_RANGE + 2)]
    assert len(named(f"第1至{MAX_RANGE + 1}段")) == MAX_RANGE + 1


def test_a_number_too_long_to_be_a_paragraph_is_not_one():
    assert named("第" + "9" * 5000 + "段") == []


@pytest.mark.parametrize("question, expected", [
    ("建議(5)", ["67(5)"]),
    ("建議（5）係咩？", ["67(5)"]),
    ("建議(五)", ["67(5)"]),
    ("recommendation (5)", ["67(5)"]),
    ("What is recommendation 29?", ["67(29)"]),
    ("rec. 5", ["67(5)"]),
    ("第5項建議", ["67(5)"]),
    ("第五項建議", ["67(5)"]),
    ("小組委員會建議一併考慮", []),
    ("建議2025年完成", []),
])
def test_a_recommendation_is_an_item_of_the_recommendations_paragraph(question, expected):
    assert cited(question, REPORT) == expected


@pytest.mark.parametrize("question, expected", [
    ("第15及99段講咩？", ["15"]),
    ("footnote 6 and para. 15", ["fn6", "15"]),
    ("annex 2", ["appendix2"]),
    ("附錄1", ["annex1"]),
    ("第15段同第15段", ["15"]),
    ("關注第3段", ["3"]),
])
def test_cited_keeps_what_exists_in_the_order_named(question, expected):
    assert cited(question, REPORT) == expected


@pytest.mark.parametrize("ref, expected", [
    ("15", "15"), ("第15段", "15"), ("para. 15", "15"), ("Para 15", "15"), ("paragraph 15", "15"),
    ("¶ 15", "15"), ("第十五段", "15"), ("67(5)", "67(5)"), ("67 (5)", "67(5)"), ("67（5）", "67(5)"),
    ("第67(5)段", "67(5)"), ("para. 67(5)", "67(5)"), ("66(A)", "66(a)"), ("para. 1.1", "1.1"),
    ("第2.2(a)段", "2.2(a)"), ("fn6", "fn6"), ("fn 6", "fn6"), ("fn. 6", "fn6"), ("註6", "fn6"),
    ("footnote 6", "fn6"), ("note 6", "fn6"), ("附錄2", "appendix2"), ("Appendix 2", "appendix2"),
    ("附件1", "annex1"), ("Annex 1", "annex1"),
    ("1.5", None), ("十五", None), ("建議(5)", None), ("summary", None), ("sic", None), ("", None),
    ("(5)", None),
])
def test_one_whole_reference_is_read_as_one_label(ref, expected):
    assert parse_label(ref) == expected


@pytest.mark.parametrize("ref, expected", [
    ("1.1", "1.1"), ("1.5", None), ("建議(5)", "67(5)"), ("recommendation (29)", "67(29)"),
    ("Summary", "summary"), ("摘要", "summary"), ("Annex 2", "appendix2"), ("sic", None),
])
def test_forms_that_name_a_reports_own_items_are_read_against_its_labels(ref, expected):
    assert parse_label(ref, REPORT) == expected


@pytest.mark.parametrize("label, zh, en", [
    ("15", "第15段", "para. 15"),
    ("1.1", "第1.1段", "para. 1.1"),
    ("1.1.1", "第1.1.1段", "para. 1.1.1"),
    ("66(a)", "第66(a)段", "para. 66(a)"),
    ("67(5)", "第67(5)段", "para. 67(5)"),
    ("2.2(a)", "第2.2(a)段", "para. 2.2(a)"),
    ("3(i)", "第3(i)段", "para. 3(i)"),
    ("fn6", "註6", "footnote 6"),
    ("appendix2", "附錄2", "Appendix 2"),
    ("annex1", "附件1", "Annex 1"),
    ("summary", "摘要", "Summary"),
    ("intro", "引言", "Introduction"),
    ("背景", "背景", "背景"),
])
@pytest.mark.parametrize("doc", [None, "CB(2)1292/2025"])
def test_each_label_is_written_as_the_report_writes_it_in_each_language(label, zh, en, doc):
    lead = f"{doc} " if doc else ""
    assert label_text(label, "zh", doc) == lead + zh
    assert label_text(label, "en", doc) == lead + en
    assert citation(label, "zh", doc) == f"〔{lead}{zh}〕"
    assert citation(label, "en", doc) == f"[{lead}{en}]"


@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans", "yue"])
def test_every_chinese_answer_language_gets_the_chinese_form(lang):
    assert citation("15", lang) == "〔第15段〕"


@pytest.mark.parametrize("label, zh, en", [
    ("67(29)", "建議(29)", "recommendation (29)"),
    ("67(5)", "建議(5)", "recommendation (5)"),
    ("15", "第15段", "para. 15"),  # a paragraph is no recommendation
])
def test_a_recommendation_can_be_named_as_one(label, zh, en):
    assert label_text(label, "zh", recommendation=True) == zh
    assert label_text(label, "en", recommendation=True) == en


@pytest.mark.parametrize("label", sorted(REPORT))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_written_label_reads_back_as_itself(label, lang):
    assert parse_label(label_text(label, lang), REPORT) == label
    assert cited(label_text(label, lang), REPORT) == ([label] if label != "summary" else [])


@pytest.mark.parametrize("label", ["67(5)", "67(29)"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_recommendation_reads_back_as_its_item(label, lang):
    written = label_text(label, lang, recommendation=True)
    assert parse_label(written, REPORT) == label and cited(written, REPORT) == [label]
