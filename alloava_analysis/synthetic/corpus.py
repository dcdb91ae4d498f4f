"""Writing a synthetic corpus with labels.csv and truth.json."""
from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from ..checks import check_int
from ..io.allo_ava import write_clip
from ..io.atomic import write_json
from ..io.labels import LABELS_FILE, write_labels
from ..io.layout import scan_layout
from .clip import build_clip
from .config import ATTRIBUTES, GENERATOR_NAME, GENERATOR_VERSION, HAND_KEYPOINTS, LABEL_SOURCE, METRICS, SynthConfig
from .speakers import speaker_demographics, speaker_sequence
from .truth import expected_window_correlation

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------------
# corpus
# --------------------------------------------------------------------------------------------
def _definitions(cfg: SynthConfig) -> dict[str, str]:
    w = cfg.window_s
    return {
        "windows": f"non-overlapping windows [k*{w}, (k+1)*{w}) s tiled from t=0 (hop {w} s); the final "
                   "partial window of a clip is excluded",
        "speech_rate": "number of words (transcript rows) whose start time lies in the window, divided by "
                       f"{w} s (words/s)",
        "movement_intensity": "mean, over the video frames whose timestamp lies in the window, of the mean "
                              "speed of the visible hand keypoints of MediaPipe pose 33 (left/right wrist, "
                              "pinky, index, thumb) relative to the shoulder midpoint, divided by the shoulder "
                              "width; speed = |d position / dt| in the image plane (x, y only: z, MediaPipe's "
                              "noisy relative depth, is not used) with normalised x scaled by the frame width "
                              "and y by the frame height (pixels); shoulder width = median of the left-right "
                              "shoulder distance in the same pixel units over the clip (over each shot when "
                              "the camera cuts); windows that span a camera cut are excluded; units: shoulder "
                              "widths per second (the defaults of features.motion.MotionSettings: use_z=False, "
                              "relative_to='body' for hands, cut_handling='exclude')",
    }


def _truth_effects(cfg: SynthConfig) -> dict[str, Any]:
    planted = [{"attribute": e.attribute, "group": e.group, "metric": e.metric,
                "baseline": cfg.baseline(e.metric), "group_value": e.group_value,
                "ratio": round(e.group_value / cfg.baseline(e.metric), 6),
                "difference": round(e.group_value - cfg.baseline(e.metric), 6)} for e in cfg.group_effects]
    hit = {(e.attribute, e.metric) for e in cfg.group_effects}
    nulls = [{"attribute": a, "metric": m} for a in ATTRIBUTES for m in METRICS if (a, m) not in hit]
    defs = _definitions(cfg)
    return {
        "coupling": {
            "latent_correlation": cfg.correlation, "window_s": cfg.window_s, "hop_s": cfg.window_s,
            "ar_phi": cfg.ar_phi,
            "expected_r": round(expected_window_correlation(cfg), 6),
            "expected_r_pooled_unstandardized": round(expected_window_correlation(cfg, pooled=True), 6),
            "definition": "; ".join(f"{name}: {text}" for name, text in defs.items()),
            "definitions": defs,
        },
        "lag": {"motion_leads_speech_s": cfg.lag_s,
                "signals": {"motion": "hand speed (per-frame movement intensity, hands group)",
                            "speech": "speech energy envelope (RMS of the audio)"},
                "sign": "positive = motion leads speech: hand speed at t matches speech energy at t + lag",
                "band_hz": list(cfg.fine_band_hz)},
        "mutual_information": {
            "coupled": cfg.fine_coupling > 0 or cfg.correlation != 0,
            "fine_coupled": cfg.fine_coupling > 0, "fine_coupling": cfg.fine_coupling,
            "window_coupled": cfg.correlation != 0,
            "signals": {"motion": "hand speed", "speech": "speech energy envelope"},
            "note": "fine coupling ties the fast (band_hz) fluctuations; the window-level correlation also "
                    "makes energy and hand speed dependent (more words per window = more voiced time), so "
                    "MI is zero only when fine_coupling == 0 and correlation == 0",
        },
        "groups": planted,
        "no_group_effect": nulls,
        "metrics": {
            "dropout_fraction": "fraction of hand-keypoint frames (8 MediaPipe hand keypoints) that are NaN",
            "low_conf_fraction": "fraction of hand-keypoint frames with confidence in [0.1, 0.4] (not NaN)",
            "asr_probability": "mean word probability of the transcript",
            "movement_intensity": "clip mean of the per-frame movement intensity (shoulder widths/s)",
            "wpm": "words per minute of clip duration",
        },
        "camera": {"z_noise_sw": cfg.z_noise_sw, "pan_sw": cfg.camera_pan_sw,
                   "cut_rate_per_min": cfg.cut_rate_per_min, "cut_min_shot_s": cfg.cut_min_shot_s,
                   "definition": "z = template depth + white noise of sd z_noise_sw shoulder widths per frame "
                                 "(MediaPipe-like relative depth); the whole picture pans with a 3 s OU drift of "
                                 "sd pan_sw shoulder widths; at each cut (per clip: shot_cuts_s, seconds midway "
                                 "between the two frames) the shot gets a new zoom (0.8-1.15) and framing; the "
                                 "hands' planted speed is relative to the torso, so none of these change it"},
        "dropout": {"rate": cfg.dropout_rate, "span_s": list(cfg.dropout_span_s),
                    "keypoints": list(HAND_KEYPOINTS), "confidence": 0.0,
                    "low_conf_rate": cfg.low_conf_rate, "low_conf_span_s": list(cfg.low_conf_span_s),
                    "low_conf_confidence": [0.1, 0.4],
                    "definition": "each hand is lost (all 4 of its keypoints NaN, confidence 0) in random "
                                  "spans covering about the rate of frames; low-confidence bursts likewise"},
    }


