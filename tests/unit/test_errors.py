"""``alloava_analysis.errors``: the typed errors keep their fields, builtin bases and message layout."""
from __future__ import annotations

import pytest

from alloava_analysis.errors import (
    AlloAvaError,
    CorpusPathError,
    InputPathError,
    ParameterError,
    SchemaError,
    UnknownNameError,
)


@pytest.mark.parametrize("cls, also", [(ParameterError, ValueError), (UnknownNameError, KeyError),
                                       (InputPathError, FileNotFoundError), (CorpusPathError, FileNotFoundError)])
def test_parameter_errors_keep_their_name_allowed_values_and_builtin_base(cls, also):
    err = cls("invalid value for group: expected one of 'a', 'b'; got 'c'", name="group", allowed=("a", "b"))
    assert isinstance(err, (ParameterError, AlloAvaError, ValueError, also))
    assert (err.name, err.allowed) == ("group", ("a", "b"))
    assert str(err) == "invalid value for group: expected one of 'a', 'b'; got 'c'"


def test_schema_errors_put_the_file_and_place_first():
    err = SchemaError("expected x, got y", path="clip.json", where="$.frames[3]")
    assert str(err) == "clip.json: $.frames[3]: expected x, got y" and err.reason == "expected x, got y"
    assert not isinstance(err, ParameterError)
