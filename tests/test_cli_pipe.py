"""`legco-rag passages | head`: a reader that stops early ends the command quietly, as with cat."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_closed_pipe_ends_passages_quietly_with_status_0():
    writer = subprocess.Popen([sys.executable, "-m", "assistant.cli", "passages"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    writer.stdout.close()  # the reader hangs up before the first line (the output fits a pipe's buffer)
    stderr = writer.stderr.read().decode("utf-8")
    assert writer.wait(timeout=60) == 0
    assert stderr == ""
