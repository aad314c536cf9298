"""Run one measurement in a fresh interpreter, so what it loads and times is not already warm."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from index.defaults import PROJECT_ROOT


def in_fresh_process(module: str, function: str, *args: str) -> dict:
    """Run module.function(args) in a fresh interpreter; its last stdout line is its JSON result."""
    code = f"import sys; from {module} import {function}; {function}(sys.argv[1:])"
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
    if proc.returncode != 0:
        raise RuntimeError(f"bench child {module}.{function} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def say(*parts) -> None:
    """Progress for the person running the bench, on stderr (stdout carries results)."""
    print(*parts, file=sys.stderr, flush=True)


