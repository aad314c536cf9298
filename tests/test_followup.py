"""Follow-up questions: how a question reads after the earlier turns, and what is searched for it."""
from __future__ import annotations

import re

import pytest

from assistant.answer import answer_question
from assistant.cli import main
from assistant.followup import (MAX_HISTORY_TURNS, WithHistory, check_history, more, neighbours, resolve,
                                search_with_history, subject)
from assistant.retrieve import MAX_QUESTION_CHARS, Hit, SearchResult
from index.normalise import detect_lang
from ingest.passage import InputError, Passage

COMPUTE = "香港2030年需要多少算力？"


# ---------------------------------------------------------------- resolution, per language

@pytest.mark.parametrize("question, earlier", [
    # pronouns and demonstratives
    ("它由誰負責？", "數碼港是甚麼？"),
    ("佢幾時推出？", "智方便有咩功能？"),
    ("它的用户有多少？", "“医健通”是什么？"),
    ("該系統涵蓋多少個路口？", "實時交通燈號調節系統是甚麼？"),
    ("Where is it located?", "What is the AI Supercomputing Centre?"),
    ("When will they finish the review?", "Which bureau oversees smart city policy?"),
    # "X呢？" / "what about X" / "and X?"
    ("那費用呢？", "超算中心何時投入服務？"),
    ("那费用呢？", "超算中心何时投入服务？"),
    ("消防處又點？", "警務處有咩app搵失蹤人士？"),
    ("What about the budget?", "When will the Smart City Blueprint 3.0 be published?"),
    ("And the timetable?", "Will autonomous vehicles run in the Loop?"),
    # no subject of its own
    ("何時開始？", "智慧燈柱計劃的進度如何？"),
    ("涉及多少個路口？", "實時交通燈號調節系統幾時推至全港？"),
    ("幾時完成？", "自動駕駛車輛嘅法例修訂咗未？"),
    ("So how long will that take?", "Will the HA Go app be merged with eHealth?"),
])
def test_a_question_that_leans_on_the_earlier_turn_carries_its_subject(question, earlier):
    r = resolve(question, [earlier])
    assert r.kind == "elliptical"
    assert r.query.startswith(question)
    assert r.topic == earlier
    carried = r.query[len(question):]
    assert subject(earlier) and any(word in carried for word in subject(earlier))


@pytest.mark.parametrize("question", [
    "Tell me more.", "tell me more about that please", "Anything else?", "What else?", "Can you elaborate?",
    "講多啲啦。", "仲有冇其他？", "仲有呢？", "請再詳細說明。", "還有呢？", "多講一點", "还有吗？", "再多说一些。", "请详细说明",
])
def test_tell_me_more_continues_the_earlier_topic(question):
    r = resolve(question, [COMPUTE])
    assert (r.kind, r.query, r.topic) == ("more", COMPUTE, COMPUTE)


@pytest.mark.parametrize("question, earlier", [
    ("綠綠賞是甚麼？", COMPUTE),
    ("唔講呢樣住，綠綠賞係咩嚟？", "自動駕駛車輛嘅法例幾時完成修訂？"),
    ("另外，香港在2024年智慧城市指數排名第幾？", COMPUTE),
    ("小組委員會進行了哪些參觀活動？", "河套區會有自動駕駛服務嗎？"),
    ("医管局在哪些方面用上了人工智能？", COMPUTE),
    ("What is iAM Smart and who runs it?", COMPUTE),
    ("How will cross-boundary personal data be protected under the GBA Standard Contract?", COMPUTE),
    ("By the way, when was the Digital Policy Office set up?", COMPUTE),
    ("還有哪些部門使用無人機？", COMPUTE),
])
def test_a_self_contained_question_is_searched_as_it_is(question, earlier):
    assert resolve(question, [earlier]).query == question
    assert resolve(question, [earlier]).kind == "standalone"


@pytest.mark.parametrize("question, side", [
    ("政府當局怎樣回應？", "administration"),
    ("政府怎么回应？", "administration"),
    ("當局點答？", "administration"),
    ("委員的意見又是怎樣？", "members"),
    ("議員嗰邊又點講？", "members"),
    ("And the members' view?", "members"),
    ("What did the government say?", "administration"),
    ("小組委員會有甚麼建議？", "subcommittee"),
])
def test_asking_for_the_other_speaker_keeps_the_topic_and_names_the_side(question, side):
    earlier = "委員對人工智能超算中心的電力成本有甚麼關注？"
    r = resolve(question, [earlier])
    assert (r.kind, r.speaker) == ("elliptical", side)
    assert "人工智能超算中心" in r.query
    assert r.query.count("委員") == question.count("委員")  # the earlier side is not carried over


