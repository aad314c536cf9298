"""Read a paper file (.pdf, .html, .txt, .md) into its text and a Document.

The Document's metadata comes from a sidecar `<stem>.json` beside the file where it says, else from
the paper's own front matter (ingest.metadata). A PDF's pages lose their running headers, footers
and page numbers (ingest.furniture) and its wrapped lines are rejoined into paragraphs (ingest.lines).
"""
from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path

from ingest.charsets import CJK_TEXT_CHAR
from ingest.furniture import strip_furniture
from ingest.lines import paragraphs
from ingest.markup import clean_markup
from ingest.metadata import committee_in, date_in, date_of, doc_id_in, lang_of, title_in
from ingest.passage import Document, InputError
from ingest.pdf import pdf_pages
from ingest.webpage import html_text

__all__ = ["ReportWarning", "read_report", "decode", "looks_like_cjk", "doc_id_in", "title_in", "date_in", "date_of"]

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
_GIVE = "give a report in .pdf, .html, .txt or .md"
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_LEGACY = ("big5hkscs", "cp950")  # Hong Kong Big5, then Microsoft's Big5
# A LegCo report is well under 2 MB of text; the caps keep a wrong or hostile file from taking the
# machine's memory and minutes of parsing. A PDF carries fonts and images, so it may be larger.
MAX_TEXT_BYTES = 10 * 1024 * 1024
MAX_PDF_BYTES = 50 * 1024 * 1024


class ReportWarning(UserWarning):
    """The report was read, but part of it was odd and was read in a safe way; the message says where."""


def read_report(path: str | Path) -> tuple[Document, str]:
    """The Document and full text of a .txt, .md or .pdf report.

    >>> doc, text = read_report("data/reports/cb2-1292-2025.zh-Hant.txt")
    >>> doc.doc_id, doc.date
    ('CB(2)1292/2025', '2025-06-25')
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"report file '{path}' does not exist: check the path, or {_GIVE}")
    if path.is_dir():
        raise InputError(f"'{path}' is a directory, not a report file: {_GIVE}")
    if not path.is_file():  # a pipe or a device would block or never end
        raise InputError(f"'{path}' is not a regular file: {_GIVE}")
    suffix = path.suffix.lower()
    front, title = None, ""  # the text metadata is read from, when it differs from the text parsed
    if suffix == ".pdf":
        _check_size(path, MAX_PDF_BYTES)
        pages = pdf_pages(path)
        front = "\n".join(pages)  # with its headers: the paper number is often only there
        text = "\n\n".join(paragraphs(strip_furniture(pages).pages))
        if len(text) > MAX_TEXT_BYTES:
            raise InputError(f"report file '{path.name}' holds {len(text):,} characters of text, more than "
                             f"{MAX_TEXT_BYTES:,}: split it into its reports and index each")
    elif suffix in HTML_SUFFIXES:
        text, title = html_text(decode(_read_bytes(path, MAX_TEXT_BYTES), path.name))
    elif suffix in TEXT_SUFFIXES:
        text = clean_markup(decode(_read_bytes(path, MAX_TEXT_BYTES), path.name))
        if "\f" in text:  # pages, as pdftotext writes them: drop their furniture, rejoin their lines
            front = text
            text = "\n\n".join(paragraphs(strip_furniture(text.split("\f")).pages))
    else:
        raise InputError(f"report file '{path.name}' has an unsupported type '{suffix or '(none)'}': {_GIVE}")
    if not text.strip():
        raise InputError(f"report file '{path.name}' is empty: {_GIVE}")
    return _document(path, front or text, title), text


def _check_size(path: Path, limit: int) -> None:
    size = path.stat().st_size
    if size > limit:
        raise InputError(f"report file '{path.name}' is {size / 2**20:.1f} MB, over the {limit // 2**20} MB "
                         f"limit for a {path.suffix or 'text'} report: is it the right file? Split it into its reports")


def _read_bytes(path: Path, limit: int) -> bytes:
    """The file's bytes, refusing it unread if it is over `limit` (and reading no more than that)."""
    _check_size(path, limit)
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)  # the file may have grown since stat
    except OSError as e:
        raise InputError(f"report file '{path}' cannot be read ({e.strerror or e}): check its permissions") from None
    if len(data) > limit:
        raise InputError(f"report file '{path.name}' is over the {limit // 2**20} MB limit for a text report: "
                         "is it the right file? Split it into its reports")
    return data


