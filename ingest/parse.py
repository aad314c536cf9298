"""Parse a LegCo paper's text into citable passages: paragraphs, sub-items, footnotes, appendices.

The layout (as in data/reports/*.txt): front matter, then numbered paragraphs under short heading
lines; lists of sub-items; footnotes dropped wherever a page ended, sometimes in the middle of a
paragraph; a signature ending in a date; then the appendices and annexes.

Numbering schemes and the labels they give:
- paragraphs "2." / "1.1" / "1.1.1" -> "2", "1.1", "1.1.1";
- sections "一、" / "A." / "I." -> headings (the top level of the heading path), never labels; so is
  "2. Background" when the next numbered line is 2.1;
- sub-items "(a)" / "(i)" / "(1)" / "（一）" under paragraph 2.2 -> "2.2(a)", "2.2(i)", "2.2(1)", "2.2(一)";
- footnotes and endnotes "⁶ ..." / "[6] ..." / "註6 ..." -> "fn6" (an inline "[6]" marks footnote 6);
- 附錄 / Appendix -> "appendix1", 附件 / Annex -> "annex1", numbered in order of appearance.
Unnumbered text before the first numbered paragraph is kept, labelled by the heading above it:
- paragraph "1" when the first numbered paragraph is 2 (LegCo reports leave paragraph 1 unnumbered);
- else "summary" under 摘要 / 內容提要 / (Executive) Summary, "intro" under 引言 / Introduction or
  no heading, or the heading's own name without its section number ("目的", "purpose");
  a repeated label gets "-2", "-3".
A paper with no numbered paragraph at all is kept the same way, with a warning.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from ingest.passage import Document, Passage
from ingest.read import ReportWarning, date_of, read_report
from ingest.charsets import SUPERSCRIPTS
from ingest.speakers import with_speakers
from ingest.refs import cross_refs, footnote_markers, strip_footnote_markers, strip_markdown

_PARA = re.compile(r"(\d{1,3})[.．](?!\d)\s*(.*)|(\d{1,3}(?:\.\d{1,3}){1,3})\.?(?:\s+(.*)|$)")
_ITEM = re.compile(r"(?:[-‧•·*]\s*)?[(（]([0-9]{1,2}|[a-z]{1,4}|[一二三四五六七八九十]{1,3})[)）]\s*(.*)")
_NOTE = re.compile(f"([{SUPERSCRIPTS}]{{1,4}})\\s*(.*)")  # bounded: int() refuses 4300+ digits
_NOTE_OTHER = re.compile(r"(?:\[(\d{1,3})\]|註\s*(\d{1,3})\s*[:：.．]?)\s*(.*)")  # "[6] ...", "註6 ..."
_INLINE_NOTE = re.compile(r"(?<=[^\s\[])\[(\d{1,3})\](?!\()")  # "...the Bill.[6]" marks footnote 6
_SECTION = re.compile(r"(?:[一二三四五六七八九十]{1,3}\s*、|[A-Z]\s*[.．]|[IVX]{1,5}\s*[.．]|\d{1,2}\s*[.．](?!\d))\s*\S.*")
_UNNUMBERED = {"summary": re.compile(r"(?:executive\s+)?summary|摘要|內容提要|撮要|摘 要", re.I),
               "intro": re.compile(r"introduction|preamble|引言|前言|緒言", re.I)}
_PAGE_NUMBER = re.compile(r"[-–—]?\s*\d{1,3}\s*[-–—]?|第\s*\d+\s*頁|Page \d+", re.I)
_APPENDIX = re.compile(r"(附錄|附件|Appendix|Annex)\s*[0-9IVX一二三四五六七八九十A-Z]{1,4}", re.I)
_ANNEX = re.compile(r"附件|Annex", re.I)
_SENTENCE_END = "。；：！？.;:!?…"
_CLOSERS = "”’」』)）]\"' "
# The fixed parts of a LegCo committee report; its topics and sub-topics are found from structure.
_PART = re.compile(
    r"目的|背景|引言|結論|建議|徵詢意見|諮詢|商議工作|參觀活動"
    r"|(?:小組|法案|事務|專責|聯合|調查)?委員會(?:的(?:商議工作|工作|參觀活動|.{0,4}活動))?"
    r"|Purpose|Background|Conclusions?|Recommendations?|Advice sought"
    r"|(?:The |Deliberations of the |Visits? of the )?(?:Sub-?committee|Bills Committee|Panel)",
    re.I,
)


def load_report(path: str | Path) -> tuple[Document, list[Passage]]:
    """Read and parse a report file.

    >>> doc, passages = load_report("data/reports/cb2-1292-2025.zh-Hant.txt")
    >>> doc.doc_id, passages[14].label
    ('CB(2)1292/2025', '15')
    """
    doc, text = read_report(path)
    return doc, parse_report(text, doc.doc_id)


@dataclass(frozen=True)
class Layout:
    """A paper's passages, and what was read but is no passage: its headings, front matter and signature."""

    passages: list[Passage]
    headings: list[str]
    front: list[str]  # lines above the body: paper number, file reference, title, date
    signature: list[str]  # lines between the last paragraph and the appendices


