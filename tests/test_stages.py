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


def test_an_appendix_whose_heading_the_question_names_rises_above_the_paragraph_pointing_to_it():
    pointing = Passage("CB(4)1", "5", ("小組委員會",), "小組委員會的職權範圍及委員名單，分別載於附錄1及2。",
                       refs=("appendix1", "appendix2"))
    terms = Passage("CB(4)1", "appendix1", ("小組委員會", "職權範圍"), "檢視藍圖的執行情況，並提出建議。")
    members = Passage("CB(4)1", "appendix2", ("小組委員會", "委員名單"), "主席 葛珮帆議員")
    links = Links((pointing, terms, members))
    scores = {("CB(4)1", "5"): 0.9, ("CB(4)1", "appendix1"): 0.8, ("CB(4)1", "appendix2"): 0.8}
    order = lambda q: [label for _, label in rank(links.pointed_to(scores, rank(scores, links.position), q),  # noqa: E731
                                                    links.position)]
    assert order("小組委員會的職權範圍是甚麼? 職權範圍") == ["appendix1", "5", "appendix2"]
    assert order("小組委員會何時成立?") == ["5", "appendix1", "appendix2"]  # names no appendix's heading


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
    assert extra == tokens("單車")  # of bicycle's 公路車, 單車, 腳踏車, 自行車 …, the one the passages use
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


def test_an_amount_given_only_for_another_entity_is_uncertain_and_says_what_is_given(judge):
    # 智方便's 340萬 does not answer a question about 醫健通, which the glossary names as eHealth.
    verdict = judge.verdict(Query.parse("How many registered users does eHealth have?"), [OTHER4], 0.99, False,
                            SETTINGS)
    assert verdict.verdict == "uncertain"
    [given] = verdict.gives
    assert (given.doc, given.label) == ("CB(2)9", "4") and "340萬" in OTHER4.text[given.start:given.end]


def test_an_amount_given_about_the_question_s_own_subject_is_answered(judge):
    assert judge.verdict(Query.parse("智方便有多少登記用戶？"), [OTHER4], 0.99, False, SETTINGS).verdict == "answered"


def test_weak_evidence_is_not_answered_and_middling_evidence_is_uncertain(judge):
    query = Query.parse("單車徑的連貫性")  # coverage 1.0: evidence = cosine + 0.15
    assert judge.verdict(query, [P4], 0.5, False, SETTINGS).verdict == "not_answered"  # 0.65 < related_below
    assert judge.verdict(query, [P4], 0.7, False, SETTINGS).verdict == "uncertain"  # 0.85: related, under 0.9
    assert judge.verdict(query, [P4], 0.8, False, SETTINGS).verdict == "answered"  # 0.95


def test_a_follow_up_s_own_words_must_be_found_not_only_the_carried_topic(judge):
    carried = Query.parse("那費用呢？ 單車徑 連貫性")
    assert judge.verdict(carried, [P4], 0.9, False, SETTINGS, own=Query.parse("那費用呢？")).verdict == "uncertain"
    assert judge.verdict(carried, [P4], 0.9, False, SETTINGS).verdict == "answered"


def test_the_report_s_speakers_and_their_acts_are_not_a_question_s_subject(judge):
    # 議員 and 要求 say who asks and how; 單車徑 is what the question is about, and P4 is about it.
    assert judge.verdict(Query.parse("議員對單車徑有咩要求？"), [P4], 0.99, False, SETTINGS).verdict == "answered"


def test_an_entity_may_be_named_in_the_report_by_any_of_its_glossary_names(judge):
    # The glossary's 人工智能超算中心 has the alias 超算中心, which is how this passage writes it.
    centre = Passage("CB(4)1", "14", ("算力",), "超算中心首階段設施已於2024年12月投入服務。")
    query = Query.parse("人工智能超算中心於何時投入服務？")
    assert judge.verdict(query, [centre], 0.99, False, SETTINGS).verdict == "answered"
    assert judge.verdict(query, [OTHER4], 0.99, False, SETTINGS).verdict != "answered"


