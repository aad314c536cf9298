"""A network guard for tests: every attempt to reach another machine fails and is written to a log.

Run a module or code under it, as a test does in a subprocess:

    python tests/guard_network.py LOG -m assistant.cli build --index /tmp/index
    python tests/guard_network.py LOG -c "import urllib.request; urllib.request.urlopen('http://example.com')"

It patches the socket module before anything else is imported: a connect, connect_ex or sendto to
an address that is not loopback, or a name lookup of a host that is not this machine, raises
OSError("network blocked") and appends one JSON line (what, where, who called) to LOG. Loopback
stays open: the app serves on 127.0.0.1 and its client asks there. An empty LOG is the proof.

`hostile_app` (a pytest fixture) is the app, under the guard, serving an index of a report whose
text is full of markup; test_offline.py and test_xss_browser.py share it.
"""
from __future__ import annotations

import html
import ipaddress
import json
import os
import runpy
import socket
import subprocess
import sys
import time
import traceback
import urllib.request
from pathlib import Path

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "", None}


def is_local(host) -> bool:
    """True for this machine: loopback addresses and names, the wildcard a server binds to."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    return host in _LOCAL_NAMES or host in ("0.0.0.0", "::", "::1") or str(host).startswith("127.")


def _is_address(host) -> bool:
    """True for a literal IP address: looking it up asks no one (connect is where it is stopped)."""
    try:
        ipaddress.ip_address(host.decode("ascii") if isinstance(host, bytes) else host)
    except (ValueError, UnicodeDecodeError):
        return False
    return True


def install(log: str | Path) -> None:
    """Block and record every non-loopback connection and name lookup from now on."""
    log = Path(log)

    def record(what: str, target) -> None:
        stack = [f"{f.filename}:{f.lineno} {f.name}" for f in traceback.extract_stack()[:-2]][-8:]
        with open(log, "a", encoding="utf-8") as f:
            f.write(json.dumps({"what": what, "target": repr(target), "stack": stack}) + "\n")

    def blocked(what: str, target):
        record(what, target)
        return OSError(101, f"network blocked by tests/guard_network.py: {what} {target!r}")

    def guard(method: str):
        original = getattr(socket.socket, method)

        def guarded(self, *args):
            target = args[-1]  # connect(address), connect_ex(address), sendto(data[, flags], address)
            if self.family in (socket.AF_INET, socket.AF_INET6) and not is_local(target[0]):
                raise blocked(method, target)
            return original(self, *args)

        setattr(socket.socket, method, guarded)

    for method in ("connect", "connect_ex", "sendto"):
        guard(method)

    getaddrinfo = socket.getaddrinfo

    def guarded_getaddrinfo(host, *args, **kwargs):
        if not is_local(host) and not _is_address(host):
            record("getaddrinfo", host)
            raise socket.gaierror(socket.EAI_NONAME, f"name lookup blocked by tests/guard_network.py: {host}")
        return getaddrinfo(host, *args, **kwargs)

    socket.getaddrinfo = guarded_getaddrinfo
    for name in ("gethostbyname", "gethostbyname_ex"):
        original = getattr(socket, name)

        def guarded_lookup(host, _original=original, _name=name):
            if not is_local(host):
                record(_name, host)
                raise socket.gaierror(socket.EAI_NONAME, f"name lookup blocked by tests/guard_network.py: {host}")
            return _original(host)

        setattr(socket, name, guarded_lookup)


def attempts(log: str | Path) -> list[dict]:
    """What the guarded process tried: one dict per blocked attempt (none if the log was never written)."""
    log = Path(log)
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]


def guarded(log: str | Path, *args: str) -> list[str]:
    """The command that runs `python ARGS…` (e.g. "-m", "assistant.cli", "ask", …) under the guard."""
    return [sys.executable, str(Path(__file__).resolve()), str(log), *args]


def clean_env(**extra: str) -> dict:
    """The environment a user has: none of the offline switches the program must set for itself."""
    env = {k: v for k, v in os.environ.items() if k not in {
        "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "GRADIO_ANALYTICS_ENABLED", "HF_DATASETS_OFFLINE",
        "GRADIO_SERVER_PORT", "GRADIO_SERVER_NAME", "LEGCO_RAG_LLM_BASE_URL", "LEGCO_RAG_LLM_MODEL"}}
    env.update(PYTHONUNBUFFERED="1", **extra)
    return env


# ---- the hostile report, indexed and served under the guard ------------------------------------

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = "<script>window.__xss = 'script ran'; alert('xss')</script>"
IMG = '<img src=x onerror="window.__xss = \'img ran\'; alert(1)">'
# The reader strips the tags a converted paper leaves behind (ingest.markup), so the markup is written
# as a paper that *quotes* markup carries it: as entities, which reading turns back into "<script>…"
# characters in the passage text. That text is what the app must show, and never run.
_E = html.escape
HOSTILE_REPORT = f"""立法會 CB(9)999/2025 號文件