@dataclass(frozen=True)
class _Line:
    kind: str  # "blank", "para", "item", "note" or "text"
    raw: str
    key: str = ""  # paragraph number, item key or footnote number
    body: str = ""  # the text after the number or marker


_BLANK = _Line("blank", "")  # shared: a file of blank lines costs a pointer per line, not an object


def _classify(raw: str) -> _Line:
    line = raw.strip()
    if not line:
        return _BLANK
    if _PAGE_NUMBER.fullmatch(line):
        return _Line("blank", line)
    if "[" in line:
        line = _INLINE_NOTE.sub(lambda m: m[1].translate(str.maketrans("0123456789", SUPERSCRIPTS)), line)
    for kind, pattern in (("note", _NOTE), ("para", _PARA), ("item", _ITEM)):
        if m := pattern.fullmatch(line):
            if kind == "para" and m[3]:  # "1.1 ...": the key is the dotted number
                return _Line(kind, line, m[3], m[4] or "")
            key = str(int(m[1].translate(str.maketrans(SUPERSCRIPTS, "0123456789")))) if kind == "note" else m[1]
            return _Line(kind, line, key, m[2])
    if m := _NOTE_OTHER.fullmatch(line):
        return _Line("note", line, str(int(m[1] or m[2])), m[3])
    return _Line("text", line)


def follows(key: str, before: str) -> bool:
    """True if paragraph number `key` may come next after `before`: the next at any level, or a first
    sub-number ("2" or "1.2" or "1.1.1" after "1.1"; "2.1" after "1.3"; "6" or "5.1" after "5").

    >>> [follows(k, "1.1") for k in ("1.2", "1.1.1", "2", "2.1", "1.3", "3")]
    [True, True, True, True, False, False]
    """
    if "." not in key and "." not in before:
        return int(key) == int(before) + 1  # the common case, kept exact
    have, want = [int(n) for n in before.split(".")], [int(n) for n in key.split(".")]
    if want == have + [1]:
        return True
    for level in range(len(have), 0, -1):
        nxt = have[:level - 1] + [have[level - 1] + 1]
        if want[:level] == nxt and all(n == 1 for n in want[level:]):
            return True
    return False


@dataclass
class _Unit:
    """A passage being assembled from pieces of text."""

    label: str
    pieces: list[str]
    run: int  # index of the body heading run above it; -1 for none
    group: tuple[str, ...] = ()  # headings inside a list, above a sub-item
    unnumbered: bool = False  # text before the first numbered paragraph, labelled once that is known

    def ended(self) -> bool:
        # Only the end decides: joining every piece on every line would be quadratic in its length.
        tail, size = [], 0
        for piece in reversed(self.pieces):
            tail.insert(0, piece[-_TAIL:])
            size += len(piece)
            if size >= _TAIL:
                break
        return ends_sentence(_join(tail)[-_TAIL:])


