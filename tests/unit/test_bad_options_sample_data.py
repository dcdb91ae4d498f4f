"""sample_data's keyword options with bad values: accepted, or refused with a ParameterError naming the option."""
from __future__ import annotations

import importlib

import pytest

from alloava_analysis import sample_data as sd
from alloava_analysis.errors import CorpusPathError, ParameterError
from tests.fixtures.bad_options import public_functions_with_options, qualified, walk_bad_options

#: qualified name -> (tmp_path -> (positional arguments, fixed keyword options)) of a minimal valid call
CALLS = {
    "sample_data.sample_corpus": lambda tmp: ((), {}),  # the cache is the session's sample (see below)
    "sample_data.sample_status": lambda tmp: ((tmp / "sample",), {}),
}
EXEMPT = {
    "sample_data.write_sample_registry": "generates the 12-clip sample afresh on every call (about 10 s); its "
                                         "only option is the progress flag",
}


def _function(name: str):
    module, _, function = name.rpartition(".")
    return getattr(importlib.import_module(f"alloava_analysis.{module}"), function)


def test_every_function_with_options_is_walked_or_exempt():
    assert set(CALLS) | set(EXEMPT) == public_functions_with_options("sample_data")
    assert not set(CALLS) & set(EXEMPT)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_bad_options_are_accepted_or_refused_by_name(name, tmp_path, request, monkeypatch):
    if name == "sample_data.sample_corpus":  # an accepted call must find the sample made, not make it (10 s)
        monkeypatch.setenv(sd.DATA_DIR_ENV, str(request.getfixturevalue("sample_data").data_dir))
    fn = _function(name)
    assert qualified(fn) == name
    args, fixed = CALLS[name](tmp_path)
    walk_bad_options(fn, *args, **fixed)


def test_a_missing_corpus_dir_is_a_corpus_path_error_naming_it(tmp_path):
    with pytest.raises(CorpusPathError, match="nope.*got no such folder") as info:
        sd.resolve_corpus_dir(tmp_path / "nope")
    assert info.value.name == "corpus_dir"
    assert isinstance(info.value, ParameterError) and isinstance(info.value, FileNotFoundError)
