"""Remove the Markdown and HTML residue a converted paper carries, keeping every word.

Converters leave "# A. Introduction", "*emphasis*", "_emphasis_", `code`, "> quotes", "<br>",
"&nbsp;" and "<sup>3</sup>" behind. Bold (**...**) and links ([text](url)) are removed later, per
passage, by ingest.refs.strip_markdown, which the parser also uses to read headings.
"""
from __future__ import annotations

import html
import re

from ingest.charsets import TO_SUPERSCRIPT

_SUP = re.compile(r"<sup>\s*(\d{1,3})\s*</sup>", re.I)
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]{0,300})?/?>")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t#]*$", re.M)
_QUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?", re.M)
_RULE = re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$", re.M)
_EMPHASIS = re.compile(r"(?<![*\w])\*(?!\*|\s)([^*\n]{1,300}?)(?<!\s)\*(?!\*)|(?<![_\w])_(?!_|\s)([^_\n]{1,300}?)(?<!\s)_(?![_A-Za-z0-9])")
_CODE = re.compile(r"`([^`\n]{1,300})`")


def clean_markup(text: str) -> str:
    """The text without Markdown headings, emphasis, code marks, quote marks and rules, or HTML tags
    and entities; <sup>3</sup> becomes the footnote marker ³.

    >>> clean_markup("## A. Introduction\\n\\nThe *Bill* &amp; the _Ordinance_<sup>3</sup><br>Next")
    'A. Introduction\\n\\nThe Bill & the Ordinance³\\nNext'
    """
    if not re.search(r"[<&#>*_`]|^[ \t]*[-*_]", text, re.M):
        return text  # plain text: nothing to do (the common case, kept byte for byte)
    text = _SUP.sub(lambda m: m[1].translate(TO_SUPERSCRIPT), text)
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.I)
    text = _TAG.sub("", text)
    text = _ENTITY.sub(lambda m: html.unescape(m[0]).replace("\xa0", " "), text)
    text = _HEADING.sub(r"\1", text)
    text = _QUOTE.sub("", text)
    text = _RULE.sub("", text)
    text = _CODE.sub(r"\1", text)
    return _EMPHASIS.sub(lambda m: m[1] or m[2], text)
