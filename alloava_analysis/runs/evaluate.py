"""``alloava evaluate``: generated motion (and talking heads) evaluated against real data.

Both sides are corpora in the Allo-AVA layout, or folders of videos that are
extracted first (:func:`~alloava_analysis.extract.pipeline.extract_video`
with face tracking; the models used are recorded in the result). Each clip is
normalised (:mod:`alloava_analysis.evaluate.normalize`), cut into windows
(:mod:`alloava_analysis.evaluate.features`) and measured; the corpus-level
metrics then compare the two sets of windows and frames. Clips that cannot be
loaded or measured are listed in ``failed`` with the reason; the others are
evaluated.
"""
from __future__ import annotations

import logging
import tempfile
import warnings
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Callable

import numpy as np
import xarray as xr
from tqdm.auto import tqdm

from ..checks import check_option
from ..corpus import Corpus
from ..errors import AlloAvaError, ExtractionError, InputPathError, ParameterError
from ..evaluate.beats import beat_alignment, motion_beats
from ..evaluate.clip import EVALUATION_VERSION, ClipMeasures, measure_clip
from ..evaluate.distances import average_pairwise_distance, hellinger_distance, speed_histograms
from ..evaluate.embedders import Embedder, load_embedder
from ..evaluate.face import ANGLES, blinks_per_minute, head_angular_speed
from ..evaluate.features import FEATURE_SETS
from ..evaluate.frechet import frechet_report
from ..evaluate.normalize import NORMALIZATION, keypoint_set
from ..io.audio import open_audio
from ..io.extraction import extraction_path, read_pose_dataset
from ..io.layout import MODALITY_EXTENSIONS, scan_layout
from ..model import Clip
from .settings import EvaluateSettings

__all__ = ["CorpusMeasures", "evaluate_corpora", "evaluate_paths", "measure_corpus", "prepare_side"]

log = logging.getLogger(__name__)

FACE_LAYOUT = "mediapipe_face_478"
SIDES = ("real", "generated")
VIDEO_SUFFIXES = tuple(sorted(set(MODALITY_EXTENSIONS["video"]) | {".mp4", ".mov", ".mkv", ".webm", ".avi"}))


def _face_of(root: Path, clip_id: str) -> xr.Dataset | None:
    path = extraction_path(root, clip_id, FACE_LAYOUT)
    return read_pose_dataset(path) if path.exists() else None


@dataclass
class CorpusMeasures:
    """Every clip's measures of one side, with the clips that failed and the options used."""

    root: str
    clips: list[ClipMeasures]
    failed: list[dict]
    options: dict
    corpus: Corpus | None = None


def measure_corpus(corpus: Corpus | str | Path, *, side: str = "real", audio_from: Corpus | None = None,
                   rate_hz: float = 30.0, window_s: float = 2.0, hop_s: float | None = None,
                   confidence_threshold: float = 0.5, max_gap_s: float = 0.5, cut_handling: str = "exclude",
                   keypoints: str = "upper_body", progress: bool = True, workers: int | None = 1,
                   scheduler: Any = None) -> CorpusMeasures:
    """Measure every clip of a corpus (:func:`measure_clip`); measure the real side once, compare often.

    Failed clips (unloadable, no pose, shoulders never visible) are listed
    in ``failed`` as ``{clip_id, side, reason}``; the others are measured.

    Parameters
    ----------
    corpus
        A :class:`~alloava_analysis.corpus.Corpus` or its folder.
    side
        ``"real"`` or ``"generated"`` (recorded with failures).
    audio_from
        For clips without audio, take the audio of the clip with the same id
        from this corpus (the real speech a generator was driven by).
    rate_hz
        Frame rate every clip is resampled to, Hz.
    window_s, hop_s
        Window length and hop of the motion samples, seconds (``hop_s`` defaults to ``window_s``).
    confidence_threshold, max_gap_s
        Pose cleaning before normalisation: keypoints under this confidence are missing, gaps up to
        ``max_gap_s`` seconds are interpolated.
    cut_handling
        Camera cuts, one of :data:`alloava_analysis.choices.CUT_HANDLING`.
    keypoints
        Measured keypoint set, one of :data:`alloava_analysis.choices.EVAL_KEYPOINT_SETS`.
    progress
        Show a progress bar on stderr.
    workers, scheduler
        Where the clips are measured (:meth:`~alloava_analysis.corpus.Corpus.map`);
        the measures are in clip order whatever the executor.

    Returns
    -------
    CorpusMeasures
        The measured clips, the failed ones and the options (pass it as ``real`` to
        :func:`evaluate_corpora` to compare several generators with one real set).
    """
    options = dict(rate_hz=rate_hz, window_s=window_s, hop_s=hop_s, confidence_threshold=confidence_threshold,
                   max_gap_s=max_gap_s, cut_handling=cut_handling, keypoints=keypoints)
    EvaluateSettings.resolve(**options)  # the evaluation's own checks, once, before any clip is measured
    check_option("side", side, SIDES)
    if audio_from is not None and not isinstance(audio_from, Corpus):
        raise ParameterError(f"expected audio_from to be a Corpus or None, got {type(audio_from).__name__}",
                             name="audio_from")
    corpus = corpus if isinstance(corpus, Corpus) else Corpus(corpus)
    real_audio = {}
    if audio_from is not None and "audio" in audio_from.index:
        real_audio = {r["clip_id"]: r["audio"] for r in audio_from.index.to_dict("records") if r.get("audio")}
    done, failed = corpus.map(partial(_measure_one, corpus.root, real_audio, options), workers=workers,
                              scheduler=scheduler, progress=progress, desc=f"{side} clips",
                              catch=(AlloAvaError, ValueError, OSError))
    failed = [{"clip_id": f["clip_id"], "side": side, "reason": f["reason"]} for f in failed]
    return CorpusMeasures(str(corpus.root), [m for _, m in done], failed, options, corpus)


