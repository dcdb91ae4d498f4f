"""Manifests: valid rows normalised, every bad cell reported with its row and column."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from alloava_analysis.errors import SchemaError
from alloava_analysis.io.manifest import (
    DEFAULT_MODALITIES,
    ManifestError,
    check_manifest,
    default_url,
    expected_checksums,
    make_manifest,
    read_manifest,
    write_manifest,
    youtube_id_from_url,
)

REPO = Path(__file__).resolve().parents[3]
SHA = "ab" * 32
GOOD = "DIY_TBRi6ecgQfc"


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_example_manifest_is_valid():
    rows = read_manifest(REPO / "data_manifest" / "example_manifest.csv")
    assert len(rows) >= 2
    assert set(rows.columns) >= {"clip_id", "category", "youtube_id", "url", "modalities", "gender", "age_group"}
    assert rows["url"].str.startswith("https://www.youtube.com/watch?v=").all()


def test_defaults_are_filled_in(tmp_path):
    rows = read_manifest(write_csv(tmp_path / "m.csv", f"clip_id\n{GOOD}\n"))
    row = rows.iloc[0]
    assert (row.category, row.youtube_id) == ("DIY", "TBRi6ecgQfc")
    assert row.url == default_url("TBRi6ecgQfc")
    assert row.modalities == ";".join(DEFAULT_MODALITIES)


def test_clip_id_can_be_derived_from_category_and_id(tmp_path):
    rows = read_manifest(write_csv(tmp_path / "m.csv", "category,youtube_id\nTED,a-b_c1234_5\n"))
    assert list(rows["clip_id"]) == ["TED_a-b_c1234_5"]


def test_extra_columns_and_checksums_pass_through(tmp_path):
    rows = read_manifest(write_csv(tmp_path / "m.csv", f"gender,clip_id,sha256_audio,bytes_audio\n"
                                                       f"female,{GOOD},{SHA.upper()},123\n"))
    assert list(rows.columns) == ["clip_id", "category", "youtube_id", "url", "modalities", "sha256_audio",
                                  "bytes_audio", "gender"]
    row = rows.iloc[0].to_dict()
    assert row["gender"] == "female"
    assert expected_checksums(row) == {"audio": {"sha256": SHA, "bytes": 123}}


# one bad cell per case: (header, row, expected row number, expected column, words in the message)
BAD_ROWS = [
    ("clip_id,youtube_id", f"{GOOD},TBRi6ecgQfX", 2, "youtube_id", "expected 'TBRi6ecgQfc'"),
    ("clip_id,category", f"{GOOD},TED", 2, "category", "expected 'DIY'"),
    ("clip_id", "DIY_short", 2, "clip_id", "11-character"),
    ("clip_id", "../../etc/passwd_TBRi6ecgQfc", 2, "clip_id", "path separators"),
    ("clip_id", "DIY_TBRi6ecg!fc", 2, "clip_id", "11-character"),
    ("clip_id,url", f"{GOOD},ftp://example.org/v.mp4", 2, "url", "http(s) URL"),
    ("clip_id,url", f"{GOOD},https://www.youtube.com/watch?v=mzstKyN5img", 2, "url", "'mzstKyN5img'"),
    ("clip_id,modalities", f"{GOOD},audio;pose", 2, "modalities", "'pose'"),
    ("clip_id,sha256_video", f"{GOOD},1234", 2, "sha256_video", "64 hexadecimal"),
    ("clip_id,bytes_audio", f"{GOOD},-5", 2, "bytes_audio", "non-negative"),
    ("clip_id,category,youtube_id", ",TED,", 2, "clip_id", "empty cell"),
]


@pytest.mark.parametrize("header, row, line, column, words", BAD_ROWS)
def test_bad_cells_name_row_and_column(tmp_path, header, row, line, column, words):
    path = write_csv(tmp_path / "m.csv", f"{header}\n{row}\n")
    with pytest.raises(ManifestError) as info:
        read_manifest(path)
    issue = info.value.issues[0]
    assert (issue.row, issue.column) == (line, column)
    assert words in issue.message
    assert str(path) in str(info.value) and f"row {line}, column '{column}'" in str(info.value)
    assert isinstance(info.value, SchemaError) and isinstance(info.value, ValueError)


@pytest.mark.parametrize("header, words", [
    ("url,gender", "'clip_id' column"),
    ("clip_id,sha256_pose", "checksum column"),
    ("clip_id,gender,gender", "unique column names"),
])
def test_bad_headers_are_row_1(tmp_path, header, words):
    with pytest.raises(ManifestError) as info:
        read_manifest(write_csv(tmp_path / "m.csv", f"{header}\n{GOOD},x,y\n"))
    assert info.value.issues[0].row == 1 and words in info.value.issues[0].message


def test_every_problem_is_collected_and_good_rows_kept(tmp_path):
    path = write_csv(tmp_path / "m.csv", "clip_id,url\n"
                                         f"{GOOD},\n"
                                         "bad id,\n"
                                         f"TED_mzstKyN5img,gopher://x\n"
                                         f"{GOOD},\n"
                                         "Panel_abcdefghijk,\n")
    rows, issues = check_manifest(path)
    assert list(rows["clip_id"]) == [GOOD, "Panel_abcdefghijk"]
    assert [(i.row, i.column) for i in issues] == [(3, "clip_id"), (4, "url"), (5, "clip_id")]
    assert "again (first at row 2)" in issues[2].message
    with pytest.raises(ManifestError) as info:
        read_manifest(path)
    assert len(info.value.issues) == 3 and "2 more problem(s)" in str(info.value)


def test_empty_and_non_csv_files(tmp_path):
    with pytest.raises(SchemaError, match="empty file"):
        read_manifest(write_csv(tmp_path / "empty.csv", ""))
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00clip")
    with pytest.raises(SchemaError):
        read_manifest(tmp_path / "bin.csv")
    with pytest.raises(FileNotFoundError, match="manifest not found"):
        read_manifest(tmp_path / "absent.csv")


def test_write_is_sorted_canonical_and_round_trips(tmp_path):
    table = make_manifest(rows=[{"clip_id": "TED_zzzzzzzzzzz", "gender": "male", "bytes_audio": "7"},
                                {"clip_id": GOOD, "gender": "female", "sha256_audio": SHA}])
    first = write_manifest(tmp_path / "a.csv", table)
    again = write_manifest(tmp_path / "b.csv", table.iloc[::-1])
    assert first.read_bytes() == again.read_bytes()  # order of the input rows does not matter
    back = read_manifest(first)
    assert list(back["clip_id"]) == [GOOD, "TED_zzzzzzzzzzz"]
    assert back.set_index("clip_id").loc["TED_zzzzzzzzzzz", "bytes_audio"] == 7
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_write_refuses_an_invalid_table(tmp_path):
    with pytest.raises(ManifestError):
        write_manifest(tmp_path / "m.csv", pd.DataFrame({"clip_id": ["nope"]}))
    assert not (tmp_path / "m.csv").exists()


@pytest.mark.parametrize("url, vid", [
    ("https://www.youtube.com/watch?v=TBRi6ecgQfc&t=30", "TBRi6ecgQfc"),
    ("https://youtu.be/TBRi6ecgQfc", "TBRi6ecgQfc"),
    ("https://www.youtube.com/shorts/TBRi6ecgQfc", "TBRi6ecgQfc"),
    ("https://m.youtube.com/embed/TBRi6ecgQfc", "TBRi6ecgQfc"),
    ("https://example.org/watch?v=TBRi6ecgQfc", None),
    ("https://www.youtube.com/watch?v=short", None),
    ("https://www.youtube.com/watch?v=TBRi6ecgQfc%0A", None),  # a newline after the id: no id
])
def test_youtube_id_from_url(url, vid):
    assert youtube_id_from_url(url) == vid


@pytest.mark.parametrize("cells", [
    {"clip_id": "DIY\n_TBRi6ecgQfc"},                     # newline inside the category
    {"clip_id": "DIY_TBRi6ecgQfc\n"},                     # newline after the id
    {"clip_id": "\nDIY_TBRi6ecgQfc"},
    {"clip_id": "DIY_TBRi6ecgQfc\r"},
    {"category": "DIY\n", "youtube_id": "TBRi6ecgQfc"},    # a derived id
    {"category": "DIY", "youtube_id": "TBRi6ecgQfc\n"},
    {"clip_id": GOOD, "category": "DIY\n"},
])
def test_a_control_character_in_an_id_is_rejected(cells):
    """Ids are checked with full matches: ``$`` would accept a newline before the end."""
    rows, issues = make_manifest_issues(cells)
    assert rows.empty and issues and all(i.row == 2 for i in issues)
    with pytest.raises(ManifestError):
        make_manifest(rows=[cells])


def make_manifest_issues(cells: dict):
    from alloava_analysis.io.manifest import validate_manifest

    return validate_manifest(pd.DataFrame([cells]).astype(str))


def test_a_csv_saved_with_a_byte_order_mark_is_read(tmp_path):
    """Spreadsheets save "CSV UTF-8" with a BOM; the first column is still ``clip_id``."""
    path = tmp_path / "m.csv"
    path.write_bytes(f"clip_id,gender\n{GOOD},female\n".encode("utf-8-sig"))
    rows = read_manifest(path)
    assert list(rows["clip_id"]) == [GOOD] and list(rows["gender"]) == ["female"]
