"""The signals that decide whether the report answers a question at all (assistant.abstain, assistant.words)."""
import re

import pytest

from assistant import dictionary
from assistant.abstain import Judge, coverage, gives, unknown_names
from assistant.links import Links
from assistant.query import Query
from assistant.settings import Settings
from assistant.words import asks_for, content_words, english_words, focus, question_words
from index.normalise import fold
from index.lexical import LexicalIndex
from index.tokenise import tokens
from ingest.passage import Passage


@pytest.fixture(autouse=True)
def _cache(project_cache_in_tmp):
    pass


def test_content_words_keep_what_the_question_is_about_and_drop_how_it_is_asked():
    assert content_words("港鐵車費幾時加價？") == ["車費", "加價"]
    assert content_words("「醫健通」目前有甚麼新功能？") == ["醫健通", "功能"]


def test_cantonese_and_simplified_questions_give_the_report_s_written_forms():
    assert "醫健通" in content_words("醫健通有冇得睇埋牙醫嘅紀錄？")
    assert "醫健通" in content_words("医健通的数据存放在哪里？")


def test_an_english_question_has_no_chinese_words_but_english_ones_outside_the_glossary_names():
    assert content_words("How many ambulances use AI?") == []
    assert english_words("How many ambulances use AI to plan their routes?") == ["ambulances", "use", "plan", "routes"]
    assert english_words("When will iAM Smart support eHealth?") == ["support"]


def test_english_words_are_looked_for_through_their_chinese_translations():
    words = question_words("How many ambulances use iAM Smart? 智方便")
    assert words["智方便"] == {"智方便"}
    assert "救護車" in words["ambulances"]
    assert dictionary.translations("installed") >= {"安裝"}
    assert dictionary.translations("qwertyuiop") == frozenset()


def test_the_reverse_dictionary_is_cached_and_a_damaged_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("LEGCO_RAG_CACHE", str(tmp_path))
    dictionary._reverse.cache_clear()
    try:
        assert "救護車" in dictionary.translations("ambulance")
        [cached] = tmp_path.glob("cedict-en-zh-*.tsv")
        cached.write_text("no tab on this line\n", encoding="utf-8")
        dictionary._reverse.cache_clear()
        assert "救護車" in dictionary.translations("ambulance")
        assert "\t" in cached.read_text(encoding="utf-8").splitlines()[0]
    finally:
        dictionary._reverse.cache_clear()


def test_coverage_weighs_each_word_found_in_the_text_in_any_of_its_forms():
    words = {"醫健通": frozenset(["醫健通"]), "users": frozenset(["用戶", "使用者"])}
    weights = {"醫健通": 3.0, "users": 1.0}
    assert coverage(words, weights, "醫健通使用者") == 1.0
    assert coverage(words, weights, "智方便用戶") == 0.25
    assert coverage(words, weights, "") == 0.0
    assert coverage({}, {}, "醫健通") == 0.0


def test_document_frequency_counts_passages_holding_a_token():
    lexical = LexicalIndex.build([["醫健通", "用戶"], ["醫健通"], ["智方便"]])
    assert len(lexical) == 3
    assert [lexical.document_frequency(t) for t in ("醫健通", "用戶", "八達通")] == [2, 1, 0]


def test_names_the_report_never_mentions_are_found_and_known_ones_are_not():
    assert unknown_names("Can I pay MTR fares with iAM Smart?", {"pflops"}) == ["MTR"]
    assert unknown_names("What is PFLOPS?", {"pflops"}) == []


@pytest.mark.parametrize("question, kind", [
    ("香港2030年需要多少算力？", "amount"), ("數碼港有幾多間初創公司？", "amount"), ("公屋要等幾耐先上到樓？", "amount"),
    ("How many meetings were held?", "amount"), ("How long does it take?", "amount"),
    ("數字政策辦公室於何時成立？", "date"), ("新秘書由幾時開始做？", "date"), ("When was the office set up?", "date"),
    ("On what date did they visit?", "date"), ("智方便是甚麼？", ""), ("Who chairs the subcommittee?", ""),
    ("What did members hope to learn when they visited?", ""),
])
def test_what_a_question_asks_for_is_recognised(question, kind):
    assert asks_for(question) == kind


@pytest.mark.parametrize("text, amount, date", [
    ("截至2025年4月，超過340萬登記用戶", True, True), ("共舉行了九次會議", True, False),
    ("約15 000 PFLOPS的算力", True, False), ("於2024年12月投入服務(參閱上文第14段)", False, True),
    ("立法會於 2025 年 3 月 19 日通過", False, True), ("預計於明年推出", False, True), ("載於附錄2", False, False),
    ("(5) 擴大適用範圍", False, False), ("工程合約編號為CV/2023/01", False, False), ("", False, False),
])
def test_amounts_and_dates_are_told_from_each_other_and_from_citations(text, amount, date):
    assert (gives("amount", fold(text)), gives("date", fold(text))) == (amount, date)