def _measure_one(root: Path, real_audio: dict[str, str], options: dict, clip: Clip) -> ClipMeasures:
    """:func:`measure_clip` of one corpus clip, with its face track and, if it has none, the real side's audio."""
    audio, source = None, "own"
    if clip.audio is None and clip.clip_id in real_audio:
        audio, source = open_audio(real_audio[clip.clip_id]), "real"
    return measure_clip(clip, face=_face_of(root, clip.clip_id), audio=audio, audio_source=source, **options)


def _unavailable(reason: str, **extra) -> dict:
    return {"value": None, "reason": reason, **extra}


def _stack_windows(ms: list[ClipMeasures], n_keypoints: int) -> tuple[np.ndarray, np.ndarray]:
    wins = [m.windows for m in ms if len(m.windows)]
    if not wins:
        return np.zeros((0, 1, n_keypoints, 2)), np.zeros(0, dtype=object)
    groups = np.concatenate([np.full(len(m.windows), m.clip_id, dtype=object) for m in ms if len(m.windows)])
    return np.concatenate(wins), groups


def _pooled(ms: list[ClipMeasures], key: str) -> np.ndarray:
    vals = [getattr(m, key) for m in ms]
    v = np.concatenate(vals) if vals else np.zeros(0)
    return v[np.isfinite(v)]


def _compare(real: float | None, gen: float | None, **extra) -> dict:
    ok = real is not None and gen is not None and np.isfinite(real) and np.isfinite(gen)
    return {"generated": gen, "real": real, "difference": (gen - real) if ok else None,
            "ratio": (gen / real) if ok and real != 0 else None, **extra}


def _mean_or_none(values: list[float]) -> float | None:
    v = np.asarray([x for x in values if x is not None and np.isfinite(x)], float)
    return float(v.mean()) if v.size else None


def _beat_score(ms: list[ClipMeasures], beats_of: Callable[[ClipMeasures], np.ndarray | None], *,
                sigma_s: float, direction: str) -> tuple[float | None, int]:
    scores = []
    for m in ms:
        beats = beats_of(m)
        if m.onsets is None or beats is None:
            continue
        scores.append(beat_alignment(beats, m.onsets, sigma_s=sigma_s, direction=direction))
    finite = [s for s in scores if np.isfinite(s)]
    return _mean_or_none(finite), len(finite)


def _fd_metric(fs_meta: dict, real_f: np.ndarray, gen_f: np.ndarray, real_g, gen_g, *, standardize: bool,
               n_boot: int, seed: int, progress: bool) -> dict:
    if len(real_f) < 2 or len(gen_f) < 2:
        return _unavailable(f"expected at least 2 complete windows on each side, got {len(real_f)} real and "
                            f"{len(gen_f)} generated", features=fs_meta)
    rep = frechet_report(real_f, gen_f, real_groups=real_g, generated_groups=gen_g, standardize=standardize,
                         n_boot=n_boot, seed=seed, progress=progress, desc=f"bootstrap {fs_meta['name']}")
    return {**rep, "features": fs_meta}