_TAIL = 200  # characters at the end of a passage that decide whether it ends a sentence


@dataclass
class _Walk:
    units: list[_Unit] = field(default_factory=list)
    notes: dict[str, _Unit] = field(default_factory=dict)
    runs: list[list[str]] = field(default_factory=list)  # consecutive heading lines between paragraphs
    list_headings: set[str] = field(default_factory=set)  # headings that group sub-items of a list
    tail: list[str] = field(default_factory=list)  # lines after the signature: the appendices
    odd: dict[str, tuple[int, str]] = field(default_factory=dict)  # what was odd → (times, first line)
    front: list[str] = field(default_factory=list)  # lines above the body
    signature: list[str] = field(default_factory=list)
    leftover: list[str] = field(default_factory=list)  # short lines that were never followed by text


def parse_report(text: str, doc_id: str) -> list[Passage]:
    """Passages of a report's text: paragraphs and their sub-items, then footnotes, then appendices.

    >>> [p.label for p in parse_report("目的\\n\\n本文件旨在匯報。\\n\\n背景\\n\\n2. 見附錄。¹\\n\\n¹ 註。", "X")]
    ['1', '2', 'fn1']
    """
    return parse_layout(text, doc_id).passages


def parse_layout(text: str, doc_id: str) -> Layout:
    """The passages of a paper's text, with the headings, front matter and signature read around them."""
    walk = _walk(_section_numbers([_classify(line) for line in text.splitlines()]), doc_id)
    paths = heading_paths(walk.runs, walk.list_headings)

    def section(unit: _Unit) -> tuple[str, ...]:
        return (paths[unit.run] if unit.run >= 0 else ()) + unit.group

    passages = [_passage(doc_id, u.label, section(u), u.pieces) for u in walk.units]
    cited_in = {}
    for p in passages:
        for note in p.footnotes:
            cited_in.setdefault(note, p.section)
    for label, unit in sorted(walk.notes.items(), key=lambda item: int(item[0][2:])):
        passages.append(_passage(doc_id, label, cited_in.get(label, section(unit)), unit.pieces))
    counts = {"appendix": 0, "annex": 0}
    for heading, body in _appendices(walk.tail):
        kind = "annex" if _ANNEX.match(heading[0]) else "appendix"
        counts[kind] += 1
        passages.append(Passage(doc_id, f"{kind}{counts[kind]}", heading, strip_markdown(body)))
    headings = [h for run in walk.runs for h in run]
    if not passages and walk.leftover:  # headings only: keep them
        passages = [Passage(doc_id, "intro", (), strip_markdown("\n".join(walk.leftover)))]
        walk.odd.setdefault(_ODD["none"], (1, "line 1"))
    for what, (times, first) in walk.odd.items():  # one warning per kind, however often it happened
        warnings.warn(f"report {doc_id}: {times} {what} (first at {first})", ReportWarning, stacklevel=3)
    return Layout(with_speakers(passages), headings, walk.front, walk.signature)


_ODD = {
    "none": "no numbered paragraphs found; the text is kept as unnumbered passages labelled by their headings",
    "para": "numbered line(s) out of sequence read as text of the paragraph before",
    "item": "repeated sub-item number(s) read as text of the item before",
    "note": "repeated footnote number(s) whose texts were joined",
}


def _passage(doc_id: str, label: str, section: tuple[str, ...], pieces: list[str]) -> Passage:
    raw = _join(pieces)
    text = strip_markdown(strip_footnote_markers(raw)).strip()
    notes = () if label.startswith("fn") else footnote_markers(raw)
    return Passage(doc_id, label, section, text, footnotes=notes, refs=cross_refs(text))


