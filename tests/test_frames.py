"""What an answer says around its quotes, in the asker's language, for each of the judge's verdicts."""
from __future__ import annotations

import pytest

from assistant.answer import compose

from assistant.hit import Hit, SearchResult
from assistant.glosses import glossary_names, gloss, section_path, speaker_line, speaker_name
from ingest.passage import Passage
from ingest.speakers import with_speakers

DOC = "CB(2)1292/2025"
SECTION = ("小組委員會的商議工作", "智慧城市", "推動“智慧市民”的發展")
P48 = Passage(DOC, "48", SECTION, "政府當局表示，當局期望通過“智方便”，推動“智慧市民”的發展。"
              "截至2025年4月，“智方便”已有超過340萬登記用戶。", speakers=("administration",))
P34 = Passage(DOC, "34", ("小組委員會的商議工作", "智慧出行", "實時交通燈號調節系統"),
              "委員關注到政府當局推行“實時交通燈號調節系統”的具體政策及目標。委員亦詢問本港有多少個獨立交通燈號控制路口適合推行該系統。",
              speakers=("members",))
P35 = Passage(DOC, "35", P34.section,
              "政府當局表示，運輸署正安排試點安裝系統，以配合於2026年起將該系統應用於全港約50個獨立燈控路口的計劃。",
              speakers=("administration",))


class Given:  # the judge's shape for what the report gives about something else
    def __init__(self, doc, label, start, end):
        self.doc, self.label, self.start, self.end = doc, label, start, end


def judged(question, verdict, *passages, gives=(), unknown=()):
    """A search result as the three-verdict judge returns it."""
    hits = tuple(Hit(p, 0.9 - 0.1 * i) for i, p in enumerate(passages))
    result = SearchResult(question, verdict == "answered", hits, 0.9, unknown=unknown)
    object.__setattr__(result, "verdict", verdict)
    object.__setattr__(result, "gives", gives)
    return result


QUESTIONS = {"zh-Hant": "醫健通有多少登記用戶？", "zh-Hans": "医健通有多少登记用户？",
             "yue": "醫健通有幾多登記用戶呀？", "en": "How many registered users does eHealth have?"}


@pytest.mark.parametrize("lang, verdict, first_line", [
    ("zh-Hant", "answered", "報告指出："),
    ("zh-Hans", "answered", "报告指出："),
    ("yue", "answered", "報告話："),
    ("en", "answered", "The report says:"),
    ("zh-Hant", "uncertain", "報告沒有說明醫健通有多少登記用戶。"),
    ("zh-Hans", "uncertain", "报告没有说明医健通有多少登记用户。"),
    ("yue", "uncertain", "報告冇講醫健通有幾多登記用戶。"),
    ("en", "uncertain", "The report does not say how many registered users eHealth has."),
    ("zh-Hant", "not_answered", "報告沒有提及醫健通。以下是最接近的段落（相關度較低）："),
    ("zh-Hans", "not_answered", "报告没有提及醫健通。以下是最接近的段落（相关度较低）："),
    ("yue", "not_answered", "報告沒有提及醫健通。以下是最接近的段落（相關度較低）："),
    ("en", "not_answered", "The report never mentions 醫健通. The closest passages (weak matches):"),
])
def test_each_verdict_has_its_own_frame_in_each_language(lang, verdict, first_line):
    unknown = ("醫健通",) if verdict == "not_answered" else ()
    answer = compose(judged(QUESTIONS[lang], verdict, P48, unknown=unknown), lang)
    assert answer.text.split("\n")[0] == first_line
    assert answer.verdict == verdict and answer.answerable == (verdict == "answered")


@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans", "yue", "en"])
def test_an_uncertain_answer_never_says_the_report_says(lang):
    text = compose(judged(QUESTIONS[lang], "uncertain", P48), lang).text
    assert "The report says" not in text and "報告指出" not in text and "报告指出" not in text


def test_an_uncertain_answer_quotes_what_the_report_gives_instead_with_its_label():
    start = P48.text.index("截至2025年4月")
    answer = compose(judged(QUESTIONS["en"], "uncertain", P48, gives=(Given(DOC, "48", start, len(P48.text)),)), "en")
    lines = answer.text.split("\n")
    assert lines[1] == "What it does give:"
    assert lines[2] == "「截至2025年4月，“智方便”已有超過340萬登記用戶。」 [para. 48]"
    assert answer.quotes[0].text in P48.text and answer.quotes[0].speaker == "administration"