def _head_beats(m: ClipMeasures) -> np.ndarray | None:
    if m.head is None:
        return None
    return motion_beats(head_angular_speed(m.head), m.head["time"].to_numpy())


def _head_std(ms: list[ClipMeasures]) -> dict | None:
    rows = [m.head[list(ANGLES)].std().to_numpy() for m in ms if m.head is not None and len(m.head) > 1]
    rows = [r for r in rows if np.isfinite(r).all()]
    if not rows:
        return None
    return {k: float(v) for k, v in zip(ANGLES, np.mean(rows, axis=0))} | {"clips": len(rows)}


def _blinks(ms: list[ClipMeasures]) -> dict | None:
    per_clip, methods, count, minutes = [], set(), 0, 0.0
    for m in ms:
        if m.closure is None:
            continue
        t, c, method = m.closure
        rate, n, mins = blinks_per_minute(t, c)
        if mins > 0:
            per_clip.append({"clip_id": m.clip_id, "blinks_per_min": rate, "blinks": n, "minutes": mins})
            methods.add(method)
            count, minutes = count + n, minutes + mins
    if not per_clip:
        return None
    return {"rate": count / minutes, "blinks": count, "minutes": minutes, "method": sorted(methods),
            "per_clip": per_clip}


def _talking_head(real: list[ClipMeasures], gen: list[ClipMeasures], *, sigma_s: float, direction: str,
                  n_boot: int, seed: int) -> dict:
    out: dict = {}
    b_r, b_g = _blinks(real), _blinks(gen)
    if b_g is not None or b_r is not None:
        out["blinks_per_min"] = _compare(b_r and b_r["rate"], b_g and b_g["rate"],
                                         method={"real": b_r and b_r["method"], "generated": b_g and b_g["method"]},
                                         blinks={"real": b_r and b_r["blinks"], "generated": b_g and b_g["blinks"]},
                                         minutes={"real": b_r and b_r["minutes"],
                                                  "generated": b_g and b_g["minutes"]},
                                         per_clip={"real": b_r and b_r["per_clip"],
                                                   "generated": b_g and b_g["per_clip"]})
    s_r, s_g = _head_std(real), _head_std(gen)
    if s_r is not None or s_g is not None:
        out["head_pose_std"] = {"generated": s_g, "real": s_r, "units": "degrees",
                                "definition": "per-clip standard deviation of pitch, yaw and roll, averaged "
                                              "over clips (head-pose diversity within a clip)"}
        centred = []
        for ms in (real, gen):
            rows = [m.head[list(ANGLES)].to_numpy(float) for m in ms if m.head is not None]
            rows = [r[np.isfinite(r).all(axis=1)] for r in rows]
            ids = [m.clip_id for m in ms if m.head is not None]
            keep = [(r - np.median(r, axis=0), i) for r, i in zip(rows, ids) if len(r) >= 2]
            centred.append((np.concatenate([r for r, _ in keep]) if keep else np.zeros((0, 3)),
                            np.concatenate([np.full(len(r), i, dtype=object) for r, i in keep]) if keep
                            else np.zeros(0, dtype=object)))
        (hr, gr), (hg, gg) = centred
        meta = {"name": "head-pose-centred", "version": "1", "definition": "per-frame pitch, yaw, roll (degrees) "
                "minus the clip median", "standardized": False, "dims": 3}
        out["head_pose_fd"] = _fd_metric(meta, hr, hg, gr, gg, standardize=False, n_boot=n_boot, seed=seed,
                                         progress=False)
        r_score, r_n = _beat_score(real, _head_beats, sigma_s=sigma_s, direction=direction)
        g_score, g_n = _beat_score(gen, _head_beats, sigma_s=sigma_s, direction=direction)
        out["head_beat_align"] = _compare(r_score, g_score, clips={"real": r_n, "generated": g_n},
                                          sigma_s=sigma_s, direction=direction)
    return out


