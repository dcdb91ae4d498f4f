"""``cli.human``: numbers, sizes, intervals and tables as people read them (bad options: ``test_bad_options.py``)."""
from __future__ import annotations

import math

import pytest

from alloava_analysis.cli import human


@pytest.mark.parametrize("value, options, text", [
    (12345, {}, "12,345"),
    (12345.67, {}, "12,346"),             # large floats keep their integer digits
    (2000.0, {}, "2,000"),
    (0.028512, {}, "0.0285"),             # small ones keep three significant digits
    (-2.0, {"unit": "s"}, "-2.00 s"),
    (0.5, {"signed": True}, "+0.500"),
    (0.0, {"signed": True}, "0"),
    (3.14159, {"digits": 5}, "3.1416"),
    ("1.5", {}, "1.50"),
    ("abc", {}, "abc"),
    (True, {}, "true"),
    (None, {}, "n/a"),
    (math.nan, {"unit": "s"}, "n/a"),
])
def test_num(value, options, text):
    assert human.num(value, **options) == text


def test_settings_sizes_percentages_and_intervals():
    assert (human.setting(0.25, "s"), human.setting(5.0, "s"), human.setting(None)) == ("0.25 s", "5 s", "n/a")
    assert (human.size(999), human.size(1500), human.size(14_900_000)) == ("999 B", "1.50 kB", "14.9 MB")
    assert human.size(2e18) == "2,000 PB" and human.size(math.nan) == "n/a"
    assert (human.pct(0.25), human.pct(0.0123), human.pct(None)) == ("25.0 %", "1.23 %", "n/a")
    assert human.ci(0.1234, 0.5678) == "[0.123, 0.568]"
    assert human.ci(0.1, None) == human.ci(math.inf, 0.2) == "n/a"


def test_table_aligns_columns_under_underlined_headers():
    assert human.table([["a", 1], ["bb", 22]], ["name", "n"]) == [
        "  name   n",
        "  ----  --",
        "  a      1",
        "  bb    22",
    ]
    assert human.table([["x", None], ["yy"]], indent="", align="rl") == [" x", "yy"]
    assert human.table([]) == []


def test_problem_warning_and_note_lines_and_join():
    result = {"skipped": [{"clip_id": "c1", "modality": "audio", "reason": "missing"}],
              "failed": [{"path": "a.json", "step": "load", "reason": "bad JSON"}, "c9"],
              "warnings": ["few clips"], "notes": ["2 windows dropped"]}
    assert human.problem_lines(result) == ["  skipped c1 (modality audio): missing",
                                           "  failed a.json (step load): bad JSON", "  failed c9"]
    assert human.warning_lines(result, indent="") == ["warning: few clips"]
    assert human.note_lines(result) == ["  note: 2 windows dropped"]
    assert human.problem_lines({}) == human.note_lines({"notes": None}) == []
    assert human.join("title", [], ["a", "b"], "end") == "title\na\nb\nend"
