"""Where the project keeps its bundled reports, its default index and its caches."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
REPORTS_DIR = PROJECT_ROOT / "data" / "reports"
BUNDLED_REPORT = REPORTS_DIR / "cb2-1292-2025.zh-Hant.txt"


def default_index_dir() -> Path:
    """The index folder used when --index is not given ($LEGCO_RAG_INDEX or data/index)."""
    return Path(os.environ.get("LEGCO_RAG_INDEX") or PROJECT_ROOT / "data" / "index")


def cache_dir() -> Path:
    """Cache for materialised models and tokeniser dictionaries ($LEGCO_RAG_CACHE or ~/.cache/legco-rag)."""
    env = os.environ.get("LEGCO_RAG_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "legco-rag"