def _side_summary(ms: list[ClipMeasures], failed: list[dict], info: dict) -> dict:
    audio = {"own": 0, "real": 0, "none": 0}
    for m in ms:
        audio[m.audio_source if m.onsets is not None and m.audio_source else "none"] += 1
    return {**info, "clips_evaluated": len(ms), "windows": int(sum(len(m.windows) for m in ms)),
            "windows_dropped": int(sum(m.dropped for m in ms)),
            "frames": int(sum(len(m.times) for m in ms)),
            "face_clips": int(sum(m.closure is not None or m.head is not None for m in ms)),
            "audio": audio, "failed": len(failed),
            "notes": [{"clip_id": m.clip_id, "note": n} for m in ms for n in m.notes]}


def evaluate_corpora(real: "Corpus | CorpusMeasures | str | Path", generated: Corpus | str | Path,
                     settings: EvaluateSettings | None = None, *, side_info: dict | None = None,
                     progress: bool = True, workers: int | None = 1, scheduler: Any = None, **options: Any) -> dict:
    """Compare generated motion with real motion: the metrics of ``alloava evaluate``.

    Parameters
    ----------
    real, generated
        Corpora (or their folders) in the Allo-AVA layout; face datasets from
        extraction (``extraction/<clip>.mediapipe_face_478.parquet``) add the
        talking-head metrics. A generated clip without audio uses the real
        clip's audio with the same clip id for its onsets, when there is one.
        ``real`` may also be :func:`measure_corpus` output made with the same
        options, to evaluate several generators against one real set.
    settings
        Every choice of the evaluation (default :class:`~alloava_analysis.runs.settings.EvaluateSettings`);
        its fields, which ``options`` may also give, are:
    window_s, hop_s
        Window length and hop (seconds) of the samples for FD and APD.
    rate_hz
        Analysis frame rate both sides are resampled to.
    embedder
        Optional learned feature extractor (callable or file, see
        :func:`~.embedders.load_embedder`); adds ``fgd_embedding``.
    n_boot
        Bootstrap resamples (over clips) for every Fréchet distance interval.
    sigma_s, direction
        Beat-alignment tolerance and direction (:func:`~.beats.beat_alignment`).
    speed_bins
        Bins of the speed histograms for the Hellinger distance.
    confidence_threshold, max_gap_s
        Cleaning before normalisation (:func:`~.normalize.normalize_pose`).
    keypoints
        ``"upper_body"`` (default, 11 points) or ``"head"`` (7 head and
        shoulder points, for talking-head videos framed without arms).
    cut_handling
        ``"exclude"`` (default) measures the shots between camera cuts
        separately; ``"ignore"`` treats each clip as one shot (:func:`measure_clip`).
    seed
        Seeds the bootstrap, the FD-infinity subsets and APD subsampling.
    side_info
        Per-side facts to record (e.g. the extraction models of video folders).
    progress
        Show progress bars on stderr.
    workers, scheduler
        Where the clips are measured (:func:`measure_corpus`); the metrics are
        the same whatever the executor.
    options
        Fields of :class:`EvaluateSettings` replacing those of ``settings``.

    Returns
    -------
    dict
        ``metrics`` (``fgd_kinetic``, ``fgd_geometric``, ``apd``,
        ``beat_align``, ``jerk``, ``acceleration``, ``hellinger_speed``,
        optional ``fgd_embedding``; with face data ``blinks_per_min``,
        ``head_pose_std``, ``head_pose_fd``, ``head_beat_align``),
        ``normalization``, ``feature_sets``, ``embedder``, ``settings``,
        ``real`` and ``generated`` (per-side counts), ``failed``
        (``{clip_id, side, reason}``).
    """
    s = EvaluateSettings.resolve(settings, **options)
    emb: Embedder | None = load_embedder(s.embedder) if s.embedder is not None else None
    options = s.measure_options()
    if isinstance(real, CorpusMeasures):
        real_cm = real
        if real_cm.options != options:
            raise ParameterError(f"expected the real measures to use the same options {options}, got "
                                 f"{real_cm.options}", name="real")
    else:
        real = real if isinstance(real, Corpus) else Corpus(real)
        real_cm = measure_corpus(real, side="real", progress=progress, workers=workers, scheduler=scheduler,
                                 **options)
    gen_cm = measure_corpus(generated, side="generated", audio_from=real_cm.corpus, progress=progress,
                            workers=workers, scheduler=scheduler, **options)
    real_m, real_fail, gen_m, gen_fail = real_cm.clips, real_cm.failed, gen_cm.clips, gen_cm.failed
    names = keypoint_set(s.keypoints)
    wr, gr = _stack_windows(real_m, len(names))
    wg, gg = _stack_windows(gen_m, len(names))

    metrics: dict = {}
    feature_sets = []
    for key, fs in (("fgd_kinetic", FEATURE_SETS["kinetic"]), ("fgd_geometric", FEATURE_SETS["geometric"])):
        fr = fs.compute(wr, s.rate_hz, names) if len(wr) else np.zeros((0, 1))
        fg = fs.compute(wg, s.rate_hz, names) if len(wg) else np.zeros((0, 1))
        meta = fs.meta(fr.shape[1] if len(fr) else None, names)
        feature_sets.append(meta)
        metrics[key] = _fd_metric(meta, fr, fg, gr, gg, standardize=fs.standardize, n_boot=s.n_boot, seed=s.seed,
                                  progress=progress)
    if emb is not None:
        meta = {"name": f"embedding:{emb.name}", "version": (emb.sha256 or "callable")[:16], "standardized": False,
                "embedder": emb.meta()}
        er = emb(wr) if len(wr) else np.zeros((0, 1))
        eg = emb(wg) if len(wg) else np.zeros((0, 1))
        meta["dims"] = int(er.shape[1]) if len(er) else None
        feature_sets.append(meta)
        metrics["fgd_embedding"] = _fd_metric(meta, er, eg, gr, gg, standardize=False, n_boot=s.n_boot, seed=s.seed,
                                              progress=progress)

    apd = {side: (average_pairwise_distance(w, seed=s.seed) if len(w) >= 2 else None)
           for side, w in (("real", wr), ("generated", wg))}
    metrics["apd"] = _compare(apd["real"], apd["generated"], n_real=len(wr), n_generated=len(wg),
                              units=NORMALIZATION["units"],
                              definition=f"mean Euclidean distance between pairs of {s.window_s} s windows of "
                                         f"normalised pose (flattened), up to 1000 windows per side")
    r_score, r_n = _beat_score(real_m, lambda m: m.beats, sigma_s=s.sigma_s, direction=s.direction)
    g_score, g_n = _beat_score(gen_m, lambda m: m.beats, sigma_s=s.sigma_s, direction=s.direction)
    metrics["beat_align"] = _compare(r_score, g_score, clips={"real": r_n, "generated": g_n}, sigma_s=s.sigma_s,
                                     direction=s.direction,
                                     definition="AIST++ beat align score per clip (local minima of mean keypoint "
                                                "speed vs audio onsets), averaged over clips")
    for key, units in (("jerk", "shoulder widths / s^3"), ("acceleration", "shoulder widths / s^2")):
        vr, vg = _pooled(real_m, key), _pooled(gen_m, key)
        metrics[key] = _compare(float(vr.mean()) if vr.size else None, float(vg.mean()) if vg.size else None,
                                units=units, frames={"real": int(vr.size), "generated": int(vg.size)},
                                definition=f"mean {key} magnitude over keypoints and frames at {s.rate_hz} Hz "
                                           f"(GENEA-style)")
    sr, sg = _pooled(real_m, "speed"), _pooled(gen_m, "speed")
    if sr.size and sg.size:
        edges, hr, hg = speed_histograms(sr, sg, bins=s.speed_bins)
        metrics["hellinger_speed"] = {"value": hellinger_distance(hr, hg), "bins": s.speed_bins,
                                      "range": [0.0, float(edges[-1])], "units": "shoulder widths / s",
                                      "frames": {"real": int(sr.size), "generated": int(sg.size)}}
    else:
        metrics["hellinger_speed"] = _unavailable("expected frames with a speed on both sides")
    metrics.update(_talking_head(real_m, gen_m, sigma_s=s.sigma_s, direction=s.direction, n_boot=s.n_boot, seed=s.seed))

    info = side_info or {}
    failed = real_fail + gen_fail
    return {
        "metrics": metrics,
        "evaluation_version": EVALUATION_VERSION,
        "normalization": NORMALIZATION,
        "feature_sets": feature_sets,
        "embedder": emb.meta() if emb is not None else None,
        "settings": {**s.to_dict(), "hop_s": s.hop_s or s.window_s},
        "real": _side_summary(real_m, real_fail, {"path": real_cm.root, **info.get("real", {})}),
        "generated": _side_summary(gen_m, gen_fail, {"path": gen_cm.root, **info.get("generated", {})}),
        "failed": failed,
        "skipped": [],
        "notes": [],
    }