@pytest.mark.parametrize("question, side", [
    ("邊個回應？", "administration"), ("谁回答的？", "administration"), ("Who replied to that?", "administration"),
    ("誰提出的？", "members"), ("who asked?", "members"), ("Who raised it?", "members"),
])
def test_asking_who_replied_or_who_asked_asks_for_that_side_and_searches_what_it_said(question, side):
    # In a committee's report the Administration replies and members ask: "who" here names a side, not a
    # person, and the search reads what that side said about the earlier topic.
    r = resolve(question, ["實時交通燈號調節系統幾時推展至全港？"])
    assert (r.kind, r.speaker) == ("elliptical", side)
    assert "實時交通燈號調節系統" in r.query and not re.search(r"誰|谁|邊個|who", r.query, re.I)


def test_who_about_something_else_is_not_a_side():
    assert resolve("誰回應了市民的投訴？", ["實時交通燈號調節系統幾時推展至全港？"]).speaker == ""


def test_the_earlier_turn_is_itself_resolved_against_the_turns_before_it():
    r = resolve("佢哋仲有冇用無人機？", ["土拓署用咩系統睇航空照片？", "佢幾時推出？"])
    assert r.kind == "elliptical"
    assert "土拓署" in r.query


def test_without_history_a_question_is_standalone():
    assert resolve("那費用呢？", []) == resolve("那費用呢？", ()) == resolve("那費用呢？")
    assert resolve("那費用呢？").kind == "standalone"


def test_a_resolved_query_stays_within_the_question_limit():
    long_topic = "智方便 " * 300
    assert len(resolve("它幾時推出？", [long_topic[:MAX_QUESTION_CHARS]]).query) <= MAX_QUESTION_CHARS


def test_subject_drops_how_a_question_asks_and_keeps_what_it_names():
    words = subject("“智方便”有多少登記用戶？")
    assert "智方便" in words
    assert not {"多少", "有"} & set(words)


# ---------------------------------------------------------------- history checks

@pytest.mark.parametrize("history, message", [
    ("香港2030年需要多少算力？", "must be a list of earlier questions"),
    ({"q": 1}, "must be a list of earlier questions"),
    ([COMPUTE, 42], "history turn 2 is a int, not text"),
    (["問題"] * (MAX_HISTORY_TURNS + 1), f"has {MAX_HISTORY_TURNS + 1} turns; give at most {MAX_HISTORY_TURNS}"),
    (["字" * (MAX_QUESTION_CHARS + 1)], f"history turn 1 is {MAX_QUESTION_CHARS + 1} characters long"),
])
def test_a_bad_history_is_refused_in_one_line_saying_what_to_do(history, message):
    with pytest.raises(InputError, match=message) as err:
        check_history(history)
    assert "\n" not in str(err.value)


def test_a_history_is_cleaned_like_a_question_and_empty_turns_are_skipped():
    assert check_history(None) == ()
    assert check_history(["  香港 2030年\t需要多少算力？ ", "", "👍", "那費用呢？"]) == \
        ("香港 2030年 需要多少算力？", "那費用呢？")
    assert check_history(["問題"] * MAX_HISTORY_TURNS) == ("問題",) * MAX_HISTORY_TURNS


@pytest.mark.parametrize("argv, message", [
    (["--history", "字" * (MAX_QUESTION_CHARS + 1)], "history turn 1 is"),
    ([arg for _ in range(MAX_HISTORY_TURNS + 1) for arg in ("--history", "問題")], "give at most 20"),
])
def test_cli_ask_refuses_a_bad_history_with_exit_2_before_loading_the_model(capsys, argv, message):
    code = main(["ask", "那費用呢？", "--index", "/nonexistent-index", *argv])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("legco-rag: error: ") and message in err
    assert len(err.strip().splitlines()) == 1


# ---------------------------------------------------------------- search, on a fake retriever

def _p(label: str, section: tuple[str, ...], text: str = "", **kw) -> Passage:
    return Passage("R", label, section, text or label, **kw)


A, B = ("商議", "超算中心"), ("商議", "交通")
PASSAGES = (_p("13", ("商議", "數據")), _p("14", A), _p("15", A, footnotes=("fn6",)), _p("16", A),
            _p("fn6", A), _p("34", B), _p("35", B), _p("66", ("參觀",)), _p("67(1)", ("建議", "數據"), refs=("15",)))


class FakeRetriever:
    """Ranks by how often the query names a passage's label: enough to see what was searched."""

    class index:
        passages = PASSAGES

    def __init__(self):
        self.asked: list[str] = []

    def linked(self, p: Passage) -> tuple[Passage, ...]:
        by = {q.label: q for q in PASSAGES}
        pointing = [q.label for q in PASSAGES if p.label in q.refs]
        return tuple(by[label] for label in (*p.footnotes, *p.refs, *pointing) if label in by)

    def search(self, question: str, k: int = 5, speaker: str = "", own: str = "") -> SearchResult:
        self.asked.append(question)
        scored = sorted(PASSAGES, key=lambda p: -question.count(p.label))
        hits = tuple(Hit(p, 1.0 - i / 10) for i, p in enumerate(scored[:k]))
        return SearchResult(question, True, hits, 1.0)


