"""Build time of a 100-page PDF: the bundled report repeated (paragraphs renumbered so they run on),
written with fpdf2 and the system's Noto CJK font, a running header and "- n -" page numbers on each
page; then `build` indexes it with the real model, timed as read + parse, chunk, embed and write.

    python -m eval.pdf_build                     # writes /tmp/legco-rag-100pages.pdf, builds /tmp/legco-rag-100pages.index
    python -m eval.pdf_build --pages 20 --pdf /tmp/r20.pdf
"""
from __future__ import annotations

import argparse
import re
import shutil
import time
import warnings
from pathlib import Path

from index.defaults import BUNDLED_REPORT

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
HEADER = "本處檔號：CB1/HS/1/22"


def report_lines(copies: int) -> list[str]:
    """The bundled report's lines with its body repeated `copies` times, paragraph numbers running on."""
    lines = [line.strip() for line in BUNDLED_REPORT.read_text(encoding="utf-8").splitlines() if line.strip()]
    start, end = lines.index("目的"), lines.index("立法會秘書處")
    front, body, back = lines[:start], lines[start:end], lines[end:]
    last = max(int(m[1]) for line in body if (m := re.match(r"(\d+)\.", line)))
    out = list(front)
    for k in range(copies):
        copy = [re.sub(r"^(\d+)\.", lambda m: f"{int(m[1]) + last * k}.", line) for line in body]
        if k:  # paragraph 1 (unnumbered after 目的 in the report) is numbered in later copies, to run on
            copy[1] = f"{last * k + 1}. {copy[1]}"
        out += copy
    return out + back


def write_pdf(path: Path, pages: int) -> int:
    """Write a PDF of at least `pages` pages (cut at `pages`); return how many it has."""
    import fpdf

    if not CJK_FONT.exists():
        raise SystemExit(f"no CJK font at {CJK_FONT}: apt-get install fonts-noto-cjk")

    class Paper(fpdf.FPDF):
        def header(self):
            self.set_font("cjk", size=9)
            self.cell(0, 5, HEADER, align="R", new_x="LMARGIN", new_y="NEXT")
            self.ln(4)

        def footer(self):
            self.set_y(-15)
            self.set_font("cjk", size=9)
            self.cell(0, 5, f"- {self.page_no()} -", align="C")

    copies = 1
    while True:
        pdf = Paper(format="A4")
        pdf.add_font("cjk", fname=str(CJK_FONT), collection_font_number=3)  # Noto Sans CJK TC
        pdf.set_auto_page_break(True, margin=20)
        pdf.add_page()
        for line in report_lines(copies):
            pdf.set_font("cjk", size=11)
            # fpdf2 wraps only at spaces, and a Chinese paragraph is one long "word": a no-break space
            # keeps a paragraph's number on its first line, as a word processor prints it.
            pdf.multi_cell(0, 7, re.sub(r"^(\d+\.|- \(\w+\)) ", "\\1\u00a0", line), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
            if pdf.page_no() > pages:
                break
        if pdf.page_no() >= pages:
            break
        copies += 1
    pdf.output(str(path))
    return _cut(path, pages)


def _cut(path: Path, pages: int) -> int:
    """Keep the first `pages` pages (the last one written may be partial)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    while len(doc) > pages:
        doc.del_page(len(doc) - 1)
    doc.save(str(path) + ".tmp")
    Path(str(path) + ".tmp").replace(path)
    return pages


def main(argv: list[str] | None = None) -> None:
    from index.build import build, collect_passages
    from index.embed import load_embedder

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--pdf", type=Path, default=Path("/tmp/legco-rag-100pages.pdf"))
    ap.add_argument("--index", type=Path, default=Path("/tmp/legco-rag-100pages.index"))
    args = ap.parse_args(argv)

    pages = write_pdf(args.pdf, args.pages)
    warnings.simplefilter("ignore")  # the repeated report's numbering is out of sequence by design
    t = time.perf_counter()
    documents, passages, chunks = collect_passages([args.pdf])
    parse = time.perf_counter() - t
    embedder = load_embedder()
    embedder.encode_passages(["暖身"], batch_size=1)  # the model's first call pays one-off costs
    shutil.rmtree(args.index, ignore_errors=True)
    report = build([args.pdf], args.index, embedder, progress=False)
    total = report.seconds
    print(f"{pages} pages, {len(passages)} passages, {len(chunks)} chunks")
    print(f"read + parse + chunk: {parse:.2f} s ({parse / pages * 1000:.1f} ms/page)")
    print(f"full build (parse, embed {report.embedded} chunks, write): {total:.1f} s "
          f"({total / pages * 1000:.0f} ms/page, {len(passages) / total:.1f} passages/s)")


if __name__ == "__main__":
    main()
