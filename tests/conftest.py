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
