"""sample_data's keyword options with bad values: accepted, or refused with a ParameterError naming the option."""
from __future__ import annotations

import pytest

from alloava_analysis import sample_data as sd
from alloava_analysis.errors import CorpusPathError, ParameterError
from tests.fixtures.bad_options import table_tests

#: qualified name -> (tmp_path -> (positional arguments, fixed keyword options)) of a minimal valid call
CALLS = {
    "sample_data.sample_corpus": lambda tmp: ((), {}),  # the cache is the session's sample (see below)
    "sample_data.sample_status": lambda tmp: ((tmp / "sample",), {}),
}
EXEMPT = {
    "sample_data.write_sample_registry": "generates the 12-clip sample afresh on every call (about 10 s); its "
                                         "only option is the progress flag",
}


def _sample_made(name, request):
    if name == "sample_data.sample_corpus":  # an accepted call must find the sample made, not make it (10 s)
        data_dir = request.getfixturevalue("sample_data").data_dir
        request.getfixturevalue("monkeypatch").setenv(sd.DATA_DIR_ENV, str(data_dir))
    return {}


test_table_is_complete, test_calls_are_valid, test_walks = table_tests("sample_data", CALLS, EXEMPT,
                                                                       setup=_sample_made)


def test_a_missing_corpus_dir_is_a_corpus_path_error_naming_it(tmp_path):
    with pytest.raises(CorpusPathError, match="nope.*got no such folder") as info:
        sd.resolve_corpus_dir(tmp_path / "nope")
    assert info.value.name == "corpus_dir"
    assert isinstance(info.value, ParameterError) and isinstance(info.value, FileNotFoundError)