@pytest.mark.parametrize("label, expected", [
    ("15", ["14", "16", "fn6"]),  # its subsection, nearest first
    ("66", ["35", "67(1)"]),  # alone in its top-level section: the passages either side
    ("13", ["14"]),  # alone in its subsection: the nearest passage in the enclosing section
])
def test_neighbours_are_the_subsection_in_reading_order(label, expected):
    p = next(p for p in PASSAGES if p.label == label)
    assert [q.label for q in neighbours(PASSAGES, p)] == expected


def test_tell_me_more_gives_the_neighbours_and_links_of_the_earlier_top_passage_but_not_it():
    retriever = FakeRetriever()
    result = more(retriever, "Tell me more.", "15 15 16", k=5)
    labels = [h.passage.label for h in result.hits]
    assert result.question == "Tell me more."
    assert retriever.asked == ["15 15 16"]  # the earlier question was searched again
    assert "15" not in labels
    assert set(labels[:4]) == {"14", "16", "fn6", "67(1)"}
    assert labels[0] == "16"  # the likeliest for the earlier question first


def test_search_with_history_searches_the_resolved_question_but_reports_the_asked_one():
    retriever = FakeRetriever()
    result = search_with_history(retriever, "那費用呢？", ["超算中心 fn6 何時投入服務？"], k=3)
    assert result.question == "那費用呢？"
    assert retriever.asked[0].startswith("那費用呢？") and "超算中心" in retriever.asked[0]
    assert result.hits[0].passage.label == "fn6"
    assert set(result.to_json()) == {"question", "answerable", "verdict", "citations"}


def test_a_follow_up_asking_for_the_other_side_is_not_held_to_words_of_its_own():
    # "政府怎么回应？" names only a speaker: the side's passage is what it asks for.
    calls = []

    class Recording(FakeRetriever):
        def search(self, question, k=5, speaker="", own=""):
            calls.append((speaker, own))
            return super().search(question, k)

    search_with_history(Recording(), "政府怎么回应？", ["委员对超算中心 fn6 有什么看法？"], k=3)
    search_with_history(Recording(), "那費用呢？", ["超算中心 fn6 何時投入服務？"], k=3)
    assert calls == [("administration", ""), ("", "那費用呢？")]


def test_a_new_topic_is_searched_without_the_old_one():
    retriever = FakeRetriever()
    search_with_history(retriever, "綠綠賞是甚麼？", [COMPUTE], k=3)
    assert retriever.asked == ["綠綠賞是甚麼？"]


def test_with_history_lets_code_written_for_a_retriever_follow_the_conversation():
    retriever = FakeRetriever()
    view = WithHistory(retriever, ["超算中心何時投入服務？"])
    view.search("那費用呢？", k=3)
    assert "超算中心" in retriever.asked[0]
    assert view.index.passages is PASSAGES
    with pytest.raises(InputError):
        WithHistory(retriever, "not a list")


# ---------------------------------------------------------------- on the real index

COMPUTE_SECTION = {"14", "15", "16", "fn6"}  # 人工智能超算中心


@pytest.mark.model
@pytest.mark.parametrize("question", ["what about its cost?", "那費用呢？"])
def test_cost_after_the_compute_question_stays_on_the_supercomputing_centre(retriever, question):
    result = search_with_history(retriever, question, [COMPUTE], k=5)
    assert result.question == question
    assert {h.passage.label for h in result.hits[:3]} <= COMPUTE_SECTION
    assert "算力" in resolve(question, [COMPUTE]).query  # the earlier turn's subject is what was searched


@pytest.mark.model
@pytest.mark.parametrize("question", ["tell me more", "講多啲啦。"])
def test_tell_me_more_after_the_compute_question_continues_beside_its_answer(retriever, question):
    first = retriever.search(COMPUTE, k=5).hits[0].passage
    result = search_with_history(retriever, question, [COMPUTE], k=5)
    labels = [h.passage.label for h in result.hits]
    assert first.label not in labels
    assert set(labels[:2]) <= COMPUTE_SECTION | {h.passage.label for h in retriever.search(COMPUTE, k=10).hits}
    assert labels[0] in COMPUTE_SECTION


TRAFFIC_SIGNALS = "實時交通燈號調節系統幾時推展至全港？"  # members ask in 第34段, the Administration replies in 第35段


@pytest.mark.model
@pytest.mark.parametrize("question, speaker", [
    ("who answered?", "administration"), ("邊個問嘅？", "members"), ("委員點講？", "members"),
])
def test_a_follow_up_asking_for_a_side_quotes_that_side_in_the_askers_language(retriever, question, speaker):
    answer = answer_question(WithHistory(retriever, [TRAFFIC_SIGNALS]), question, k=5)
    assert answer.lang == detect_lang(question)  # "who answered?" after a Chinese question: in English
    assert answer.quotes and all(q.speaker == speaker for q in answer.quotes)
    assert {q.label for q in answer.quotes} <= {"34", "35"}
