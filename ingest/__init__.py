"""Read LegCo reports and parse them into citable passages."""
from ingest.passage import Document, InputError, Passage
from ingest.parse import load_report

__all__ = ["Document", "InputError", "Passage", "load_report"]
