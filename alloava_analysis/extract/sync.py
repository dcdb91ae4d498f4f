"""Audio-video offset check: mouth movement (video clock) against the speech envelope (audio clock).

While someone speaks, the mouth opens as the sound of a syllable starts and
closes as it ends. The check compares how fast the mouth opens (the frame-to-
frame change of the lip gap and of MediaPipe's ``jawOpen`` blendshape) with
how fast the speech gets louder (the change of the 300-3000 Hz log-energy
envelope, where the voice's formants are and slow room noise is not), over
lags of up to ``max_lag_s``. Using changes rather than levels makes onsets and
offsets, not long stretches of open mouth or loud vowels, decide the lag; on
real talking faces this is what brings the estimate within one video frame.

Sign convention: a **positive offset means the audio lags the picture** (the
sound of a mouth movement arrives ``offset_s`` after it is seen), i.e. the
mouth series leads the speech series (the
:mod:`alloava_analysis.crossmodal.correlation` convention with mouth as ``x``).

**When is an estimate reliable?** The correlation peak within ``+-max_lag_s``
is compared with the peaks found (over the same range of lags) when the speech
series is circularly shifted against the mouth series by every offset at least
``2 * max_lag_s + null_margin_s`` (1.5 s) away from zero, so that no surrogate
sees the true lag: real speech of the same clip at the wrong time, its rhythm,
pauses and loudness kept. The estimate is reliable when
its surrogate p-value is at most ``alpha``, with at least ``5 / alpha``
surrogates so that this is never decided by a p-value at the floor of too few
surrogates, and the peak is not at the edge of the search range.

**When does it abstain** (``offset_s`` NaN, ``reliable`` False, ``reason``
saying why)? Without a tracked face in at least half of the frames; when the
mouth barely moves (nobody visibly speaking); when the audio is silent; when
the clip is too short for enough surrogates (about 8 s with the defaults: the
3-s sentences of the GRID corpus are refused, 9 s of them are enough).

Measured on real talking faces (GRID corpus sentences, see
``scripts/measure_av_offset.py``) the check recovers planted shifts of -0.4 to
+0.4 s within one video frame and calls them reliable in every case on 9-12 s
clips, and flags no in-sync clip.
"""
from __future__ import annotations

import logging

import numpy as np
import xarray as xr
from scipy import ndimage, signal

from ..checks import check_int, check_nonnegative, check_positive, check_range
from ..clocks import resample_to_times
from ..errors import ParameterError, SchemaError
from ..features.speech import ANALYSIS_RATE, resample_audio, rms_envelope, to_mono
from ..model import validate_pose
from ..schema import FACE_LANDMARKS

log = logging.getLogger(__name__)

#: Default flagging tolerance in seconds. ITU-R BT.1359 puts the threshold of
#: detectability at about 45 ms audio-early and 125 ms audio-late; one frame at
#: 25 fps is 40 ms, so 100 ms is a conservative, frame-rate-robust default.
DEFAULT_TOLERANCE_S = 0.1
#: The speech band whose log-energy envelope is compared with the mouth (Hz).
SPEECH_BAND_HZ = (300.0, 3000.0)
#: Levels more than this far below the loudest 30-ms frame count as silence (dB).
ENVELOPE_FLOOR_DB = 50.0
#: The loudest frame must reach this level (dB re full scale) for the audio to count as sound.
SILENCE_DB = -60.0
#: At least this many surrogates per ``1 / alpha`` (so that p can fall below alpha with margin).
SURROGATES_PER_ALPHA = 5
METHOD = ("xcorr(d/dt mouth opening and jawOpen, d/dt 300-3000 Hz log-energy envelope); "
          "null: circularly shifted speech of the same clip")


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


def mouth_signals(face: xr.Dataset) -> tuple[list[str], np.ndarray]:
    """The mouth series the offset check compares with speech: lip opening and, when present, ``jawOpen``.

    Parameters
    ----------
    face
        A ``mediapipe_face_478`` pose dataset, with or without ``blendshapes``.

    Returns
    -------
    tuple
        The series' names and an array (frames, series); NaN where no face.
    """
    names, columns = ["mouth_opening"], [mouth_opening(face)]
    if "blendshapes" in face and "jawOpen" in face["blendshape"].values.tolist():
        jaw = face["blendshapes"].sel(blendshape="jawOpen").values.astype(np.float64)
        jaw = np.where(np.isfinite(columns[0]), jaw, np.nan)  # blendshapes of a lost face are not kept either
        names.append("jawOpen")
        columns.append(jaw)
    return names, np.column_stack(columns)


