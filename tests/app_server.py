"""The running app for browser and API tests: an index of the bundled report built once per session
in a temporary folder, and `legco-rag serve` on a free loopback port.

Test modules import the `app_url` / `app_index` fixtures from here; the server is started once per
session however many modules use it (it is cached in this module) and stopped at the end.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from fakes import free_port

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 240  # seconds: loading the model on a busy 2-core machine can take a while
BUILD_TIMEOUT = 600

_cache: dict = {}


def _env() -> dict:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False",
               PYTHONUNBUFFERED="1")
    env.pop("GRADIO_SERVER_PORT", None)
    return env


def build_index(folder: Path) -> Path:
    """Index the bundled report into `folder` with the CLI, as a user would."""
    cmd = [sys.executable, "-m", "assistant.cli", "build", "--index", str(folder), "--quiet"]
    done = subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(f"legco-rag build failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return folder


def start_app(index: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """`legco-rag serve` on a free port; returns once the page answers, or fails with the server's log."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    cmd = [sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
           "--index", str(index)]
    out = open(log, "w", encoding="utf-8")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=_env(), stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with {proc.returncode}:\n{log.read_text(encoding='utf-8')[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.5)
    stop(proc)
    raise RuntimeError(f"the app did not answer on {url} within {START_TIMEOUT} s:\n"
                       f"{log.read_text(encoding='utf-8')[-4000:]}")


def stop(proc: subprocess.Popen | None) -> None:
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def app_index(tmp_path_factory) -> Path:
    """An index of the bundled report in a temporary folder, built once per session."""
    if "index" not in _cache:
        _cache["index"] = build_index(tmp_path_factory.mktemp("app") / "index")
    return _cache["index"]


@pytest.fixture(scope="session")
def app_url(request, tmp_path_factory) -> str:
    """The URL of the app serving `app_index`, started once per session; LEGCO_RAG_TEST_APP_URL points
    the browser tests at an app already running on the bundled report instead (while iterating)."""
    if running := os.environ.get("LEGCO_RAG_TEST_APP_URL"):
        yield running.rstrip("/") + "/"
        return
    app_index = request.getfixturevalue("app_index")
    if "url" not in _cache:
        log = tmp_path_factory.mktemp("app-log") / "serve.log"
        _cache["proc"], _cache["url"] = start_app(app_index, log)
    yield _cache["url"]
    stop(_cache.pop("proc", None))
    _cache.pop("url", None)


CHROMIUM = "/usr/bin/chromium"  # Debian's chromium, never `playwright install`


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright, with the flags this machine needs."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium chromium-driver")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        yield b
        b.close()


def guarded_page(browser, url: str):
    """A fresh page on `url` that refuses (and records in page.outside) any request off this machine,
    and records dialogs (page.dialogs) so an injected alert() is caught. Close its context when done."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, device_scale_factor=1)
    page = context.new_page()
    page.outside, page.dialogs = [], []

    def guard(route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            page.outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    page.wait_for_selector("#question textarea")
    return page
