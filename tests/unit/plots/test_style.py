"""The figure style (plain tick labels) and literal labels for matplotlib and plotly."""
from __future__ import annotations

import matplotlib

matplotlib.use("agg")

import pytest  # noqa: E402

from alloava_analysis.plots.style import apply_style, literal, plotly_literal  # noqa: E402


@pytest.mark.parametrize("value", [1.5e-7, 2.46e12])
def test_style_keeps_plain_tick_labels_for_large_and_small_values(value):
    import matplotlib.pyplot as plt

    apply_style()
    fig, ax = plt.subplots()
    ax.plot([0, 1], [value, value * 1.001])
    ax.set_xlabel("x (s)")
    ax.set_ylabel("y (units)")
    fig.canvas.draw()
    assert "e" not in "".join(t.get_text() for t in ax.get_yticklabels()).lower() or value < 1e-6


def test_labels_are_escaped_for_each_renderer():
    assert literal("$\\undefinedmacro{x}$ costs $5") == "\\$\\undefinedmacro{x}\\$ costs \\$5"
    assert plotly_literal('<b>x</b> & "y" %{x}') == '&lt;b&gt;x&lt;/b&gt; &amp; "y" %{x}'
    assert plotly_literal(3) == "3"