def _walk(lines: list[_Line], doc_id: str) -> _Walk:
    """One pass over the body: assemble paragraphs, sub-items and footnotes, collect heading runs."""
    out = _Walk()
    start = _body_start(lines, doc_id)
    out.front = [line.raw for line in lines[:start] if line.kind != "blank"]
    pending: list[str] = []  # heading lines since the last paragraph or sub-item
    para = current = note = None  # current paragraph; unit that text continues; last footnote
    group: tuple[str, ...] = ()
    previous = "blank"  # kind of the previous line, blank lines included
    last_content = _last_content(lines, start)  # kind of the nearest non-blank line above, kept as we go
    items: set[str] = set()

    def odd(what: str, i: int) -> None:
        times, first = out.odd.get(_ODD[what], (0, f"line {i + 1}: {lines[i].raw[:40]!r}"))
        out.odd[_ODD[what]] = (times + 1, first)

    def flush() -> int:
        nonlocal pending
        if pending:
            out.runs.append(pending)
            pending = []
        return len(out.runs) - 1

    for i in range(start, len(lines)):
        line = lines[i]
        kind = line.kind
        renumbered = False  # a numbered line read as text: it continues the passage before, never a heading
        if kind == "para" and para is not None and not (
                _first_number(line.key) if para.unnumbered else follows(line.key, para.label)):
            kind, renumbered = "text", True  # "2025. ..." or a misnumbered line: not the next paragraph
            odd("para", i)
        if kind == "item" and para is None:
            kind = "text"
        if kind == "item" and f"{para.label}({line.key})" in items:  # labels must stay unique
            kind, renumbered = "text", True
            odd("item", i)
        if kind == "note":
            label = f"fn{line.key}"
            if label in out.notes:  # a repeated number: keep the text, keep labels unique
                out.notes[label].pieces.append(line.body)
                odd("note", i)
            else:
                out.notes[label] = _Unit(label, [line.body], run=len(out.runs) - 1)
            note = out.notes[label]
        elif kind == "para":
            if para is not None and para.unnumbered:
                _label_unnumbered(out, line.key)
            para = current = _Unit(_number(line.key), [line.body], run=flush())
            out.units.append(para)
            group = ()
        elif kind == "item":
            if pending:  # headings inside a list label the sub-items that follow
                group = tuple(pending)
                out.list_headings.update(pending)
                pending = []
            current = _Unit(f"{para.label}({line.key})", [line.body], run=para.run, group=group)
            out.units.append(current)
            items.add(current.label)
        elif kind == "text":
            text = line.raw
            if renumbered:
                current.pieces.append(text)
            elif previous == "note":  # a footnote running onto its next line
                note.pieces.append(text)
            elif current and not pending and not current.ended():  # cut by a page break or a footnote
                current.pieces.append(text)
            elif note and last_content == "note" and not note.ended():
                note.pieces.append(text)  # a footnote cut by a page break
            elif current and not pending and not is_heading(text):
                current.pieces.append(text)  # an unnumbered continuation after a full stop
            elif current and (date_of(text) or _APPENDIX.fullmatch(text)):
                out.tail = [x.raw for x in lines[i + (0 if _APPENDIX.fullmatch(text) else 1):]]
                out.signature = pending + ([] if _APPENDIX.fullmatch(text) else [text])
                pending = []
                break  # the signature (its lines are in `pending`) or the first appendix
            elif is_heading(text):
                pending.append(text)
            elif para is None or (para.unnumbered and pending):  # text before the first numbered paragraph
                para = current = _Unit(f"\x00{len(out.units)}", [text], run=flush(), unnumbered=True)
                out.units.append(para)
            else:
                flush()
                current.pieces.append(text)
        previous = kind
        if line.kind != "blank":
            last_content = line.kind
    if para is not None and para.unnumbered:  # not one numbered paragraph: a paper without structure
        _label_unnumbered(out, "")
        odd("none", start)
    if not out.units and out.notes:
        odd("none", start)
    if pending and not out.units and not out.notes:
        out.leftover = pending  # headings and nothing else: kept as one passage by the caller
    elif pending and not out.tail:
        out.signature += pending  # short lines after the last paragraph: who signed, and when
    return out


