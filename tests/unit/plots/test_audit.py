"""Audit figures: group differences in each metric's unit, readable ticks, labels that explain only drawn marks."""
from __future__ import annotations

import matplotlib

matplotlib.use("agg")

from alloava_analysis import plots  # noqa: E402
from alloava_analysis.plots.style import apply_style  # noqa: E402


def test_audit_panels_carry_units_and_ticks_that_do_not_overlap_and_labels_explain_only_drawn_marks():
    apply_style()
    rows = [{"group": g, "metric": metric, "difference": d, "difference_ci_low": d - w, "difference_ci_high": d + w,
             "suppressed": False, "flagged": False}
            for g, d in (("gender=female", -0.3), ("gender=male", 0.3))
            for metric, w in (("speech_rate", 11.7), ("asr_probability", 0.0123), ("dropout_fraction", 0.0042))]
    fig = plots.plot_group_differences(rows)
    fig.canvas.draw()
    assert [ax.get_xlabel() for ax in fig.axes] == ["(words/min)", "(probability)", "(share of keypoint-frames)"]
    for ax in fig.axes:
        boxes = [t.get_window_extent() for t in ax.get_xticklabels() if t.get_text()]
        assert all(not a.overlaps(b) for a, b in zip(boxes, boxes[1:])), [t.get_text() for t in ax.get_xticklabels()]
    assert "red" not in fig._supxlabel.get_text() and "none flagged" in fig._supxlabel.get_text()
    rep = [{"group": "overall", "share": 1.0, "suppressed": False},
           {"group": "gender=female", "share": 0.5, "suppressed": False, "under_represented": False},
           {"group": "gender=male", "share": 0.5, "suppressed": False, "under_represented": False}]
    label = plots.plot_representation(rep).axes[0].get_xlabel()
    assert label == "share of hours (0-1)"  # no reference ticks and no red bars drawn: none explained