def _not_a_video(path: Path) -> str | None:
    """Why ``path`` (named like a video) cannot be one, or None when it opens with a video stream."""
    if path.is_symlink():
        try:
            path.resolve(strict=True)
        except RuntimeError:  # Python 3.11 reports a symlink loop this way
            return "a link loop"
        except OSError as err:
            return "a link loop" if err.errno == 40 else "a broken link (its target does not exist)"
    if path.is_dir():
        return "a folder, not a video file"
    if not path.is_file():
        return "not a regular file"
    if path.stat().st_size == 0:
        return "an empty file (0 bytes)"
    try:
        import av

        with av.open(str(path)) as container:
            if not container.streams.video:
                return "no video stream in the file"
    except ImportError:  # pragma: no cover - extraction (the [extract] extra) says so itself
        return None
    except Exception as err:  # noqa: BLE001 - PyAV raises its own errors for every kind of bad file
        return f"not a readable video ({type(err).__name__}: {str(err)[:120]})"
    return None


def _videos(folder: Path, side: str) -> tuple[list[Path], list[dict]]:
    """The videos of ``folder`` and the entries named like videos that are not: ``{path, side, reason}``."""
    videos, skipped = [], []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or not entry.name.lower().endswith(VIDEO_SUFFIXES):
            continue
        reason = _not_a_video(entry)
        if reason is None:
            videos.append(entry)
        else:
            skipped.append({"path": str(entry), "side": side, "reason": reason})
    return videos, skipped


