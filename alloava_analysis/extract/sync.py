"""Audio-video offset check: mouth opening (video clock) against the speech energy envelope (audio clock).

While someone speaks, the mouth opens and closes with the loudness of the
speech. Cross-correlating the lip gap from the face landmarks with the RMS
envelope of the audio, over lags of up to ``max_lag_s``, gives the offset at
which they agree best. Sign convention: a **positive offset means the audio
lags the picture** (the sound of a mouth movement arrives ``offset_s`` after
it is seen), i.e. the mouth series leads the speech series (the
:mod:`alloava_analysis.crossmodal.correlation` convention with mouth as ``x``).

Both series are moved onto one uniform clock through
:func:`alloava_analysis.clocks.resample_to_times` and correlated with
:func:`alloava_analysis.crossmodal.lags.cross_correlation_lag`.
"""
from __future__ import annotations

import logging

import numpy as np
import xarray as xr

from ..checks import check_int, check_nonnegative, check_positive, check_range
from ..clocks import resample_to_times
from ..crossmodal.lags import cross_correlation_curve, cross_correlation_lag
from ..errors import SchemaError
from ..features.speech import rms_envelope
from ..model import validate_pose
from ..schema import FACE_LANDMARKS

log = logging.getLogger(__name__)

#: Default flagging tolerance in seconds. ITU-R BT.1359 puts the threshold of
#: detectability at about 45 ms audio-early and 125 ms audio-late; one frame at
#: 25 fps is 40 ms, so 100 ms is a conservative, frame-rate-robust default.
DEFAULT_TOLERANCE_S = 0.1


