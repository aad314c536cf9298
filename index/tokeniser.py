"""The tokeniser's record: what an index's lexical tokens depend on, written into its manifest.

An index holds tokens made when it was built; a query is tokenised when it is asked. If the two
tokenisers differ (a glossary line edited, a phrase table changed, another jieba), the index
quietly stops matching queries. So `legco-rag build` records the tokeniser in manifest.json and
loading an index compares that record with the code's own, refusing a mismatch by name.

What the index's tokens depend on, and so what is recorded:
- index.normalise.fold: OpenCC (its package version) and data/mainland_hk.tsv;
- index.tokenise.tokens: jieba (its package version) and its user words, which come from
  data/glossary.tsv (recorded twice: the file, so a message can name it, and the words added);
- the code of both, summed up by TOKENISER_VERSION (bump it when either changes its output).
Not recorded: data/cantonese.tsv. It rewrites Cantonese questions into written Chinese before
they are tokenised, on the query side only; the index's tokens never pass through it.
"""
from __future__ import annotations

import functools
import hashlib
import shlex
from pathlib import Path

from index import glossary, normalise, tokenise
from index.defaults import BUNDLED_REPORT, PROJECT_ROOT
from ingest.passage import InputError

TOKENISER_VERSION = 1  # bump when fold() or tokens() change the tokens they give


class TokeniserChanged(InputError):
    """An index whose tokens were made by another tokeniser than this code's (or by an unrecorded one)."""

    def __init__(self, folder: Path, reason: str, sources: tuple[str, ...] = ()):
        self.folder, self.reason, self.sources = Path(folder), reason, sources
        super().__init__(f"index '{folder}' {reason}: rebuild it with: {rebuild_command(folder, sources)}")


def rebuild_command(folder: Path, sources: tuple[str, ...] = ()) -> str:
    """The command that rebuilds `folder` from the same reports (none named when it holds only the bundled one).

    >>> rebuild_command(Path("idx"), ("a b.txt",))
    "legco-rag build 'a b.txt' --index idx"
    """
    paths = [] if not sources or [Path(s) for s in sources] == [BUNDLED_REPORT] else list(sources)
    return shlex.join(["legco-rag", "build", *paths, "--index", str(folder)])


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _shown(path: Path) -> str:
    """A data file as a message names it: relative to the project when it lives there."""
    path = Path(path).resolve()
    return path.relative_to(PROJECT_ROOT).as_posix() if path.is_relative_to(PROJECT_ROOT) else str(path)


@functools.lru_cache(maxsize=1)
def current() -> dict:
    """This code's tokeniser record (the manifest's "tokeniser" field), read once per process."""
    return {
        "version": TOKENISER_VERSION,
        "glossary_sha256": _sha256(Path(glossary.GLOSSARY_TSV).read_bytes()),
        "phrase_table_sha256": _sha256(Path(normalise.VARIANTS_TSV).read_bytes()),
        "jieba_user_words_sha256": tokenise.user_words_sha256(),
        "jieba": tokenise.installed_version("jieba"),
        "opencc": tokenise.installed_version("opencc"),
    }


def reload() -> None:
    """Forget the tokeniser's data read so far; the next use reads the glossary and phrase tables again.

    Every one of them is read once per process; call this after editing one in a process that
    keeps running (or after pointing glossary.GLOSSARY_TSV / normalise.VARIANTS_TSV elsewhere).
    """
    glossary.default_terms.cache_clear()
    glossary.matcher.cache_clear()
    normalise.reread_phrase_tables()
    tokenise.user_words.cache_clear()
    tokenise.jieba_tokenizer.cache_clear()
    current.cache_clear()


def _difference(recorded: dict, now: dict) -> str | None:
    """What differs between two records, in words, the file first; None when they are the same."""
    def changed(key: str) -> bool:
        return recorded.get(key) != now.get(key)

    if changed("glossary_sha256"):
        return f"a different {_shown(glossary.GLOSSARY_TSV)}"
    if changed("phrase_table_sha256"):
        return f"a different {_shown(normalise.VARIANTS_TSV)}"
    if changed("jieba_user_words_sha256"):
        return f"different jieba user words (from {_shown(glossary.GLOSSARY_TSV)})"
    for key in ("version", "jieba", "opencc"):
        if changed(key):
            name = "tokeniser version" if key == "version" else key
            return f"{name} {recorded.get(key) or '(none)'}, where this legco-rag has {now.get(key) or '(none)'}"
    return None


def check(folder: Path, manifest: dict) -> None:
    """Refuse an index whose recorded tokeniser is not this code's, naming what changed and the fix.

    An index from before the record existed cannot be verified, so it is refused the same way.
    """
    sources = tuple(d["source"] for d in manifest.get("documents", []) if isinstance(d, dict) and d.get("source"))
    recorded = manifest.get("tokeniser")
    if not isinstance(recorded, dict):
        raise TokeniserChanged(folder, "records no tokeniser (built by an older legco-rag), so its tokens "
                                       "cannot be checked against this one", sources)
    what = _difference(recorded, current())
    if what is not None:
        raise TokeniserChanged(folder, f"was built with {what} (the tokeniser changed)", sources)
