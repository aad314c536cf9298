"""The extractive answer: verbatim quotes from the top passages, cited in the question's language."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.answer import _WEAK, Answer, Quote, answer_question, compose
from ingest.chunk import sentences
from assistant.retrieve import Hit, SearchResult
from ingest.passage import InputError, Passage
from fakes import FixedRetriever
from fakes import search_result as result  # the result a search returns, scores falling with rank

DOC = "CB(2)1292/2025"
SECTION = ("小組委員會的商議工作", "人工智能超算中心")

P14 = Passage(DOC, "14", SECTION,
              "委員察悉，為支援人工智能生態圈發展，數碼港的人工智能超算中心(“超算中心”)首階段設施已於2024年12月投入服務。"
              "委員詢問，超算中心是否足以應付未來算力需求，以及政府當局就本港算力所規劃的項目為何。"
              "委員亦表示當局可借鑒內地容許企業免費試用超算中心的做法，從而提升超算中心的使用率。")
P15 = Passage(DOC, "15", SECTION,
              "政府當局表示，超算中心的目的主要是用作支援本地大學、研發機構及企業等提升不同領域的研發能力，推動產業發展。"
              "當局會循序漸進地按業界需求增加算力資源，並確保算力資源的有效分配和使用。"
              "當局委托的顧問預計，香港於2030年將需要約15 000 PFLOPS的算力。⁶ "
              "首5 000 PFLOPS的算力設施(包括超算中心)會由政府當局不同項目的撥款資助下投入市場服務，"
              "局方希望未來能引入私人界別的參與，提供餘下市場所需的算力。",
              footnotes=("fn6",))
P16 = Passage(DOC, "16", SECTION,
              "委員關注到，人工智能發展涉及高耗電量。若電力成本過高，將減低企業使用本港算力服務的意欲。"
              "政府當局表示，長遠而言須考慮如何降低本地超算中心的營運成本，以及加強與周邊地區的算力設施協作等措施，"
              "以進一步提升香港的算力水平。")
FN6 = Passage(DOC, "fn6", SECTION,
              "算力單位為Peta-floating point operations (i.e. 10^{15}) per second (PFLOPS)(即每秒浮點運算1千萬億次)。")
P67_5 = Passage(DOC, "67(5)", ("建議", "智慧城市發展的區域合作"),
                "展開香港“城市大腦”的規劃，包括研究如何加強與內地聯通和連接，以及評估共享大灣區空間數據資源的可行性，"
                "以推動大灣區城市間的數據聯通(參閱上文第22段)；")
P67 = Passage(DOC, "67", ("建議",), "小組委員會建議政府當局：\n- (1) 在未來修訂相關法例時，應致力提升部門數據共享的彈性，"
              "並避免對個人資料的使用範圍設定過多限制(參閱上文第11段)；")

PASSAGES = {p.label: p for p in (P14, P15, P16, FN6, P67_5, P67)}


def assert_verbatim(answer: Answer) -> None:
    for q in answer.quotes:
        assert q.text in PASSAGES[q.label].text, q


# ---- which sentences are quoted -------------------------------------------------------------

def test_the_sentence_that_answers_is_quoted_first_and_cited_in_the_reports_form():
    answer = compose(result("香港2030年需要多少算力？", P15, P14, P16), "zh-Hant")

    assert answer.answerable and answer.source == "extractive"
    assert answer.quotes[0] == Quote("當局委托的顧問預計，香港於2030年將需要約15 000 PFLOPS的算力。", "15", DOC)
    assert "「當局委托的顧問預計，香港於2030年將需要約15 000 PFLOPS的算力。」〔第15段〕" in answer.text
    assert answer.text.startswith("報告指出：\n")
    assert_verbatim(answer)


def test_quotes_are_exact_substrings_of_their_passages_in_every_language():
    questions = {"zh-Hant": "超算中心的算力資源如何分配？", "zh-Hans": "超算中心的算力资源如何分配？",
                 "yue": "超算中心啲算力點樣分配？", "en": "How will computing power be allocated?"}
    for lang, question in questions.items():
        answer = compose(result(question, P15, P16, P14, FN6), lang)
        assert answer.quotes, lang
        assert_verbatim(answer)


def test_simplified_question_finds_the_traditional_sentence():
    answer = compose(result("超算中心的营运成本怎样降低？", P16, P15), "zh-Hans")

    assert answer.quotes[0].label == "16"
    assert "降低本地超算中心的營運成本" in answer.quotes[0].text
    assert answer.text.startswith("报告指出：\n")
    assert "〔第16段〕" in answer.text


def test_english_question_gets_english_citations_around_the_chinese_quote():
    answer = compose(result("How much computing power will Hong Kong need by 2030?", P15, P14), "en")

    assert answer.text.startswith("The report says:\n")
    assert "「當局委托的顧問預計，香港於2030年將需要約15 000 PFLOPS的算力。」 [para. 15]" in answer.text
    assert "〔" not in answer.text  # English citations, not the Chinese form


def test_cantonese_question_is_answered_with_chinese_citations():
    answer = compose(result("香港2030年要幾多算力？", P15), "yue")

    assert answer.text.startswith("報告話：\n")
    assert "〔第15段〕" in answer.text


@pytest.mark.parametrize("lang, footnote, item", [
    ("zh-Hant", "〔註6〕", "〔第67(5)段〕"),
    ("en", "[footnote 6]", "[para. 67(5)]"),
])
def test_footnotes_and_recommendation_items_are_cited_as_the_report_numbers_them(lang, footnote, item):
    fn = compose(result("PFLOPS 算力單位", FN6), lang)
    rec = compose(result("城市大腦 規劃", P67_5), lang)

    assert fn.text.split("\n")[1].endswith(footnote)
    assert rec.text.split("\n")[1].endswith(item)


def test_a_passage_the_question_names_gives_its_opening_sentence():
    # The second sentence of 16 shares more with the question, but the question named 16.
    answer = compose(result("第16段講乜？電力成本過高會點？", P16, P15, via="lookup"), "yue")

    assert answer.quotes[0] == Quote("委員關注到，人工智能發展涉及高耗電量。", "16", DOC)


def test_a_named_passage_that_opens_with_a_short_lead_in_gives_the_next_sentence_too():
    answer = compose(result("第67段", P67, via="lookup"), "zh-Hant")

    assert [q.text for q in answer.quotes] == [
        "小組委員會建議政府當局：",
        "(1) 在未來修訂相關法例時，應致力提升部門數據共享的彈性，並避免對個人資料的使用範圍設定過多限制(參閱上文第11段)；",
    ]


def test_never_more_than_max_quotes():
    question = "超算中心算力"
    for n in (1, 2, 3):
        answer = compose(result(question, P15, P14, P16, FN6), "zh-Hant", max_quotes=n)
        assert 1 <= len(answer.quotes) <= n
    assert len(compose(result(question, P15, P14, P16), "zh-Hant", max_quotes=1).quotes) == 1


def test_at_most_two_quotes_from_the_first_passage_and_one_from_each_other():
    answer = compose(result("超算中心的算力", P15, P14, P16), "zh-Hant", max_quotes=3)
    labels = [q.label for q in answer.quotes]

    assert labels.count("15") <= 2 and labels.count("14") <= 1 and labels.count("16") <= 1


def test_quotes_are_listed_in_rank_order_then_text_order():
    answer = compose(result("超算中心的算力", P15, P14, P16), "zh-Hant", max_quotes=3)
    ranks = {"15": 0, "14": 1, "16": 2}
    order = [(ranks[q.label], PASSAGES[q.label].text.index(q.text)) for q in answer.quotes]

    assert answer.quotes[0].label == "15"
    assert order == sorted(order)


def test_an_appendix_is_quoted_under_the_heading_naming_what_it_holds():
    pointing = Passage(DOC, "5", ("小組委員會",), "小組委員會的職權範圍及委員名單，分別載於附錄1及2。")
    terms = Passage(DOC, "appendix1", ("小組委員會", "職權範圍"), "檢視藍圖的執行情況，並就發展智慧城市提出建議。")
    answer = compose(result("小組委員會的職權範圍是甚麼？", terms, pointing), "zh-Hant")

    assert answer.quotes[0].label == "appendix1"


def test_quotes_unrelated_to_the_question_are_left_out():
    # 67 and 67(5) share nothing with the question beyond rank: only paragraph 15 is quoted,
    # its answering sentence first.
    answer = compose(result("顧問預計2030年需要多少PFLOPS？", P15, P67, P67_5), "zh-Hant")

    assert {q.label for q in answer.quotes} == {"15"}
    assert "15 000 PFLOPS" in answer.quotes[0].text


def test_max_quotes_below_one_is_refused():
    with pytest.raises(InputError, match="max_quotes"):
        compose(result("算力", P15), "zh-Hant", max_quotes=0)


# ---- when the report does not answer ---------------------------------------------------------

@pytest.mark.parametrize("lang, question, header, weak", [
    ("zh-Hant", "立法會議員的薪酬是多少？", "報告似乎沒有談及這個問題。以下是最接近的段落（相關度較低）：", "（相關度較低）"),
    ("yue", "議員人工有幾多？", "報告似乎沒有談及這個問題。以下是最接近的段落（相關度較低）：", "（相關度較低）"),
    ("zh-Hans", "立法会议员的薪酬是多少？", "报告似乎没有谈及这个问题。以下是最接近的段落（相关度较低）：", "（相关度较低）"),
    ("en", "What are legislators paid?",
     "The report does not appear to address this. The closest passages (weak matches):", " (weak match)"),
])
def test_an_unanswerable_question_says_so_and_lists_the_closest_passages_as_weak(lang, question, header, weak):
    answer = compose(result(question, P16, P14, answerable=False), lang)
    lines = answer.text.split("\n")
    form = ("[para. 16]", "[para. 14]") if lang == "en" else ("〔第16段〕", "〔第14段〕")

    assert not answer.answerable and answer.quotes == ()
    assert lines[0] == header
    assert lines[1].startswith(f"- {form[0]}") and lines[1].endswith(weak)
    assert lines[2].startswith(f"- {form[1]}") and lines[2].endswith(weak)
    assert answer.hits == (Hit(P16, 0.9), Hit(P14, 0.8))


@pytest.mark.parametrize("lang, question, header", [
    ("zh-Hant", "港鐵MTR幾時加價？", "報告沒有提及MTR。以下是最接近的段落（相關度較低）："),
    ("en", "Can I pay MTR fares with Octopus?", "The report never mentions MTR, Octopus. The closest passages (weak matches):"),
])
def test_a_name_the_report_never_mentions_is_named_in_the_answer(lang, question, header):
    unknown = ("MTR",) if lang != "en" else ("MTR", "Octopus")
    weak = SearchResult(question, False, (Hit(P16, 0.5),), 0.5, unknown=unknown)
    lines = compose(weak, lang).text.split("\n")
    assert lines[0] == header and lines[1].endswith(_WEAK[lang])


@pytest.mark.parametrize("lang, header", [
    ("zh-Hant", "報告沒有說明「港文通」的開發成本是多少。"),
    ("zh-Hans", "报告没有说明「港文通」的开发成本是多少。"),
    ("en", "The report does not state this."),  # a Chinese question is not turned into English
])
def test_a_number_the_report_does_not_give_is_uncertain_and_said_so_with_the_passages_on_the_subject(lang, header):
    missing = SearchResult("「港文通」的開發成本是多少？", False, (Hit(P15, 0.9), Hit(P14, 0.8)), 0.95, not_given="amount",
                           verdict="uncertain")
    answer = compose(missing, lang)
    lines = answer.text.split("\n")
    assert answer.verdict == "uncertain" and not answer.answerable
    assert lines[0] == header
    assert len(lines) == 4 and not lines[2].endswith(_WEAK[lang])


def test_no_passages_at_all_is_said_plainly():
    answer = compose(SearchResult("算力", False, (), 0.0), "zh-Hant")

    assert answer.text == "索引中找不到任何段落。" and not answer.answerable


# ---- language, types, shape ------------------------------------------------------------------

@pytest.mark.parametrize("question, lang, lead", [
    ("香港2030年需要多少算力？", "zh-Hant", "報告指出："),
    ("香港2030年需要多少算力？数字办怎么说？", "zh-Hans", "报告指出："),
    ("香港2030年要幾多算力？點樣分配？", "yue", "報告話："),
    ("How much computing power does Hong Kong need?", "en", "The report says:"),
])
def test_the_answer_language_is_detected_from_the_question(question, lang, lead):
    answer = compose(result(question, P15))

    assert answer.lang == lang
    assert answer.text.startswith(lead)


def test_an_unsupported_language_is_refused_with_the_choices():
    with pytest.raises(InputError, match="zh-Hant, zh-Hans, yue, en"):
        compose(result("算力", P15), "fr")


def test_answer_and_quote_are_frozen():
    answer = compose(result("算力", P15), "zh-Hant")
    with pytest.raises(AttributeError):
        answer.text = "x"
    with pytest.raises(AttributeError):
        answer.quotes[0].label = "99"


def test_to_json_carries_quotes_with_citations_and_the_passages_searched():
    answer = compose(result("香港2030年需要多少算力？", P15, FN6), "zh-Hant")
    obj = json.loads(json.dumps(answer.to_json(), ensure_ascii=False))

    assert obj["answerable"] is True and obj["source"] == "extractive" and obj["lang"] == "zh-Hant"
    assert obj["quotes"][0]["label"] == "15" and obj["quotes"][0]["citation"] == "〔第15段〕"
    assert [c["label"] for c in obj["citations"]] == ["15", "fn6"]
    assert obj["flagged"] == [] and obj["text"] == answer.text


def test_answer_question_searches_then_composes_without_an_llm_by_default():
    retriever = FixedRetriever(result("香港2030年需要多少算力？", P15, P14))
    answer = answer_question(retriever, "香港2030年需要多少算力？", k=2)

    assert retriever.asked == [("香港2030年需要多少算力？", 2)]
    assert answer == compose(result("香港2030年需要多少算力？", P15, P14), "zh-Hant")


# ---- sentences -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("委員關注。當局表示！真的？是；", ["委員關注。", "當局表示！", "真的？", "是；"]),
    ("他說：“好。”然後離開。", ["他說：“好。”", "然後離開。"]),
    ("15. 政府當局表示，超算中心足夠。", ["15. 政府當局表示，超算中心足夠。"]),
    ("Units (i.e. 10^{15}) per second. Next one! Is it? Yes; done",
     ["Units (i.e. 10^{15}) per second.", "Next one!", "Is it?", "Yes;", "done"]),
    ("It costs 10.5 million. See para. 15 too.", ["It costs 10.5 million.", "See para. 15 too."]),
    ("建議：\n- (1) 甲；\n- (2) 乙。", ["建議：", "(1) 甲；", "(2) 乙。"]),
    ("約15 000 PFLOPS的算力。⁶ 首5 000", ["約15 000 PFLOPS的算力。", "首5 000"]),
    ("  \n。", []),
])
def test_sentences_split_on_chinese_and_english_stops_keeping_the_punctuation(text, expected):
    assert [text[a:b] for a, b in sentences(text)] == expected


_ALPHABET = st.sampled_from(list("算力中心香港委員政府ab 1.5。！？；.!?;\n“”「」()*⁶-"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(_ALPHABET, min_size=1, max_size=80), min_size=1, max_size=4),
       st.text(_ALPHABET, min_size=1, max_size=20).filter(str.strip), st.integers(1, 4))
def test_every_quote_is_an_exact_substring_of_its_passage_whatever_the_text(texts, question, n):
    passages = [Passage(DOC, str(i + 1), (), t) for i, t in enumerate(texts)]
    by_label = {p.label: p for p in passages}
    answer = compose(result(question, *passages), "zh-Hant", max_quotes=n)

    assert len(answer.quotes) <= n
    for q in answer.quotes:
        assert q.text and q.text == q.text.strip() and q.text in by_label[q.label].text


@pytest.mark.parametrize("question, side", [
    ("委員要求提供沙盤和試驗場地，當局如何回應？", "administration"),  # members named, the reply asked for
    ("How did the government respond when members asked about computing power?", "administration"),
    ("議員話要立法管AI，政府有咩回應？", "administration"),
    ("委員對超算中心提出了甚麼建議？", "members"),
    ("What does the subcommittee recommend on cybersecurity?", "subcommittee"),
])
def test_the_quote_is_taken_from_the_side_ranking_reads_from_the_question(question, side):
    from assistant.speaking import wanted_speaker

    assert wanted_speaker(question) == side


# ---- which quote leads: what the question asks for, then rank ---------------------------------

BILL = Passage(DOC, "8", ("小組委員會的商議工作", "網絡安全"),
               "委員察悉，政府當局向立法會提交《保護關鍵基礎設施(電腦系統)條例草案》，旨在訂明關鍵基礎設施營運者的法定責任。"
               "委員詢問，政府部門不納入《條例草案》時，當局有何措施保障網絡安全。")
BILL_PASSED = Passage(DOC, "fn5", ("小組委員會的商議工作", "網絡安全"), "立法會於 2025 年 3 月 19 日通過《條例草案》。")
BILL_TIMELINE = Passage(DOC, "9", ("小組委員會的商議工作", "網絡安全"),
                        "政府當局表示，《保護關鍵基礎設施(電腦系統)條例草案》獲立法會支持，各方對條例草案的目標有共識。"
                        "立法會於2025年3月通過該條例草案，條例將於2026年1月1日生效。")
CLUSTER = Passage(DOC, "20", ("小組委員會的商議工作", "區域協作"),
                  "委員對多項發展智慧城市的區域協作議題表示關注。"
                  "委員察悉，特區政府與廣東省政府在2023年3月簽訂《粵港共建智慧城市群合作協議》，並成立專責小組。")
CLUSTER_REPLY = Passage(DOC, "21", ("小組委員會的商議工作", "區域協作"),
                        "委員促請政府當局與大灣區內地城市共同協作，加強數碼基建的規劃。"
                        "政府當局表示會與廣東省有關當局保持溝通，研究如何加強在數碼基建上的相互配合。")


def test_a_date_question_leads_with_the_top_passages_sentence_giving_the_date():
    # The first sentence shares more of the question's words; the second gives the date asked for.
    answer = compose(result("《保護關鍵基礎設施(電腦系統)條例草案》何時獲立法會通過？", BILL_TIMELINE, BILL), "zh-Hant")

    assert answer.quotes[0].label == "9"
    assert answer.quotes[0].text.startswith("立法會於2025年3月通過")


def test_a_date_question_leads_with_a_lower_hits_date_when_the_top_hit_gives_none():
    answer = compose(result("《保護關鍵基礎設施(電腦系統)條例草案》於哪天獲立法會通過？", BILL, BILL_PASSED), "zh-Hant")

    assert answer.quotes[0] == Quote("立法會於 2025 年 3 月 19 日通過《條例草案》。", "fn5", DOC)
    assert "8" in {q.label for q in answer.quotes[1:]}  # the top hit is still quoted, after it


def test_the_top_hits_date_leads_over_a_lower_hits_date():
    answer = compose(result("《條例草案》何時獲立法會通過？", BILL_TIMELINE, BILL_PASSED), "zh-Hant")

    assert answer.quotes[0].label == "9"


def test_a_question_that_asks_for_no_figure_date_or_person_keeps_rank_order():
    answer = compose(result("《條例草案》有甚麼目的？", BILL, BILL_PASSED), "zh-Hant")

    assert answer.quotes[0].label == "8"


def test_the_government_named_as_the_one_acting_does_not_put_its_words_before_the_top_hit():
    # 政府 here is who signed, not whose words are asked for: the members' note of the agreement is quoted
    # first, not the Administration's unrelated statement further down.
    answer = compose(result("特區政府與廣東省簽訂了甚麼智慧城市合作協議？", CLUSTER, CLUSTER_REPLY), "zh-Hant")

    assert answer.quotes[0].label == "20"
    assert "粵港共建智慧城市群合作協議" in answer.quotes[0].text


@pytest.mark.parametrize("question, bonus", [
    ("When did the Government and Guangdong sign the agreement?", "inferred"),
    ("特區政府與廣東省簽訂了甚麼協議？", "inferred"),
    ("How did the government respond to members' concerns?", "named"),
    ("政府當局如何回應？", "named"),
])
def test_only_a_question_asking_for_the_administrations_words_names_its_side(question, bonus):
    from assistant.speaking import INFERRED_BONUS, NAMED_BONUS, speaker_preference

    assert speaker_preference(question) == ("administration", {"named": NAMED_BONUS, "inferred": INFERRED_BONUS}[bonus])