def mouth_opening(face: xr.Dataset) -> np.ndarray:
    """Inner-lip gap divided by mouth width per frame (scale- and distance-free; NaN where no face).

    Parameters
    ----------
    face
        A ``mediapipe_face_478`` pose dataset (normalised coordinates are
        scaled by the frame size first, so non-square frames measure right).

    Returns
    -------
    numpy.ndarray
        The ratio per frame (0: closed lips).
    """
    face = validate_pose(face)
    if face.attrs.get("layout") != "mediapipe_face_478":
        raise SchemaError(f"expected a mediapipe_face_478 pose dataset, got layout {face.attrs.get('layout')!r}",
                          path=face.attrs.get("source") or None)
    pos = face["position"].isel(individual=0).sel(space=["x", "y"]).values.astype(np.float64)  # (t, 2, kp)
    if face.attrs.get("coords") == "normalized" and face.attrs.get("frame_width"):
        pos = pos * np.array([face.attrs["frame_width"], face.attrs["frame_height"]], float)[None, :, None]
    names = face["keypoint"].values.tolist()

    def point(key: str) -> np.ndarray:
        return pos[:, :, names.index(f"face_{FACE_LANDMARKS[key]:03d}")]

    gap = np.linalg.norm(point("upper_lip_inner") - point("lower_lip_inner"), axis=1)
    width = np.linalg.norm(point("mouth_left") - point("mouth_right"), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(width > 0, gap / width, np.nan)


def estimate_av_offset(mouth: np.ndarray, frame_times: np.ndarray, audio: np.ndarray, samplerate: int, *,
                       max_lag_s: float = 1.0, tolerance_s: float = DEFAULT_TOLERANCE_S,
                       rate_hz: float = 100.0, min_r: float = 0.2, alpha: float = 0.05, n_surrogates: int = 39,
                       min_mouth_range: float = 0.02) -> dict:
    """Estimate the audio-video offset of a talking-head clip and flag it beyond ``tolerance_s``.

    Parameters
    ----------
    mouth
        Mouth opening per video frame (e.g. :func:`mouth_opening`); NaN = no face.
    frame_times
        The frames' times in seconds (media clock).
    audio
        Samples on the media clock (sample 0 at time 0), mono or (n, channels).
    samplerate
        Rate of ``audio``.
    max_lag_s
        Offsets searched: ``[-max_lag_s, max_lag_s]``.
    tolerance_s
        Offsets with a larger magnitude are flagged.
    rate_hz
        Rate of the common clock both series are moved onto.
    min_r
        Smallest peak correlation accepted as a reliable estimate.
    alpha, n_surrogates
        The peak must also beat chance: it is compared with the peaks found
        when the speech envelope is circularly shifted by more than
        ``max_lag_s + 1`` s (``n_surrogates`` shifts), and the estimate counts
        as reliable only when the surrogate p-value is at most ``alpha``.
    min_mouth_range
        Smallest spread (5th to 95th percentile) of the mouth opening that
        counts as a moving mouth.

    Returns
    -------
    dict
        ``offset_s`` (positive: audio lags video; NaN when not estimable),
        ``r`` (correlation at the offset), ``r_at_zero``, ``p_value`` and
        ``null_r95`` (95th percentile of the surrogate peaks), ``reliable``,
        ``flagged`` (reliable and ``|offset_s| > tolerance_s``), ``reason``
        (why not reliable, else ""), ``tolerance_s``, ``max_lag_s``,
        ``method`` and ``n_frames``.
    """
    check_int("samplerate", samplerate, minimum=1)
    check_positive("max_lag_s", max_lag_s)
    check_nonnegative("tolerance_s", tolerance_s)
    check_positive("rate_hz", rate_hz)
    check_range("min_r", min_r, -1.0, 1.0)
    check_range("alpha", alpha, 0.0, 1.0)
    check_int("n_surrogates", n_surrogates, minimum=0)
    check_nonnegative("min_mouth_range", min_mouth_range)
    frame_times = np.asarray(frame_times, dtype=np.float64)
    mouth = np.asarray(mouth, dtype=np.float64)
    report = {"offset_s": float("nan"), "r": float("nan"), "r_at_zero": float("nan"), "p_value": float("nan"),
              "null_r95": float("nan"), "reliable": False,
              "flagged": False, "reason": "", "tolerance_s": float(tolerance_s), "max_lag_s": float(max_lag_s),
              "method": "xcorr(mouth opening, speech RMS envelope)", "convention": "positive: audio lags video",
              "n_frames": int(frame_times.size)}
    finite = np.isfinite(mouth)
    if finite.sum() < 10:
        report["reason"] = f"expected a tracked face in at least 10 frames, got {int(finite.sum())}"
        return report
    spread = np.subtract(*np.percentile(mouth[finite], [95, 5]))
    if spread < min_mouth_range:
        report["reason"] = (f"expected a moving mouth (5-95% range >= {min_mouth_range}), got a range of "
                            f"{spread:.3f}: nobody visibly speaking")
        return report
    samples = np.asarray(audio, dtype=np.float32)
    env = rms_envelope(samples, samplerate=samplerate, hop_s=1.0 / rate_hz, frame_s=0.04)
    grid = np.arange(frame_times[0], frame_times[-1], 1.0 / rate_hz)
    if grid.size < 20:
        report["reason"] = f"expected at least 0.2 s of video, got {frame_times[-1] - frame_times[0]:.3f} s"
        return report
    x = resample_to_times(mouth, frame_times, grid, method="linear")
    y = resample_to_times(env["rms"].to_numpy(), env["time"].to_numpy(), grid, method="linear")
    if not (np.nanstd(y) > 0):
        report["reason"] = "expected speech in the audio, got silence"
        return report
    try:
        lag, curve = cross_correlation_lag(x, y, rate_hz=rate_hz, max_lag_s=max_lag_s)
    except ValueError as err:
        report["reason"] = f"cross-correlation undefined: {err}"
        return report
    zero = curve.loc[curve["lag_samples"] == 0, "r"]
    report.update(offset_s=float(lag), r=float(curve.attrs["best_r"]),
                  r_at_zero=float(zero.iat[0]) if len(zero) else float("nan"))
    if np.isfinite(lag):
        null = _surrogate_peaks(x, y, rate_hz=rate_hz, max_lag_s=max_lag_s, n=n_surrogates)
        if null.size:
            report["p_value"] = float((1 + np.sum(null >= report["r"])) / (1 + null.size))
            report["null_r95"] = float(np.percentile(null, 95))
    if not np.isfinite(lag):
        report["reason"] = "no lag had enough overlapping frames"
    elif not report["p_value"] <= alpha:
        report["reason"] = (f"correlation peak r = {report['r']:.2f} is not above chance (surrogate p = "
                            f"{report['p_value']:.3f} > {alpha}; 95% of shifted-audio peaks reach "
                            f"{report['null_r95']:.2f}): offset uncertain")
    elif report["r"] < min_r:
        report["reason"] = f"expected a correlation peak >= {min_r}, got {report['r']:.2f}: offset uncertain"
    elif abs(lag) >= max_lag_s - 1.0 / rate_hz:
        report["reason"] = f"best lag at the edge of the search range (+-{max_lag_s} s): offset may be larger"
    else:
        report["reliable"] = True
        report["flagged"] = bool(abs(lag) > tolerance_s)
    if report["flagged"]:
        log.warning("audio-video offset %.3f s exceeds the %.3f s tolerance (r = %.2f)", lag, tolerance_s,
                    report["r"])
    return report


def _surrogate_peaks(x: np.ndarray, y: np.ndarray, *, rate_hz: float, max_lag_s: float, n: int) -> np.ndarray:
    """Peak correlations over the lag range after circularly shifting ``y`` far beyond it (the chance level)."""
    margin = int(round((max_lag_s + 1.0) * rate_hz))
    if y.size - 2 * margin < 1 or n < 1:
        return np.zeros(0)
    shifts = np.unique(np.linspace(margin, y.size - margin, n).astype(int))
    peaks = []
    for shift in shifts:
        r = cross_correlation_curve(x, np.roll(y, shift), rate_hz=rate_hz, max_lag_s=max_lag_s)["r"].to_numpy()
        if np.isfinite(r).any():
            peaks.append(np.nanmax(r))
    return np.asarray(peaks)


def check_av_sync(face: xr.Dataset, audio: np.ndarray, samplerate: int, **options) -> dict:
    """:func:`estimate_av_offset` from a face pose dataset (mouth opening per frame) and audio samples.

    Parameters
    ----------
    face
        A ``mediapipe_face_478`` pose dataset (see :func:`mouth_opening`).
    audio
        Samples on the media clock (sample 0 at time 0), mono or (n, channels).
    samplerate
        Rate of ``audio`` in Hz.
    options
        Further options of :func:`estimate_av_offset` (``tolerance_s``, ``max_lag_s``, ...).

    Returns
    -------
    dict
        The report of :func:`estimate_av_offset`.
    """
    return estimate_av_offset(mouth_opening(face), face["time"].values, audio, samplerate, **options)
