"""data/headings_en.tsv gives every heading of the bundled report an English rendering."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.defaults import BUNDLED_REPORT
from index.glossary import load as load_glossary
from ingest.parse import load_report

HEADINGS_EN = Path(__file__).resolve().parent.parent / "data" / "headings_en.tsv"


def rows() -> list[list[str]]:
    lines = HEADINGS_EN.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


@pytest.fixture(scope="module")
def table() -> dict[str, str]:
    return {zh: en for zh, en in rows()[1:]}


def test_the_file_is_a_zh_en_table_with_a_header_and_two_filled_columns():
    header, *body = rows()
    assert header == ["zh", "en"]
    for row in body:
        assert len(row) == 2 and all(cell.strip() == cell and cell for cell in row), row


def test_no_heading_is_listed_twice():
    zh = [row[0] for row in rows()[1:]]
    assert len(zh) == len(set(zh))


def test_every_heading_of_the_bundled_report_has_an_english_row(table):
    _, passages = load_report(BUNDLED_REPORT)
    headings = {heading for p in passages for heading in p.section}
    assert headings and sorted(headings - set(table)) == []


def test_a_heading_that_names_a_glossary_term_uses_the_glossary_english(table):
    # Longest match wins: 委員 inside 小組委員會 is not a term of its own there.
    terms = load_glossary()
    for zh, en in table.items():
        named = [t for t in terms if t.zh in zh]
        longest = [t for t in named if not any(t.zh != o.zh and t.zh in o.zh for o in named)]
        missing = [t.en for t in longest if t.en.casefold() not in en.casefold()]
        assert missing == [], (zh, en)