def decode(data: bytes, name: str = "report") -> str:
    """Text from bytes in UTF-8 (BOM optional), UTF-16 with a BOM, or Big5/Big5-HKSCS; newlines as \\n."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _newlines(data.decode(encoding))
            except UnicodeDecodeError as e:
                raise InputError(f"report file '{name}' starts with a {encoding} mark but is not {encoding}"
                                 f" ({e.reason} at byte {e.start}): save it as UTF-8 and try again") from None
    if b"\x00" in data:
        if (text := _utf16_without_bom(data)) is not None:
            return _newlines(text)
        raise InputError(f"report file '{name}' is binary (it contains NUL bytes), not text: {_GIVE}")
    try:
        return _newlines(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        if e.reason == "unexpected end of data" and e.start >= len(data) - 3:  # cut inside its last character
            warnings.warn(f"report file '{name}' ends in the middle of a character (cut short?): "
                          "read without it; check the file is complete", ReportWarning, stacklevel=2)
            return _newlines(data[:e.start].decode("utf-8"))
    for encoding in _LEGACY:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if looks_like_cjk(text):
            return _newlines(text)
    raise InputError(f"report file '{name}' is neither UTF-8, UTF-16 nor Big5 text (binary?): "
                     f"save it as UTF-8 text, or {_GIVE}")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark, or None: its NULs (the high bytes of ASCII, and of
    a few CJK characters such as 丁 U+4E01) fall mostly on odd offsets (little-endian) or mostly on even
    ones (big-endian); then it must decode to printable text."""
    if len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    encoding = "utf-16-le" if odd > 3 * even else "utf-16-be" if even > 3 * odd else None
    if encoding is None:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return text if text.isprintable() or all(c.isprintable() or c in "\n\r\t\f" for c in text) else None


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")


def looks_like_cjk(text: str) -> bool:
    """True if the text's non-ASCII characters are nearly all CJK (how a right guess of Big5 looks)."""
    other = [c for c in text if not c.isascii() or (not c.isprintable() and c not in "\n\r\t\f")]
    cjk = sum(1 for c in other if CJK_TEXT_CHAR.match(c))
    return cjk > 0 and cjk >= 0.95 * len(other)


def _document(path: Path, text: str, html_title: str = "") -> Document:
    """Metadata from `<stem>.json` beside the file where it says, the rest from the paper itself."""
    meta = _sidecar(path)
    doc_id = str(meta.get("doc_id") or doc_id_in(text))
    if not doc_id:
        doc_id = path.stem
        warnings.warn(f"report file '{path.name}' states no paper number (立法會CB(n)…號文件 / LC Paper No. …): "
                      f"cited as '{doc_id}'; give \"doc_id\" in {path.with_suffix('.json').name} to cite it by number",
                      ReportWarning, stacklevel=3)
    title = str(meta.get("title") or title_in(text) or html_title)
    return Document(
        doc_id=doc_id,
        title=title,
        date=str(meta.get("date") or date_in(text)),
        lang=str(meta.get("lang") or lang_of(text, path.stem)),
        source=str(path),
        committee=str(meta.get("committee") or committee_in(text, title)),
        checksum=file_sha256(path),
        url=str(meta.get("url") or ""),
    )


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, read in blocks: a library tells a changed paper from the one it holds,
    an index checks its own files against its manifest."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sidecar(path: Path) -> dict:
    sidecar = path.with_suffix(".json")
    if not sidecar.is_file():
        return {}
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as e:
        raise InputError(f"metadata file '{sidecar.name}' is not valid JSON ({e}): fix it or remove it") from None
    if not isinstance(meta, dict):
        raise InputError(f"metadata file '{sidecar.name}' must hold a JSON object like "
                         '{"doc_id": "CB(2)1292/2025", "title": "...", "date": "2025-06-25"}')
    return meta
