"""One pass over a paper's classified lines: paragraphs, sub-items and footnotes assembled from
their pieces, the runs of heading lines between them collected, front matter, signature and
appendices set aside. ingest.parse turns the result into passages."""
from __future__ import annotations

from dataclasses import dataclass, field

from ingest.appendices import APPENDIX_HEADING
from ingest.headings import opens_body, unnumbered_name
from ingest.line_kinds import Line, ends_sentence, first_number, follows, is_heading, join_pieces, number
from ingest.read import date_of

ODD = {
    "none": "no numbered paragraphs found; the text is kept as unnumbered passages labelled by their headings",
    "para": "numbered line(s) out of sequence read as text of the paragraph before",
    "item": "repeated sub-item number(s) read as text of the item before",
    "note": "repeated footnote number(s) whose texts were joined",
}
_TAIL = 200  # characters at the end of a passage that decide whether it ends a sentence


@dataclass
class Unit:
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
        return ends_sentence(join_pieces(tail)[-_TAIL:])


@dataclass
class Walk:
    """What one pass over a paper's lines found."""

    units: list[Unit] = field(default_factory=list)
    notes: dict[str, Unit] = field(default_factory=dict)
    runs: list[list[str]] = field(default_factory=list)  # consecutive heading lines between paragraphs
    list_headings: set[str] = field(default_factory=set)  # headings that group sub-items of a list
    tail: list[str] = field(default_factory=list)  # lines after the signature: the appendices
    odd: dict[str, tuple[int, str]] = field(default_factory=dict)  # what was odd → (times, first line)
    front: list[str] = field(default_factory=list)  # lines above the body
    signature: list[str] = field(default_factory=list)
    leftover: list[str] = field(default_factory=list)  # short lines that were never followed by text


def walk(lines: list[Line]) -> Walk:
    """One pass over the body: assemble paragraphs, sub-items and footnotes, collect heading runs."""
    return _Walker(lines).run()


class _Walker:
    """The state of the pass: the passage text continues, the headings waiting for the next one."""

    def __init__(self, lines: list[Line]):
        self.lines, self.out = lines, Walk()
        self.start = _body_start(lines)
        self.out.front = [line.raw for line in lines[:self.start] if line.kind != "blank"]
        self.pending: list[str] = []  # heading lines since the last paragraph or sub-item
        self.para = self.current = self.note = None  # current paragraph; unit that text continues; last footnote
        self.group: tuple[str, ...] = ()
        self.previous = "blank"  # kind of the previous line, blank lines included
        self.last_content = _last_content(lines, self.start)  # kind of the nearest non-blank line above
        self.items: set[str] = set()

    def run(self) -> Walk:
        for i in range(self.start, len(self.lines)):
            line = self.lines[i]
            kind, renumbered = self._kind(line, i)
            if kind == "note":
                self._note(line, i)
            elif kind == "para":
                self._para(line)
            elif kind == "item":
                self._item(line)
            elif kind == "text" and self._text(line.raw, i, renumbered):
                break  # the signature or the first appendix: the rest is the tail
            self.previous = kind
            if line.kind != "blank":
                self.last_content = line.kind
        return self._finish()

    def _odd(self, what: str, i: int) -> None:
        times, first = self.out.odd.get(ODD[what], (0, f"line {i + 1}: {self.lines[i].raw[:40]!r}"))
        self.out.odd[ODD[what]] = (times + 1, first)

    def _flush(self) -> int:
        if self.pending:
            self.out.runs.append(self.pending)
            self.pending = []
        return len(self.out.runs) - 1

    def _kind(self, line: Line, i: int) -> tuple[str, bool]:
        """The line's kind in its place, and whether a numbered line is read as text (renumbered):
        it then continues the passage before, never a heading."""
        kind, para = line.kind, self.para
        if kind == "para" and para is not None and not (
                first_number(line.key) if para.unnumbered else follows(line.key, para.label)):
            self._odd("para", i)
            return "text", True  # "2025. ..." or a misnumbered line: not the next paragraph
        if kind == "item" and para is None:
            return "text", False
        if kind == "item" and f"{para.label}({line.key})" in self.items:  # labels must stay unique
            self._odd("item", i)
            return "text", True
        return kind, False

    def _note(self, line: Line, i: int) -> None:
        label = f"fn{line.key}"
        if label in self.out.notes:  # a repeated number: keep the text, keep labels unique
            self.out.notes[label].pieces.append(line.body)
            self._odd("note", i)
        else:
            self.out.notes[label] = Unit(label, [line.body], run=len(self.out.runs) - 1)
        self.note = self.out.notes[label]

    def _para(self, line: Line) -> None:
        if self.para is not None and self.para.unnumbered:
            _label_unnumbered(self.out, line.key)
        self.para = self.current = Unit(number(line.key), [line.body], run=self._flush())
        self.out.units.append(self.para)
        self.group = ()

    def _item(self, line: Line) -> None:
        if self.pending:  # headings inside a list label the sub-items that follow
            self.group = tuple(self.pending)
            self.out.list_headings.update(self.pending)
            self.pending = []
        self.current = Unit(f"{self.para.label}({line.key})", [line.body], run=self.para.run, group=self.group)
        self.out.units.append(self.current)
        self.items.add(self.current.label)

    def _text(self, text: str, i: int, renumbered: bool) -> bool:
        """Put a line of text where it belongs; True when it ends the body (signature or appendix)."""
        current, note, pending = self.current, self.note, self.pending
        if renumbered:
            current.pieces.append(text)
        elif self.previous == "note":  # a footnote running onto its next line
            note.pieces.append(text)
        elif current and not pending and not current.ended():  # cut by a page break or a footnote
            current.pieces.append(text)
        elif note and self.last_content == "note" and not note.ended():
            note.pieces.append(text)  # a footnote cut by a page break
        elif current and not pending and not is_heading(text):
            current.pieces.append(text)  # an unnumbered continuation after a full stop
        elif current and (date_of(text) or APPENDIX_HEADING.fullmatch(text)):
            appendix = bool(APPENDIX_HEADING.fullmatch(text))
            self.out.tail = [x.raw for x in self.lines[i + (0 if appendix else 1):]]
            self.out.signature = pending + ([] if appendix else [text])
            self.pending = []
            return True  # the signature (its lines are in `pending`) or the first appendix
        elif is_heading(text):
            pending.append(text)
        elif self.para is None or (self.para.unnumbered and pending):  # text before the first numbered paragraph
            self.para = self.current = Unit(f"\x00{len(self.out.units)}", [text], run=self._flush(), unnumbered=True)
            self.out.units.append(self.para)
        else:
            self._flush()
            current.pieces.append(text)
        return False

    def _finish(self) -> Walk:
        out = self.out
        if self.para is not None and self.para.unnumbered:  # not one numbered paragraph: a paper without structure
            _label_unnumbered(out, "")
            self._odd("none", self.start)
        if not out.units and out.notes:
            self._odd("none", self.start)
        if self.pending and not out.units and not out.notes:
            out.leftover = self.pending  # headings and nothing else: kept as one passage by the caller
        elif self.pending and not out.tail:
            out.signature += self.pending  # short lines after the last paragraph: who signed, and when
        return out


