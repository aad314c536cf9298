"""Shared fixtures: a tiny deterministic embedder for fast unit tests, the real model for marked ones."""
from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def pytest_configure(config):
    config.addinivalue_line("markers", "model: runs on the real bundled embedding model (slower)")
    config.addinivalue_line("markers", "browser: drives Debian's chromium with Playwright")
