"""The synchrony figure: one panel per event kind, observed lags over the null, seconds on the axes."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from alloava_analysis.crossmodal.synchrony import synchrony  # noqa: E402
from alloava_analysis.errors import ParameterError, SchemaError  # noqa: E402
from alloava_analysis.plots.synchrony import plot_lag_distribution  # noqa: E402
from tests.fixtures.planted_prosody import planted_corpus  # noqa: E402


@pytest.fixture(scope="module")
def result():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    from scripts.measure_synchrony import planted_events

    corpus = planted_corpus(0, audio=False)
    events, spans = planted_events(corpus)
    result = synchrony(corpus.units, events, spans, kinds=("f0_peak", "word_onset"), n_null=99, n_boot=200)
    return {**result, "events": events, "spans": spans, "gesture_units": corpus.units}


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_one_panel_per_kind_with_the_observed_lags_over_the_null(result):
    fig = plot_lag_distribution(result)
    axes = fig.axes
    assert len(axes) == 2
    for ax, kind_word in zip(axes, ("F0 peak", "word onset")):
        assert kind_word in ax.get_title() and "p = " in ax.get_title()
        assert "(s;" in ax.get_xlabel() and "(1/s)" in ax.get_ylabel()
        assert ax.get_xlim() == (-1.0, 1.0)
        heights = [p.get_height() for p in ax.patches if hasattr(p, "get_height")]
        assert sum(h > 0 for h in heights) >= 3                         # the observed histogram
        labels = ax.get_legend_handles_labels()[1]
        assert any(lab.startswith("null") for lab in labels) and any(lab.startswith("mean +") for lab in labels)
    # the planted F0 lag (+0.12 s) shows as the pooled mean line
    mean_line = [line for line in axes[0].lines if line.get_color() == "tab:red"][0]
    assert mean_line.get_xdata()[0] == pytest.approx(result["pooled"][0]["mean_lag_s"])
    assert 0.05 < mean_line.get_xdata()[0] < 0.2


def test_a_chosen_kind_and_axis_range(result):
    fig = plot_lag_distribution(result, kinds="word_onset", max_lag_s=0.5, bins=10)
    assert len(fig.axes) == 1 and fig.axes[0].get_xlim() == (-0.5, 0.5)


def test_the_axis_follows_the_search_window_and_units_without_an_event_are_counted(result):
    narrow = synchrony(result["gesture_units"], result["events"],
                       result["spans"], kinds=("f0_peak",), max_lag_s=0.1, n_null=19, n_boot=50)
    row = narrow["pooled"][0]
    assert row["n_no_event"] > 0                                         # planted F0 lags of +0.12 s lie beyond
    ax = plot_lag_distribution(narrow).axes[0]
    assert ax.get_xlim() == (-0.1, 0.1) and f"{row['n_no_event']} of {row['n_units']} units" in ax.get_title()


def test_bad_results_and_kinds_are_refused(result):
    with pytest.raises(SchemaError, match="synchrony result"):
        plot_lag_distribution({"pooled": []})
    with pytest.raises(ParameterError, match="kinds"):
        plot_lag_distribution(result, kinds=("pitch",))
    with pytest.raises(ParameterError, match="max_lag_s"):
        plot_lag_distribution(result, max_lag_s=np.nan)
