"""Shared fixtures: a tiny deterministic embedder for fast unit tests, the real model for marked ones."""
from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def pytest_configure(config):
    config.addinivalue_line("markers", "model: runs on the real bundled embedding model (slower)")
    config.addinivalue_line("markers", "browser: drives Debian's chromium with Playwright")


# Session fixtures shared by every module: the bundled report indexed once on the real model, the
# app serving it, and an in-process retriever over it.
from app_server import app_index, app_url, browser  # noqa: E402,F401

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def retriever(app_index):
    """The app's retriever over the bundled report's index (the real model)."""
    from assistant.retrieve import Retriever

    return Retriever.open(app_index)


@pytest.fixture(scope="module")
def project_cache_in_tmp(tmp_path_factory):
    """Keep caches (jieba's dictionary) out of the user's home for a module's tests."""
    mp = pytest.MonkeyPatch()
    mp.setenv("LEGCO_RAG_CACHE", str(tmp_path_factory.mktemp("cache")))
    yield
    mp.undo()


@pytest.fixture
def chat_server(monkeypatch):
    """A fake chat-completions server on 127.0.0.1 for one test (fakes.ChatServer), reached without proxies."""
    from fakes import ChatServer

    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)  # the request must reach this server, not a proxy
    with ChatServer() as server:
        yield server