def _section_numbers(lines: list[_Line]) -> list[_Line]:
    """Lines numbered "2. Background" whose next numbered line is 2.1 are section headings, not paragraphs."""
    paras = [i for i, line in enumerate(lines) if line.kind == "para"]
    out = list(lines)
    for i, j in zip(paras, paras[1:]):
        key, body = lines[i].key, lines[i].body
        if "." not in key and lines[j].key == f"{int(key)}.1" and is_heading(body) and len(body) <= 80:
            out[i] = _Line("text", lines[i].raw)
    return out


def _number(key: str) -> str:
    """The label of a paragraph number: "02" -> "2", "1.01" -> "1.1"."""
    return ".".join(str(int(n)) for n in key.split("."))


def _first_number(key: str) -> bool:
    """True if a numbered paragraph may be the first of a paper: 1, 2 (after an unnumbered 1), 1.1, 1.1.1."""
    return _number(key) in ("1", "2") or bool(re.fullmatch(r"1(?:\.1){1,3}", _number(key)))


def _label_unnumbered(out: _Walk, first: str) -> None:
    """Label the passages before the first numbered paragraph (see the module docstring)."""
    units = [u for u in out.units if u.label.startswith("\x00")]
    heads = [u for u in units if "(" not in u.label]
    labels: dict[str, str] = {}
    for n, unit in enumerate(heads):
        if first and _number(first) == "2" and n == len(heads) - 1:
            name = "1"  # a LegCo report's unnumbered paragraph 1
        else:
            heading = out.runs[unit.run][-1] if unit.run >= 0 and out.runs[unit.run] else ""
            name = _unnumbered_name(heading)
        label, k = name, 1
        while label in labels.values():
            k += 1
            label = f"{name}-{k}"
        labels[unit.label] = label
    for unit in units:
        head, _, rest = unit.label.partition("(")
        unit.label = labels.get(head, head) + (f"({rest}" if rest else "")
        unit.unnumbered = False


def _section_name(heading: str) -> str:
    """A heading without its section number: "A. Purpose" -> "Purpose", "一、引言" -> "引言"."""
    return re.sub(r"^(?:[一二三四五六七八九十]{1,3}\s*、|[A-Z]\s*[.．]|[IVX]{1,5}\s*[.．]|\d{1,2}\s*[.．](?!\d))\s*", "", heading)


def _unnumbered_name(heading: str) -> str:
    """"summary", "intro", or the heading without its section number ("A. Purpose" -> "purpose")."""
    bare = _section_name(strip_markdown(heading).strip())
    for name, pattern in _UNNUMBERED.items():
        if pattern.fullmatch(bare):
            return name
    return bare.lower() if bare and bare.isascii() else bare or "intro"


def _body_start(lines: list[_Line], doc_id: str) -> int:
    """Index of the heading above the first paragraph: what comes before it is front matter."""
    first = next((i for i, line in enumerate(lines) if line.kind == "para"
                  or (line.kind == "text" and not is_heading(line.raw))), None)
    if first is None:  # headings or footnotes only: nothing is front matter
        return next((i for i, line in enumerate(lines) if line.kind != "blank"), len(lines))
    numbered = next((i for i, line in enumerate(lines) if line.kind == "para"), len(lines))
    opening = next((i for i in range(numbered) if lines[i].kind == "text" and _opens_body(lines[i].raw)), None)
    if opening is not None:  # a title too long to be a heading is front matter, not text of the body
        return opening
    heading = next((i for i in range(first - 1, -1, -1) if lines[i].kind != "blank"), None)
    return heading if heading is not None and lines[heading].kind == "text" else first


