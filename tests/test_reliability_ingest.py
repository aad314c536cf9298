"""Ingest under bad input: whatever the file, it is parsed (with a warning if it was odd) or refused
in one line, in bounded time and memory; labels are always unique.

Rerun: .venv/bin/python -m pytest -q tests/test_reliability_ingest.py
"""
from __future__ import annotations

import os
import re
import time
import tracemalloc
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.cli import main
from ingest.chunk import chunk_passages
from ingest.parse import load_report, parse_report
from ingest.passage import InputError
from ingest.read import MAX_PDF_BYTES, MAX_TEXT_BYTES, ReportWarning, read_report

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "data" / "reports" / "cb2-1292-2025.zh-Hant.txt"
REPORT_TEXT = REPORT.read_text(encoding="utf-8")
LABEL = re.compile(r"\d+(?:\.\d+){0,3}(\([0-9a-z一二三四五六七八九十]+\))?|fn\d+|appendix\d+|annex\d+")


def is_label(label: str) -> bool:
    """A numbered label, or the name of unnumbered text: "summary", "intro" or a heading (see ingest.parse)."""
    if LABEL.fullmatch(label):
        return True
    name = label.partition("(")[0]
    return bool(name) and "\n" not in label and not LABEL.fullmatch(name) and not name[0].isspace()
