"""Read LegCo reports and parse them into citable passages."""
from ingest.passage import Document, InputError, Passage
from ingest.parse import Layout, load_report, parse_layout

__all__ = ["Document", "InputError", "Layout", "Passage", "load_report", "parse_layout"]
