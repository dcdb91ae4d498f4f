"""Per-clip validation reports: modalities present, schema variant, clocks, durations, NaN and confidence."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..checks import check_int, check_nonnegative, check_range
from ..corpus import clip_failure
from ..io.allo_ava import load_clip
from ..io.audio import ALLO_AVA_RATE
from ..io.layout import MODALITY_DIRS
from ..stats.quality import keypoint_quality

REQUIRED = ("audio", "transcript", "keypoints")


@dataclass
class ClipReport:
    """What validation found for one clip (``ok`` is False when there are errors)."""

    clip_id: str
    ok: bool = True
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    schema_variant: str = ""
    modalities: dict[str, bool] = field(default_factory=dict)
    durations: dict[str, float] = field(default_factory=dict)
    keypoints: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The report as plain values (the ``clips`` rows of ``alloava validate --json``).

        Returns
        -------
        dict
            Every field of the report.
        """
        return asdict(self)


def duration_tolerance(seconds: float, *, tolerance_s: float, tolerance_frac: float) -> float:
    """Allowed disagreement between modality durations: the larger of an absolute and a relative bound.

    Parameters
    ----------
    seconds
        The reference duration (the audio's), in seconds.
    tolerance_s
        Absolute bound in seconds.
    tolerance_frac
        Relative bound, as a fraction of ``seconds``.

    Returns
    -------
    float
        The allowed difference in seconds.
    """
    check_nonnegative("tolerance_s", tolerance_s)
    check_nonnegative("tolerance_frac", tolerance_frac)
    return max(tolerance_s, tolerance_frac * seconds)


def validate_clip(root: str | Path, files: dict, *, expected_rate: int = ALLO_AVA_RATE, tolerance_s: float = 1.0,
                  tolerance_frac: float = 0.01, low_confidence: float = 0.5) -> ClipReport:
    """Check one clip: every modality loads, and durations, timestamps and keypoints are plausible.

    Problems with the clip's files are reported (``errors``, ``warnings``), not raised.

    Parameters
    ----------
    root
        Corpus root.
    files
        The clip's row of :func:`~alloava_analysis.io.layout.scan_layout`
        (``clip_id`` and one path or None per modality).
    expected_rate
        Audio sample rate in Hz the clip must have.
    tolerance_s, tolerance_frac
        Allowed disagreement between the keypoint and audio durations
        (:func:`duration_tolerance`), in seconds and as a fraction of the audio's.
    low_confidence
        Keypoint confidence in [0, 1] below which a point counts as low-confidence.

    Returns
    -------
    ClipReport
        What was found; ``ok`` is False when there are errors.
    """
    check_int("expected_rate", expected_rate, minimum=1)
    check_nonnegative("tolerance_s", tolerance_s)
    check_nonnegative("tolerance_frac", tolerance_frac)
    check_range("low_confidence", low_confidence, 0, 1)
    report = ClipReport(files["clip_id"])
    report.modalities = {m: bool(files.get(m)) for m in MODALITY_DIRS}
    for modality in REQUIRED:
        if not files.get(modality):
            report.errors.append(f"missing {modality}: expected {MODALITY_DIRS[modality]}/{files['clip_id']}.*")
    clip = None
    for attempt in ("all", *REQUIRED):
        # Load everything; if that fails, load each modality alone to report every broken file.
        subset = files if attempt == "all" else {**{m: None for m in REQUIRED}, "clip_id": files["clip_id"],
                                                  attempt: files.get(attempt)}
        if attempt != "all" and not files.get(attempt):
            continue
        try:
            loaded = load_clip(root, files["clip_id"], files=subset, expected_rate=expected_rate)
        except Exception as err:  # noqa: BLE001 - unreadable or hostile files too: report, carry on
            if attempt != "all":
                report.errors.append(clip_failure(err, subset))
            continue
        if attempt == "all":
            clip = loaded
            break
    if clip is not None:
        _check_loaded(report, clip, tolerance_s=tolerance_s, tolerance_frac=tolerance_frac,
                      low_confidence=low_confidence)
    report.ok = not report.errors
    return report


def _check_loaded(report: ClipReport, clip, *, tolerance_s: float, tolerance_frac: float,
                  low_confidence: float) -> None:
    report.schema_variant = clip.metadata.get("schema_variant", "")
    pose = clip.pose
    if clip.audio is not None:
        report.durations["audio_s"] = round(clip.audio.duration, 3)
    if pose is not None:
        t = pose["time"].values
        report.durations["keypoints_s"] = round(float(t[-1] + 1.0 / pose.attrs["fps"]), 3) if t.size else 0.0
        quality = keypoint_quality(pose, low_confidence=low_confidence)  # the shared definition (stats/quality.py)
        report.keypoints = {
            "frames": int(t.size),
            "fps": round(float(pose.attrs["fps"]), 3),
            **{k: round(float(np.nan_to_num(quality[k])), 4)
               for k in ("nan_fraction", "confidence_mean", "low_confidence_fraction")},
            "max_gap_s": round(float(np.diff(t).max()) if t.size > 1 else 0.0, 4),
        }
        if report.keypoints["nan_fraction"] > 0.5:
            report.warnings.append(f"{report.keypoints['nan_fraction']:.0%} of keypoints are missing (NaN)")
        if t.size > 1 and report.keypoints["max_gap_s"] > 3.0 / pose.attrs["fps"]:
            report.warnings.append(f"timestamps jump by {report.keypoints['max_gap_s']} s "
                                   f"(> 3 frames at {pose.attrs['fps']:.3g} fps)")
    if clip.words is not None:
        report.durations["transcript_s"] = round(float(clip.words["end"].max()), 3)
    audio_s = report.durations.get("audio_s")
    if audio_s is not None:
        allowed = duration_tolerance(audio_s, tolerance_s=tolerance_s, tolerance_frac=tolerance_frac)
        kp_s = report.durations.get("keypoints_s")
        if kp_s is not None and abs(kp_s - audio_s) > allowed:
            report.errors.append(f"keypoints last {kp_s:.3f} s but audio lasts {audio_s:.3f} s; expected them to "
                                 f"agree within {allowed:.3f} s")
        tr_s = report.durations.get("transcript_s")
        if tr_s is not None and tr_s > audio_s + allowed:
            report.errors.append(f"transcript ends at {tr_s:.3f} s, after the audio ends ({audio_s:.3f} s)")


