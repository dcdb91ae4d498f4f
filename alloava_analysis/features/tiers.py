"""A clip's words, segments, pauses and gesture units as one interval table (annotation tiers).

Every tier is an interval table (:func:`alloava_analysis.model.make_intervals`:
``start, end, label, tier``), the form ELAN and Praat files are written from
and read back into (:mod:`alloava_analysis.io.export.intervals`). Hand-corrected
gesture units come back through :func:`units_from_intervals` in the form
:func:`~.motion.gesture_rate` and the other analyses take.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..checks import check_nonnegative
from ..model import Clip, make_intervals
from . import gestures, motion, speech

#: Tier names, in file order.
WORDS, SEGMENTS, PAUSES, GESTURES = "words", "segments", "pauses", "gesture_units"
TIERS = (WORDS, SEGMENTS, PAUSES, GESTURES)
#: Gesture-kinematics tiers (:func:`kinematics_tiers`), after :data:`TIERS` when asked for.
SUBMOVEMENTS, HOLDS, SPACE = "submovements", "holds", "gesture_space"
KINEMATICS_TIERS = (SUBMOVEMENTS, HOLDS, SPACE)
GESTURE_LABEL = "gesture"


def words_tier(words: pd.DataFrame) -> pd.DataFrame:
    """Words (``word, start, end, ...``) as the ``words`` tier.

    Parameters
    ----------
    words
        Words table (seconds from the media origin).

    Returns
    -------
    pandas.DataFrame
        An interval table (``start, end, label, tier``).
    """
    return make_intervals(pd.DataFrame({"start": words["start"], "end": words["end"], "label": words["word"]}),
                          tier=WORDS)


def segments_tier(segments: pd.DataFrame) -> pd.DataFrame:
    """Transcript segments (``segment, start, end, text``) as the ``segments`` tier (label = text).

    Parameters
    ----------
    segments
        Segments table (a missing ``text`` column gives empty labels).

    Returns
    -------
    pandas.DataFrame
        An interval table (``start, end, label, tier``).
    """
    text = segments["text"].astype(str).str.strip() if "text" in segments else ""
    return make_intervals(pd.DataFrame({"start": segments["start"], "end": segments["end"], "label": text}),
                          tier=SEGMENTS)


def pauses_tier(pauses: pd.DataFrame) -> pd.DataFrame:
    """Pauses (:func:`~.speech.detect_pauses`) as the ``pauses`` tier; label = kind (between, leading, trailing).

    Parameters
    ----------
    pauses
        Pause table (``start, end[, kind]``; without ``kind`` the label is ``pause``).

    Returns
    -------
    pandas.DataFrame
        An interval table (``start, end, label, tier``).
    """
    label = pauses["kind"].astype(str) if "kind" in pauses else "pause"
    return make_intervals(pd.DataFrame({"start": pauses["start"], "end": pauses["end"], "label": label}),
                          tier=PAUSES)


def gesture_tier(units: pd.DataFrame, *, duration: float | None = None) -> pd.DataFrame:
    """Gesture units (:func:`~.motion.gesture_units`) as the ``gesture_units`` tier, labelled ``gesture``.

    A unit's edges lie half a frame outside its first and last frame; they are
    clipped to the media (from 0, and to ``duration`` when given).

    Parameters
    ----------
    units
        Gesture-unit table (``start, end``; seconds).
    duration
        Media duration in seconds; None: ends are not clipped.

    Returns
    -------
    pandas.DataFrame
        An interval table (``start, end, label, tier``).
    """
    start = units["start"].clip(lower=0.0)
    end = units["end"].clip(upper=duration) if duration is not None else units["end"]
    return make_intervals(pd.DataFrame({"start": start, "end": end.clip(lower=start), "label": GESTURE_LABEL}),
                          tier=GESTURES)


def kinematics_tiers(table: pd.DataFrame) -> pd.DataFrame:
    """Submovements, holds and gesture space of a gesture table as three tiers.

    ``submovements``: one interval per submovement, from the slowest frame
    before its peak to the one after it, labelled with the peak time;
    ``holds``: labelled ``hold``; ``gesture_space``: one interval per run of
    one McNeill sector of the lead hand, labelled with the sector.

    Parameters
    ----------
    table
        A :func:`~.gestures.gesture_table` made with ``details=True``.

    Returns
    -------
    pandas.DataFrame
        An interval table (``start, end, label, tier``) with the tiers of :data:`KINEMATICS_TIERS`.
    """
    missing = [c for c in gestures.DETAILS if c not in table]
    if missing:
        from ..errors import SchemaError

        raise SchemaError(f"expected a gesture table made with details=True, got one without {missing}",
                          where="table")
    rows = [(a, b, f"peak {p:.3f} s", SUBMOVEMENTS) for spans in table["submovements"] for a, b, p in spans]
    rows += [(a, b, "hold", HOLDS) for spans in table["holds"] for a, b in spans]
    rows += [(a, b, label, SPACE) for spans in table["space"] for a, b, label in spans]
    frame = pd.DataFrame(rows, columns=["start", "end", "label", "tier"])
    frame["start"] = frame["start"].clip(lower=0.0)
    return make_intervals(frame, tiers=list(KINEMATICS_TIERS))


def units_from_intervals(intervals: pd.DataFrame, *, tier: str = GESTURES) -> pd.DataFrame:
    """The intervals of ``tier`` as a gesture-unit table (``unit, start, end, duration, label``).

    Use it on an imported (hand-corrected) ELAN or TextGrid file so that the
    corrected units feed :func:`~.motion.gesture_rate` and the coupling analyses.

    Parameters
    ----------
    intervals
        Interval table (``start, end, label, tier``) of any tiers.
    tier
        The tier holding the units.

    Returns
    -------
    pandas.DataFrame
        One row per interval of ``tier``: ``unit, start, end, duration, label``.
    """
    rows = make_intervals(intervals)
    rows = rows[rows["tier"] == tier]
    return pd.DataFrame({"unit": np.arange(len(rows)), "start": rows["start"].to_numpy(),
                         "end": rows["end"].to_numpy(), "duration": (rows["end"] - rows["start"]).to_numpy(),
                         "label": rows["label"].to_numpy()})


def clip_duration(clip: Clip) -> float:
    """Seconds the clip covers: the longest of its audio, pose (last frame + one frame) and last word.

    Parameters
    ----------
    clip
        The clip (any modality may be missing; segment ends count too).

    Returns
    -------
    float
        Duration in seconds (0 for an empty clip).
    """
    ends = [0.0]
    if clip.audio is not None:
        ends.append(float(clip.audio.duration))
    pose = clip.pose
    if pose is not None and pose.sizes["time"]:
        t = pose["time"].values
        fps = float(pose.attrs.get("fps") or 0)
        ends.append(float(t[-1]) + (1.0 / fps if np.isfinite(fps) and fps > 0 else 0.0))
    if clip.words is not None and len(clip.words):
        ends.append(float(clip.words["end"].max()))
    if clip.segments is not None and len(clip.segments):
        ends.append(float(clip.segments["end"].max()))
    return max(ends)


def clip_tiers(clip: Clip, *, min_pause_s: float = 0.25, group: str = "hands", high: float = 0.6,
               low: float | None = None, min_duration_s: float = 0.2,
               settings: motion.MotionSettings | None = None,
               kinematics: gestures.GestureSettings | None = None) -> pd.DataFrame:
    """Words, segments, pauses and gesture units of a clip in one interval table.

    Tiers without data (no transcript, no pose) are present but empty
    (``attrs["tiers"]`` always lists all four). Gesture units come from
    :func:`~.motion.movement_intensity` of ``group`` and
    :func:`~.motion.gesture_units` (thresholds in shoulder widths per second);
    units spanning a camera cut are dropped unless ``settings.cut_handling="ignore"``.
    ``attrs["duration_s"]`` is :func:`clip_duration`.

    Parameters
    ----------
    clip
        The clip.
    min_pause_s
        Shortest pause in seconds (:func:`~.speech.detect_pauses`).
    group
        Body-part group whose movement makes gesture units.
    high, low
        Enter and exit thresholds of :func:`~.motion.gesture_units`, in shoulder
        widths per second (``low`` defaults to ``high / 2``).
    min_duration_s
        Shortest gesture unit in seconds.
    settings
        How movement is measured; default :class:`~.motion.MotionSettings`.
    kinematics
        Also add the tiers of :func:`kinematics_tiers` (submovements, holds,
        gesture space), measured with these settings; None: leave them out.

    Returns
    -------
    pandas.DataFrame
        Interval table ``start, end, label, tier``; attrs ``tiers`` and ``duration_s``.
    """
    check_nonnegative("min_pause_s", min_pause_s)
    check_nonnegative("high", high)
    check_nonnegative("low", low, allow_none=True)
    check_nonnegative("min_duration_s", min_duration_s)
    duration = clip_duration(clip)
    parts = []
    if clip.words is not None:
        parts.append(words_tier(clip.words))
        parts.append(pauses_tier(speech.detect_pauses(clip.words, min_pause_s=min_pause_s, span=(0.0, duration))))
    if clip.segments is not None and len(clip.segments):
        parts.append(segments_tier(clip.segments))
    pose = clip.pose
    if pose is not None and pose.sizes["time"] >= 2:
        settings = settings or motion.MotionSettings()
        cuts, _ = motion.shot_cuts(pose, settings=settings, metadata=clip.metadata)
        inten = motion.movement_intensity(pose, group=group, cuts=cuts, cut_guard_s=settings.cut_guard_s,
                                          **settings.intensity_options(group))
        units = motion.gesture_units(inten, high=high, low=low, min_duration_s=min_duration_s)
        units = units[~motion.spans_cut(units["start"].to_numpy(), units["end"].to_numpy(), cuts)]
        parts.append(gesture_tier(units, duration=duration))
        if kinematics is not None:
            detail = gestures.gesture_table(pose, settings=kinematics, metadata=clip.metadata, details=True)
            parts.append(kinematics_tiers(detail))
    names = list(TIERS) + (list(KINEMATICS_TIERS) if kinematics is not None else [])
    table = make_intervals(pd.concat(parts, ignore_index=True) if parts else [], tiers=names)
    table.attrs["duration_s"] = duration
    return table