def prepare_side(path: str | Path, *, work_dir: str | Path, side: str, progress: bool = True,
                 allow_download: bool = True, **extract_options) -> tuple[Corpus, dict]:
    """A corpus for ``path``: the folder itself, or its videos extracted.

    The folder itself when it is in the Allo-AVA layout with keypoints, else its
    videos (top level, or ``video/``) extracted with face tracking into ``work_dir/side``.

    Clips already extracted there (their keypoint and face files exist) are not extracted again.

    Parameters
    ----------
    path
        A corpus folder in the Allo-AVA layout, or a folder of videos (at its top level or in ``video/``).
    work_dir
        Folder the videos are extracted under (into ``work_dir/side``).
    side
        Which side this is (``"real"`` or ``"generated"``): the subfolder of ``work_dir`` and the ``side``
        of failures.
    progress
        Show progress bars on stderr.
    allow_download
        Let extraction download a model that no offline copy provides.
    extract_options
        Further options of :func:`~alloava_analysis.extract.pipeline.extract_video` (``pose_model``,
        ``face_model``, ...).

    Returns
    -------
    corpus : Corpus
        ``path`` itself, or the corpus of the extracted videos.
    info : dict
        ``{kind: "corpus"}``, or for videos ``{kind: "videos", videos, extracted, reused, models,
        extraction_failed, work_dir}``.
    """
    from ..extract.pipeline import clip_key_for, extract_video

    path = Path(path)
    if not path.is_dir():
        raise InputPathError(f"{side} path {path}: expected a corpus folder or a folder of videos, got "
                             f"{'a file' if path.exists() else 'no such folder'}", name="path")
    table, _ = scan_layout(path)
    if len(table) and table["keypoints"].notna().any():
        return Corpus(path), {"kind": "corpus"}
    videos, skipped = _videos(path, side)
    if not videos and not skipped and (path / "video").is_dir():
        videos, skipped = _videos(path / "video", side)
    if not videos:
        found = "; ".join(f"{Path(s['path']).name}: {s['reason']}" for s in skipped[:10])
        raise InputPathError(f"{side} path {path}: expected keypoints in the Allo-AVA layout or video files "
                             f"({', '.join(VIDEO_SUFFIXES)}), found " + (f"none that can be read ({found})" if found
                                                                         else "neither"), name="path")
    out = Path(work_dir) / side
    models: dict = {}
    done, reused, failed = [], [], []
    for video in tqdm(videos, desc=f"extract {side}", unit="video", disable=not progress):
        clip_id, no_person = video.name, None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # derived clip ids are reported below
                key, derived = clip_key_for(video)
            clip_id = key.clip_id
            if extraction_path(out, key.clip_id).exists() and \
                    extraction_path(out, key.clip_id, FACE_LAYOUT).exists():
                reused.append(key.clip_id)
                continue
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", UserWarning)
                try:
                    result = extract_video(video, out, clip_id=key.clip_id, face=True, sync=False, copy_video=False,
                                           allow_download=allow_download, progress=progress, **extract_options)
                finally:
                    no_person = next((str(w.message) for w in caught if "no person found" in str(w.message)), None)
            for w in caught:  # shown as before
                warnings.warn(w.message, w.category, stacklevel=2)
            models.update(result.get("models", {}))
            done.append({"clip_id": key.clip_id, "source": str(video), "clip_id_derived": derived,
                         "frames": result["frames"], "skipped": result.get("skipped", [])})
        except (AlloAvaError, OSError, ValueError) as err:
            log.warning("could not extract %s: %s", video, err)
            reason = f"extraction failed: {no_person}" if no_person else f"extraction failed: {err}"
            failed.append({"clip_id": clip_id, "source": str(video), "side": side, "reason": reason})
    if not done and not reused:  # nothing to measure: say so about the user's files, not the work folder
        reasons = "; ".join(f"{f['clip_id']}: {f['reason']}" for f in failed[:10])
        raise ExtractionError(f"{side} path {path}: no video could be extracted ({reasons})")
    return Corpus(out), {"kind": "videos", "videos": len(videos), "extracted": done, "reused": reused,
                         "models": models, "extraction_failed": failed, "skipped": skipped, "work_dir": str(out)}


