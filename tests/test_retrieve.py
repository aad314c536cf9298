"""The retriever's behaviour on the small fixture report, with a fake embedder: lookup, links, JSON."""
from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.retrieve import Retriever, Settings, check_question
from index.build import build
from index.defaults import BUNDLED_REPORT
from index.store import load_index
from ingest.passage import InputError

from fakes import MINI, HashEmbedder

LEXICAL = Settings(mode="lexical", abstain_below=-1.0)


@pytest.fixture(scope="module")
def retriever(tmp_path_factory) -> Retriever:
    folder = tmp_path_factory.mktemp("mini") / "index"
    build([MINI], folder, HashEmbedder(), progress=False)
    return Retriever(load_index(folder), HashEmbedder(), LEXICAL)


def labels(result) -> list[str]:
    return [h.passage.label for h in result.hits]


@pytest.mark.parametrize("question, first", [
    ("第5段", "5"), ("第五段講乜？", "5"), ("paragraph 7", "7"), ("para 10(3)", "10(3)"),
    ("recommendation 2", "10(2)"), ("建議(4)", "10(4)"), ("註2", "fn2"), ("footnote 3", "fn3"), ("附錄2", "appendix2"),
])
def test_a_question_naming_a_citation_gets_that_passage_first(retriever, question, first):
    result = retriever.search(question, k=3)
    assert labels(result)[0] == first
    assert result.hits[0].via == "lookup"
    assert result.answerable


def test_several_named_paragraphs_come_in_the_order_named(retriever):
    assert labels(retriever.search("第7及4段", k=2)) == ["7", "4"]


def test_lexical_search_finds_the_paragraph_sharing_the_words(retriever):
    assert labels(retriever.search("單車徑的連貫性", k=3))[0] == "4"


def test_simplified_chinese_finds_the_traditional_text(retriever):
    assert labels(retriever.search("单车径的连贯性", k=3))[0] == "4"


def test_a_recommendation_brings_the_paragraph_it_cites_along(retriever):
    # 10(3) cites 第7段: a hit on one passes a share of its score to the other.
    hits = labels(retriever.search("引入公私營合作模式", k=4))
    assert {"10(3)", "7"} <= set(hits)


def test_hits_carry_their_linked_passages(retriever):
    by_label = {h.passage.label: h for h in retriever.search("公私營合作模式", k=5).hits}
    assert {p.label for p in by_label["7"].linked} >= {"fn3", "10(3)"}  # its footnote, the recommendation citing it
    assert {p.label for p in by_label["fn3"].linked} == {"7"}  # a footnote links back to its paragraph


def test_json_has_the_ask_fields(retriever):
    out = retriever.search("第5段", k=1).to_json()
    assert set(out) == {"question", "answerable", "verdict", "citations"}
    assert set(out["citations"][0]) == {"doc", "label", "section", "score", "text"}
    assert out["citations"][0]["doc"] == "CB(4)345/2024"


def test_a_question_naming_something_the_report_never_mentions_is_not_answerable(retriever):
    strict = Retriever(retriever.index, retriever.embedder, replace(LEXICAL, abstain_below=-1.0))
    result = strict.search("Can I pay MTR fares with Octopus?", k=3)
    assert not result.answerable and result.unknown == ("MTR", "Octopus")


def test_a_question_asking_for_a_number_no_top_passage_gives_is_not_answerable(retriever):
    # The mini report's passages on 單車徑 give a year (2025年), never an amount.
    result = retriever.search("單車徑有多少公里長？", k=3)
    assert result.not_given == "amount" and not result.answerable
    assert not retriever.search("單車徑的研究何時完成？", k=3).not_given


THREE_SUBJECTS = """立法會 CB(9)1/2026 號文件

測試小組委員會報告

1. 「智方便」截至2025年4月有超過340萬登記用戶，市民可用以登入多項網上服務。

2. 「醫健通」讓市民查閱個人健康紀錄，當局表示會與HA Go整合。

3. 數字政策辦公室於2024年7月成立，負責推動數字政府，並支援各平台的登記用戶。
"""


