"""The bilingual glossary (data/glossary.tsv): English and variant names → the report's Chinese terms.

The lexical index only sees the report's Traditional Chinese, so `expand` appends the Chinese
term for every English name, abbreviation or Chinese variant found in a query.
"""
from __future__ import annotations

import functools
import re
import weakref
from dataclasses import dataclass
from pathlib import Path

from index.normalise import fold
from ingest.charsets import CJK_CHAR

GLOSSARY_TSV = Path(__file__).resolve().parent.parent / "data" / "glossary.tsv"
COLUMNS = ("zh", "en", "aliases")


@dataclass(frozen=True)
class Term:
    """One glossary row: the report's Chinese term, its official English name, other names."""

    zh: str
    en: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every name that should lead to `zh`: the English name and the aliases."""
        return (self.en, *self.aliases)


def load(path: str | Path | None = None) -> tuple[Term, ...]:
    """Read a glossary TSV (columns zh, en, aliases split by `|`; `#` lines are comments)."""
    path = Path(path or GLOSSARY_TSV)
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [(n, line) for n, line in enumerate(lines, 1) if line.strip() and not line.startswith("#")]
    if not rows or tuple(rows[0][1].split("\t")) != COLUMNS:
        raise ValueError(f"{path}: the first row must be the header {'<TAB>'.join(COLUMNS)}")
    terms = []
    for n, line in rows[1:]:
        cols = line.split("\t")
        if len(cols) != 3 or not cols[0] or not cols[1]:
            raise ValueError(f"{path}:{n}: expected zh<TAB>en<TAB>aliases with zh and en filled, got {line!r}")
        aliases = tuple(a.strip() for a in cols[2].split("|") if a.strip())
        terms.append(Term(cols[0].strip(), cols[1].strip(), aliases))
    return tuple(terms)


@functools.lru_cache(maxsize=None)
def default_terms() -> tuple[Term, ...]:
    return load()


def terms_zh(terms: tuple[Term, ...] | None = None) -> list[str]:
    """The Chinese words of the glossary (zh and Chinese aliases), for jieba's dictionary."""
    words: dict[str, None] = {}
    for term in terms if terms is not None else default_terms():
        for word in (term.zh, *term.aliases):
            if CJK_CHAR.search(word):
                words[word] = None
    return list(words)


def _name_pattern(name: str, plural: bool = True) -> str:
    """Regex for a folded name: spaces/hyphens/commas optional, word boundaries at Latin ends, plural -s."""
    body = re.escape(name)
    body = re.sub(r"(?:\\ |\\-|-| |,)+", r"[\\s,\\-]*", body)
    body = body.replace("centre", "cent(?:re|er)").replace("programme", "program(?:me)?")
    if re.match(r"[a-z0-9]", name):
        body = r"(?<![a-z0-9])" + body
    if plural and re.search(r"[a-z]$", name):
        body += r"(?:e?s)?"
    if re.search(r"[a-z0-9]$", name):
        body += r"(?![a-z0-9])"
    return body


_made: weakref.WeakSet = weakref.WeakSet()  # every _Matcher, for compile_all_matchers
_compile_whole = [False]  # set by compile_all_matchers: a matcher made after it compiles all at once


