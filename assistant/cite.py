"""Citations in the report's own form, from the one grammar in ingest.labels (kept so callers can import them here)."""
from __future__ import annotations

from ingest.labels import citation, label_text

citation_text = label_text  # the bare form: 第15段 / para. 15

__all__ = ["citation", "citation_text", "label_text"]