@pytest.mark.parametrize("question, not_given", [
    ("「醫健通」有多少登記用戶？", "amount"),  # 1 gives a number of registered users, of 智方便
    ("「智方便」有多少登記用戶？", ""),
    ("醫健通何時與HA Go整合？", "date"),  # 1 and 3 give dates, for other things
    ("數字政策辦公室何時成立？", ""),
])
def test_a_number_or_date_given_only_for_another_subject_does_not_answer(tmp_path, question, not_given):
    report = tmp_path / "three-subjects.txt"
    report.write_text(THREE_SUBJECTS, encoding="utf-8")
    build([report], tmp_path / "index", HashEmbedder(), progress=False)
    result = Retriever(load_index(tmp_path / "index"), HashEmbedder(), LEXICAL).search(question, k=3)
    assert result.not_given == not_given and result.answerable == (not_given == "")


def test_a_query_model_of_another_dimension_is_refused_with_the_fix(retriever):
    class Wide(HashEmbedder):
        dim = 32

    with pytest.raises(InputError, match="rebuild"):
        Retriever(retriever.index, Wide())


@pytest.mark.parametrize("question, message", [("", "empty"), ("  \n ", "empty"), ("海" * 1001, "1000")])
def test_unusable_questions_are_refused_with_a_reason(question, message):
    with pytest.raises(InputError, match=message):
        check_question(question)


@pytest.fixture(scope="module")
def both_reports(tmp_path_factory) -> Retriever:
    folder = tmp_path_factory.mktemp("both") / "index"
    build([BUNDLED_REPORT, MINI], folder, HashEmbedder(), progress=False)
    return Retriever(load_index(folder), HashEmbedder(), LEXICAL)


@pytest.mark.parametrize("question, doc_words", [("第4段 單車徑", "海濱"), ("第4段 數字政策辦公室", "智慧城市")])
def test_a_label_every_report_has_comes_first_from_the_report_the_question_is_about(both_reports, question, doc_words):
    first = both_reports.search(question).hits[0]
    assert first.passage.label == "4" and first.via == "lookup"
    assert doc_words in both_reports.index.documents[first.passage.doc].title


def test_english_words_outside_the_glossary_reach_the_chinese_text_through_the_dictionary(both_reports):
    # No glossary name here: "cameras" and "monitoring" find 攝影機 and 監測 through CC-CEDICT.
    first = both_reports.search("Are cameras used for monitoring?").hits[0]
    assert "攝影機" in first.passage.text and "監測" in first.passage.text


QUESTIONS_AT_ONCE = ["單車徑的連貫性", "引入公私營合作模式", "第5段", "footnote 3", "公私營合作模式", "智慧燈柱"]


def ranked(result) -> list[tuple[str, float]]:
    return [(h.passage.label, h.score) for h in result.hits]


def test_hybrid_questions_asked_from_many_threads_get_what_they_get_one_at_a_time(retriever):
    # Each question's lexical search runs on the retriever's worker thread beside its dense search.
    from concurrent.futures import ThreadPoolExecutor

    hybrid = Retriever(retriever.index, HashEmbedder(), Settings(abstain_below=-1.0))
    one_at_a_time = [ranked(hybrid.search(q)) for q in QUESTIONS_AT_ONCE]
    with ThreadPoolExecutor(max_workers=6) as pool:
        at_once = list(pool.map(lambda q: ranked(hybrid.search(q)), QUESTIONS_AT_ONCE * 4))
    assert at_once == one_at_a_time * 4
    assert all(one_at_a_time)


@pytest.mark.parametrize("stage", ["dense", "lexical"])
def test_a_stages_scores_are_its_hits_without_the_passages(retriever, stage):
    from assistant.query import Query

    search = getattr(retriever, stage)
    for question in QUESTIONS_AT_ONCE:
        query = Query.parse(question, retriever.settings.normalise)
        assert search.scored(query, 8) == {h.key: h.score for h in search.search(query, 8)}
        assert list(search.scored(query, 8).values()) == sorted(search.scored(query, 8).values(), reverse=True)
