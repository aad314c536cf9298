"""The command line as a user drives it: passages, build, ask, with the JSON shapes other tools read."""
from __future__ import annotations

import json
import re

import pytest

from assistant.cli import main


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_passages_json_prints_one_object_per_passage_with_the_agreed_fields(capsys):
    code, out, _ = run_cli(capsys, "passages", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert len(rows) == 112
    assert all(set(r) == {"doc", "label", "section", "text", "footnotes", "refs", "lang", "speakers"} for r in rows)
    assert {r["lang"] for r in rows} == {"zh-Hant"}  # the document's language
    by_label = {r["label"]: r for r in rows}
    assert by_label["15"]["doc"] == "CB(2)1292/2025"
    assert by_label["15"]["footnotes"] == ["fn6"]
    assert by_label["67(20)"]["refs"] == ["47", "49"]


def test_passages_json_names_the_speakers_in_order_of_appearance(capsys):
    _, out, _ = run_cli(capsys, "passages", "--json")
    speakers = {r["label"]: r["speakers"] for r in map(json.loads, out.splitlines())}
    assert speakers["15"] == ["administration"]
    assert speakers["34"] == ["members"]
    assert speakers["28"] == ["members", "administration"]
    # a sub-item speaks with the sentence that introduces it: 小組委員會建議政府當局：
    assert speakers["67(10)"] == ["subcommittee"]


def test_passages_of_a_second_report_file(capsys):
    code, out, _ = run_cli(capsys, "passages", "tests/fixtures/mini-report.zh-Hant.txt", "--json")
    assert code == 0
    assert len(out.splitlines()) > 10


@pytest.mark.model
def test_ask_json_finds_the_compute_demand_paragraph_first(capsys, app_index):
    code, out, _ = run_cli(capsys, "ask", "香港2030年需要多少算力？", "--index", str(app_index), "--json")
    result = json.loads(out)
    assert code == 0
    assert set(result) == {"question", "answerable", "citations", "verdict", "answer"}
    assert result["answerable"] is True
    labels = [c["label"] for c in result["citations"]]
    assert "15" in labels[:3]
    assert set(result["citations"][0]) == {"doc", "label", "section", "score", "text"}


@pytest.mark.model
@pytest.mark.parametrize("question, label", [
    ("第15段", "15"), ("paragraph 15", "15"), ("para 67(5)", "67(5)"), ("recommendation 5", "67(5)"),
    ("建議(5)", "67(5)"), ("註6", "fn6"), ("footnote 6", "fn6"), ("附錄2", "appendix2"), ("第十五段講乜？", "15"),
])
def test_ask_for_a_citation_returns_that_passage_first(capsys, app_index, question, label):
    code, out, _ = run_cli(capsys, "ask", question, "--index", str(app_index), "--json", "--k", "3")
    assert code == 0
    assert json.loads(out)["citations"][0]["label"] == label


@pytest.mark.model
def test_ask_prints_citations_in_the_reports_own_form(capsys, app_index):
    code, out, _ = run_cli(capsys, "ask", "智方便有幾多登記用戶？", "--index", str(app_index), "--k", "2")
    assert code == 0
    assert "〔第48段〕" in out


@pytest.mark.model
def test_ask_in_english_lists_each_passage_with_its_english_section_path(capsys, app_index):
    code, out, _ = run_cli(capsys, "ask", "How many registered users does iAM Smart have?", "--index",
                           str(app_index), "--k", "2")
    assert code == 0
    listed = [line for line in out.splitlines() if line.startswith("[para. ")]
    assert listed and not any(re.search(r"[\u4e00-\u9fff]", line.split("(score")[0]) for line in listed)


@pytest.mark.parametrize("argv, message", [
    (["ask", ""], "the question is empty"),
    (["ask", "   "], "the question is empty"),
    (["ask", "算力" * 600], "characters long"),
    (["passages", "no/such/report.txt"], "does not exist"),
    (["ask", "算力", "--index", "no/such/index"], "legco-rag build"),
])
def test_bad_input_gets_one_line_and_exit_status_2(capsys, argv, message):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


@pytest.mark.model
def test_ask_json_adds_verdict_and_answer_and_keeps_the_old_fields(capsys, app_index):
    code, out, _ = run_cli(capsys, "ask", "實時交通燈號調節系統幾時推展至全港？", "--index", str(app_index), "--json")
    result = json.loads(out)
    assert code == 0
    assert {"question", "answerable", "citations", "verdict", "answer"} <= set(result)
    assert set(result["citations"][0]) == {"doc", "label", "section", "score", "text"}
    assert result["answerable"] == (result["verdict"] == "answered")
    assert set(result["answer"]) == {"text", "lang", "quotes"}
    if result["verdict"] == "answered":  # the Administration's reply, not the members' question
        assert result["answer"]["quotes"][0]["label"] == "35"
        assert result["answer"]["quotes"][0]["speaker"] == "administration"
