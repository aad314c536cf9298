"""BM25 tokens: jieba words (knowing the glossary's terms) and bigrams of folded text.

The tokens an index holds depend on this module, data/glossary.tsv (jieba's user words) and the
phrase tables fold() reads; index.tokeniser records all of them in the manifest.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import logging
import re
from pathlib import Path

from index import glossary, word_frequencies
from index.defaults import cache_dir
from index.normalise import CJK_RUN, fold, to_simplified

_LATIN_OR_NUMBER = re.compile(r"\d+(?:\.\d+)+|[a-z0-9]+")


DICTIONARY_FORMAT = 1  # bump when what the cached dictionary holds changes


@functools.lru_cache(maxsize=None)
def jieba_tokenizer():
    """The jieba tokenizer, quiet, knowing the glossary's words, its dictionary cached under $LEGCO_RAG_CACHE.

    jieba's own cache holds only its base dictionary and takes about 0.5 s to read; the dictionary
    with the user words added is kept instead in a file read by look-up (index.word_frequencies),
    named after what it holds, so an edited glossary or another jieba makes a new one.
    """
    try:
        import jieba
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("jieba is not installed: run `.venv/bin/pip install jieba`") from err

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    path = dictionary_cache()
    table = word_frequencies.open_table(path)
    if table is not None:
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = table, table.total, True
        return tokenizer

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tokenizer.tmp_dir = str(path.parent)
    except OSError:
        pass  # jieba falls back to the system temp dir
    tokenizer.initialize()
    for word in user_words():
        tokenizer.add_word(word, freq=100_000)
    try:
        word_frequencies.write(path, tokenizer.FREQ, tokenizer.total)
    except OSError:
        pass  # a read-only cache: the next process initialises jieba again
    else:
        for stale in path.parent.glob("dictionary-*.bin"):
            if stale != path:
                stale.unlink(missing_ok=True)
    return tokenizer


def keep_dictionary_in_memory() -> None:
    """Read jieba's whole dictionary now (a server, before its first question; see WordFrequencies.read_whole)
    and hand jieba the plain dict: its hundred look-ups a question then skip the table's Python methods."""
    tokenizer = jieba_tokenizer()
    if isinstance(tokenizer.FREQ, word_frequencies.WordFrequencies):
        tokenizer.FREQ = tokenizer.FREQ.read_whole()


def dictionary_cache() -> Path:
    """Where jieba's dictionary with the user words is kept: named by the jieba version and user words
    (what the index manifest's tokeniser record says of jieba, index.tokeniser) and this file's format."""
    key = "\n".join([str(DICTIONARY_FORMAT), installed_version("jieba"), user_words_sha256()])
    return cache_dir() / "jieba" / f"dictionary-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}.bin"


def installed_version(package: str) -> str:
    """The installed version of `package` ("" when it is not installed): what tokens depend on."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return ""


def user_words_sha256() -> str:
    """The SHA-256 of the user words, one a line: the manifest records it (index.tokeniser)."""
    return hashlib.sha256("\n".join(user_words()).encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=None)
def user_words() -> tuple[str, ...]:
    """The words jieba learns from the glossary: each CJK run of two or more characters, folded.

    jieba's dictionary is Simplified, so words are added (and text segmented) in Simplified.
    """
    words: dict[str, None] = {}
    for term in glossary.terms_zh():
        for run in CJK_RUN.findall(fold(term)):
            if len(run) >= 2:
                words[to_simplified(run)] = None
    return tuple(words)


def jieba_cut(run: str, mode: str = "default") -> list[str]:
    """jieba's words of one CJK run, in order: segmented in Simplified (jieba's dictionary is), cut
    from the original at the same positions. mode "search" adds the shorter words inside long ones.

        >>> jieba_cut("政府當局表示超算中心")  # 超算中心 is a glossary word
        ['政府當局', '表示', '超算中心']
    """
    simplified = to_simplified(run)
    source = simplified if len(simplified) == len(run) else run
    return [run[start:end] for _, start, end in jieba_tokenizer().tokenize(source, mode=mode, HMM=False)]


def words(text: str) -> list[str]:
    """The words of two or more characters in the CJK runs of `text`, each once, in order.

        >>> words("政府當局表示，超算中心會支援研發。")
        ['政府當局', '表示', '超算中心', '支援', '研發']
    """
    return list(dict.fromkeys(w for run in CJK_RUN.findall(text) for w in jieba_cut(run) if len(w) >= 2))


def _cjk_tokens(run: str) -> list[str]:
    """jieba search-mode words of a CJK run + bigrams."""
    words = jieba_cut(run, mode="search")
    if len(run) == 1:
        return words
    # Single characters are dropped: the bigrams already carry them, and most are particles.
    return [w for w in words if len(w) > 1] + [run[i:i + 2] for i in range(len(run) - 1)]


def tokens(text: str) -> list[str]:
    """BM25 tokens of fold(text): jieba words and bigrams of CJK runs, Latin words, whole numbers.

    Punctuation is dropped: tokens("HA Go 有１５ ０００次") → ["ha", "go", "有", "15000", "次"].
    """
    return folded_tokens(fold(text))


def folded_tokens(folded: str) -> list[str]:
    """tokens() of a text already folded (fold(text)), for a caller that has folded it."""
    out: list[str] = []
    pos = 0
    for m in CJK_RUN.finditer(folded):
        out += _LATIN_OR_NUMBER.findall(folded[pos:m.start()])
        out += _cjk_tokens(m.group(0))
        pos = m.end()
    out += _LATIN_OR_NUMBER.findall(folded[pos:])
    return out