def test_the_dictionary_works_when_its_cache_cannot_be_written(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("LEGCO_RAG_CACHE", str(blocker / "cache"))  # mkdir under a file fails
    dictionary._reverse.cache_clear()
    try:
        assert "救護車" in dictionary.translations("ambulance")
    finally:
        dictionary._reverse.cache_clear()


def test_cantonese_and_written_yes_no_wording_is_how_a_question_is_asked_not_what_it_is_about():
    assert content_words("用智方便可唔可以交差餉？") == content_words("用智方便交差餉？")


@pytest.mark.parametrize("question, chinese", [
    ("Who chaired the subcommittee?", "主席"), ("Who is the deputy chairman?", "副主席"),
    ("Who served as clerk to the subcommittee?", "秘書"), ("Who is the legal adviser?", "法律顧問"),
])
def test_english_role_words_reach_the_report_s_chinese_posts(question, chinese):
    from index.glossary import expand

    assert chinese in expand(question).split()


# ---- the focus of a how / what / which or yes-no question: what is asked about the subject

@pytest.mark.parametrize("question, words, focus_words", [
    ("醫健通的數據存放在哪個數據中心？", ["醫健通", "數據", "存放", "數據中心"], ("數據中心", "存放")),
    ("終身學習模式是怎樣運作的？", ["終身學習", "模式", "運作"], ("運作",)),  # 模式 is the subject
    ("運作模式是怎樣的？", ["運作", "模式"], ("模式",)),
    ("政府會否資助私人斜坡？", ["資助", "私人", "斜坡"], ("資助",)),
    ("積分可不可以換現金？", ["積分", "現金"], ("現金", "積分")),
    ("斜坡維修", ["斜坡", "維修"], ()),  # nothing asks
])
def test_the_focus_is_the_content_word_next_to_the_asking_word(question, words, focus_words):
    assert focus(words, fold(question)) == focus_words


def test_an_asking_word_next_to_an_open_ended_word_has_no_focus():
    assert focus(["斜坡", "回應"], fold("斜坡維修，政府怎樣回應？"), re.compile("回應")) == ()


def _judge(passages: tuple[Passage, ...]) -> Judge:
    return Judge(LexicalIndex.build([tokens(p.text) for p in passages]), Links(passages), passages)


# A tiny report: a subject (港文通) with two paragraphs, one never speaking of how the system works.
TRIAL = Passage("CB(4)1", "19", ("港文通",), "政府會於不同部門試行港文通。試行期為一年。")
WORKING = Passage("CB(4)1", "20", ("港文通",), "港文通透過大語言模型運作，為公文草擬初稿。")
SURE = Settings(abstain_below=0.9)


def test_a_how_question_whose_subject_appears_but_whose_focus_does_not_is_uncertain():
    judge = _judge((TRIAL, WORKING))
    verdict = judge.verdict(Query.parse("港文通是怎樣運作的？"), [TRIAL], 0.99, False, SURE)
    assert verdict.verdict == "uncertain"


def test_a_how_question_is_answered_by_a_sentence_holding_its_focus():
    judge = _judge((TRIAL, WORKING))
    assert judge.verdict(Query.parse("港文通是怎樣運作的？"), [TRIAL, WORKING], 0.99, False, SURE).verdict == "answered"


def test_a_yes_no_question_is_settled_only_by_a_passage_speaking_of_what_it_asks():
    # The passage holds most of the question's words (港文通, 開放, 市民, 使用) but never speaks of a charge.
    opening = Passage("CB(4)1", "21", ("港文通",), "港文通日後將開放予市民使用。")
    charged = Passage("CB(4)1", "22", ("港文通",), "港文通日後開放予市民使用時不會收費。")
    question = Query.parse("港文通開放予市民使用時，政府會否收費？")
    judge = _judge((TRIAL, WORKING, opening, charged))
    assert judge.verdict(question, [opening], 0.99, False, SURE).verdict == "uncertain"
    assert judge.verdict(question, [opening, charged], 0.99, False, SURE).verdict == "answered"


def test_a_question_for_a_speaker_s_reply_needs_no_focus_word_in_the_reply():
    judge = _judge((TRIAL, WORKING))
    assert judge.verdict(Query.parse("港文通方面，政府怎樣回應？"), [TRIAL], 0.99, False, SURE).verdict == "answered"


def test_a_phase_or_version_the_question_names_must_be_in_the_passage_that_answers_it():
    first = Passage("CB(4)1", "14", ("超算中心",), "超算中心首階段設施已於2024年12月投入服務。")
    second = Passage("CB(4)1", "15", ("超算中心",), "超算中心第二階段設施預計於2026年投入服務。")
    judge = _judge((first, second))
    asked_second = Query.parse("超算中心第二階段設施何時投入服務？")
    assert judge.verdict(asked_second, [first], 0.99, False, SURE).verdict == "uncertain"
    assert judge.verdict(asked_second, [first, second], 0.99, False, SURE).verdict == "answered"
    assert judge.verdict(Query.parse("超算中心第一階段設施何時投入服務？"), [first], 0.99, False, SURE).verdict == "answered"


@pytest.mark.parametrize("question, names", [
    ("係邊間顧問公司估計的？", "公司"),  # a consultancy firm is a company: 當局委托的顧問 names none
    ("由哪一間大學研發？", "大學"), ("邊間顧問做研究？", "顧問"), ("Which company built the centre?", "公司"),
])
def test_which_body_is_asked_for_is_read_from_the_last_noun_of_its_name(question, names):
    from assistant.abstain import body_asked

    assert body_asked(Query.parse(question)).pattern == names


# ---- the focus of an English question, read through the Chinese the report uses for it

@pytest.mark.parametrize("question, focus_words", [
    ("Which online platforms do departments use to invite start-ups?", ("online", "platforms")),
    ("What fines can companies face under the new law?", ("fines",)),
    ("How does the hepatitis B screening system work?", ("work",)),
    ("How will eHealth be connected to private doctors' systems?", ("connected",)),
    ("Which department manages the lampposts?", ()),  # the kind of body: body_asked reads it
    ("What did the subcommittee recommend?", ()),  # nothing follows the asking word but how it is asked
])
def test_the_english_focus_is_the_content_word_after_which_or_what_or_the_verb_asked_how(question, focus_words):
    from assistant.words import english_focus

    assert english_focus(question.lower(), english_words(question)) == focus_words


def test_close_translations_are_the_headwords_whose_sense_is_the_word_itself():
    assert {"管理", "治理"} <= dictionary.close_translations("manages")
    assert "罰款" in dictionary.close_translations("fines")
    assert "人工" in dictionary.translations("work")  # "manual work": a phrase using the word
    assert "人工" not in dictionary.close_translations("work")


@pytest.mark.parametrize("text, named", [
    ("When will the second phase open?", {"phase 2"}), ("Is phase two ready?", {"phase 2"}),
    ("the first stage of the centre", {"phase 1"}), ("Blueprint 3.0 in 2026", {"3.0", "2026"}),
])
def test_english_phases_and_versions_name_which_one_as_chinese_ones_do(text, named):
    from assistant.abstain import which_one

    assert which_one(fold(text)) == named


# A tiny report on eHealth: one paragraph never speaks of a penalty, the other does.
OPENING = Passage("CB(4)1", "30", ("醫健通",), "醫健通日後將開放予全港市民。")
FINED = Passage("CB(4)1", "31", ("醫健通",), "醫健通的資料如外洩，當局可處以罰款。")


def test_an_english_which_question_whose_focus_the_passage_never_holds_is_uncertain():
    judge = _judge((OPENING, FINED))
    question = Query.parse("What penalty does eHealth carry?")
    assert judge.verdict(question, [OPENING], 0.99, False, SURE).verdict == "uncertain"


def test_an_english_which_question_is_answered_by_a_sentence_holding_a_translation_of_its_focus():
    judge = _judge((OPENING, FINED))
    question = Query.parse("What penalty does eHealth carry?")
    assert judge.verdict(question, [OPENING, FINED], 0.99, False, SURE).verdict == "answered"


def test_an_english_focus_the_report_never_words_is_not_held_against_a_passage():
    # "grade": no close translation of it is in this report, so it cannot tell a passage apart.
    judge = _judge((OPENING, FINED))
    assert judge.verdict(Query.parse("What grade does eHealth get?"), [OPENING], 0.99, False, SURE).verdict == "answered"


# ---- a focus word is also found as a word sharing its uncommon second morpheme (評級 for 等級)

FILLER = tuple(Passage("CB(4)1", str(n), ("其他",), f"政府當局就第{n}項措施表示會繼續跟進。") for n in range(40, 50))
RATED = Passage("CB(4)1", "50", ("港文通",), "港文通在評審中的評級為優。")


def test_a_focus_is_found_as_a_word_ending_in_the_same_uncommon_character():
    judge = _judge((*FILLER, TRIAL, RATED))
    assert judge.verdict(Query.parse("港文通拿到甚麼等級？"), [RATED], 0.99, False, SURE).verdict == "answered"


def test_a_shared_character_most_passages_use_does_not_vouch_for_the_focus():
    common = tuple(Passage(p.doc, p.label, p.section, p.text + "各級部門會配合。") for p in FILLER)
    judge = _judge((*common, TRIAL, RATED))
    assert judge.verdict(Query.parse("港文通拿到甚麼等級？"), [RATED], 0.99, False, SURE).verdict == "uncertain"
