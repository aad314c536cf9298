"""A question is analysed once, at the door, into a Query that every stage reads (assistant.query)."""
from __future__ import annotations

import math

import pytest

import assistant.answer
import assistant.query
import assistant.words
import index.glossary
from assistant.answer import answer_question
from assistant.query import Query
from assistant.retrieve import Retriever, Settings
from index.build import build
from index.glossary import default_terms
from index.lexical import LexicalIndex
from index.normalise import cantonese_score, fold, to_traditional
from index.store import load_index
from ingest.passage import InputError

from fakes import MINI, HashEmbedder


@pytest.fixture(autouse=True)
def _cache(project_cache_in_tmp):
    pass


def test_a_cantonese_question_is_searched_in_written_chinese():
    query = Query.parse("單車徑幾時起好？")
    assert query.lang == "yue"
    assert query.written == "單車徑甚麼時候起好？"
    assert query.asks == "date"
    assert list(query.words) == ["單車"] and "幾時" not in query.tokens and "時候" in query.tokens


def test_an_english_question_is_expanded_by_the_glossary_and_translated_by_the_dictionary():
    query = Query.parse("How many ambulances use iAM Smart?")
    assert query.lang == "en" and query.expanded == "How many ambulances use iAM Smart? 智方便"
    assert "智方便" in query.tokens and "救護車" in query.translations
    assert query.words["ambulances"] >= {"救護車"} and query.words["智方便"] == {"智方便"}
    assert query.asks == "amount" and query.names == ()


def test_without_normalising_the_question_itself_is_searched_but_still_expanded_for_the_answer():
    query = Query.parse("How many ambulances use iAM Smart?", normalise=False)
    assert query.searched == query.text and query.translations == ()
    assert query.expanded.endswith("智方便")


def test_latin_names_are_kept_as_written_with_their_lowercase_form():
    assert Query.parse("Can I pay MTR fares with Octopus?").names == (("MTR", "mtr"), ("Octopus", "octopus"))


def test_a_question_that_cannot_be_asked_is_refused_at_the_door():
    with pytest.raises(InputError, match="empty"):
        Query.parse("   ")


def test_word_weights_are_the_rarity_of_each_word_in_the_collection():
    users = fold("用戶")  # the collection and the question's words meet in folded form
    lexical = LexicalIndex.build([["醫健通", users], ["醫健通"], ["智方便"]])
    weights = Query.parse("醫健通用戶").weights(lexical)
    assert weights == {"醫健通": pytest.approx(math.log(4 / 2.5)), users: pytest.approx(math.log(4 / 1.5))}


def test_no_glossary_term_reads_as_cantonese_so_expanding_never_changes_the_language():
    # Query.parse reads the language of the question and applies it to its expansion too.
    assert [t.zh for t in default_terms() if cantonese_score(to_traditional(t.zh))] == []


@pytest.fixture(scope="module")
def retriever(tmp_path_factory) -> Retriever:
    folder = tmp_path_factory.mktemp("mini") / "index"
    build([MINI], folder, HashEmbedder(), progress=False)
    return Retriever(load_index(folder), HashEmbedder(), Settings(abstain_below=-1.0))


@pytest.mark.parametrize("question", ["單車徑幾時起好？", "Is the cycle track connected?", "第4段"])
def test_one_question_is_analysed_once_from_search_to_answer(retriever, monkeypatch, question):
    calls = {"detect_lang": 0, "expand": 0}

    def counted(name, f):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return f(*args, **kwargs)
        return wrapper

    for module in (assistant.query, assistant.words, assistant.answer):
        if hasattr(module, "detect_lang"):
            monkeypatch.setattr(module, "detect_lang", counted("detect_lang", module.detect_lang))
    for module in (index.glossary, assistant.answer):
        monkeypatch.setattr(module, "expand", counted("expand", module.expand))
    answer = answer_question(retriever, question, k=3)
    assert answer.text and calls == {"detect_lang": 1, "expand": 1}
