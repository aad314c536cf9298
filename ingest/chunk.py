"""Split long passages into chunks of whole sentences for embedding; each chunk keeps its citation."""
from __future__ import annotations

from dataclasses import replace

from langchain_text_splitters import RecursiveCharacterTextSplitter

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