LABEL_COLUMNS = ("clip_id", "speaker_id", "gender", "age_group", "skin_tone", "label_source")


def generate_corpus(out: str | Path, *, n_clips: int, seed: int, config: SynthConfig | None = None,
                    progress: bool = True) -> dict:
    """Write a synthetic corpus in the Allo-AVA layout with ``labels.csv`` and ``truth.json``.

    Parameters
    ----------
    out
        Corpus root; ``audio/``, ``transcript/`` and ``keypoints/`` are created under it.
    n_clips
        Number of clips.
    seed
        Corpus seed (same seed and config: byte-identical files).
    config
        Generator settings (defaults: :class:`SynthConfig`).
    progress
        Show a progress bar (stderr).

    Returns
    -------
    dict
        The truth written to ``out/truth.json``: ``generator``, ``effects`` and ``clips``.
    """
    check_int("n_clips", n_clips, minimum=1)
    check_int("seed", seed, minimum=0)
    cfg = config or SynthConfig()
    out = Path(out)
    speakers = speaker_sequence(n_clips, seed, cfg.speakers_per_clip)
    demographics = speaker_demographics(speakers, seed, cfg)
    clips, labels, seen, youtube_ids = [], [], set(), set()
    for k in tqdm(range(n_clips), desc="synthetic clips", unit="clip", disable=not progress):
        sc = build_clip(k, seed, cfg, int(speakers[k]), demographics[int(speakers[k])])
        if sc.clip.youtube_id in youtube_ids:
            raise RuntimeError(f"YouTube id {sc.clip.youtube_id} generated twice (seed {seed}); use another seed")
        youtube_ids.add(sc.clip.youtube_id)
        seen.add(sc.clip.clip_id)
        write_clip(out, sc.clip, audio=sc.audio, samplerate=cfg.audio_rate)
        clips.append(sc.truth)
        labels.append({"clip_id": sc.clip.clip_id, "speaker_id": sc.speaker["speaker_id"],
                       **{a: sc.speaker[a] for a in ATTRIBUTES},
                       "label_source": f"{LABEL_SOURCE} (seed {seed})"})
    write_labels(out / LABELS_FILE, labels, columns=LABEL_COLUMNS)
    truth = {
        "generator": {"name": GENERATOR_NAME, "version": GENERATOR_VERSION, "seed": int(seed),
                      "n_clips": int(n_clips), "config": cfg.to_dict()},
        "effects": _truth_effects(cfg),
        "clips": clips,
    }
    write_json(out / "truth.json", truth, indent=1)
    table, _ = scan_layout(out)
    extra = sorted(set(table["clip_id"]) - seen)
    if extra:
        warnings.warn(f"{out}: {len(extra)} clip(s) not written by this run are also in the folder "
                      f"(e.g. {extra[0]}); they are not in truth.json", stacklevel=2)
    log.info("wrote %d synthetic clips to %s", n_clips, out)
    return truth