def speech_envelope_db(audio: np.ndarray, samplerate: int, *, rate_hz: float = 100.0,
                       band_hz: tuple[float, float] = SPEECH_BAND_HZ, frame_s: float = 0.03) -> tuple:
    """Log energy of the speech band in centred frames every ``1 / rate_hz`` s, floored 50 dB below its peak.

    Parameters
    ----------
    audio
        Samples on the media clock (sample 0 at time 0), mono or (n, channels).
    samplerate
        Rate of ``audio`` in Hz (resampled to 16 kHz first when higher).
    rate_hz
        Frames per second.
    band_hz
        Pass band in Hz (a 4th-order zero-phase Butterworth band-pass: no delay).
    frame_s
        Frame length in seconds.

    Returns
    -------
    tuple
        ``(times, level_db, peak_db)``: frame centres in seconds, the floored
        level, and the level of the loudest frame before flooring (dB re full scale).
    """
    check_int("samplerate", samplerate, minimum=1)
    check_positive("rate_hz", rate_hz)
    check_positive("frame_s", frame_s)
    y = to_mono(audio).astype(np.float64)
    rate = min(int(samplerate), ANALYSIS_RATE)
    low, high = _check_band(band_hz, rate)
    if rate != samplerate:
        y = resample_audio(y, samplerate, rate)
    if y.size > 27:  # sosfiltfilt's default padding needs a few samples
        y = signal.sosfiltfilt(signal.butter(4, (low, high), "bandpass", fs=rate, output="sos"), y)
    env = rms_envelope(y.astype(np.float32), samplerate=rate, hop_s=1.0 / rate_hz, frame_s=frame_s,
                       analysis_rate=None)
    level = env["rms_db"].to_numpy()
    peak = float(level.max()) if level.size else -np.inf
    return env["time"].to_numpy(), np.maximum(level, peak - ENVELOPE_FLOOR_DB), peak


def _check_band(band_hz, rate: int) -> tuple[float, float]:
    """``band_hz`` as (low, high) with 0 < low < high < Nyquist, else a ParameterError."""
    try:
        low, high = (float(v) for v in band_hz)
    except (TypeError, ValueError):
        raise ParameterError(f"invalid value for band_hz: expected (low, high) in Hz, got {band_hz!r}",
                             name="band_hz") from None
    if not (0 < low < high < rate / 2):
        raise ParameterError(f"invalid value for band_hz: expected 0 < low < high < {rate / 2:g} Hz (the "
                             f"Nyquist frequency at {rate} Hz), got {band_hz!r}", name="band_hz")
    return low, high


def _circular_correlation(x: np.ndarray, y: np.ndarray, min_overlap: int) -> np.ndarray:
    """Pearson r between ``x[i]`` and ``y[(i + k) % n]`` for every k, over the samples finite in both."""
    mx, my = np.isfinite(x).astype(float), np.isfinite(y).astype(float)
    x0, y0 = np.where(mx > 0, x, 0.0), np.where(my > 0, y, 0.0)
    n = x.size

    def cc(a: np.ndarray, b: np.ndarray) -> np.ndarray:  # sum_i a[i] * b[(i + k) % n]
        return np.fft.irfft(np.conj(np.fft.rfft(a)) * np.fft.rfft(b), n)

    count = np.rint(cc(mx, my))
    sx, sy, sxy = cc(x0, my), cc(mx, y0), cc(x0, y0)
    sxx, syy = cc(x0 * x0, my), cc(mx, y0 * y0)
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = sxy - sx * sy / count
        var = (sxx - sx * sx / count) * (syy - sy * sy / count)
        r = np.where((count >= min_overlap) & (var > 0), cov / np.sqrt(np.maximum(var, 0)), np.nan)
    return r