{_E("<b>標記</b>")}測試小組委員會報告

目的

本文件旨在匯報測試小組委員會就惡意標記的商議工作：{_E(SCRIPT)}。

背景

2. 小組委員會研究網頁腳本注入的風險。委員指出，報告正文可能載有 {_E(SCRIPT)} 及 {_E(IMG)} 等標記。¹

{_E("<img src=x onerror=alert(2)>")}

3. 政府當局表示，系統會把報告文字當作純文字顯示，不會執行任何 {_E('<iframe src="javascript:alert(3)"></iframe>')} 內容。

建議

4. 小組委員會建議政府當局：
- (1) 確保所有顯示的文字均經過轉義 {_E("<svg onload=alert(4)>")}；及
- (2) 定期測試 {_E('<a href="javascript:alert(5)">連結</a>')} 的處理。

¹ 腳註亦載有 {_E(IMG)} 標記。

測試小組委員會秘書處
2025年7月1日
"""
BUILD_TIMEOUT = 600
_cache: dict = {}


def _hostile_index(tmp: Path) -> tuple[Path, Path]:
    """Index the hostile report under the guard; returns (index folder, guard log)."""
    report = tmp / "hostile.zh-Hant.txt"
    report.write_text(HOSTILE_REPORT, encoding="utf-8")
    folder, log = tmp / "index", tmp / "build-network.jsonl"
    run = subprocess.run(guarded(log, "-m", "assistant.cli", "build", str(report), "--index", str(folder), "--quiet"),
                         cwd=ROOT, env=clean_env(), capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    if run.returncode != 0:
        raise RuntimeError(f"guarded build failed ({run.returncode}):\n{run.stderr[-4000:]}")
    return folder, log


def _start(tmp: Path, folder: Path):
    from app_server import START_TIMEOUT, stop
    from fakes import free_port

    port, log, out = free_port(), tmp / "serve-network.jsonl", open(tmp / "serve.log", "w", encoding="utf-8")
    url = f"http://127.0.0.1:{port}/"
    proc = subprocess.Popen(guarded(log, "-m", "assistant.cli", "serve", "--port", str(port), "--index", str(folder)),
                            cwd=ROOT, env=clean_env(), stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the guarded app exited with {proc.returncode}:\n"
                               f"{(tmp / 'serve.log').read_text(encoding='utf-8')[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return proc, url, log
        except OSError:
            time.sleep(0.5)
    stop(proc)
    raise RuntimeError(f"the guarded app did not answer on {url} within {START_TIMEOUT} s")


def _hostile_app(tmp_path_factory):
    if "url" not in _cache:
        tmp = tmp_path_factory.mktemp("hostile")
        folder, build_log = _hostile_index(tmp)
        proc, url, serve_log = _start(tmp, folder)
        _cache.update(proc=proc, url=url, index=folder, build_log=build_log, serve_log=serve_log)
    return _cache


try:
    import pytest
except ImportError:  # run as a script in a subprocess: no fixtures needed
    pytest = None

if pytest is not None:
    @pytest.fixture(scope="session")
    def hostile_app(tmp_path_factory) -> dict:
        """The app under the guard over the hostile report: {"url", "index", "build_log", "serve_log", "proc"}."""
        from app_server import stop

        yield _hostile_app(tmp_path_factory)
        stop(_cache.pop("proc", None))
        _cache.pop("url", None)


if __name__ == "__main__":
    install(sys.argv[1])
    sys.path.insert(0, str(ROOT))
    mode, rest = sys.argv[2], sys.argv[3:]
    if mode == "-m":
        sys.argv = [rest[0], *rest[1:]]
        runpy.run_module(rest[0], run_name="__main__", alter_sys=True)
    elif mode == "-c":
        sys.argv = ["-c", *rest[1:]]
        exec(compile(rest[0], "<guarded>", "exec"), {"__name__": "__main__"})
    else:
        raise SystemExit(f"usage: {sys.argv[0]} LOG (-m MODULE | -c CODE) [ARGS…]")
