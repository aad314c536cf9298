"""Direct lookup: a question that names a citation ("第15段", "para 67(5)", "footnote 6") gets it first."""
from __future__ import annotations

from ingest.labels import cited


def cited_labels(question: str, labels: set[str]) -> list[str]:
    """Labels the question names explicitly, in the order named, kept only if they exist.

    The grammar is ingest.labels: 建議(5) is found as the recommendations paragraph's item "67(5)".

    >>> cited_labels("第47及49段講咩？", {"47", "49"})
    ['47', '49']
    """
    return cited(question, labels)