def test_a_follow_up_s_pointing_words_are_the_carried_topic_not_its_own_words(judge):
    # "佢哋" (他們) points back at the earlier turn; 連貫性 is what the follow-up adds, and P4 holds it.
    carried = Query.parse("佢哋有冇講連貫性？ 單車徑")
    assert judge.verdict(carried, [P4], 0.9, False, SETTINGS, own=Query.parse("佢哋有冇講連貫性？")).verdict == "answered"
    assert judge.verdict(carried, [P4], 0.9, False, SETTINGS, own=Query.parse("佢哋有冇講費用？")).verdict == "uncertain"


def test_which_company_is_answered_only_by_a_sentence_naming_one(judge):
    centre = Passage("CB(4)1", "15", ("算力",), "超算中心由數碼港營運，已投入服務。")
    built = Passage("CB(4)1", "16", ("算力",), "超算中心由一間本地公司承建，已投入服務。")
    query = Query.parse("Which company built the supercomputing centre? 超算中心")
    assert judge.verdict(query, [centre], 0.99, False, SETTINGS).verdict == "uncertain"
    assert judge.verdict(query, [built], 0.99, False, SETTINGS).verdict == "answered"


def test_who_is_answered_only_by_a_sentence_naming_a_person(judge):
    assert judge.verdict(Query.parse("誰關注單車徑的連貫性？"), [P4], 0.99, False, SETTINGS).verdict == "uncertain"
    chair = Passage("CB(4)1", "6", ("小組委員會",), "小組委員會主席為葛珮帆議員。")
    assert judge.verdict(Query.parse("小組委員會主席是誰？"), [chair], 0.99, False, SETTINGS).verdict == "answered"


# ---- quote the reply: speaker preference

from assistant.speaker_preference import SpeakerPreference, side_asked  # noqa: E402

ASKS = Passage("CB(4)1", "34", ("交通燈號",), "委員詢問系統何時推展至全港。")
REPLY = Passage("CB(4)1", "35", ("交通燈號",), "政府當局表示，系統會於2026年起推展至約50個路口。")
ELSEWHERE = Passage("CB(4)1", "36", ("交通數據",), "政府當局表示會整合交通數據。")
RECOMMENDS = Passage("CB(4)1", "67(1)", ("建議",), "盡快推展系統(參閱上文第34段)。", refs=("34",))
RECOMMENDATIONS = Passage("CB(4)1", "67", ("建議",), "小組委員會建議政府當局：")
DEBATE = (ASKS, REPLY, ELSEWHERE, RECOMMENDATIONS, RECOMMENDS)


@pytest.fixture(scope="module")
def preference() -> SpeakerPreference:
    return SpeakerPreference(Links(DEBATE))


def _order(preference, scores, side):
    moved = preference.apply(scores, rank(scores, Links(DEBATE).position), side)
    return [label for _, label in rank(moved, Links(DEBATE).position)]


def test_the_reply_after_a_members_question_is_lifted_just_above_it(preference):
    scores = {KEY_OF[ASKS]: 0.9, KEY_OF[ELSEWHERE]: 0.8, KEY_OF[REPLY]: 0.7}
    assert _order(preference, scores, "") == ["35", "34", "36"]
    assert _order(preference, scores, "administration") == ["35", "34", "36"]


def test_a_question_for_the_members_view_keeps_the_members_paragraph_over_the_reply(preference):
    scores = {KEY_OF[REPLY]: 0.9, KEY_OF[ASKS]: 0.7, KEY_OF[RECOMMENDS]: 0.8}
    assert _order(preference, scores, "members")[0] == "34"


def test_a_question_for_the_recommendation_lifts_the_one_citing_the_paragraph(preference):
    scores = {KEY_OF[ASKS]: 0.9, KEY_OF[RECOMMENDS]: 0.5}
    assert _order(preference, scores, "subcommittee")[0] == "67(1)"


def test_a_reply_already_above_the_question_stays_where_it_is(preference):
    scores = {KEY_OF[REPLY]: 0.95, KEY_OF[ASKS]: 0.9}
    assert preference.apply(scores, rank(scores, Links(DEBATE).position), "") == scores


KEY_OF = {p: (p.doc, p.label) for p in DEBATE}


