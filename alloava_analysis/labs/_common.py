"""What the lab checkers share: the lab's corpus and clip, read from the notebook's variables."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..corpus import Corpus
from ..sample_data import resolve_corpus_dir


@lru_cache(maxsize=4)
def _corpus(path: str) -> Corpus:
    return Corpus(path)


def lab_corpus(env: dict[str, Any]) -> Corpus:
    """The corpus the notebook works on (its ``corpus_dir``; the embedded sample when empty)."""
    return _corpus(str(resolve_corpus_dir(env.get("corpus_dir", ""))))


def lab_clip(env: dict[str, Any]):
    """The clip the notebook works on (its ``clip_number``, default 0)."""
    corpus = lab_corpus(env)
    return corpus.load(corpus.clip_ids[int(env.get("clip_number", 0))])
