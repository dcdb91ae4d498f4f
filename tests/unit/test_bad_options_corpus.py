"""corpus's keyword options with bad values: accepted, or refused with a ParameterError naming the option."""
from __future__ import annotations

import pytest

from alloava_analysis.corpus import Corpus, as_corpus
from alloava_analysis.errors import ParameterError
from tests.fixtures import datasets
from tests.fixtures.bad_options import table_tests, walk_bad_options


def _clip_id(clip):
    return clip.clip_id


def _corpus(tmp):
    root = tmp / "corpus"
    datasets.write_tiny_corpus(root, 2)
    return root


#: qualified name -> (tmp_path -> (positional arguments, fixed keyword options)) of a minimal valid call
CALLS = {
    "corpus.as_corpus": lambda tmp: ((_corpus(tmp),), {}),
}
EXEMPT: dict[str, str] = {}

test_table_is_complete, test_calls_are_valid, test_walks = table_tests("corpus", CALLS, EXEMPT)


def test_corpus_methods_with_options_too(tmp_path):
    corpus = Corpus(_corpus(tmp_path))
    outcomes = walk_bad_options(corpus.map, _clip_id)  # workers: -1, 2.5, "3" are refused before a worker starts
    assert outcomes["workers"] == {-1: "ParameterError", 2.5: "ParameterError", "3": "ParameterError"}
    walk_bad_options(corpus.clips)
    walk_bad_options(corpus.load, corpus.clip_ids[0])


def test_unknown_clip_id_source_and_column_are_refused_by_name(tmp_path):
    corpus = Corpus(_corpus(tmp_path))
    with pytest.raises(ParameterError, match=r"clip_id: expected the id of a clip .* got 'TED_nope'") as info:
        corpus.load("TED_nope")  # was a KeyError
    assert info.value.name == "clip_id"
    with pytest.raises(ParameterError, match="source: expected a Corpus or the path.*got int") as info:
        as_corpus(3)
    assert info.value.name == "source"
    with pytest.raises(ParameterError, match="got 'categry'"):
        corpus.select(categry="TED")
