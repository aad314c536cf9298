"""Each retrieval stage alone, on hand-built inputs: fuse, rank, links, label lookup, dense and lexical
search, and the abstention judge."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.abstain import Judge
from assistant.dense_search import DenseSearch
from assistant.fuse import fuse, rank
from assistant.label_lookup import LabelLookup
from assistant.lexical_search import LexicalSearch
from assistant.links import Links
from assistant.query import Query
from assistant.settings import Settings
from index.build import build
from index.lexical import LexicalIndex
from index.store import load_index
from index.tokenise import tokens
from ingest.passage import Passage

from fakes import MINI, HashEmbedder

P4 = Passage("CB(4)1", "4", ("單車徑",), "委員關注單車徑的連貫性。", footnotes=("fn1",))
FN1 = Passage("CB(4)1", "fn1", (), "研究預計於2025年完成。")
R2 = Passage("CB(4)1", "10(2)", ("建議",), "盡快接駁單車徑(參閱上文第4段)。", refs=("4",))
OTHER4 = Passage("CB(2)9", "4", ("智方便",), "智方便有超過340萬登記用戶。")
PASSAGES = (P4, FN1, R2, OTHER4)
KEY = {p: (p.doc, p.label) for p in PASSAGES}


@pytest.fixture(autouse=True)
def _cache(project_cache_in_tmp):
    pass


# ---- fuse and rank

def test_fuse_adds_the_weighted_lexical_score_to_the_dense_one():
    fused = fuse({"a": 0.9, "b": 0.7}, {"b": 1.0, "c": 0.5}, 0.2)
    assert fused == {"a": pytest.approx(0.9), "b": pytest.approx(0.7 + 0.2), "c": pytest.approx(0.7 + 0.1)}


def test_fuse_without_dense_scores_starts_lexical_ones_from_zero():
    assert fuse({}, {"c": 0.5}, 0.2) == {"c": pytest.approx(0.1)}


def test_rank_breaks_ties_in_collection_order():
    assert rank({"fn2": 0.5, "4": 0.9, "fn1": 0.5}, {"4": 0, "fn1": 1, "fn2": 2}) == ["4", "fn1", "fn2"]


# ---- links

def test_links_go_both_ways_between_paragraphs_footnotes_and_recommendations():
    links = Links(PASSAGES)
    assert links.linked(P4) == (FN1, R2)  # its footnote, the recommendation citing it
    assert links.linked(FN1) == (P4,) and links.linked(R2) == (P4,)
    assert links.marking(FN1) == [P4] and links.marking(P4) == []


def test_a_share_of_a_score_passes_along_each_link():
    spread = Links(PASSAGES).spread({KEY[R2]: 1.0, KEY[P4]: 0.5}, 0.9)
    # One step, from the scores given: fn1 gets a share of paragraph 4's own 0.5, not of its raised 0.9.
    assert spread == {KEY[R2]: 1.0, KEY[P4]: 0.9, KEY[FN1]: 0.45}


# ---- label lookup

def test_a_named_label_comes_from_the_report_with_the_higher_score_first():
    lookup = LabelLookup(PASSAGES)
    hits = lookup.search(Query.parse("第四段講乜？"), {KEY[OTHER4]: 0.8, KEY[P4]: 0.3})
    assert [(h.passage, h.score, h.via) for h in hits] == [(OTHER4, 0.8, "lookup"), (P4, 0.3, "lookup")]


def test_labels_the_collection_lacks_and_questions_naming_none_find_nothing():
    lookup = LabelLookup(PASSAGES)
    assert lookup.search(Query.parse("第99段"), {}) == [] and lookup.search(Query.parse("單車徑"), {}) == []
    assert [h.passage.label for h in lookup.search(Query.parse("recommendation 2"), {})] == ["10(2)"]


# ---- dense search, through the vector seam

class FixedEmbedder:
    dim = 2

    def encode_queries(self, texts):
        return np.array([[1.0, 0.0]] * len(texts), dtype=np.float64)


class MatrixStore:
    """A vector store: exact inner product over a matrix, `.search(qvec, k) -> (scores, ids)`, `.ntotal`."""

    def __init__(self, matrix):
        self.matrix = np.asarray(matrix, dtype=np.float32)
        self.ntotal = len(self.matrix)

    def search(self, qvec, k):
        scores = self.matrix @ qvec[0]
        order = np.argsort(-scores)[:k]
        return scores[order][None, :], order[None, :]


def test_dense_search_scores_each_passage_by_its_best_chunk_best_first():
    chunk_keys = [KEY[P4], KEY[R2], KEY[P4]]  # P4 in two chunks
    store = MatrixStore([[0.5, 0.5], [0.75, 0.25], [0.875, 0.0]])
    hits = DenseSearch(FixedEmbedder(), store, chunk_keys, Links(PASSAGES).by_label).search(Query.parse("單車徑"), 50)
    assert [(h.passage, h.score) for h in hits] == [(P4, 0.875), (R2, 0.75)]


def test_dense_search_takes_only_the_pool_of_nearest_chunks():
    store = MatrixStore([[0.5, 0.0], [0.75, 0.0], [0.25, 0.0]])
    search = DenseSearch(FixedEmbedder(), store, [KEY[P4], KEY[R2], KEY[FN1]], Links(PASSAGES).by_label)
    assert [h.passage for h in search.search(Query.parse("單車徑"), 2)] == [R2, P4]


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mini") / "index"
    build([MINI], folder, HashEmbedder(), progress=False)
    return load_index(folder)


def test_dense_search_over_a_small_report_ranks_every_passage_best_first(mini):
    links = Links(mini.passages)
    hits = DenseSearch(HashEmbedder(), mini.vectors, [(c.doc, c.label) for c in mini.chunks], links.by_label) \
        .search(Query.parse("單車徑的連貫性"), 50)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert {h.key for h in hits} == set(links.by_label)  # the pool covers the whole small report
    assert -1.0 <= hits[-1].score <= hits[0].score <= 1.0


# ---- lexical search

def test_lexical_search_ranks_the_passage_sharing_the_words_first_with_score_one(mini):
    links = Links(mini.passages)
    hits = LexicalSearch(mini.lexical, [(c.doc, c.label) for c in mini.chunks], links.by_label) \
        .search(Query.parse("單車徑的連貫性"), 50)
    assert hits[0].passage.label == "4" and hits[0].score == 1.0
    assert all(0 < h.score <= 1.0 for h in hits)


def test_lexical_search_adds_only_the_translations_the_index_knows():
    lexical = LexicalIndex.build([tokens(p.text) for p in PASSAGES])
    search = LexicalSearch(lexical, [KEY[p] for p in PASSAGES], Links(PASSAGES).by_label)
    query = Query.parse("Do members care about bicycles?")
    extra = search.query_tokens(query)[len(query.tokens):]
    assert extra == ["單車"]  # of bicycle's 公路車, 單車, 腳踏車, 自行車 …, the one the passages use
    assert len(query.translations) > len(extra)


def test_a_question_sharing_no_token_finds_nothing_lexically():
    lexical = LexicalIndex.build([tokens(p.text) for p in PASSAGES])
    search = LexicalSearch(lexical, [KEY[p] for p in PASSAGES], Links(PASSAGES).by_label)
    assert search.search(Query.parse("八達通"), 50) == []


# ---- the abstention judge

@pytest.fixture(scope="module")
def judge() -> Judge:
    return Judge(LexicalIndex.build([tokens(p.text) for p in PASSAGES]), Links(PASSAGES), PASSAGES)


SETTINGS = Settings(abstain_below=0.9)


def test_weak_evidence_is_not_answerable_and_a_named_passage_always_is(judge):
    query = Query.parse("八達通")  # one word, in no passage: coverage 0
    weak = judge.verdict(query, [P4], 0.8, False, SETTINGS)
    assert (weak.answerable, weak.evidence) == (False, pytest.approx(0.8))
    assert judge.verdict(query, [P4], 0.8, True, SETTINGS).answerable


def test_evidence_is_the_best_cosine_plus_the_weighted_coverage_of_the_question_s_words(judge):
    verdict = judge.verdict(Query.parse("單車徑的連貫性"), [OTHER4, P4], 0.8, False, SETTINGS)
    assert verdict.evidence == pytest.approx(0.8 + 0.15 * 1.0) and verdict.answerable


def test_a_question_without_words_is_given_the_default_coverage(judge):
    verdict = judge.verdict(Query.parse("???a"), [P4], 0.8, False, SETTINGS)
    assert verdict.evidence == pytest.approx(0.8 + 0.15 * 0.5)


def test_a_name_the_collection_never_uses_makes_the_question_unanswerable(judge):
    verdict = judge.verdict(Query.parse("單車徑可用MTR嗎？"), [P4], 0.99, False, SETTINGS)
    assert verdict.unknown == ("MTR",) and not verdict.answerable


def test_an_amount_asked_for_and_given_only_for_another_subject_is_not_given(judge):
    assert judge.verdict(Query.parse("單車徑有多少公里？"), [OTHER4, P4], 0.99, False, SETTINGS).not_given == "amount"
    assert judge.verdict(Query.parse("智方便有多少登記用戶？"), [OTHER4], 0.99, False, SETTINGS).not_given == ""


def test_a_footnote_s_date_is_read_with_the_paragraph_that_marks_it(judge):
    # fn1 says only 研究預計於2025年完成; 單車徑 is in paragraph 4, which marks it.
    assert judge.verdict(Query.parse("單車徑的研究何時完成？"), [FN1], 0.99, False, SETTINGS).not_given == ""
