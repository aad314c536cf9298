"""Read the text layer of a PDF, one string of lines per page, with pypdfium2 (PDFium, as in Chrome).

pypdfium2 rather than pypdf: on Chinese PDFs printed by Chromium, pypdf returned Kangxi radical
code points for common characters (⽰ U+2F70 for 示, ⽤ for 用, ⽂ for 文: 1,191 of 14,089 characters
of the bundled report wrong), which no search would match; PDFium returned every character, in
reading order, 13x faster.
"""
from __future__ import annotations

import re
from pathlib import Path

from ingest.passage import InputError

_GIVE = "give the paper as .pdf with a text layer, .html, .txt or .md"


def pdf_pages(path: str | Path) -> list[str]:
    """The text of each page of a PDF, lines separated by "\\n".

    Refuses, in one line naming the file: a damaged file, a password-protected one, and one
    without a text layer (a scan), which would otherwise be indexed as an empty document.
    """
    path = Path(path)
    try:
        import pypdfium2 as pdfium
    except ImportError:
        raise InputError(f"reading '{path.name}' needs pypdfium2: pip install pypdfium2 "
                         f"(or give the paper as .txt)") from None
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise InputError(f"PDF '{path.name}' is password-protected: save an unprotected copy "
                             f"(print to PDF) and add that") from None
        raise InputError(f"PDF '{path.name}' is damaged or not a PDF ({e}): download it again, "
                         f"or {_GIVE}") from None
    try:
        pages = [_page_text(document[i]) for i in range(len(document))]
    except pdfium.PdfiumError as e:
        raise InputError(f"PDF '{path.name}' is damaged ({e}): download it again, or {_GIVE}") from None
    finally:
        document.close()
    if not "".join(pages).strip():
        raise InputError(f"PDF '{path.name}' has no text layer ({len(pages)} page(s) of images, a scan?): "
                         "it needs OCR first (e.g. ocrmypdf), then add the OCR'd file")
    return pages


def _page_text(page) -> str:
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
    finally:
        textpage.close()
        page.close()
    # PDFium ends lines with \r\n and marks some soft breaks with \r alone.
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").replace("\ufffe", "")
    # PDFium reads a bracket before a CJK-font quote as after it, with a space: "(“局/部門”)" comes
    # out "“( 局/部門”)" (seen on Chromium's PDFs of the bundled report); "“(" is never meant.
    return _QUOTE_BEFORE_BRACKET.sub(r"\2\1", text)


_QUOTE_BEFORE_BRACKET = re.compile(r"([“‘])[ ]?([(（])[ ]?")
