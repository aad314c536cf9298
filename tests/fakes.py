"""Fakes for fast tests: a deterministic embedder with no model, the small fixture report, a retriever
that returns a fixed result, a chat-completions server on loopback, and a free port.
"""
from __future__ import annotations

import hashlib
import json
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "mini-report.zh-Hant.txt"


class HashEmbedder:
    """Deterministic unit vectors from a hash of each text (no model, no torch)."""

    name = "hash-fake"
    dim = 16

    def _vec(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
        v = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        return v / np.linalg.norm(v)

    def encode_passages(self, texts, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_queries(self, texts, batch_size: int = 32) -> np.ndarray:
        return np.stack([self._vec("query: " + t) for t in texts])


class CountingEmbedder(HashEmbedder):
    """HashEmbedder's vectors, remembering every passage text it embedded (what a build re-embeds)."""

    name = "counting-fake"

    def __init__(self):
        self.embedded: list[str] = []

    def encode_passages(self, texts, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        self.embedded += list(texts)
        return super().encode_passages(texts, batch_size, show_progress)


def free_port() -> int:
    """A loopback port nothing listens on (free when asked)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def search_result(question: str, *passages, answerable: bool = True, via: str = "search"):
    """A SearchResult as the retriever would return it: scores 0.9, 0.8, … falling with rank."""
    from assistant.retrieve import Hit, SearchResult

    hits = tuple(Hit(p, 0.9 - 0.1 * i, via if i == 0 else "search") for i, p in enumerate(passages))
    return SearchResult(question, answerable, hits, 0.9 if answerable else 0.1)


class FixedRetriever:
    """Returns the same SearchResult whatever is asked, and remembers each (question, k) it was asked."""

    def __init__(self, result):
        self.result, self.asked = result, []

    def search(self, question: str, k: int = 5):
        self.asked.append((question, k))
        return self.result


class ChatServer:
    """A chat-completions endpoint on a free loopback port, started with `with ChatServer() as server:`.

    It answers with `reply` (a string, or a function of the request's messages) and HTTP `status`;
    `requests` holds what it was sent (path, headers, body); `settings` points assistant.llm at it.
    """

    def __init__(self, model: str = "fake-model", api_key: str = "sk-test", timeout: float = 10):
        self.reply: str | Callable[[list[dict]], str] = ""
        self.status = 200
        self.requests: list[dict] = []
        self._model, self._api_key, self._timeout = model, api_key, timeout

    def _answer(self, body: dict) -> tuple[int, dict]:
        if self.status != 200:
            return self.status, {"error": {"message": f"model '{body.get('model')}' not found"}}
        content = self.reply(body["messages"]) if callable(self.reply) else self.reply
        return 200, {"object": "chat.completion", "model": body["model"],
                     "choices": [{"index": 0, "finish_reason": "stop",
                                  "message": {"role": "assistant", "content": content}}]}

    def __enter__(self) -> "ChatServer":
        from assistant.llm import LLMSettings

        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                status, payload = server._answer(body)
                data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # keep the test output quiet
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        self.settings = LLMSettings(f"http://127.0.0.1:{self._httpd.server_port}/v1", self._model,
                                    self._api_key, timeout=self._timeout)
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()
