"""What a process that serves many questions reads up front, and a one-off command reads lazily.

A `legco-rag ask` looks up the few dictionary words and compiles the few glossary patterns its one
question needs (index.word_frequencies, index.glossary); a server pays for all of them once, before its
first question, so that no reader's question pays for a first use. Benchmarks call the same function,
so that they time what a server does.
"""
from __future__ import annotations

from index.glossary import compile_all_matchers
from index.tokenise import keep_dictionary_in_memory


def prepare_to_serve() -> None:
    """Read jieba's whole dictionary and compile every glossary name pattern (made now or later)."""
    keep_dictionary_in_memory()
    compile_all_matchers()
