"""Split long passages into chunks of whole sentences for embedding; each chunk keeps its citation."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from ingest.charsets import CJK, CJK_PUNCTUATION, FULL_WIDTH, SUPERSCRIPTS
from ingest.passage import Passage

# Coarsest first: lines, then sentence ends (Chinese, then English), then clauses, then anything.
SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", ". ", "! ", "? ", "; ", "，", ", ", " ", ""]


def chunk_passages(passages: list[Passage], max_chars: int = 400, overlap: int = 40) -> list[Passage]:
    """Chunks of at most `max_chars` characters, split after sentence ends; short passages pass unchanged.

    >>> p = Passage("X", "15", ("背景",), "甲乙丙。" * 3)
    >>> [(c.label, c.chunk, c.text) for c in chunk_passages([p], max_chars=9, overlap=0)]
    [('15', 0, '甲乙丙。甲乙丙。'), ('15', 1, '甲乙丙。')]
    """
    if max_chars < 1 or not 0 <= overlap < max_chars:
        raise ValueError(f"chunk size {max_chars} with overlap {overlap} is impossible: "
                         "give max_chars >= 1 and 0 <= overlap < max_chars")
    # Imported here: it takes most of a second, and answering a question (which reads sentences()) never splits.
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    # keep_separator="end": the 。 or ". " stays with the sentence it ends.
    splitter = RecursiveCharacterTextSplitter(chunk_size=max_chars, chunk_overlap=overlap,
                                              separators=SEPARATORS, keep_separator="end")
    chunks: list[Passage] = []
    for passage in passages:
        if len(passage.text) <= max_chars:
            chunks.append(passage)
            continue
        chunks += [replace(passage, text=text, chunk=n) for n, text in enumerate(splitter.split_text(passage.text))]
    return chunks


# Chinese stops end a sentence wherever they are; ASCII ones only before a space, a CJK character
# or the end, so "10.5", "i.e. 10" and "para. 15" stay whole; and ".", "!", "?" not before a
# lowercase word ('"Really?" she asked'). Closing quotes and brackets stay with the sentence they
# close. A newline ends a sentence too (list items, headings).
_CLOSE = "[”’」』）)\"']*"
_CHINESE = CJK_PUNCTUATION + CJK + FULL_WIDTH  # after a ; or !: Chinese text goes on, so the sentence ended
_END = re.compile(rf"(?:[。！？；]+|;+(?={_CLOSE}(?:\s|[{_CHINESE}]|$))"
                  rf"|[!?]+(?={_CLOSE}(?:\s|[{_CHINESE}]|$))(?!{_CLOSE}\s+[a-z])"
                  rf"|\.(?={_CLOSE}(?:\s|$))(?!{_CLOSE}\s+[a-z])){_CLOSE}|\n")
# English abbreviations and initialisms ("U.S.") whose full stop ends no sentence; "Annex A." does.
_ABBREVIATION = re.compile(
    r"(?:\b(?:i\.e|e\.g|etc|para|paras|No|no|Nos|Mr|Ms|Mrs|Dr|Prof|Hon|cf|vs|Cap|approx|Ltd|Co|Inc|Dept|Govt"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Vol|pp|Art|Sec|St)|\b(?:[A-Z]\.)+[A-Z]|^\s*\(?\d+\)?)$")
_LEADING = re.compile(rf"^(?:[-•*·]\s+|[{SUPERSCRIPTS}]+\s*)+")  # list bullets, footnote markers left by the last stop


def sentences(text: str) -> list[tuple[int, int]]:
    """The (start, end) spans of the sentences of `text`, punctuation kept, surrounding space dropped.

    >>> t = "15. 政府當局表示，超算中心足夠。當局會增加算力；並確保分配。"
    >>> [t[a:b] for a, b in sentences(t)]
    ['15. 政府當局表示，超算中心足夠。', '當局會增加算力；', '並確保分配。']
    """
    spans, start = [], 0
    for m in _END.finditer(text):
        if m.group().startswith(".") and _ABBREVIATION.search(text[start:m.start()]):
            continue  # "i.e." or the "15." that numbers a paragraph
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        chunk = text[a:b]
        a += len(chunk) - len(chunk.lstrip())
        b -= len(chunk) - len(chunk.rstrip())
        if lead := _LEADING.match(text[a:b]):
            a += lead.end()
        if a < b and re.search(r"\w", text[a:b]):
            out.append((a, b))
    return out


def sentence_pieces(passages: list[Passage], chunks: list[Passage], min_chars: int = 8) -> list[Passage]:
    """Each sentence of a multi-sentence passage as its own piece, numbered after the passage's `chunks`.

    Searched beside whole passages, they let one precise sentence match a precise question.
    """
    taken = Counter((c.doc, c.label) for c in chunks)
    pieces: list[Passage] = []
    for passage in passages:
        spans = sentences(passage.text)
        if len(spans) < 2:
            continue
        first = taken[(passage.doc, passage.label)]
        texts = [passage.text[a:b] for a, b in spans if b - a >= min_chars]
        pieces += [replace(passage, text=text, chunk=first + n) for n, text in enumerate(texts)]
    return pieces