FUZZ = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(text: str) -> list:
    """Parse `text` as a report: the passages, after checking what must hold of any outcome."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            passages = parse_report(text, "X")
    except InputError as e:
        assert "\n" not in str(e) and str(e), repr(e)
        return []
    labels = [p.label for p in passages]
    assert len(labels) == len(set(labels)), labels
    assert all(map(is_label, labels)), labels
    assert all(isinstance(p.text, str) and p.doc == "X" for p in passages)
    for w in caught:
        assert issubclass(w.category, ReportWarning) and "\n" not in str(w.message), w
    chunks = chunk_passages(passages)
    assert len({(c.label, c.chunk) for c in chunks}) == len(chunks)
    return passages


# ---- property-based: random and mutated report text ------------------------------------------

# Pieces of a LegCo report's layout, so random text hits the parser's branches, not just "no paragraphs".
PIECES = ["目的", "背景", "建議", "小組委員會的商議工作", "2. ", "15. ", "67. ", "999. ", "1.", "2025. ", "(a) ", "(5) ",
          "- (1) ", "（b）", "¹ ", "⁶", "¹⁰ ", "註。", "。", "；", "；及", "：", "，", "附錄1", "Appendix II",
          "2025年6月25日", "25 June 2025", "第11段", "參閱上文第3至5段", "第1至99999999段", "paras. 2 to 9",
          "**", "[連結](#)", "- 3 -", "第 4 頁", "Page 7", "m²", "\u3000", "\t", " ", "", "\ufeff", "\x00", "\u202e",
          # the other numbering schemes LegCo papers use
          "1.1 ", "2.1 ", "1.1.1 ", "3.", "一、", "二、引言", "A. ", "B. Background", "IV. ", "(i) ", "(ii) ", "（一）",
          "[1] ", "[12]", "註1：", "附件1", "Annex A", "Executive Summary", "摘要", "Introduction", "# ", "*", "_"]
lines = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=6).map("".join)
report_like = st.lists(lines, max_size=60).map("\n".join)


@FUZZ
@given(st.text(max_size=2000))
def test_any_text_is_parsed_with_unique_labels_or_refused_in_one_line(text):
    outcome(text)


@FUZZ
@given(report_like)
def test_report_shaped_noise_is_parsed_with_unique_labels_or_refused_in_one_line(text):
    outcome(text)


REPORT_LINES = REPORT_TEXT.splitlines()


@st.composite
def mutated_report(draw) -> str:
    """The bundled report after a few random edits: lines dropped, repeated, swapped, inserted, cut."""
    out = list(REPORT_LINES)
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["drop", "repeat", "swap", "insert", "edit", "renumber"]))
        i = draw(st.integers(0, len(out) - 1)) if out else 0
        if not out:
            break
        if op == "drop":
            del out[i:i + draw(st.integers(1, 40))]
        elif op == "repeat":
            out[i:i] = out[i:i + draw(st.integers(1, 20))]
        elif op == "swap":
            j = draw(st.integers(0, len(out) - 1))
            out[i], out[j] = out[j], out[i]
        elif op == "insert":
            out.insert(i, draw(lines))
        elif op == "edit":
            k = draw(st.integers(0, len(out[i])))
            out[i] = out[i][:k] + draw(st.text(max_size=5)) + out[i][k + draw(st.integers(0, 3)):]
        else:
            out[i] = re.sub(r"^\d+", str(draw(st.integers(0, 999))), out[i])
    text = "\n".join(out)
    return text[:draw(st.integers(0, len(text)))] if draw(st.booleans()) else text


@FUZZ
@given(mutated_report())
def test_a_mutated_report_is_parsed_with_unique_labels_or_refused_in_one_line(text):
    outcome(text)


# ---- files: encodings, damage, size ----------------------------------------------------------



def _big5able(char: str) -> bool:
    try:
        char.encode("big5hkscs"), char.encode("cp950")
    except UnicodeEncodeError:
        return False
    return True


# The bundled report less what Big5 cannot write (superscript digits, a few rare characters).
SAMPLE = "".join(c for c in REPORT_TEXT if _big5able(c))


def labels_of(path: Path) -> list[tuple[str, str]]:
    return [(p.label, p.text) for p in load_report(path)[1]]


@pytest.fixture(scope="module")
def utf8_passages(tmp_path_factory) -> list[tuple[str, str]]:
    path = tmp_path_factory.mktemp("utf8") / "report.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    return labels_of(path)


@pytest.mark.parametrize("encoding, bom", [
    ("big5hkscs", b""), ("cp950", b""), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
    ("utf-16-le", b""), ("utf-16-be", b""), ("utf-8", b"\xef\xbb\xbf"),
])
def test_the_same_report_in_another_encoding_gives_the_same_passages(tmp_path, utf8_passages, encoding, bom):
    path = tmp_path / "report.txt"
    path.write_bytes(bom + SAMPLE.replace("\n", "\r\n").encode(encoding))
    assert labels_of(path) == utf8_passages


def test_a_file_cut_inside_a_character_is_read_with_a_warning(tmp_path):
    data = REPORT_TEXT.encode("utf-8")
    cut = next(i for i in range(len(data) // 2, len(data)) if data[i] >= 0xC0) + 1  # one byte into a character
    path = tmp_path / "cut.txt"
    path.write_bytes(data[:cut])
    with pytest.warns(ReportWarning, match="ends in the middle of a character"):
        _, passages = load_report(path)
    assert 20 < len(passages) < 112


def test_a_report_cut_in_half_gives_the_first_half(tmp_path):
    path = tmp_path / "half.txt"
    path.write_text(REPORT_TEXT[: len(REPORT_TEXT) // 2], encoding="utf-8")
    labels = [p.label for p in load_report(path)[1]]
    assert labels[:15] == [str(n) for n in range(1, 16)]


REFUSED = {  # file name → (content, what the one-line reason says)
    "empty.txt": (b"", "is empty"),
    "blank.txt": (b" \n\t\r\n\xe3\x80\x80\n", "is empty"),
    "image.txt": (bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001"), "is binary"),
    "random.md": (bytes(range(256)) * 40, "is binary"),
    "latin1.txt": ("Rapport résumé: façade, naïve".encode("latin-1"), "neither UTF-8, UTF-16 nor Big5"),
    "bad-bom.txt": (b"\xff\xfe" + b"\x00\xd8", "starts with a utf-16 mark but is not utf-16"),
    "report.docx": (b"PK\x03\x04", "unsupported type '.docx'"),
}


@pytest.mark.parametrize("name", REFUSED)
def test_an_unusable_file_is_refused_with_a_one_line_reason(tmp_path, name):
    content, reason = REFUSED[name]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as refused:
        load_report(path)
    assert reason in str(refused.value) and Path(name).stem in str(refused.value)
    assert "\n" not in str(refused.value)


UNSTRUCTURED = {  # file name → content: no numbered paragraph, kept as unnumbered passages with a warning
    "footnotes.txt": "".join(f"{d} 註{i}。\n" for i, d in enumerate("¹²³⁴⁵⁶⁷⁸⁹", 1)),
    "headings.txt": "目的\n\n背景\n\n建議\n",
    "letter.txt": "Dear Chairman,\n\nThank you for your letter of 3 May about the Bill.\n\nYours sincerely,\n",
}


@pytest.mark.parametrize("name", UNSTRUCTURED)
def test_a_file_without_structure_is_kept_as_unnumbered_passages_with_a_warning(tmp_path, name):
    path = tmp_path / name
    path.write_text(UNSTRUCTURED[name], encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _, passages = load_report(path)
    assert any("no numbered paragraphs" in str(w.message) for w in caught)
    kept = "".join(p.text for p in passages)
    def letters(text: str) -> str:  # what must survive: all but spaces and footnote markers
        return re.sub(r"[\s⁰¹²³⁴⁵⁶⁷⁸⁹]", "", text)

    assert letters(kept) == letters(UNSTRUCTURED[name])


@pytest.mark.parametrize("name, limit", [("huge.txt", MAX_TEXT_BYTES), ("huge.md", MAX_TEXT_BYTES),
                                         ("huge.pdf", MAX_PDF_BYTES)])
def test_a_100_mb_file_is_refused_at_once_without_being_read(tmp_path, name, limit):
    path = tmp_path / name
    with open(path, "wb") as f:
        f.truncate(100 * 2**20)  # sparse: 100 MB on paper, nothing on disk or in memory
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(InputError, match=r"is 100\.0 MB, over the \d+ MB limit .* Split it into its reports"):
            read_report(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - start < 1 and peak < 1 * 2**20
    assert limit < 100 * 2**20


def test_a_text_file_just_over_the_limit_is_refused_and_one_at_the_limit_is_read(tmp_path):
    head = "背景\n\n2. 文字。\n".encode("utf-8")
    at = tmp_path / "at.txt"
    at.write_bytes(head + b"\n" * (MAX_TEXT_BYTES - len(head)))
    over = tmp_path / "over.txt"
    over.write_bytes(head + b"\n" * (MAX_TEXT_BYTES + 1 - len(head)))
    with pytest.raises(InputError, match="over the 10 MB limit"):
        read_report(over)
    start = time.perf_counter()
    assert [p.label for p in load_report(at)[1]] == ["2"]
    assert time.perf_counter() - start < 60


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_or_device_named_like_a_report_is_refused_not_read_forever(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    device = tmp_path / "zero.txt"
    device.symlink_to("/dev/zero")
    for path in (fifo, device):
        with pytest.raises(InputError, match="is not a regular file"):
            read_report(path)


# ---- deeply odd reports: parsed with a warning ---------------------------------------------------

def test_repeated_paragraph_numbers_are_kept_as_text_with_one_warning():
    text = "背景\n\n2. 第一段。\n\n2. 又是第二段。\n\n3. 第三段。\n\n3. 再一次。\n"
    with pytest.warns(ReportWarning, match=r"2 numbered line\(s\) out of sequence .*\(first at line 5: '2\. 又是第二段。'\)"):
        passages = parse_report(text, "X")
    assert [(p.label, p.text) for p in passages] == [("2", "第一段。2. 又是第二段。"), ("3", "第三段。3. 再一次。")]


def test_paragraph_numbers_out_of_order_are_kept_as_text_with_a_warning():
    text = "背景\n\n2. 甲。\n\n5. 乙。\n\n3. 丙。\n\n1. 丁。\n"
    with pytest.warns(ReportWarning, match=r"2 numbered line\(s\) out of sequence"):
        passages = parse_report(text, "X")
    assert [p.label for p in passages] == ["2", "3"]
    assert "5. 乙。" in passages[0].text and "1. 丁。" in passages[1].text


def test_repeated_sub_item_numbers_keep_labels_unique_with_a_warning():
    text = "建議\n\n2. 小組委員會建議：\n(1) 甲；\n(2) 乙；\n(1) 丙；及\n(2) 丁。\n"
    with pytest.warns(ReportWarning, match=r"2 repeated sub-item number\(s\)"):
        passages = parse_report(text, "X")
    assert [p.label for p in passages] == ["2", "2(1)", "2(2)"]
    assert passages[-1].text == "乙；(1) 丙；及(2) 丁。"


def test_repeated_footnote_numbers_are_joined_with_a_warning():
    text = "背景\n\n2. 見註。¹\n\n¹ 第一個。\n\n3. 又見。¹\n\n¹ 第二個。\n"
    with pytest.warns(ReportWarning, match=r"1 repeated footnote number\(s\)"):
        passages = parse_report(text, "X")
    assert [p.label for p in passages] == ["2", "3", "fn1"]
    assert passages[-1].text == "第一個。第二個。"


def test_a_well_formed_report_gives_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReportWarning)
        assert len(load_report(REPORT)[1]) == 112


@pytest.mark.parametrize("text, label", [
    ("背景\n\n2. 見註。" + "¹" * 5000 + "\n\n" + "²" * 5000 + " 註。\n", "2"),  # int() refuses 4300+ digits
    ("背景\n\n2. 參閱第1至999999999段。\n", "2"),  # a range is not expanded into a billion labels
])
def test_absurd_numbers_are_read_without_error(text, label):
    start = time.perf_counter()
    passages = parse_report(text, "X")
    assert passages[0].label == label and time.perf_counter() - start < 5


PATHOLOGICAL = {  # ~1 MB each: every one took minutes or more before parsing was made linear
    "one paragraph of 45 000 short lines": "背景\n\n2. 開始\n" + "continuing words here\n" * 45_000,
    "70 000 repeats of one paragraph number": "背景\n\n" + "2. 段落。\n" * 70_000,
    "80 000 repeats of a sub-item": "背景\n\n2. 建議：\n" + "(1) 項目；\n" * 80_000,
    "a million blank lines": "背景\n\n2. 段落。¹\n¹ 註\n" + "\n" * 1_000_000 + "文字\n",
    "blank lines between every line": ("背景\n\n2. 開始¹\n¹ 註\n" + ("\n" * 50 + "文字\n") * 15_000),
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_a_megabyte_of_pathological_text_parses_in_seconds(name):
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReportWarning)
        outcome(PATHOLOGICAL[name])
    assert time.perf_counter() - start < 30  # a few seconds on a busy 2-core machine; was minutes to hours


def test_parsing_memory_stays_a_small_multiple_of_the_input():
    text = "背景\n\n2. 段落。\n" + "\n" * 2_000_000 + "".join(f"{i}. 段落。\n" for i in range(3, 999))
    tracemalloc.start()
    try:
        outcome(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * len(text), f"{peak / 2**20:.0f} MB for {len(text) / 2**20:.0f} MB of text"


# ---- the command line: one line on stderr, exit 2, never a traceback -----------------------------

@pytest.mark.parametrize("name", [*REFUSED, "missing.txt", "huge.txt", "a-folder"])
@pytest.mark.parametrize("command", ["passages", "build"])
def test_the_cli_refuses_a_bad_report_in_one_line(tmp_path, capsys, command, name):
    path = tmp_path / name
    if name in REFUSED:
        path.write_bytes(REFUSED[name][0])
    elif name == "huge.txt":
        with open(path, "wb") as f:
            f.truncate(100 * 2**20)
    elif name == "a-folder":
        path.mkdir()
    start = time.perf_counter()
    argv = [command, str(path)] + (["--index", str(tmp_path / "index"), "--quiet"] if command == "build" else [])
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("legco-rag: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert time.perf_counter() - start < 10  # refused before the model is loaded
    assert not (tmp_path / "index").exists()


def test_the_cli_prints_each_warning_as_one_line_and_still_lists_the_passages(tmp_path, capsys):
    path = tmp_path / "odd.txt"
    path.write_text("背景\n\n2. 甲。\n\n2. 乙。\n\n(1) 丙。\n", encoding="utf-8")
    assert main(["passages", str(path), "--json"]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        "legco-rag: warning: report file 'odd.txt' states no paper number (立法會CB(n)…號文件 / LC Paper No. …): "
        "cited as 'odd'; give \"doc_id\" in odd.json to cite it by number",
        "legco-rag: warning: report odd: 1 numbered line(s) out of sequence read as text of the "
        "paragraph before (first at line 5: '2. 乙。')"]
    assert [line.count('"label"') for line in out.splitlines()] == [1, 1]
