"""The app's /ask endpoint, called as a client would: the same JSON as `legco-rag ask --json`."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from app_server import ROOT, _env

pytestmark = pytest.mark.model

QUESTION = "香港2030年需要多少算力？"


@pytest.fixture(scope="module")
def client(app_url):
    from gradio_client import Client

    return Client(app_url, verbose=False)


def test_ask_is_the_only_public_endpoint(client):
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert list(endpoints) == ["/ask"]


def test_ask_returns_the_cited_passages(client):
    result = client.predict(QUESTION, 5, api_name="/ask")
    assert result["question"] == QUESTION
    assert result["answerable"] is True
    labels = [c["label"] for c in result["citations"]]
    assert len(labels) == 5
    assert "15" in labels
    first = result["citations"][labels.index("15")]
    assert first["doc"] == "CB(2)1292/2025"
    assert "15 000 PFLOPS" in first["text"]
    assert set(first) == {"doc", "label", "section", "score", "text"}


def test_ask_matches_the_cli_json(client, app_index):
    cli = subprocess.run([sys.executable, "-m", "assistant.cli", "ask", QUESTION, "--k", "3", "--json",
                          "--index", str(app_index)], cwd=ROOT, env=_env(), capture_output=True, text=True,
                         timeout=300)
    assert cli.returncode == 0, cli.stderr
    assert client.predict(QUESTION, 3, api_name="/ask") == json.loads(cli.stdout)


def test_english_question_finds_paragraph_48(client):
    result = client.predict("How many registered users does iAM Smart have?", 5, api_name="/ask")
    assert "48" in [c["label"] for c in result["citations"]]


@pytest.mark.parametrize("question, k, message", [
    ("", 5, "the question is empty"),
    ("算力" * 600, 5, "keep it under"),
    (QUESTION, 0, "out of range"),
])
def test_bad_requests_get_the_reason_not_a_traceback(client, question, k, message):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match=message):
        client.predict(question, k, api_name="/ask")


def test_ask_adds_the_verdict_and_the_answer_keeping_every_field(client):
    result = client.predict(QUESTION, 5, api_name="/ask")
    assert {"question", "answerable", "citations", "verdict", "answer"} <= set(result)
    assert result["answerable"] == (result["verdict"] == "answered")
    assert result["answer"]["lang"] == "zh-Hant" and result["answer"]["text"].startswith("報告指出：")
    quote = result["answer"]["quotes"][0]
    assert set(quote) == {"doc", "label", "sentence", "speaker"}
    assert quote["label"] == "15" and quote["speaker"] == "administration"


def test_ask_with_a_history_resolves_the_follow_up(client):
    alone = client.predict("那費用呢？", 5, api_name="/ask")
    followed = client.predict("那費用呢？", 5, [QUESTION], api_name="/ask")
    assert followed["citations"] != alone["citations"]
    assert {"14", "15", "16"} & {c["label"] for c in followed["citations"][:3]}


def test_a_bad_history_is_one_clear_error(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="history turn 1 is a int"):
        client.predict("那費用呢？", 5, [1], api_name="/ask")


def test_ask_takes_the_papers_to_search(client):
    result = client.predict(QUESTION, 3, [], ["CB(2)1292/2025"], api_name="/ask")
    assert {c["doc"] for c in result["citations"]} == {"CB(2)1292/2025"}
    assert len(result["citations"]) == 3


def test_ask_refuses_a_paper_that_is_not_indexed(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="CB\\(9\\)1/2099"):
        client.predict(QUESTION, 3, [], ["CB(9)1/2099"], api_name="/ask")
