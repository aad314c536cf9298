"""eval/questions.jsonl follows its schema and cites only labels the report has."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

QUESTIONS = Path(__file__).resolve().parent.parent / "eval" / "questions.jsonl"

FIELDS = ["id", "question", "lang", "kind", "relevant", "split"]
# A follow-up row also carries the conversation before it, oldest turn first, right after the question.
FOLLOWUP_FIELDS = ["id", "question", "history", "lang", "kind", "relevant", "split"]
LANGS = {"zh-Hant", "zh-Hans", "yue", "en"}
FIRST_KINDS = {"paraphrase", "keyword", "fact", "footnote", "recommendation", "split", "appendix", "none"}
# Kinds added by the batch for answers a user can trust (issue 12), from q369 on; see eval/README.md.
ANSWER_KINDS = {"followup", "reply", "members", "person", "role", "date"}
KINDS = FIRST_KINDS | ANSWER_KINDS
SPLITS = {"dev", "test"}

# The citable labels of CB(2)1292/2025, built from the report's numbering rules.
VALID_LABELS = (
    {str(n) for n in range(1, 69)}  # paragraphs 1..68 (1 is the text under 目的)
    | {f"66({letter})" for letter in "abcd"}  # the four visits
    | {f"67({n})" for n in range(1, 30)}  # the 29 recommendations
    | {f"fn{n}" for n in range(1, 10)}  # footnotes ¹..⁹
    | {"appendix1", "appendix2"}  # terms of reference, membership
)


def load() -> list[dict]:
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def questions() -> list[dict]:
    return load()


def test_there_are_112_valid_labels():
    assert len(VALID_LABELS) == 68 + 4 + 29 + 9 + 2 == 112


def test_every_line_is_one_json_object_with_exactly_the_schema_fields(questions):
    for q in questions:
        assert list(q) == (FOLLOWUP_FIELDS if q["kind"] == "followup" else FIELDS), q
        assert isinstance(q["question"], str) and q["question"].strip(), q
        assert isinstance(q["relevant"], list), q
        assert all(isinstance(label, str) for label in q["relevant"]), q


def test_lang_kind_and_split_take_only_allowed_values(questions):
    for q in questions:
        assert q["lang"] in LANGS, q
        assert q["kind"] in KINDS, q
        assert q["split"] in SPLITS, q


def test_ids_run_q001_upwards_without_gaps_or_repeats(questions):
    assert [q["id"] for q in questions] == [f"q{n:03d}" for n in range(1, len(questions) + 1)]


def test_no_question_is_asked_twice(questions):
    repeated = [text for text, n in Counter(q["question"] for q in questions).items() if n > 1]
    assert repeated == []


def test_there_are_at_least_200_questions(questions):
    assert len(questions) >= 200


def test_every_language_has_at_least_45_questions(questions):
    per_lang = Counter(q["lang"] for q in questions)
    assert set(per_lang) == LANGS
    assert all(n >= 45 for n in per_lang.values()), per_lang


def test_every_first_kind_has_at_least_15_questions_and_none_at_least_25(questions):
    per_kind = Counter(q["kind"] for q in questions)
    assert set(per_kind) == KINDS
    assert all(per_kind[kind] >= 15 for kind in FIRST_KINDS), per_kind
    assert per_kind["none"] >= 25, per_kind


def test_every_language_has_every_first_kind(questions):
    pairs = {(q["lang"], q["kind"]) for q in questions if q["kind"] in FIRST_KINDS}
    assert pairs == {(lang, kind) for lang in LANGS for kind in FIRST_KINDS}


def test_both_splits_are_present_in_every_language(questions):
    for lang in LANGS:
        assert {q["split"] for q in questions if q["lang"] == lang} == SPLITS, lang


# q277-q368 are a second batch of dev questions for calibrating abstention; the test split stays as it was.
CALIBRATION_FROM = "q277"
# q369 on are the batch for answers a user can trust (issue 12), split half dev / half test again.
ANSWER_BATCH_FROM = "q369"


def test_splits_are_stratified_by_language_and_kind(questions):
    # Within each language x kind group of the paired set, dev and test differ by at most one question.
    groups = Counter((q["lang"], q["kind"], q["split"]) for q in questions if q["id"] < CALIBRATION_FROM)
    for lang in LANGS:
        for kind in KINDS:
            assert abs(groups[lang, kind, "dev"] - groups[lang, kind, "test"]) <= 1, (lang, kind)


def test_the_calibration_batch_is_dev_only(questions):
    later = [q for q in questions if CALIBRATION_FROM <= q["id"] < ANSWER_BATCH_FROM]
    assert later and {q["split"] for q in later} == {"dev"}


def test_every_relevant_label_exists_in_the_report(questions):
    unknown = [(q["id"], label) for q in questions for label in q["relevant"] if label not in VALID_LABELS]
    assert unknown == []


def test_no_label_is_listed_twice_for_one_question(questions):
    for q in questions:
        assert len(set(q["relevant"])) == len(q["relevant"]), q


def test_none_questions_have_no_relevant_label_and_all_other_first_kinds_have_one(questions):
    for q in questions:
        if q["kind"] == "none":
            assert q["relevant"] == [], q
        elif q["kind"] in FIRST_KINDS:
            assert q["relevant"], q


def test_recommendation_questions_cite_a_recommendation_first_then_its_paragraph(questions):
    for q in questions:
        if q["kind"] == "recommendation":
            first, *rest = q["relevant"]
            assert first.startswith("67(") and first.endswith(")"), q
            assert any(label.isdigit() for label in rest), q


def test_footnote_questions_cite_a_footnote_first(questions):
    for q in questions:
        if q["kind"] == "footnote":
            assert q["relevant"][0].startswith("fn"), q


def test_appendix_questions_cite_an_appendix_first(questions):
    for q in questions:
        if q["kind"] == "appendix":
            assert q["relevant"][0].startswith("appendix"), q


# --- The batch for answers a user can trust (issue 12): follow-ups, replies, English who/what/when.


@pytest.fixture(scope="module")
def batch(questions) -> list[dict]:
    return [q for q in questions if q["id"] >= ANSWER_BATCH_FROM]


@pytest.fixture(scope="module")
def report_labels() -> set[str]:
    from index.defaults import BUNDLED_REPORT
    from ingest.parse import load_report

    _, passages = load_report(BUNDLED_REPORT)
    return {p.label for p in passages}


def test_only_the_new_batch_uses_the_new_kinds(questions, batch):
    assert {q["kind"] for q in batch} == ANSWER_KINDS
    assert all(q["kind"] in FIRST_KINDS for q in questions if q["id"] < ANSWER_BATCH_FROM)


def test_the_batch_has_15_followups_10_replies_and_2_members_questions_per_language(batch):
    per_lang_kind = Counter((q["lang"], q["kind"]) for q in batch)
    for lang in LANGS:
        assert per_lang_kind[lang, "followup"] == 15, lang
        assert per_lang_kind[lang, "reply"] == 10, lang
        assert per_lang_kind[lang, "members"] == 2, lang


def test_the_batch_has_40_english_person_role_date_questions_with_at_least_8_near_misses(batch):
    who_when = [q for q in batch if q["kind"] in {"person", "role", "date"}]
    assert len(who_when) == 40
    assert {q["lang"] for q in who_when} == {"en"}
    assert {q["kind"] for q in who_when} == {"person", "role", "date"}
    assert sum(not q["relevant"] for q in who_when) >= 8


def test_every_language_has_followups_the_report_answers_and_some_it_does_not(batch):
    for lang in LANGS:
        followups = [q for q in batch if q["lang"] == lang and q["kind"] == "followup"]
        unanswered = [q for q in followups if not q["relevant"]]
        assert 1 <= len(unanswered) < len(followups) / 2, lang


def test_history_is_a_list_of_one_to_three_nonempty_strings_and_only_followups_have_one(questions):
    for q in questions:
        if q["kind"] != "followup":
            assert "history" not in q, q
            continue
        history = q["history"]
        assert isinstance(history, list) and 1 <= len(history) <= 3, q
        assert all(isinstance(turn, str) and turn.strip() for turn in history), q
        assert q["question"] not in history, q


def test_reply_and_members_questions_cite_numbered_paragraphs(batch):
    # Their gold is who said it: the paragraph with the reply, or the one with the members' words.
    for q in batch:
        if q["kind"] in {"reply", "members"}:
            assert q["relevant"] and all(label.isdigit() for label in q["relevant"]), q


def test_the_batch_is_split_half_dev_half_test_within_each_language_and_kind(batch):
    groups = Counter((q["lang"], q["kind"], q["split"]) for q in batch)
    for lang, kind in {(q["lang"], q["kind"]) for q in batch}:
        assert abs(groups[lang, kind, "dev"] - groups[lang, kind, "test"]) <= 1, (lang, kind)
    per_split = Counter(q["split"] for q in batch)
    assert per_split["dev"] == per_split["test"], per_split


def test_the_batch_splits_its_unanswered_questions_evenly(batch):
    per_split = Counter(q["split"] for q in batch if not q["relevant"])
    assert abs(per_split["dev"] - per_split["test"]) <= 1, per_split


def test_every_relevant_label_is_a_passage_of_the_parsed_report(questions, report_labels):
    unknown = [(q["id"], label) for q in questions for label in q["relevant"] if label not in report_labels]
    assert unknown == []
