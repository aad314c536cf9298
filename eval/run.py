"""Run evaluation questions through the app's retrieval and score the rankings."""
from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path

from assistant.answer import compose
from assistant.followup import search_with_history
from eval.metrics import answer_coverage, answered_precision, evaluate, none_answered
from ingest.passage import InputError

QUESTIONS = Path(__file__).with_name("questions.jsonl")
METRICS = ["hit@1", "hit@5", "recall@5", "recall@10", "mrr@10", "ndcg@10"]


def load_questions(path: Path = QUESTIONS, split: str = "all") -> list[dict]:
    """Questions from a JSONL file in the eval schema; only `id` and `question` are required."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"questions file '{path}' not found: give --questions FILE (JSON lines)")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            row["id"], row["question"]  # noqa: B018 (required fields)
        except (ValueError, KeyError, TypeError):
            raise InputError(f"{path}:{n}: not a JSON object with 'id' and 'question'") from None
        if split == "all" or row.get("split") == split:
            rows.append(row)
    if not rows:
        raise InputError(f"no questions in '{path}' for split '{split}'")
    return rows


Track = Callable[[Iterable[dict]], Iterable[dict]]  # wraps the questions to show progress (tqdm, gr.Progress)


def _untracked(questions: Iterable[dict]) -> Iterable[dict]:
    return questions


def run(retriever, questions: list[dict], k: int = 10, track: Track = _untracked) -> list[dict]:
    """One result per question: distinct labels best first (at most k), the verdict (and answerable, which
    is verdict == "answered"), the label of the answer's first quote, score, latency.

    track: wraps the questions as they are asked, e.g. `lambda qs: tqdm(qs, total=len(questions))`.
    """
    results = []
    for q in track(questions):
        start = time.perf_counter()
        result = search_with_history(retriever, q["question"], q.get("history"), k=k)
        latency = (time.perf_counter() - start) * 1000
        # The quote a reader sees first (answers quote from the top hits only, as the CLI and app do).
        quotes = compose(result).quotes if result.answerable else ()
        results.append({
            "id": q["id"],
            "ranked": [h.passage.label for h in result.hits][:k],
            "answerable": result.answerable,
            "verdict": result.verdict,
            "first_quote": quotes[0].label if quotes else None,
            "top_score": round(result.top_score, 4),
            "latency_ms": round(latency, 2),
        })
    return results


def score(questions: list[dict], results: list[dict]) -> dict:
    """Overall, per-language and per-kind metrics: ranking, selective answering (answered_precision,
    coverage, none_answered) and the abstention figures they refine (abstaining = any verdict but
    "answered")."""
    by_id = {r["id"]: r for r in results}
    labelled = [q for q in questions if "relevant" in q]

    def block(qs: list[dict]) -> dict:
        answerable = [q for q in qs if q["relevant"]]
        none = [q for q in qs if not q["relevant"]]
        qrels = {q["id"]: {label: 1 for label in q["relevant"]} for q in answerable}
        run_ = {q["id"]: by_id[q["id"]]["ranked"] for q in answerable}
        out = {"n": len(qs), **(evaluate(qrels, run_, METRICS) if answerable else {})}
        verdicts = {q["id"]: _verdict(by_id[q["id"]]) for q in qs}
        gold = {q["id"]: {label: 1 for label in q["relevant"]} for q in qs}
        first = {q["id"]: by_id[q["id"]].get("first_quote") for q in qs}
        if any(v == "answered" for v in verdicts.values()):
            out["answered_precision"] = answered_precision(verdicts, gold, first)
        if answerable:
            out["coverage"] = answer_coverage(verdicts, gold)
        if none:
            out["none_answered"] = none_answered(verdicts, gold)
        if none:
            out["abstain_on_none"] = sum(not by_id[q["id"]]["answerable"] for q in none) / len(none)
        if answerable:
            out["false_abstention"] = sum(not by_id[q["id"]]["answerable"] for q in answerable) / len(answerable)
        return out

    groups: dict[str, dict[str, list]] = {"lang": defaultdict(list), "kind": defaultdict(list)}
    for q in labelled:
        for field in groups:
            groups[field][q.get(field, "?")].append(q)
    return {
        "overall": block(labelled) if labelled else {},
        **{f"by_{field}": {name: block(qs) for name, qs in sorted(g.items())} for field, g in groups.items()},
    }


def _verdict(result: dict) -> str:
    """A result's verdict; results written before verdicts existed have only `answerable`."""
    return result.get("verdict") or ("answered" if result["answerable"] else "not_answered")


SELECTIVE = ["answered_precision", "coverage", "none_answered"]


def table(metrics: dict) -> str:
    """The metrics as a plain-text table, one row per group."""
    cols = ["n", *METRICS, *SELECTIVE, "abstain_on_none", "false_abstention"]
    rows = [("overall", metrics["overall"])]
    for field in ("by_lang", "by_kind"):
        rows += [(f"{field[3:]}={name}", m) for name, m in metrics.get(field, {}).items()]
    width = max(len(name) for name, _ in rows) + 2
    widths = [max(10, len(c) + 2) for c in cols]  # every header keeps a space before it
    lines = ["".ljust(width) + "".join(c.rjust(w) for c, w in zip(cols, widths))]
    for name, m in rows:
        cells = []
        for c, w in zip(cols, widths):
            v = m.get(c)
            text = "-" if v is None else (str(v) if c == "n" else f"{v:.3f}")
            cells.append(text.rjust(w))
        lines.append(name.ljust(width) + "".join(cells))
    return "\n".join(lines)


def describe(questions_file: str | Path, split: str, retriever) -> str:
    """The line that opens a run's output: which questions, split, mode and index it used."""
    settings = retriever.settings
    mode = settings.mode + ("" if settings.normalise else ", no normalising")
    return f"questions {questions_file} · split {split} · mode {mode} · index {retriever.index.folder}"


def missed(questions: list[dict], results: list[dict]) -> list[dict]:
    """The labelled questions the retrieval got wrong, each with why: the top passage is not a gold one,
    the report was taken not to answer an answerable question, or a question it cannot answer was answered."""
    by_id = {r["id"]: r for r in results}
    out = []
    for q in questions:
        if "relevant" not in q or q["id"] not in by_id:
            continue
        r = by_id[q["id"]]
        gold = list(q["relevant"])
        if gold and not r["answerable"]:
            why = "false abstention"
        elif gold and r.get("first_quote") and r["first_quote"] not in gold:
            why = "answered with a quote from a passage that is not gold"
        elif gold and (not r["ranked"] or r["ranked"][0] not in gold):
            why = "top passage not gold"
        elif not gold and r["answerable"]:
            why = "answered a question the report does not answer"
        else:
            continue
        out.append({**q, "why": why, "ranked": r["ranked"], "gold": gold})
    return out


def evaluate_retriever(retriever, questions: list[dict], k: int = 10, config: dict | None = None,
                       track: Track = _untracked) -> dict:
    """The `python -m eval run` output: config, metrics and per-question results."""
    results = run(retriever, questions, k, track)
    return {
        "config": {"k": k, "model": retriever.index.model, "index": str(retriever.index.folder),
                   "settings": asdict(retriever.settings), **(config or {})},
        "metrics": score(questions, results),
        "results": results,
    }
