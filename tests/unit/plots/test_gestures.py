"""Gesture figures: every axis with its unit, the sectors drawn, the occupancy bars at the table's means."""
from __future__ import annotations

import matplotlib

matplotlib.use("agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from alloava_analysis.features.gestures import SECTORS  # noqa: E402
from alloava_analysis.plots.gestures import plot_gesture_kinematics, plot_gesture_space  # noqa: E402


def _table():
    rng = np.random.default_rng(0)
    shares = rng.dirichlet(np.ones(4), size=6)
    table = pd.DataFrame({f"share_{s}": shares[:, i] for i, s in enumerate(SECTORS)})
    table["share_upper"] = rng.uniform(size=6)
    table["share_left"] = rng.uniform(size=6)
    table["n_submovements"] = rng.integers(1, 6, size=6)
    table["duration_s"] = rng.uniform(0.5, 3, size=6)
    table["peak_speed"] = rng.uniform(1, 5, size=6)
    table["hold_s"] = rng.uniform(0, 1, size=6)
    return table


def _units_on_every_axis(fig):
    fig.canvas.draw()
    for ax in fig.axes:
        assert "(" in ax.get_xlabel() and "(" in ax.get_ylabel(), (ax.get_xlabel(), ax.get_ylabel())


def test_gesture_space_draws_four_sectors_and_the_mean_shares():
    table = _table()
    fig = plot_gesture_space(table, positions=pd.DataFrame({"x": [0.1, -1.2], "y": [-0.5, 0.3]}))
    _units_on_every_axis(fig)
    left, right = fig.axes
    assert len(left.patches) == 4 and len(left.collections) == 1            # sectors, hand positions
    heights = [p.get_height() for p in right.patches]
    np.testing.assert_allclose(heights[:4], table[[f"share_{s}" for s in SECTORS]].mean())
    assert left.get_xlim()[0] > left.get_xlim()[1]                           # speaker's left on the right


def test_gesture_kinematics_has_three_panels_with_units_and_takes_an_empty_table():
    _units_on_every_axis(plot_gesture_kinematics(_table()))
    empty = _table().iloc[:0]
    _units_on_every_axis(plot_gesture_space(empty))
    assert len(plot_gesture_kinematics(empty).axes) == 3
