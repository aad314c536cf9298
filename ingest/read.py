"""Read a report file into its text and a Document (from a sidecar .json, or from the text itself)."""
from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

from ingest.charsets import CJK_TEXT_CHAR
from ingest.passage import Document, InputError

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
_GIVE = "give a report in .txt, .md or .pdf"
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
    if suffix == ".pdf":
        _check_size(path, MAX_PDF_BYTES)
        text = _pdf_text(path)
        if len(text) > MAX_TEXT_BYTES:
            raise InputError(f"report file '{path.name}' holds {len(text):,} characters of text, more than "
                             f"{MAX_TEXT_BYTES:,}: split it into its reports and index each")
    elif suffix in TEXT_SUFFIXES:
        text = decode(_read_bytes(path, MAX_TEXT_BYTES), path.name)
    else:
        raise InputError(f"report file '{path.name}' has an unsupported type '{suffix or '(none)'}': {_GIVE}")
    if not text.strip():
        raise InputError(f"report file '{path.name}' is empty: {_GIVE}")
    return _document(path, text), text


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


_CJK = CJK_TEXT_CHAR


def looks_like_cjk(text: str) -> bool:
    """True if the text's non-ASCII characters are nearly all CJK (how a right guess of Big5 looks)."""
    other = [c for c in text if not c.isascii() or (not c.isprintable() and c not in "\n\r\t\f")]
    cjk = sum(1 for c in other if _CJK.match(c))
    return cjk > 0 and cjk >= 0.95 * len(other)


def _pdf_text(path: Path) -> str:
    try:
        from pypdf import PdfReader
    except ImportError:
        raise InputError(f"reading '{path.name}' needs pypdf: pip install pypdf (or give the report as .txt)") from None
    try:
        pages = [page.extract_text() or "" for page in PdfReader(path).pages]
    except Exception as e:  # pypdf raises many types for a damaged file
        raise InputError(f"report file '{path.name}' could not be read as PDF ({e}): {_GIVE}") from None
    if not "".join(pages).strip():
        raise InputError(f"report file '{path.name}' has no text layer (a scan?): OCR it, or {_GIVE}")
    return "\n\n".join(pages)  # a page break reads like a blank line, as in the .txt reports


def _document(path: Path, text: str) -> Document:
    """Metadata from `<stem>.json` beside the file if present, the rest derived from the text."""
    meta = _sidecar(path)
    return Document(
        doc_id=str(meta.get("doc_id") or doc_id_in(text) or path.stem),
        title=str(meta.get("title") or title_in(text)),
        date=str(meta.get("date") or date_in(text)),
        lang=str(meta.get("lang") or _lang(path, text)),
        source=str(path),
    )


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


_PAPER = r"([A-Z]{1,5}\s*\(\d\)\s*\d+/\d{2,4})"
_DOC_ID = (re.compile(rf"立法會\s*{_PAPER}\s*號文件"), re.compile(rf"LC\s+Paper\s+No\.?\s*{_PAPER}", re.I))


def doc_id_in(text: str) -> str:
    """The paper number in the front matter ("立法會 CB(2)1292/2025 號文件" -> "CB(2)1292/2025"), or ""."""
    head = "\n".join(line for line in text.splitlines() if line.strip())
    head = "\n".join(head.splitlines()[:15])  # later mentions cite other papers
    for pattern in _DOC_ID:
        if m := pattern.search(head):
            return re.sub(r"\s+", "", m[1])
    return ""


def title_in(text: str) -> str:
    """The report's title: the line before 目的/Purpose if it names a report, else the first such line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][:20]
    for before, line in zip(lines, lines[1:]):
        if line in ("目的", "Purpose") and _is_title(before):
            return before
    return next((line for line in lines if _is_title(line)), "")


def _is_title(line: str) -> bool:
    return line.endswith("報告") or bool(re.match(r"Report (of|on)\b", line))


_MONTHS = "January February March April May June July August September October November December".split()
_DATE_LINE = (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
              re.compile(rf"(\d{{1,2}})\s+({'|'.join(_MONTHS)})\s+(\d{{4}})"))


def date_in(text: str) -> str:
    """The ISO date of the last line that is only a date (the signature), or ""."""
    return next((iso for line in reversed(text.splitlines()) if (iso := date_of(line))), "")


def date_of(line: str) -> str:
    """The ISO date if the line is only a date ("2025年6月25日", "25 June 2025"), else ""."""
    if m := _DATE_LINE[0].fullmatch(line.strip()):
        return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}"
    if m := _DATE_LINE[1].fullmatch(line.strip()):
        return f"{int(m[3]):04d}-{_MONTHS.index(m[2]) + 1:02d}-{int(m[1]):02d}"
    return ""


def _lang(path: Path, text: str) -> str:
    if m := re.search(r"\.(zh-Han[st]|zh|en)$", path.stem):
        return m[1]
    return "zh-Hant" if len(_CJK.findall(text)) > len(text) / 10 else "en"
