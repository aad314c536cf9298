"""eval/questions.jsonl follows its schema and cites only labels the report has."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

QUESTIONS = Path(__file__).resolve().parent.parent / "eval" / "questions.jsonl"

FIELDS = ["id", "question", "lang", "kind", "relevant", "split"]
LANGS = {"zh-Hant", "zh-Hans", "yue", "en"}
KINDS = {"paraphrase", "keyword", "fact", "footnote", "recommendation", "split", "appendix", "none"}
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
        assert list(q) == FIELDS, q
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


def test_every_kind_has_at_least_15_questions_and_none_at_least_25(questions):
    per_kind = Counter(q["kind"] for q in questions)
    assert set(per_kind) == KINDS
    assert all(n >= 15 for n in per_kind.values()), per_kind
    assert per_kind["none"] >= 25, per_kind


def test_every_language_has_every_kind(questions):
    pairs = {(q["lang"], q["kind"]) for q in questions}
    assert pairs == {(lang, kind) for lang in LANGS for kind in KINDS}


def test_both_splits_are_present_in_every_language(questions):
    for lang in LANGS:
        assert {q["split"] for q in questions if q["lang"] == lang} == SPLITS, lang


# q277 on are a second batch of dev questions for calibrating abstention; the test split stays as it was.
CALIBRATION_FROM = "q277"


def test_splits_are_stratified_by_language_and_kind(questions):
    # Within each language x kind group of the paired set, dev and test differ by at most one question.
    groups = Counter((q["lang"], q["kind"], q["split"]) for q in questions if q["id"] < CALIBRATION_FROM)
    for lang in LANGS:
        for kind in KINDS:
            assert abs(groups[lang, kind, "dev"] - groups[lang, kind, "test"]) <= 1, (lang, kind)


def test_the_calibration_batch_is_dev_only(questions):
    later = [q for q in questions if q["id"] >= CALIBRATION_FROM]
    assert later and {q["split"] for q in later} == {"dev"}


def test_every_relevant_label_exists_in_the_report(questions):
    unknown = [(q["id"], label) for q in questions for label in q["relevant"] if label not in VALID_LABELS]
    assert unknown == []


def test_no_label_is_listed_twice_for_one_question(questions):
    for q in questions:
        assert len(set(q["relevant"])) == len(q["relevant"]), q


def test_none_questions_have_no_relevant_label_and_all_others_have_one(questions):
    for q in questions:
        if q["kind"] == "none":
            assert q["relevant"] == [], q
        else:
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