def _opens_body(line: str) -> bool:
    """True for a heading that opens a paper's body: 目的, Purpose, 摘要, Summary, 引言, or a numbered section."""
    if not is_heading(line):
        return False
    text = strip_markdown(line).strip()
    return bool(_PART.fullmatch(text) or _SECTION.fullmatch(text)
                or any(p.fullmatch(_section_name(text)) for p in _UNNUMBERED.values()))


def _last_content(lines: list[_Line], i: int) -> str:
    """Kind of the nearest non-blank line before line i."""
    return next((lines[j].kind for j in range(i - 1, -1, -1) if lines[j].kind != "blank"), "blank")


def heading_paths(runs: list[list[str]], list_headings: set[str]) -> list[tuple[str, ...]]:
    """The heading path after each run of consecutive heading lines.

    Levels come from structure: a heading directly above another is its parent; a heading that
    also groups a list's sub-items (as the recommendations do) is a topic, level 2; the fixed
    parts of a report (目的, 背景, 建議, ...) are level 1; any other heading is a sub-topic under
    the open topic. A numbered section heading (一、, A., I.) is level 1.

    >>> heading_paths([["商議工作", "智慧出行", "自動駕駛車輛"], ["實時交通燈號"], ["建議"]], set())
    [('商議工作', '智慧出行', '自動駕駛車輛'), ('商議工作', '智慧出行', '實時交通燈號'), ('建議',)]
    """
    stack: list[tuple[int, str, bool]] = []  # (level, heading, may hold sub-headings)
    paths = []
    for run in runs:
        head = run[0]
        if not stack or _PART.fullmatch(head) or _SECTION.fullmatch(head) or (len(run) > 1 and run[1] in list_headings):
            level = 1
        elif head in list_headings or len(run) > 1:
            level = 2
        else:  # a sub-topic: one level below the deepest open parent
            level = max((lv for lv, _, parent in stack if parent), default=1) + 1
        stack = [e for e in stack if e[0] < level] + [
            (level + k, h, k < len(run) - 1 or level + k == 1 or h in list_headings) for k, h in enumerate(run)]
        paths.append(tuple(h for _, h, _ in stack))
    return paths


def _appendices(lines: list[str]) -> list[tuple[tuple[str, ...], str]]:
    """(heading lines, text) of each appendix; each starts with the line the first one starts with."""
    lines = [line.strip() for line in lines if line.strip() and not _PAGE_NUMBER.fullmatch(line.strip())]
    blocks: list[list[str]] = []
    for line in lines:
        starts = not blocks or line == lines[0] or _APPENDIX.fullmatch(line)
        if starts and (not blocks or len(blocks[-1]) > 2):
            blocks.append([line])
        else:
            blocks[-1].append(line)
    return [(tuple(b[:2]), "\n".join(b[2:])) if len(b) > 2 else (tuple(b[:1]), "\n".join(b[1:])) for b in blocks]


def is_heading(line: str) -> bool:
    """A short line that does not end a sentence: a heading (or a line cut by a page break)."""
    text = strip_markdown(line).strip()
    return 0 < len(text) <= 50 and text[-1] not in _SENTENCE_END + "，、,"


def ends_sentence(text: str) -> bool:
    """True if the text ends a sentence or a list item ("。", "；", "；及", "：")."""
    text = strip_markdown(strip_footnote_markers(text)).rstrip(_CLOSERS)
    text = re.sub(r"(?<=[；;,，])\s*(及|或|and|or)$", "", text)
    return bool(text) and text[-1] in _SENTENCE_END


def _join(pieces: list[str]) -> str:
    """Pieces of one passage joined: Chinese without a space, English words with one."""
    parts, last = [], ""  # a list joined once: `text += piece` is quadratic for a long passage
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if last and _latin(last) and _latin(piece[0]):
            parts.append(" ")
        parts.append(piece)
        last = piece[-1]
    return "".join(parts)


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum() or char in ",.;:)"
