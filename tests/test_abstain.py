"""The signals that decide whether the report answers a question at all (assistant.abstain)."""
import pytest

from assistant.abstain import content_words, coverage, unknown_names
from index.lexical import LexicalIndex


@pytest.fixture(autouse=True)
def _cache(project_cache_in_tmp):
    pass


def test_content_words_keep_what_the_question_is_about_and_drop_how_it_is_asked():
    assert content_words("港鐵車費幾時加價？") == ["車費", "加價"]
    assert content_words("「醫健通」目前有甚麼新功能？") == ["醫健通", "功能"]


def test_cantonese_and_simplified_questions_give_the_report_s_written_forms():
    assert "醫健通" in content_words("醫健通有冇得睇埋牙醫嘅紀錄？")
    assert "醫健通" in content_words("医健通的数据存放在哪里？")


def test_an_english_question_has_no_chinese_words_to_compare():
    assert content_words("How many ambulances use AI?") == []


def test_coverage_weighs_each_word_found_in_the_text():
    weights = {"醫健通": 3.0, "用戶": 1.0}
    assert coverage(weights, "醫健通用戶") == 1.0
    assert coverage(weights, "智方便用戶") == 0.25
    assert coverage(weights, "") == 0.0
    assert coverage({}, "醫健通") == 0.0


def test_document_frequency_counts_passages_holding_a_token():
    lexical = LexicalIndex.build([["醫健通", "用戶"], ["醫健通"], ["智方便"]])
    assert len(lexical) == 3
    assert [lexical.document_frequency(t) for t in ("醫健通", "用戶", "八達通")] == [2, 1, 0]


def test_names_the_report_never_mentions_are_found_and_known_ones_are_not():
    assert unknown_names("Can I pay MTR fares with iAM Smart?", {"pflops"}) == ["MTR"]
    assert unknown_names("What is PFLOPS?", {"pflops"}) == []
