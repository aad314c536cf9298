"""Read the text layer of a PDF, one string of lines per page, with pypdfium2 (PDFium, as in Chrome).

pypdfium2 rather than pypdf: on Chinese PDFs printed by Chromium, pypdf returned Kangxi radical
code points for common characters (⽰ U+2F70 for 示, ⽤ for 用, ⽂ for 文: 1,191 of 14,089 characters
of the bundled report wrong), which no search would match; PDFium returned every character, in
reading order, 13x faster.
"""
from __future__ import annotations

import re
from pathlib import Path

from ingest.charsets import TO_SUPERSCRIPT
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
        if _DIGIT.search(text):
            text = _mark_superscripts(textpage, text)
    finally:
        textpage.close()
        page.close()
    # PDFium ends lines with \r\n and marks some soft breaks with \r alone.
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").replace("\ufffe", "")
    # PDFium reads a bracket before a CJK-font quote as after it, with a space: "(“局/部門”)" comes
    # out "“( 局/部門”)" (seen on Chromium's PDFs of the bundled report); "“(" is never meant.
    return _QUOTE_BEFORE_BRACKET.sub(r"\2\1", text)


_DIGIT = re.compile(r"[0-9]")
SMALLER = 0.8  # a digit set this much smaller than its neighbours, and raised, is a footnote mark


def _mark_superscripts(textpage, text: str) -> str:
    """The page's text with footnote marks written as ⁶: word processors print them as small raised
    digits, which PDFium reads as plain ones ("數字辦。2 政府亦") and often follows with a line break."""
    import pypdfium2.raw as raw

    n = textpage.count_chars()
    chars = [chr(raw.FPDFText_GetUnicode(textpage, i)) for i in range(n)]
    if "".join(chars) != text:  # characters outside the BMP: indices would not line up; leave as read
        return text
    out = list(chars)
    i = 0
    while i < n:
        if not chars[i].isdigit() or not chars[i].isascii():
            i += 1
            continue
        end = i
        while end < n and chars[end].isascii() and chars[end].isdigit():
            end += 1
        if end - i <= 3 and _raised_and_small(textpage, raw, chars, i, end):
            for k in range(i, end):
                out[k] = chars[k].translate(TO_SUPERSCRIPT)
            nxt = end
            while nxt < n and chars[nxt] in "\r\n":
                nxt += 1
            after = _neighbour(chars, nxt, 1)
            if nxt > end and after is not None and _same_line(textpage, end - 1, after):
                for k in range(end, nxt):
                    out[k] = ""  # the line break PDFium put after the raised digits
        i = end
    return "".join(out)


def _neighbour(chars: list[str], i: int, step: int) -> int | None:
    """The nearest visible character from i in direction step, on the same line, or None."""
    while 0 <= i < len(chars) and chars[i] not in "\r\n":
        if not chars[i].isspace() and not chars[i].isdigit():
            return i
        i += step
    return None


def _raised_and_small(textpage, raw, chars: list[str], start: int, end: int) -> bool:
    after = end
    while after < len(chars) and chars[after] in "\r\n":  # PDFium may break the line after the mark
        after += 1
    sizes = [raw.FPDFText_GetFontSize(textpage, k) for k in (_neighbour(chars, start - 1, -1),
                                                              _neighbour(chars, after, 1)) if k is not None]
    size = raw.FPDFText_GetFontSize(textpage, start)
    if not sizes or size >= SMALLER * max(sizes):
        return False
    before = _neighbour(chars, start - 1, -1)
    if before is None:  # a note's own mark, first on its line: small is enough
        return True
    return textpage.get_charbox(start)[1] > textpage.get_charbox(before)[1]  # raised: not a subscript (CO2)


def _same_line(textpage, a: int, b: int) -> bool:
    """True if characters a and b overlap vertically: a break between them is not a real line end."""
    _, bottom_a, _, top_a = textpage.get_charbox(a)
    _, bottom_b, _, top_b = textpage.get_charbox(b)
    return min(top_a, top_b) > max(bottom_a, bottom_b)


_QUOTE_BEFORE_BRACKET = re.compile(r"([“‘])[ ]?([(（])[ ]?")
