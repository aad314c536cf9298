"""The offline guarantee: build, ask and the app run with every outbound connection blocked, and
nothing even tries to connect (tests/guard_network.py records each attempt; the logs stay empty).

The processes get a user's environment, without HF_HUB_OFFLINE, TRANSFORMERS_OFFLINE or
GRADIO_ANALYTICS_ENABLED: the program must switch those off itself.
Rerun: .venv/bin/python -m pytest -q tests/test_offline.py
"""
from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

import pytest
from guard_network import ROOT, attempts, clean_env, guarded, hostile_app  # noqa: F401  (fixture)

PROBE = """
import socket, urllib.request
for reach in (lambda: urllib.request.urlopen("https://huggingface.co", timeout=5),
              lambda: socket.create_connection(("140.82.112.3", 443), timeout=5),
              lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"q", ("8.8.8.8", 53))):
    try:
        reach()
        print("REACHED")
    except OSError as e:
        print("blocked:", e)
socket.socket().connect_ex(("127.0.0.1", 9))  # loopback is allowed
"""


def test_the_guard_blocks_and_records_every_way_out_but_loopback(tmp_path):
    log = tmp_path / "network.jsonl"
    run = subprocess.run(guarded(log, "-c", PROBE), cwd=ROOT, env=clean_env(), capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    assert "REACHED" not in run.stdout and run.stdout.count("blocked:") == 3
    assert [(a["what"], a["target"]) for a in attempts(log)] == [
        ("getaddrinfo", "'huggingface.co'"), ("connect", "('140.82.112.3', 443)"), ("sendto", "('8.8.8.8', 53)")]


@pytest.mark.model
def test_building_an_index_tries_no_connection(hostile_app):
    assert (hostile_app["index"] / "manifest.json").is_file()
    assert attempts(hostile_app["build_log"]) == []


@pytest.mark.model
def test_asking_tries_no_connection(hostile_app, tmp_path):
    log = tmp_path / "network.jsonl"
    run = subprocess.run(guarded(log, "-m", "assistant.cli", "ask", "委員對網頁腳本注入有何關注？", "--index",
                                 str(hostile_app["index"]), "--json"),
                         cwd=ROOT, env=clean_env(), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert json.loads(run.stdout)["citations"]
    assert attempts(log) == []


@pytest.mark.model
def test_the_app_serves_and_answers_without_trying_a_connection(hostile_app):
    from gradio_client import Client

    url = hostile_app["url"]
    with urllib.request.urlopen(url, timeout=30) as page:
        html = page.read().decode("utf-8")
    assert "立法會報告引文搜尋" in html
    result = Client(url, verbose=False).predict("委員對網頁腳本注入有何關注？", 3, api_name="/ask")
    assert [c["doc"] for c in result["citations"]] == ["CB(9)999/2025"] * 3
    assert attempts(hostile_app["serve_log"]) == []


def test_openvino_loaded_by_the_project_leaves_no_usage_record(tmp_path):
    # Imported plainly, OpenVINO writes a client id and usage counts to ~/intel and may report them.
    pytest.importorskip("openvino")
    home = tmp_path / "home"
    home.mkdir()
    run = subprocess.run([sys.executable, "-c", "import index.offline, openvino; openvino.Core()"], cwd=ROOT,
                         env={**clean_env(), "HOME": str(home)}, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert list(home.iterdir()) == []