def _label_unnumbered(out: Walk, first: str) -> None:
    """Label the passages before the first numbered paragraph (see ingest.parse's docstring)."""
    units = [u for u in out.units if u.label.startswith("\x00")]
    heads = [u for u in units if "(" not in u.label]
    labels: dict[str, str] = {}
    for n, unit in enumerate(heads):
        if first and number(first) == "2" and n == len(heads) - 1:
            name = "1"  # a LegCo report's unnumbered paragraph 1
        else:
            heading = out.runs[unit.run][-1] if unit.run >= 0 and out.runs[unit.run] else ""
            name = unnumbered_name(heading)
        label, k = name, 1
        while label in labels.values():
            k += 1
            label = f"{name}-{k}"
        labels[unit.label] = label
    for unit in units:
        head, _, rest = unit.label.partition("(")
        unit.label = labels.get(head, head) + (f"({rest}" if rest else "")
        unit.unnumbered = False


def _body_start(lines: list[Line]) -> int:
    """Index of the heading above the first paragraph: what comes before it is front matter."""
    first = next((i for i, line in enumerate(lines) if line.kind == "para"
                  or (line.kind == "text" and not is_heading(line.raw))), None)
    if first is None:  # headings or footnotes only: nothing is front matter
        return next((i for i, line in enumerate(lines) if line.kind != "blank"), len(lines))
    numbered = next((i for i, line in enumerate(lines) if line.kind == "para"), len(lines))
    opening = next((i for i in range(numbered) if lines[i].kind == "text" and opens_body(lines[i].raw)), None)
    if opening is not None:  # a title too long to be a heading is front matter, not text of the body
        return opening
    heading = next((i for i in range(first - 1, -1, -1) if lines[i].kind != "blank"), None)
    return heading if heading is not None and lines[heading].kind == "text" else first


def _last_content(lines: list[Line], i: int) -> str:
    """Kind of the nearest non-blank line before line i."""
    return next((lines[j].kind for j in range(i - 1, -1, -1) if lines[j].kind != "blank"), "blank")
