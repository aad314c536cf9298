"""An English question searched lexically against a Chinese report: CC-CEDICT turns its words into
the report's Chinese, each translation weighing what the same word asked in Chinese would."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.lexical_search import LexicalSearch
from assistant.links import Links
from assistant.query import Query
from index.lexical import LexicalIndex
from index.tokenise import tokens
from ingest.passage import Passage

AMBULANCES = Passage("CB(4)1", "12", ("緊急服務",), "消防處正為救護車安裝新的調派系統。")
CYCLING = Passage("CB(4)1", "13", ("單車徑",), "委員關注單車徑的連貫性。")
LOGIN = Passage("CB(4)1", "14", ("智方便",), "市民可用智方便登入政府網上服務。")
REPORT = (AMBULANCES, CYCLING, LOGIN)


@pytest.fixture(autouse=True)
def _cache(project_cache_in_tmp):
    pass


@pytest.fixture(scope="module")
def search() -> LexicalSearch:
    lexical = LexicalIndex.build([tokens(p.text) for p in REPORT])
    return LexicalSearch(lexical, [(p.doc, p.label) for p in REPORT], Links(REPORT).by_label)


def test_an_english_question_whose_words_only_the_dictionary_bridges_reaches_the_chinese_paragraph(search):
    # No glossary name and no shared token: only CC-CEDICT's ambulance → 救護車 links the two.
    hits = search.search(Query.parse("Are new ambulances coming?"), 50)
    assert hits and hits[0].passage == AMBULANCES


def test_a_translated_word_weighs_what_the_same_word_asked_in_chinese_weighs(search):
    english = search.lexical.scores(search.query_tokens(Query.parse("Ambulances?")))
    chinese = search.lexical.scores(search.query_tokens(Query.parse("救護車？")))
    assert english.max() > 0 and np.allclose(english, chinese)


def test_only_the_translations_the_report_uses_are_searched(search):
    query = Query.parse("Ambulances?")
    offered = dict(query.translated)["ambulances"]
    assert {"救護車", "白車"} <= set(offered)  # CC-CEDICT's words for it; the report says 救護車 only
    extra = search.query_tokens(query)[len(query.tokens):]
    assert extra == tokens("救護車")


def test_words_the_glossary_names_are_not_translated_again():
    query = Query.parse("How do I log in with iAM Smart?")
    assert "智方便" in query.tokens
    assert [word for word, _ in query.translated] == ["log"]  # not "iam", not "smart"


def test_a_chinese_question_gets_no_translations(search):
    query = Query.parse("救護車幾時更換？")
    assert query.translated == () and search.query_tokens(query) == list(query.tokens)


def test_a_compound_holding_another_translation_of_the_word_is_not_searched():
    # CC-CEDICT gives "company" both 公司 and 初創公司 (start-up company); the question said no start-up.
    report = (Passage("CB(4)1", "20", (), "兩間公司已獲批牌照。"), Passage("CB(4)1", "21", (), "政府資助初創公司參與試驗。"))
    lexical = LexicalIndex.build([tokens(p.text) for p in report])
    search = LexicalSearch(lexical, [(p.doc, p.label) for p in report], Links(report).by_label)
    query = Query.parse("Which company?")
    assert {"公司", "初創公司"} <= set(dict(query.translated)["company"])
    assert search.query_tokens(query)[len(query.tokens):] == tokens("公司")
