"""What the lab tests share: the hidden tests' module, feedback text, the sample's wrist track and a figure of it."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from alloava_analysis.labs.feedback import Feedback  # noqa: E402

HIDDEN = Path(__file__).resolve().parents[3] / "notebooks" / "labs" / "instructor" / "tests"


def _hidden(lab):
    spec = importlib.util.spec_from_file_location(f"hidden_{lab}", HIDDEN / f"{lab}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _feedback(check, env, *ref, **changes):
    with pytest.raises(Feedback) as info:
        check({**env, **changes}, *ref)
    return str(info.value)


def _no_number(message, *numbers):
    """The message shows none of ``numbers`` (in the usual roundings)."""
    for x in numbers:
        for text in {f"{x:.2f}", f"{x:.3f}", f"{x:.3g}", f"{x:.4g}", f"{x:.1f}"}:
            assert not re.search(rf"(?<![\d.]){re.escape(text)}(?!\d)", message), (text, message)


def _wrist(pose):
    w, h = pose.attrs["frame_width"], pose.attrs["frame_height"]
    x = pose["position"].sel(keypoint="right_wrist", space="x").values * w
    y = pose["position"].sel(keypoint="right_wrist", space="y").values * h
    return x, y, pose["time"].values, h


def _figure(x, y, *, xlabel="time (s)", ylabel="height (px)", invert=True):
    fig, ax = plt.subplots()
    ax.plot(x, y)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if invert:
        ax.invert_yaxis()
    return fig