def estimate_av_offset(mouth: np.ndarray, frame_times: np.ndarray, audio: np.ndarray, samplerate: int, *,
                       max_lag_s: float = 0.5, tolerance_s: float = DEFAULT_TOLERANCE_S, rate_hz: float = 100.0,
                       alpha: float = 0.01, null_margin_s: float = 0.5,
                       band_hz: tuple[float, float] = SPEECH_BAND_HZ, min_face_fraction: float = 0.5,
                       min_mouth_range: float = 0.02) -> dict:
    """Estimate the audio-video offset of a talking-face clip and flag it beyond ``tolerance_s``.

    Parameters
    ----------
    mouth
        Mouth series per video frame, shape (frames,) or (frames, series)
        (e.g. the columns of :func:`mouth_signals`); NaN = no face. The first
        series is the lip opening used for the moving-mouth check.
    frame_times
        The frames' times in seconds (media clock; variable frame rates welcome).
    audio
        Samples on the media clock (sample 0 at time 0), mono or (n, channels).
    samplerate
        Rate of ``audio`` in Hz.
    max_lag_s
        Offsets searched: ``[-max_lag_s, max_lag_s]``.
    tolerance_s
        Reliable offsets with a larger magnitude are flagged.
    rate_hz
        Rate of the common clock both series are moved onto.
    alpha
        Largest surrogate p-value of a reliable estimate; the clip must allow
        at least ``5 / alpha`` surrogates (see the module notes).
    null_margin_s
        The lags searched for each surrogate's peak stay this far beyond the
        search range (shifts of at least ``2 * max_lag_s + null_margin_s``).
    band_hz
        Pass band of the speech envelope in Hz.
    min_face_fraction
        Smallest share of frames with a tracked face.
    min_mouth_range
        Smallest spread (5th to 95th percentile) of the lip opening that
        counts as a moving mouth.

    Returns
    -------
    dict
        ``offset_s`` (positive: audio lags video; NaN when not estimated),
        ``r`` (mean correlation at the offset), ``r_at_zero``, ``p_value``,
        ``n_surrogates``, ``null_r95`` (95th percentile of the surrogate
        peaks), ``reliable``, ``flagged`` (reliable and ``|offset_s| >
        tolerance_s``), ``reason`` (why not reliable, else ""),
        ``tolerance_s``, ``max_lag_s``, ``alpha``, ``method``, ``convention``,
        ``n_frames``, ``face_fraction`` and ``speech_peak_db``.
    """
    check_int("samplerate", samplerate, minimum=1)
    check_positive("max_lag_s", max_lag_s)
    check_nonnegative("tolerance_s", tolerance_s)
    check_positive("rate_hz", rate_hz)
    check_range("alpha", alpha, 0.0, 1.0)
    check_nonnegative("null_margin_s", null_margin_s)
    _check_band(band_hz, min(int(samplerate), ANALYSIS_RATE))
    check_range("min_face_fraction", min_face_fraction, 0.0, 1.0)
    check_nonnegative("min_mouth_range", min_mouth_range)
    frame_times = np.asarray(frame_times, dtype=np.float64)
    mouth = np.asarray(mouth, dtype=np.float64)
    mouth = mouth[:, None] if mouth.ndim == 1 else mouth
    if mouth.ndim != 2 or mouth.shape[0] != frame_times.size:
        raise SchemaError(f"expected mouth of shape (frames,) or (frames, series) with {frame_times.size} frames "
                          f"(one per frame time), got {np.shape(mouth)}", where="mouth")
    report = {"offset_s": float("nan"), "r": float("nan"), "r_at_zero": float("nan"), "p_value": float("nan"),
              "n_surrogates": 0, "null_r95": float("nan"), "reliable": False, "flagged": False, "reason": "",
              "tolerance_s": float(tolerance_s), "max_lag_s": float(max_lag_s), "alpha": float(alpha),
              "method": METHOD, "convention": "positive: audio lags video", "n_frames": int(frame_times.size),
              "face_fraction": float("nan"), "speech_peak_db": float("nan")}
    finite = np.isfinite(mouth).all(axis=1)
    report["face_fraction"] = float(finite.mean()) if finite.size else 0.0
    if finite.sum() < 10 or report["face_fraction"] < min_face_fraction:
        report["reason"] = (f"expected a tracked face in at least {min_face_fraction:.0%} of the frames (and 10), "
                            f"got {int(finite.sum())} of {finite.size}: no face to read the lips from")
        return report
    spread = np.subtract(*np.percentile(mouth[finite, 0], [95, 5]))
    if spread < min_mouth_range:
        report["reason"] = (f"expected a moving mouth (5-95% range >= {min_mouth_range}), got a range of "
                            f"{spread:.3f}: nobody visibly speaking")
        return report
    env_t, env_db, peak_db = speech_envelope_db(audio, samplerate, rate_hz=rate_hz, band_hz=band_hz)
    report["speech_peak_db"] = round(peak_db, 2) if np.isfinite(peak_db) else peak_db
    if not peak_db > SILENCE_DB:
        report["reason"] = (f"expected speech in the audio, got silence (loudest frame {peak_db:.0f} dB re full "
                            f"scale in the {band_hz[0]:g}-{band_hz[1]:g} Hz band)")
        return report
    grid = np.arange(frame_times[finite][0], frame_times[finite][-1], 1.0 / rate_hz)
    lag = int(round(max_lag_s * rate_hz))
    margin = 2 * lag + int(round(null_margin_s * rate_hz))  # surrogate windows clear of the search range
    needed = int(np.ceil(SURROGATES_PER_ALPHA / alpha)) if alpha > 0 else np.inf
    n_surrogates = max(grid.size - 2 * margin + 1, 0)
    if n_surrogates < needed:
        report["reason"] = (f"too short: {grid.size / rate_hz:.1f} s of face video allows {n_surrogates} "
                            f"shifted-speech surrogates, expected at least {needed} (5 / alpha) for a test at "
                            f"alpha = {alpha}; about {(needed + 2 * margin) / rate_hz:.1f} s are needed")
        return report
    speech = np.gradient(resample_to_times(env_db, env_t, grid, method="linear"))
    curves = []
    for column in mouth.T:
        moving = np.gradient(resample_to_times(column, frame_times, grid, method="linear"))
        curves.append(_circular_correlation(moving, speech, min_overlap=grid.size // 2))
    r_all = np.nanmean(np.vstack(curves), axis=0) if len(curves) > 1 else curves[0]
    lags = np.arange(-lag, lag + 1)
    curve = r_all[lags % grid.size]
    if not np.isfinite(curve).any():
        report["reason"] = "cross-correlation undefined: the mouth or the speech series does not vary"
        return report
    best = int(np.nanargmax(curve))
    peak = float(curve[best])
    null = ndimage.maximum_filter1d(np.nan_to_num(r_all, nan=-np.inf), size=2 * lag + 1, mode="wrap")
    null = null[margin:grid.size - margin + 1]
    report.update(offset_s=float((lags[best] + _vertex(curve, best)) / rate_hz), r=peak,
                  r_at_zero=float(curve[lag]), n_surrogates=int(null.size),
                  p_value=float((1 + np.sum(null >= peak)) / (1 + null.size)),
                  null_r95=float(np.percentile(null, 95)))
    if report["p_value"] > alpha:
        report["reason"] = (f"correlation peak r = {peak:.2f} is not above chance (p = {report['p_value']:.3f} > "
                            f"{alpha} over {null.size} shifted-speech surrogates; 95% of them reach "
                            f"{report['null_r95']:.2f}): offset uncertain")
    elif best in (0, curve.size - 1):
        report["reason"] = f"best lag at the edge of the search range (+-{max_lag_s} s): offset may be larger"
    else:
        report["reliable"] = True
        report["flagged"] = bool(abs(report["offset_s"]) > tolerance_s)
    if report["flagged"]:
        log.warning("audio-video offset %.3f s exceeds the %.3f s tolerance (r = %.2f, p = %.4f)",
                    report["offset_s"], tolerance_s, peak, report["p_value"])
    return report


def _vertex(curve: np.ndarray, i: int) -> float:
    """Sub-sample position of the peak at ``i`` (parabola through it and its neighbours), in samples."""
    if i == 0 or i == curve.size - 1 or not np.isfinite(curve[i - 1:i + 2]).all():
        return 0.0
    den = curve[i - 1] - 2 * curve[i] + curve[i + 1]
    return float(0.5 * (curve[i - 1] - curve[i + 1]) / den) if den < 0 else 0.0


def check_av_sync(face: xr.Dataset, audio: np.ndarray, samplerate: int, **options) -> dict:
    """:func:`estimate_av_offset` from a face pose dataset (:func:`mouth_signals` per frame) and audio samples.

    Parameters
    ----------
    face
        A ``mediapipe_face_478`` pose dataset (see :func:`mouth_signals`).
    audio
        Samples on the media clock (sample 0 at time 0), mono or (n, channels).
    samplerate
        Rate of ``audio`` in Hz.
    options
        Further options of :func:`estimate_av_offset` (``tolerance_s``, ``max_lag_s``, ...).

    Returns
    -------
    dict
        The report of :func:`estimate_av_offset`, plus ``signals`` (the mouth series used).
    """
    names, mouth = mouth_signals(face)
    report = estimate_av_offset(mouth, face["time"].values, audio, samplerate, **options)
    report["signals"] = names
    return report
