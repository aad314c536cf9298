"""Read LegCo reports and parse them into citable passages."""
from ingest.passage import Document, InputError, Passage

__all__ = ["Document", "InputError", "Passage"]