def test_a_recommendation_yields_to_the_reply_on_the_paragraph_it_cites_unless_the_recommendation_is_asked(preference):
    scores = {KEY_OF[RECOMMENDS]: 0.9, KEY_OF[ASKS]: 0.5, KEY_OF[REPLY]: 0.4}
    assert _order(preference, scores, "")[:2] == ["35", "67(1)"]
    assert _order(preference, scores, "administration")[:2] == ["35", "67(1)"]
    assert _order(preference, scores, "subcommittee")[0] == "67(1)"
    assert _order(preference, scores, "members")[0] == "34"


def test_a_recommendation_citing_a_paragraph_where_both_sides_speak_yields_to_the_best_reply_on_it():
    both = Passage("CB(4)1", "28", ("醫健通",), "委員建議整合兩個應用程式。政府當局表示會加強連接。")
    further = Passage("CB(4)1", "29", ("醫健通",), "政府當局告知，私營醫護提供者須上載紀錄。")
    urges = Passage("CB(4)1", "67(9)", ("建議",), "整合兩個應用程式(參閱上文第28段)；", refs=("28",))
    links = Links((both, further, RECOMMENDATIONS, urges))
    stage = SpeakerPreference(links)
    scores = {("CB(4)1", "67(9)"): 0.9, ("CB(4)1", "28"): 0.7, ("CB(4)1", "29"): 0.8}
    moved = stage.apply(scores, rank(scores, links.position), "")
    assert [label for _, label in rank(moved, links.position)] == ["29", "67(9)", "28"]


def test_the_reply_may_come_after_further_members_paragraphs_in_the_same_section():
    asks = Passage("CB(4)1", "40", ("無人機",), "委員詢問無人機的應用。")
    more = Passage("CB(4)1", "41", ("無人機",), "委員亦建議擴大試點。")
    reply = Passage("CB(4)1", "42", ("無人機",), "政府當局表示，無人機已用於巡查斜坡。")
    other = Passage("CB(4)1", "43", ("數據",), "政府當局表示會整合數據。")
    links = Links((asks, more, reply, other))
    stage = SpeakerPreference(links)
    assert stage.counterpart(("CB(4)1", "40"), "") == ("CB(4)1", "42")
    assert stage.counterpart(("CB(4)1", "41"), "") == ("CB(4)1", "42")
    assert stage.counterpart(("CB(4)1", "42"), "members") == ("CB(4)1", "40")  # the first asking paragraph


def test_a_reply_that_goes_on_over_two_paragraphs_lends_the_members_rank_to_the_better_ranked_of_them():
    asks = Passage("CB(4)1", "8", ("網絡安全",), "委員詢問政府部門如何保障網絡安全。")
    reply = Passage("CB(4)1", "9", ("網絡安全",), "政府當局表示，政府部門須遵從保安政策。")
    further = Passage("CB(4)1", "10", ("網絡安全",), "政府當局進一步表示，數字辦會舉辦網絡安全攻防演練。")
    links = Links((asks, reply, further))
    stage = SpeakerPreference(links)
    order = lambda scores, side: [label for _, label in rank(  # noqa: E731
        stage.apply(scores, rank(scores, links.position), side), links.position)]
    assert order({("CB(4)1", "8"): 0.9, ("CB(4)1", "10"): 0.8, ("CB(4)1", "9"): 0.7}, "")[0] == "10"
    assert order({("CB(4)1", "8"): 0.9, ("CB(4)1", "9"): 0.8, ("CB(4)1", "10"): 0.7}, "")[0] == "9"
    assert order({("CB(4)1", "8"): 0.9, ("CB(4)1", "10"): 0.8, ("CB(4)1", "9"): 0.7}, "members")[0] == "8"