def evaluate_paths(real: str | Path, generated: str | Path, settings: EvaluateSettings | None = None, *,
                   work_dir: str | Path | None = None, progress: bool = True, allow_download: bool = True,
                   workers: int | None = 1, scheduler: Any = None, **options: Any) -> dict:
    """:func:`evaluate_corpora` on two folders, each a corpus or a folder of videos (extracted first).

    Parameters
    ----------
    real, generated
        Folders: corpora in the Allo-AVA layout, or folders of videos.
    settings
        Every choice of the evaluation (:class:`~alloava_analysis.runs.settings.EvaluateSettings`).
    work_dir
        Keeps the extracted clips (and lets a rerun reuse them); by default
        they go to a temporary folder that is removed afterwards.
    progress
        Show progress bars on stderr.
    allow_download
        Let extraction download a model that no offline copy provides.
    workers, scheduler
        Where the clips are measured.
    options
        Fields of :class:`EvaluateSettings` replacing those of ``settings``.

    Returns
    -------
    dict
        The :func:`evaluate_corpora` result; extraction failures are listed in
        ``failed`` with the other clips.
    """
    tmp = None
    if work_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="alloava-evaluate-")
        work_dir = tmp.name
    try:
        rc, ri = prepare_side(real, work_dir=work_dir, side="real", progress=progress, allow_download=allow_download)
        gc, gi = prepare_side(generated, work_dir=work_dir, side="generated", progress=progress,
                              allow_download=allow_download)
        result = evaluate_corpora(rc, gc, settings, progress=progress, side_info={"real": ri, "generated": gi},
                                  workers=workers, scheduler=scheduler, **options)
        extraction_failed = ri.pop("extraction_failed", []) + gi.pop("extraction_failed", [])
        not_extracted = {(f["side"], f["clip_id"]) for f in extraction_failed}  # listed once, with the first reason
        twice = [f for f in result["failed"] if (f.get("side"), f.get("clip_id")) in not_extracted]
        result["failed"] = [f for f in result["failed"] if f not in twice]
        for side in ("real", "generated"):
            result[side]["failed"] -= sum(1 for f in twice if f.get("side") == side)
        result["skipped"] = ri.pop("skipped", []) + gi.pop("skipped", []) + list(result.get("skipped") or [])
        result["failed"] = extraction_failed + result["failed"]
        for side, info in (("real", ri), ("generated", gi)):
            result[side]["path"] = str(real if side == "real" else generated)
            if info["kind"] == "videos":
                result[side]["failed"] += sum(1 for f in extraction_failed if f["side"] == side)
                if tmp is not None:
                    result[side]["work_dir"] = None
        return result
    finally:
        if tmp is not None:
            tmp.cleanup()
