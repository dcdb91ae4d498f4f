"""Label schema and reference distributions: a table of bad inputs, each a SchemaError saying what was expected."""
from __future__ import annotations

import pandas as pd
import pytest

from alloava_analysis.errors import SchemaError
from alloava_analysis.validators.labels import DEFAULT_SCHEMA, check_reference, validate_labels


def _labels(**cols):
    base = {"clip_id": ["TED_aaaaaaaaaaa", "TED_bbbbbbbbbbb", "TED_ccccccccccc"]}
    return pd.DataFrame({**base, **cols})


def test_values_are_canonicalised_and_empty_means_unknown():
    out = validate_labels(_labels(gender=["Female", "", "male"], age_group=["18-34", "55+", "35-54"],
                                  gender_provenance=["self-reported", "", "Annotator"]), ["gender", "age_group"])
    assert list(out["gender"]) == ["female", "unknown", "male"]
    assert list(out["gender_provenance"]) == ["self-reported", "unknown", "annotator"]
    assert list(out["age_group_provenance"]) == ["unknown"] * 3  # no column: unknown


@pytest.mark.parametrize("cols, by, match", [
    ({"gender": ["female", "mal", "male"]}, ["gender"],
     r"row 3, column 'gender': expected one of \[.*'female'.*\], got 'mal'"),
    ({"gender": ["female"] * 3}, ["gender", "age_group"],
     r"expected label column\(s\) \['age_group'\].*never inferred"),
    ({"gender": ["female"] * 3, "gender_provenance": ["guessed", "", ""]}, ["gender"],
     r"row 2, column 'gender_provenance': expected a provenance in \['self-reported', 'annotator'"),
    ({"age_group": ["18-40", "35-54", "55+"]}, ["age_group"], r"do not overlap, got '18-40' and '35-54'"),
    ({"age_group": ["young", "35-54", "55+"]}, ["age_group"], r"row 2, column 'age_group': expected an age range"),
    ({"skin_tone": ["lighter", "purple", "darker"]}, ["skin_tone"], r"expected one of .*'medium'.*got 'purple'"),
])
def test_bad_labels(cols, by, match):
    with pytest.raises(SchemaError, match=match) as err:
        validate_labels(_labels(**cols), by, path="labels.csv")
    assert str(err.value).startswith("labels.csv")


def test_open_vocabularies_and_custom_schema():
    out = validate_labels(_labels(accent_or_language_variety=["en-IN", "en-GB", "Scottish English"]),
                          ["accent_or_language_variety"])
    assert out["accent_or_language_variety"].iat[2] == "Scottish English"
    schema = DEFAULT_SCHEMA.with_values(accent_or_language_variety=["en-IN", "en-GB"])
    with pytest.raises(SchemaError, match="got 'Scottish English'"):
        validate_labels(_labels(accent_or_language_variety=["en-IN", "en-GB", "Scottish English"]),
                        ["accent_or_language_variety"], schema=schema)


def test_reference_distribution():
    ok = check_reference(pd.DataFrame({"attribute": ["gender", "gender", "gender&age_group"],
                                       "group": ["Female", "male", "female&18-34"], "share": ["0.5", "0.5", "1"]}),
                         ["gender", "age_group"])
    assert list(ok["group"]) == ["female", "male", "female&18-34"] and ok["share"].sum() == 2.0


@pytest.mark.parametrize("table, match", [
    ({"attribute": ["gender", "gender"], "group": ["female", "male"], "share": [0.5, 0.4]},
     r"shares of 'gender' to sum to 1 \(within 0.001\), got 0.9"),
    ({"attribute": ["gender"], "group": ["female"], "share": ["half"]}, r"row 2, column 'share': expected a share"),
    ({"attribute": ["accent"], "group": ["x"], "share": [1.0]}, r"expected an attribute among \['gender'\]"),
    ({"attribute": ["gender"], "group": ["robot"], "share": [1.0]}, r"expected one of .*got 'robot'"),
    ({"attribute": ["gender"], "share": [1.0]}, r"expected columns \['attribute', 'group', 'share'\]"),
    ({"attribute": ["gender", "gender"], "group": ["male", "male"], "share": [0.5, 0.5]}, r"'male' twice"),
])
def test_bad_reference(table, match):
    with pytest.raises(SchemaError, match=match):
        check_reference(pd.DataFrame(table), ["gender"], path="ref.csv")


@pytest.mark.parametrize("group, place", [("robot", "row 4, column 'group'"), ("female&old", "row 4, column 'group'")])
def test_a_bad_reference_value_names_its_own_row_and_the_group_column(tmp_path, group, place):
    """Read from a real CSV: the third data row is line 4 of the file (issue 23: it said row 2, column 'gender')."""
    from alloava_analysis.io.tables import read_csv_table

    attribute = "gender&age_group" if "&" in group else "gender"
    path = tmp_path / "ref.csv"
    path.write_text("attribute,group,share\ngender,female,0.5\ngender,male,0.5\n"
                    f"{attribute},{group},1.0\n", encoding="utf-8")
    with pytest.raises(SchemaError) as info:
        check_reference(read_csv_table(path), ["gender", "age_group"], path=path)
    assert f"ref.csv: {place}:" in str(info.value)