class _Matcher:
    """All glossary names at once, leftmost match first and the longest name first at each position.

    One alternation per first character, tried only where a query has that character: one regex of
    every name scanned whole queries about ten times slower. Each alternation is compiled the first
    time a text has its character: compiling them all took a third of a second, which a one-off
    `legco-rag ask` paid in full for the few its question uses. A server compiles them all before its
    first question instead (compile_all_matchers): each first use cost a question about 2 ms.
    """

    def __init__(self, by_name: dict[str, list[Term]], plural: dict[str, bool]):
        groups: dict[str, list[str]] = {}
        for name in sorted(by_name, key=len, reverse=True):  # longest first: "generative ai" before "ai"
            groups.setdefault(name[0], []).append(name)
        self._names = groups
        # Where a name may start: the scan jumps from one such character to the next in C.
        self._starts = re.compile("[" + "".join(re.escape(c) for c in groups) + "]") if groups else None
        self._plural = plural
        self._groups: dict[str, tuple[re.Pattern, list[str]]] = {}
        self._by_name = by_name
        _made.add(self)
        if _compile_whole[0]:
            self.compile_all()

    def _group(self, first: str) -> tuple[re.Pattern, list[str]] | None:
        """The alternation of the names starting with `first` (compiled on first use), or None."""
        group = self._groups.get(first)
        if group is None and first in self._names:
            names = self._names[first]
            group = self._groups[first] = (
                re.compile("|".join(f"({_name_pattern(n, self._plural[n])})" for n in names)), names)
        return group

    def compile_all(self) -> None:
        """Compile every alternation now (a server's warm-up), so no question pays for one."""
        for first in self._names:
            self._group(first)

    def finditer(self, text: str):
        """(start, end, terms) of each name in folded `text`, left to right, not overlapping."""
        if self._starts is None:
            return
        i = 0
        while start := self._starts.search(text, i):
            group = self._group(start.group())
            m = group[0].match(text, start.start())
            if m:
                yield m.start(), m.end(), self._by_name[group[1][m.lastindex - 1]]
                i = m.end()
            else:
                i = start.start() + 1


@functools.lru_cache(maxsize=8)
def matcher(terms: tuple[Term, ...]) -> _Matcher:
    by_name: dict[str, list[Term]] = {}  # one name may lead to several rows (數碼/數字 synonyms)
    plural: dict[str, bool] = {}  # abbreviations take no plural -s: "HAS" is not HA
    for term in terms:
        for name in term.names:
            key = fold(name)
            if term not in by_name.setdefault(key, []):
                by_name[key].append(term)
            plural[key] = plural.get(key, True) and not name.split()[-1].isupper()
    return _Matcher(by_name, plural)


# What is made from the default glossary, kept with the terms it was made from. Looked up by the
# terms' identity, not by matcher()'s cache: a tuple does not keep its hash, so every lookup there
# hashes every row again, which cost more than the match itself. A re-read glossary (tokeniser.reload)
# is a new tuple, and everything is made again from it.
_made_from_default: dict[str, tuple[tuple[Term, ...], object]] = {}


def _from_default(what: str, make):
    terms = default_terms()
    held = _made_from_default.get(what)
    if held is None or held[0] is not terms:
        held = _made_from_default[what] = (terms, make(terms))
    return held[1]


def default_matcher() -> _Matcher:
    """matcher(default_terms()), made once per glossary read."""
    return _from_default("matcher", matcher)


def compile_all_matchers() -> None:
    """Compile every pattern of each glossary matcher made so far (the default one included) now, and of
    each one made later (the judge's, the follow-up's) when it is made: a server calls it before its
    first question, so that no question pays for a pattern's first use."""
    _compile_whole[0] = True
    default_matcher()
    for made in list(_made):
        made.compile_all()


def folded_zh(terms: tuple[Term, ...] | None = None) -> tuple[tuple[str, Term], ...]:
    """(fold(term.zh), term) for each term, in glossary order; made once for the default glossary."""
    def make(terms: tuple[Term, ...]) -> tuple[tuple[str, Term], ...]:
        return tuple((fold(term.zh), term) for term in terms)

    return make(terms) if terms is not None else _from_default("folded_zh", make)


def _matcher_of(terms: tuple[Term, ...] | None) -> _Matcher:
    return matcher(terms) if terms is not None else default_matcher()


def find(query: str, terms: tuple[Term, ...] | None = None, *, folded: str | None = None) -> list[Term]:
    """Glossary terms named in a query, in order, without repeats: find("iAM Smart") → [Term(zh="智方便", ...)].
    `folded` is fold(query), when the caller has it already."""
    found: dict[str, Term] = {}
    for _, _, named in _matcher_of(terms).finditer(fold(query) if folded is None else folded):
        for term in named:
            found.setdefault(term.zh, term)
    return list(found.values())


def expand(query: str, terms: tuple[Term, ...] | None = None, *, folded: str | None = None) -> str:
    """The query plus the Chinese terms it names in other words: expand("iAM Smart login") → "iAM Smart login 智方便".
    `folded` is fold(query), when the caller has it already."""
    folded = fold(query) if folded is None else folded
    extra = [t.zh for t in find(query, terms, folded=folded) if fold(t.zh) not in folded]
    return " ".join([query, *extra]) if extra else query