def test_a_given_span_outside_its_passage_is_left_out():
    answer = compose(judged(QUESTIONS["en"], "uncertain", P48, gives=(Given(DOC, "48", 5, 10_000),)), "en")
    assert answer.quotes == () and "What it does give" not in answer.text


def test_what_members_asked_quotes_the_members():
    answer = compose(judged("委員詢問了甚麼關於實時交通燈號調節系統？", "answered", P34, P35), "zh-Hant")
    assert answer.quotes[0].label == "34" and answer.quotes[0].speaker == "members"


def test_what_the_subcommittee_recommends_prefers_its_recommendations():
    p67, item, p62 = with_speakers([
        Passage(DOC, "67", ("建議",), "小組委員會建議政府當局："),
        Passage(DOC, "67(10)", ("建議",), "加強統籌跨部門的科技應用；"),
        Passage(DOC, "62", ("商議",), "委員指出，政府當局應加強統籌跨部門的科技應用。")])
    answer = compose(judged("小組委員會就跨部門科技應用有何建議？", "answered", p62, item), "zh-Hant")
    assert answer.quotes[0].label == "67(10)" and answer.quotes[0].speaker == "subcommittee"


def test_a_named_passage_is_quoted_and_its_links_are_listed_not_quoted():
    fn6 = Passage(DOC, "fn6", (), "算力單位為PFLOPS。")
    p15 = Passage(DOC, "15", (), "當局委托的顧問預計，香港於2030年將需要約15 000 PFLOPS的算力。")
    p6 = Passage(DOC, "6", (), "小組委員會由葛珮帆議員擔任主席。")
    result = SearchResult("footnote 6", True, (Hit(fn6, 1.0, "lookup", linked=(p15,)), Hit(p6, 0.9), Hit(p15, 0.8)), 1.0)
    answer = compose(result, "en")
    assert [q.label for q in answer.quotes] == ["fn6"]
    assert answer.text.split("\n")[-1] == "Linked passages: [para. 15]"


# ---- glosses for another language or script -----------------------------------------------------

def test_an_english_reader_gets_label_speaker_section_and_official_names_beside_a_chinese_quote():
    g = gloss("截至2025年4月，“智方便”已有超過340萬登記用戶。", "48", SECTION, "administration", "en")
    assert g.label == "para. 48" and g.speaker == "the Administration"
    assert g.section == 'Deliberations of the Subcommittee › Smart city › Developing "smart people"'
    assert "智方便: iAM Smart" in g.names
    line = compose(judged(QUESTIONS["en"], "answered", P48), "en").text.split("\n")[2]
    assert line.startswith("  — the Administration · Deliberations of the Subcommittee")


def test_a_simplified_reader_gets_the_speaker_and_section_in_simplified_and_the_quote_verbatim():
    answer = compose(judged("智方便有多少登记用户？", "answered", P48), "zh-Hans")
    quote_line, gloss_line = answer.text.split("\n")[1:3]
    assert quote_line.startswith("「") and quote_line[1:-7] in P48.text  # the Traditional quote, unchanged
    assert gloss_line == "  — 政府当局 · 小组委员会的商议工作 › 智慧城市 › 推动“智慧市民”的发展"
    assert section_path(SECTION, "zh-Hant") == " › ".join(SECTION)


def test_a_traditional_reader_gets_no_gloss_line():
    lines = compose(judged("智方便有多少登記用戶？", "answered", P48), "zh-Hant").text.split("\n")
    assert not any(line.startswith("  —") for line in lines)


@pytest.mark.parametrize("speaker, lang, name", [
    ("members", "zh-Hant", "委員"), ("members", "zh-Hans", "委员"), ("members", "en", "members"),
    ("subcommittee", "zh-Hant", "小組委員會"), ("subcommittee", "en", "the Subcommittee"),
    ("administration", "zh-Hant", "政府當局"), ("administration", "zh-Hans", "政府当局"),
    ("administration", "en", "the Administration"), ("運輸署", "zh-Hans", "运输署"), (None, "en", ""),
])
def test_speaker_names_in_each_language(speaker, lang, name):
    assert speaker_name(speaker, lang) == name


def test_a_named_body_in_english_keeps_its_name_with_the_glossary_english():
    assert speaker_name("運輸署", "en") == "運輸署 (Transport Department)"
    assert speaker_line("administration") == "政府當局表示 · the Administration"


def test_glossary_names_keep_the_longer_term_and_the_text_order():
    names = [t.zh for t in glossary_names("數碼港的人工智能超算中心提供算力。")]
    assert names.index("算力") > 0 and "數碼港" not in names or names[0] == "數碼港"
