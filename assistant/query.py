"""A question analysed once, at the door: every retrieval stage and the answer read this `Query`.

    query = Query.parse("點樣用iAM Smart登入？")
    query.lang, query.expanded    # "yue", "點樣用iAM Smart登入？ 智方便"
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from assistant.words import (chinese_words, english_words, glossary_spans, kind_asked, latin_names, word_forms,
                             written_form)
from index.normalise import detect_lang, fold
from ingest.passage import InputError

MAX_QUESTION_CHARS = 1000

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")


def check_question(question: str) -> str:
    """The question stripped, or an InputError saying why it cannot be asked."""
    if not isinstance(question, str) or not question.strip():
        raise InputError("the question is empty: type a question, e.g. 香港2030年需要多少算力？")
    question = " ".join(question.split())
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError(f"the question is {len(question)} characters long; keep it under "
                         f"{MAX_QUESTION_CHARS} characters (ask about one thing at a time)")
    # Lone surrogates (bad bytes in argv, "\ud800" in JSON) cannot be encoded; control and format
    # characters (NUL, escape codes, zero-width marks) carry no words.
    question = _ANSI.sub(" ", question.encode("utf-8", "replace").decode("utf-8"))  # pasted terminal colours
    marks = {"Cc": " ", "Cf": ""}  # a control character separates; a zero-width mark joins
    question = " ".join("".join(marks.get(unicodedata.category(c), c) for c in question).split())
    if not any(c.isalnum() for c in question):
        raise InputError("the question has no words in it (only symbols, emoji or control characters): "
                         "type a question, e.g. 香港2030年需要多少算力？")
    return question


@dataclass(frozen=True)
class Query:
    """One question and everything read from it; made by Query.parse, never changed."""

    text: str  # the checked question, as asked
    lang: str  # "en", "yue", "zh-Hans" or "zh-Hant" (index.normalise.detect_lang)
    normalise: bool  # whether search uses the expanded and written forms (off only in ablations)
    expanded: str  # the question plus the Chinese terms of the glossary names it uses
    written: str  # the searched text in written Chinese (Cantonese rewritten)
    folded: str  # fold(text): one script, half width, Arabic numerals, lower case
    tokens: tuple[str, ...]  # BM25 tokens of the searched text
    translations: tuple[str, ...]  # CC-CEDICT Chinese for an English question's other words (normalise only)
    # The same, word by word: (English word, its Chinese words), so that a search can weigh each
    # English word once however many translations it has.
    translated: tuple[tuple[str, tuple[str, ...]], ...]
    words: Mapping[str, frozenset[str]]  # what the question is about, each word with the forms that find it
    asks: str  # "amount", "date" or "": what kind of answer it asks for
    names: tuple[tuple[str, str], ...]  # Latin-script names it uses: (as written, lowercase)
    # The question as asked in written Chinese, folded: fold(written_form(text, lang)), the same as
    # `folded` but for Cantonese. What it asks for and from whom is read here.
    folded_written: str
    searched_folded: str  # fold(written): the searched text, folded; what it is about is read here

    @property
    def searched(self) -> str:
        """The text the dense and lexical search read: the expanded question, or the question itself."""
        return self.expanded if self.normalise else self.text

    @classmethod
    def parse(cls, question: str, normalise: bool = True) -> "Query":
        """Check and analyse a question; an InputError says why one cannot be asked."""
        from assistant.dictionary import translations
        from index.glossary import expand
        from index.tokenise import folded_tokens

        text = check_question(question)
        lang = detect_lang(text)
        folded = fold(text)
        expanded = expand(text, folded=folded)
        searched = expanded if normalise else text
        written = written_form(searched, lang)
        searched_folded = folded if written == text else fold(written)
        if lang != "yue":
            folded_written = folded  # written_form leaves all but Cantonese as it is
        else:
            folded_written = searched_folded if searched == text else fold(written_form(text, lang))
        spans = glossary_spans(text.lower())
        english = english_words(text, spans)
        # The words are those of the searched text: an English question is compared through the
        # Chinese terms its glossary names add (those terms never read as Cantonese: tests/test_query.py).
        searched_spans = spans if searched == text else glossary_spans(searched.lower())
        words = word_forms(chinese_words(searched_folded), english_words(searched, searched_spans))
        translated = tuple((w, tuple(sorted(translations(w)))) for w in english) if normalise and lang == "en" else ()
        asks = kind_asked(folded_written)
        return cls(text, lang, normalise, expanded, written, folded,
                   tuple(folded_tokens(searched_folded if normalise else folded)),
                   tuple(t for _, chinese in translated for t in chinese), translated,
                   MappingProxyType(words), asks, latin_names(text, spans), folded_written, searched_folded)

    def weights(self, lexical) -> dict[str, float]:
        """Each word's rarity in the collection of `lexical` (idf; a word it never uses weighs most):
        log((N + 1) / (df + 0.5)) with df the document frequency of the word's most used form."""
        n = len(lexical)
        return {w: math.log((n + 1) / (max(map(lexical.document_frequency, forms), default=0) + 0.5))
                for w, forms in self.words.items()}
