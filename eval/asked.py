"""The questions a benchmark asks, in eval-set order, each with the conversation it follows.

Every child process of the bench reads the same file, so each side times the same questions in the
same order. A follow-up carries its history (earlier questions, oldest first), as the app receives it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Asked:
    """One question as a user asks it: the text, and the earlier questions of its conversation."""

    question: str
    history: tuple[str, ...] = ()


def from_eval_rows(rows: list[dict]) -> list[Asked]:
    """Eval-set rows (eval/questions.jsonl) as asked questions, in file order.

        >>> from_eval_rows([{"question": "那費用呢？", "history": ["香港需要多少算力？"]}])
        [Asked(question='那費用呢？', history=('香港需要多少算力？',))]
    """
    return [Asked(row["question"], tuple(row.get("history") or ())) for row in rows]


def write_asked(path: Path, asked: list[Asked]) -> None:
    """The questions as a JSON list of {"question", "history"} for the bench's child processes."""
    rows = [{"question": a.question, "history": list(a.history)} for a in asked]
    Path(path).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")


def read_asked(path: Path) -> list[Asked]:
    """The questions written by write_asked; a plain list of question strings reads as questions with no history."""
    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    return [Asked(r) if isinstance(r, str) else Asked(r["question"], tuple(r.get("history") or ())) for r in rows]