def test_a_who_question_lifts_the_best_passage_naming_a_person_above_one_naming_none():
    about = Passage("CB(4)1", "5", ("小組委員會",), "內務委員會委任小組委員會研究智慧城市事宜。")
    chair = Passage("CB(4)1", "6", ("小組委員會",), "小組委員會由葛珮帆議員擔任主席。")
    links = Links((about, chair))
    stage = SpeakerPreference(links)
    scores = {("CB(4)1", "5"): 0.9, ("CB(4)1", "6"): 0.7}
    order = lambda moved: [label for _, label in rank(moved, links.position)]  # noqa: E731
    assert order(stage.apply(scores, rank(scores, links.position), "", person=True)) == ["6", "5"]
    assert order(stage.apply(scores, rank(scores, links.position), "")) == ["5", "6"]  # not asked who


@pytest.mark.parametrize("question, side", [
    ("委員問到網絡安全,政府當局如何回應?", "administration"),
    ("議員話要立法管ai,政府有咩回應?", "administration"),
    ("how did the administration respond to calls for sandboxes?", "administration"),
    ("委員對超算中心提出了甚麼建議?", "members"),
    ("what did members urge the administration to do about the blueprint?", "members"),
    ("小組委員會建議政府當局如何推展系統?", "subcommittee"),  # the recommendation, not the Administration
    ("what does the subcommittee recommend on cybersecurity?", "subcommittee"),
    ("議員擔心缺乏哪一類人才?他們要求政府怎樣應對?", "members"),  # the government asked to act, not speaking
    ("報告建議如何改善醫健通?", "subcommittee"),  # the report's recommendations are the subcommittee's
    ("what does the report recommend on joint emergency response?", "subcommittee"),
    ("實時交通燈號調節系統幾時推展至全港?", ""),
    ("委員關注人工智能治理,政府發布了哪些指引?", "administration"),
    ("小組委員會就跨部門科技應用有何建議?", "subcommittee"),  # 小組委員會 holds 委員 but is not the members  # the last clause asks
    ("members raised concerns about ai governance: which guidelines has the government issued?", "administration"),
])
def test_the_side_a_question_asks_for_is_read_from_its_wording(question, side):
    assert side_asked(question) == side


def test_a_yes_no_question_is_settled_only_by_a_passage_holding_what_it_asks(judge):
    # P4 is about 單車徑 but never speaks of 八達通 or 支付: it cannot say yes or no to paying by Octopus.
    assert judge.verdict(Query.parse("單車徑會否接受八達通支付？"), [P4], 0.99, False, SETTINGS).verdict == "uncertain"
    assert judge.verdict(Query.parse("單車徑會否有連貫性？"), [P4], 0.99, False, SETTINGS).verdict == "answered"


def test_a_why_question_is_answered_only_by_a_sentence_giving_a_cause_or_purpose(judge):
    because = Passage("CB(4)1", "5", ("單車徑",), "由於單車徑不連貫，當局會研究接駁。")
    assert judge.verdict(Query.parse("為甚麼要研究單車徑？"), [P4], 0.99, False, SETTINGS).verdict == "uncertain"
    assert judge.verdict(Query.parse("為甚麼要研究單車徑？"), [because], 0.99, False, SETTINGS).verdict == "answered"


def test_a_figure_in_a_sentence_about_another_entity_does_not_answer_even_in_a_paragraph_naming_both(judge):
    both = Passage("CB(2)9", "48", ("數碼服務",), "醫健通會加強推廣。智方便有超過340萬登記用戶。")
    own = Passage("CB(2)9", "49", ("數碼服務",), "醫健通會加強推廣。該程式經智方便登入的登記用戶超過600萬。")
    query = Query.parse("醫健通有多少登記用戶？")
    assert judge.verdict(query, [both], 0.99, False, SETTINGS).verdict == "uncertain"
    # A sentence pointing back ("該程式") continues its paragraph's subject, whatever else it names.
    assert judge.verdict(query, [own], 0.99, False, SETTINGS).verdict == "answered"


def test_a_year_the_question_names_must_be_in_the_passage_that_answers_it(judge):
    # FN1 gives 2025 for the study; asked about 2023, it speaks of another time.
    assert judge.verdict(Query.parse("單車徑的研究2023年有甚麼進展？"), [FN1], 0.99, False, SETTINGS).verdict == "uncertain"
    assert judge.verdict(Query.parse("單車徑的研究2025年有甚麼進展？"), [FN1], 0.99, False, SETTINGS).verdict == "answered"
