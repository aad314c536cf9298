"""Fusion and ranking of per-passage scores: pure functions over {(doc, label): score} dicts."""
from __future__ import annotations

from typing import Mapping

from assistant.hit import Key


def fuse(dense: Mapping[Key, float], lexical: Mapping[Key, float], lexical_weight: float) -> dict[Key, float]:
    """dense + lexical_weight × lexical for every passage either search found.

    A passage only lexical search found takes the lowest dense score found (it was not among the
    nearest, so it is at most that similar); one only dense search found gets no lexical share.

    >>> fuse({"a": 0.9, "b": 0.7}, {"b": 1.0, "c": 0.5}, 0.2)
    {'a': 0.9, 'b': 0.8999999999999999, 'c': 0.7999999999999999}
    """
    floor = min(dense.values()) if dense else 0.0
    keys = [*dense, *(key for key in lexical if key not in dense)]
    return {key: dense.get(key, floor) + lexical_weight * lexical.get(key, 0.0) for key in keys}


def rank(scores: Mapping[Key, float], position: Mapping[Key, int]) -> list[Key]:
    """Keys by score, best first; equal scores in `position` order (the collection's order), so a
    question gets the same ranking in every process.

    >>> rank({"fn2": 0.5, "4": 0.9, "fn1": 0.5}, {"4": 0, "fn1": 1, "fn2": 2})
    ['4', 'fn1', 'fn2']
    """
    return sorted(scores, key=lambda key: (-scores[key], position[key]))
