"""eval/run.py: the run's opening line, progress hook and the questions it got wrong."""
from __future__ import annotations

from types import SimpleNamespace

from assistant.hit import Hit, SearchResult
from assistant.retrieve import Settings
from eval.run import describe, missed, run
from fakes import FixedRetriever
from ingest.passage import Passage


def _result(qid, ranked, answerable=True):
    return {"id": qid, "ranked": ranked, "answerable": answerable, "top_score": 1.0, "latency_ms": 1.0}


def test_missed_lists_wrong_top_passages_false_abstentions_and_answered_nones_with_why():
    questions = [
        {"id": "right", "question": "a", "relevant": ["15"]},
        {"id": "wrong-top", "question": "b", "relevant": ["15"]},
        {"id": "abstained", "question": "c", "relevant": ["48"]},
        {"id": "none-answered", "question": "d", "relevant": []},
        {"id": "none-abstained", "question": "e", "relevant": []},
        {"id": "unlabelled", "question": "f"},
    ]
    results = [_result("right", ["15", "14"]), _result("wrong-top", ["14", "15"]),
               _result("abstained", ["48"], answerable=False), _result("none-answered", ["3"]),
               _result("none-abstained", ["3"], answerable=False), _result("unlabelled", ["1"])]
    got = {m["id"]: (m["why"], m["ranked"], m["gold"]) for m in missed(questions, results)}
    assert got == {
        "wrong-top": ("top passage not gold", ["14", "15"], ["15"]),
        "abstained": ("false abstention", ["48"], ["48"]),
        "none-answered": ("answered a question the report does not answer", ["3"], []),
    }


def test_the_opening_line_names_questions_split_mode_and_index():
    retriever = SimpleNamespace(settings=Settings(mode="dense", normalise=False),
                                index=SimpleNamespace(folder="data/index"))
    assert describe("eval/questions.jsonl", "test", retriever) == (
        "questions eval/questions.jsonl · split test · mode dense, no normalising · index data/index")


P15 = Passage("CB(2)1292/2025", "15", ("商議",), "超算中心會支援研發。")
class _Retriever:
    """Finds paragraph 15 for every question."""

    def search(self, question, k=10):
        return SearchResult(question, True, (Hit(Passage("CB(4)1", "15", (), "第十五段。"), 0.9),), 0.9)


def test_run_passes_every_question_through_the_progress_hook():
    seen = []

    def track(questions):
        for q in questions:
            seen.append(q["id"])
            yield q

    questions = [{"id": "q1", "question": "算力"}, {"id": "q2", "question": "智方便"}]
    results = run(FixedRetriever(SearchResult("算力", True, (Hit(P15, 0.9),), 0.9)), questions, k=3, track=track)
    assert seen == ["q1", "q2"] and [r["id"] for r in results] == ["q1", "q2"]
