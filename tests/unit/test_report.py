"""Plain-number formatting and the key results a notebook tags in its outputs."""
from __future__ import annotations

import json
import math

import pytest

from alloava_analysis.report import KEY_RESULTS_MIME, plain_number, read_key_results, show_key_results


@pytest.mark.parametrize("value, text", [
    (7500, "7,500"), (135_000_000_000, "135,000,000,000"), (1250.4, "1,250"), (208.123456, "208.123"),
    (0.0285, "0.0285"), (1e-13, "< 0.000001"), (-2e-9, "> -0.000001"), (3.2e-6, "0.00000320"), (0.484123, "0.484"),
    (0.05, "0.0500"), (0.000123, "0.000123"), (-0.5, "-0.500"), (0.0, "0"), (math.nan, "NaN"),
    (None, "None"), (True, "True"), ("TED", "TED"),
])
def test_plain_number_never_uses_scientific_notation(value, text):
    assert plain_number(value) == text
    assert "e+" not in plain_number(value) and "e-" not in plain_number(value)


def test_key_results_round_trip_through_a_notebook_output(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    clean = show_key_results({"r": 0.5, "missing": math.nan, "clips": 12})
    assert list(clean) == ["r", "missing", "clips"]
    assert clean == {"r": 0.5, "missing": None, "clips": 12}
    bundle = shown[0]
    assert "0.500" in bundle["text/html"] and bundle[KEY_RESULTS_MIME]["values"] == clean
    notebook = {"cells": [{"cell_type": "markdown", "source": "x"},
                          {"cell_type": "code", "outputs": [{"output_type": "display_data", "data": bundle}]}]}
    notebook = json.loads(json.dumps(notebook, sort_keys=True))  # as nbformat saves it
    assert list(read_key_results(notebook).items()) == list(clean.items())  # in the order shown
    assert read_key_results({"cells": []}) == {}
