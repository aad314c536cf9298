"""Reading report files: encodings, metadata, and helpful errors for unusable input."""
import json
import shutil
import sys
from pathlib import Path

import pytest

from ingest.passage import InputError
from ingest.read import read_report

REPORT = Path(__file__).parent.parent / "data" / "reports" / "cb2-1292-2025.zh-Hant.txt"
SAMPLE = "立法會 CB(2)1292/2025 號文件\n\n發展智慧城市事宜小組委員會報告\n\n目的\n\n本文件旨在匯報小組委員會的商議工作。\n"


def test_sidecar_json_gives_the_metadata():
    doc, text = read_report(REPORT)
    assert (doc.doc_id, doc.title, doc.date, doc.lang) == (
        "CB(2)1292/2025", "發展智慧城市事宜小組委員會報告", "2025-06-25", "zh-Hant")
    assert doc.source == str(REPORT)
    assert text.startswith("\n\n立法會\n")


def test_without_sidecar_the_metadata_comes_from_the_text(tmp_path):
    copy = tmp_path / "report.txt"
    shutil.copy(REPORT, copy)
    doc, _ = read_report(copy)
    assert (doc.doc_id, doc.title, doc.date, doc.lang) == (
        "CB(2)1292/2025", "發展智慧城市事宜小組委員會報告", "2025-06-25", "zh-Hant")


def test_english_paper_number_is_found(tmp_path):
    path = tmp_path / "en.txt"
    path.write_text("Legislative Council\n\nLC Paper No. CB(2) 1292/2025\n\nReport of the Subcommittee\n\n"
                    "Purpose\n\nThis paper reports.\n\n25 June 2025\n", encoding="utf-8")
    doc, _ = read_report(path)
    assert (doc.doc_id, doc.title, doc.date, doc.lang) == (
        "CB(2)1292/2025", "Report of the Subcommittee", "2025-06-25", "en")


def test_without_a_paper_number_the_file_stem_is_the_doc_id(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("目的\n\n本文件旨在匯報。\n", encoding="utf-8")
    assert read_report(path)[0].doc_id == "notes"


def test_utf8_bom_is_dropped(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"))
    assert read_report(path)[1] == SAMPLE


def test_utf16_with_bom_decodes(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes(SAMPLE.replace("\n", "\r\n").encode("utf-16"))  # Windows Notepad's "Unicode"
    assert read_report(path)[1] == SAMPLE


@pytest.mark.parametrize("encoding", ["big5", "big5hkscs", "cp950"])
def test_big5_file_decodes(tmp_path, encoding):
    path = tmp_path / "big5.txt"
    path.write_bytes(SAMPLE.encode(encoding))
    doc, text = read_report(path)
    assert text == SAMPLE
    assert doc.doc_id == "CB(2)1292/2025"


def test_missing_file_is_refused_with_the_path(tmp_path):
    with pytest.raises(InputError, match=r"'.*nowhere\.txt' does not exist: check the path"):
        read_report(tmp_path / "nowhere.txt")


def test_directory_is_refused(tmp_path):
    with pytest.raises(InputError, match="is a directory, not a report file: give a report in .pdf, .html, .txt or .md"):
        read_report(tmp_path)


@pytest.mark.parametrize("content", [b"", b"  \n\t\n \r\n", "\u3000\n".encode("utf-8")])
def test_empty_or_blank_file_is_refused(tmp_path, content):
    path = tmp_path / "x.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=r"^report file 'x.txt' is empty: give a report in .pdf, .html, .txt or .md$"):
        read_report(path)


def test_binary_file_is_refused_by_name(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    with pytest.raises(InputError, match=r"'image.txt' is binary \(it contains NUL bytes\)"):
        read_report(path)


def test_undecodable_file_is_refused_with_the_fix(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Café résumé naïve".encode("latin-1"))
    with pytest.raises(InputError, match="'latin1.txt' is neither UTF-8, UTF-16 nor Big5.*save it as UTF-8"):
        read_report(path)


def test_unsupported_type_is_refused(tmp_path):
    path = tmp_path / "report.docx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(InputError, match="unsupported type '.docx': give a report in .pdf, .html, .txt or .md"):
        read_report(path)


def test_pdf_without_pypdfium2_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pypdfium2", None)  # import pypdfium2 now raises ImportError
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(InputError, match="reading 'report.pdf' needs pypdfium2: pip install pypdfium2"):
        read_report(path)


def test_broken_sidecar_is_refused_by_name(tmp_path):
    (tmp_path / "r.txt").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "r.json").write_text("{doc_id: oops", encoding="utf-8")
    with pytest.raises(InputError, match="metadata file 'r.json' is not valid JSON"):
        read_report(tmp_path / "r.txt")


def test_partial_sidecar_is_completed_from_the_text(tmp_path):
    (tmp_path / "r.txt").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "r.json").write_text(json.dumps({"date": "2025-06-25"}), encoding="utf-8")
    doc, _ = read_report(tmp_path / "r.txt")
    assert (doc.doc_id, doc.title, doc.date) == ("CB(2)1292/2025", "發展智慧城市事宜小組委員會報告", "2025-06-25")
