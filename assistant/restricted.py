"""A question asked of some papers of a library only (`legco-rag ask --doc`, the app's paper picker)."""
from __future__ import annotations

from index.library import check_docs


class Restricted:
    """A retriever whose `search` looks only in the papers `docs` (paper numbers, every language version
    of each); everything else is the retriever's own, so answer_question and WithHistory work on it."""

    def __init__(self, retriever, docs: list[str] | tuple[str, ...]):
        self._retriever = retriever
        self.docs = check_docs(retriever.index, docs)  # an unknown id is refused before any search

    def search(self, question: str, k: int = 5, **follow_up):
        """Retriever.search within the papers; `follow_up` passes a resolved follow-up's speaker and own words."""
        return self._retriever.search(question, k=k, docs=self.docs, **follow_up)

    def __getattr__(self, name: str):
        return getattr(self._retriever, name)
