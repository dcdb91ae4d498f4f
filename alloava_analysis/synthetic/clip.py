"""One synthetic clip in memory."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..checks import check_int
from ..model import Clip
from .audio import syllable_table, synthesize_audio
from .config import ATTRIBUTES, GENERATOR_NAME, GENERATOR_VERSION, SynthConfig
from .latents import fine_process, modulation, window_latents
from .pose import planted_hand_speed, synthesize_pose
from .speakers import make_speaker, speaker_demographics, speaker_sequence
from .streams import AUDIO_STREAM, CLIP_STREAM, clip_identity, stream
from .words import frame_text, synthesize_words, window_word_counts


# --------------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------------
@dataclass
class SyntheticClip:
    """One synthetic clip in memory, with the noise-free series it was built from.

    Attributes
    ----------
    clip
        The clip (poses ``mediapipe_pose_33`` and ``openpose_body_18``, words, segments, frame_text).
    audio
        Mono float32 samples at ``samplerate``.
    truth
        This clip's entry of ``truth.json``.
    windows
        One row per window: ``window, start, end, full, s, m, rate_wps, intensity, n_words,
        realized_intensity`` (``s``, ``m`` the latents; ``rate_wps`` and ``intensity`` the planted
        values; ``realized_intensity`` the window mean of ``hand_speed``).
    frame_time
        Frame timestamps in seconds.
    fine
        The shared fast process ``u(t)`` at the frame times (zero mean, unit sd).
    hand_speed
        Planted hand speed per frame (shoulder widths/s): the forward-difference speed of every hand
        keypoint before tracking noise.
    speech_modulation
        Planted speech-energy modulation ``max(1 + fine_coupling * u(t), floor)`` at the frame times.
    syllables
        One row per syllable: ``word, start, end, amplitude`` (amplitude = peak of its envelope).
    speaker
        The speaker record (id, demographics, F0).
    """

    clip: Clip
    audio: np.ndarray
    samplerate: int
    truth: dict[str, Any]
    windows: pd.DataFrame
    frame_time: np.ndarray
    fine: np.ndarray
    hand_speed: np.ndarray
    speech_modulation: np.ndarray
    syllables: pd.DataFrame
    speaker: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# one clip
# --------------------------------------------------------------------------------------------
def _windows(duration: float, cfg: SynthConfig, rng: np.random.Generator) -> pd.DataFrame:
    """Windows tiling ``[0, duration)`` with latents, planted rate and intensity, and word counts."""
    n = int(math.ceil(duration / cfg.window_s - 1e-9))
    start = np.arange(n) * cfg.window_s
    end = np.minimum(start + cfg.window_s, duration)
    lat = window_latents(n, cfg, rng)
    rate = cfg.mean_wpm / 60.0 * np.exp(cfg.rate_sd * lat[:, 0] - cfg.rate_sd ** 2 / 2)
    return pd.DataFrame({"window": np.arange(n), "start": start, "end": end,
                         "full": (end - start) >= cfg.window_s - 1e-9, "s": lat[:, 0], "m": lat[:, 1],
                         "rate_wps": rate, "n_words": window_word_counts(rate, end - start)})


def _safe_corr(x: np.ndarray, y: np.ndarray) -> float | None:
    if x.size < 3 or np.std(x) == 0 or np.std(y) == 0:
        return None
    return round(float(np.corrcoef(x, y)[0, 1]), 6)


def build_clip(clip_index: int, seed: int, cfg: SynthConfig, speaker_index: int, demographics: dict[str, str],
               *, with_audio: bool = True) -> SyntheticClip:
    """Clip ``clip_index`` of the corpus with ``seed``, spoken by speaker ``speaker_index``.

    Parameters
    ----------
    clip_index
        Position of the clip in the corpus (0-based).
    seed
        Corpus seed.
    cfg
        Generator settings.
    speaker_index
        The clip's speaker (:func:`~.speakers.speaker_sequence`).
    demographics
        That speaker's attribute values (:func:`~.speakers.speaker_demographics`).
    with_audio
        Synthesise the audio; when False ``.audio`` is None and everything else is identical.

    Returns
    -------
    SyntheticClip
        The clip with its audio, truth record and noise-free series.
    """
    rng = stream(seed, CLIP_STREAM, clip_index)
    speaker = make_speaker(speaker_index, seed, cfg, demographics)
    key, n_frames = clip_identity(rng, cfg)
    duration = n_frames / cfg.fps
    frame_time = np.arange(n_frames) / cfg.fps

    windows = _windows(duration, cfg, rng)
    windows["intensity"] = speaker["movement_intensity"] * np.exp(cfg.intensity_sd * windows["m"].to_numpy())
    grid, u = fine_process(duration, cfg, rng)
    hand_speed = planted_hand_speed(frame_time, windows, grid, u, cfg)
    win_of_frame = np.minimum((frame_time // cfg.window_s).astype(np.int64), len(windows) - 1)
    windows["realized_intensity"] = (np.bincount(win_of_frame, weights=hand_speed, minlength=len(windows))
                                     / np.maximum(np.bincount(win_of_frame, minlength=len(windows)), 1))

    words, segments, syll = synthesize_words(windows, cfg, speaker["asr_probability"], rng)
    syllables = syllable_table(words, syll, grid, u, cfg, rng)
    n_samples = int(round(duration * cfg.audio_rate))
    # Audio draws from its own stream, so skipping it leaves every other draw unchanged.
    audio = (synthesize_audio(n_samples, syllables, segments, speaker, cfg, stream(seed, AUDIO_STREAM, clip_index))
             if with_audio else None)

    extractor = {"name": GENERATOR_NAME, "version": GENERATOR_VERSION, "seed": int(seed),
                 "clip_index": int(clip_index)}
    poses, tracking = synthesize_pose(frame_time, hand_speed, speaker, cfg, rng, extractor)

    clip = Clip(key.clip_id, key.category, key.youtube_id, poses=poses, words=words, segments=segments,
                frame_text=frame_text(words, frame_time))
    demographics = {attr: speaker[attr] for attr in ATTRIBUTES}
    full = windows["full"].to_numpy()
    starts_per_window = windows["n_words"].to_numpy()[full] / cfg.window_s
    truth = {
        "clip_id": key.clip_id, "category": key.category, "youtube_id": key.youtube_id,
        "clip_index": int(clip_index), "speaker_id": speaker["speaker_id"], **demographics,
        "duration_s": round(duration, 6), "n_frames": int(n_frames), "n_words": int(len(words)),
        "wpm": round(len(words) / duration * 60.0, 4), "f0_hz": speaker["f0_hz"],
        "dropout_fraction": round(tracking["dropout"], 6), "low_conf_fraction": round(tracking["low_conf"], 6),
        "planted_dropout_rate": speaker["dropout_fraction"], "planted_low_conf_rate": speaker["low_conf_fraction"],
        "planted_asr_probability": speaker["asr_probability"],
        "mean_asr_probability": round(float(words["probability"].mean()), 6) if len(words) else None,
        "planted_intensity_base": speaker["movement_intensity"],
        "mean_intensity": round(float(hand_speed.mean()), 6),
        "shoulder_width_px": round(tracking["shoulder_width_px"], 4),
        "shot_cuts_s": tracking["shot_cuts_s"],
        "n_windows": int(full.sum()),
        "realized_latent_r": _safe_corr(windows["s"].to_numpy()[full], windows["m"].to_numpy()[full]),
        "realized_window_r": _safe_corr(starts_per_window, windows["realized_intensity"].to_numpy()[full]),
    }
    clip.metadata.update({"speaker_id": speaker["speaker_id"], **demographics, "synthetic": True,
                          "transcript_meta": {"engine": GENERATOR_NAME, "version": GENERATOR_VERSION,
                                              "language": "en", "seed": int(seed)}})
    return SyntheticClip(clip=clip, audio=audio, samplerate=cfg.audio_rate, truth=truth, windows=windows,
                         frame_time=frame_time, fine=np.interp(frame_time, grid, u), hand_speed=hand_speed,
                         speech_modulation=modulation(np.interp(frame_time, grid, u), cfg.fine_coupling),
                         syllables=syllables, speaker=speaker)


def synthesize_clip(clip_index: int, *, seed: int, config: SynthConfig | None = None,
                    audio: bool = True) -> SyntheticClip:
    """Build synthetic clip ``clip_index`` of the corpus with ``seed`` in memory (no files).

    The clip is identical to the one :func:`generate_corpus` writes for the
    same ``seed`` and index, whatever the number of clips.

    Parameters
    ----------
    clip_index
        Position of the clip in the corpus (0-based).
    seed
        Corpus seed.
    config
        Generator settings (defaults: :class:`SynthConfig`).
    audio
        Synthesise the audio (about 70 % of the time); when False ``.audio`` is
        None and everything else is identical.

    Returns
    -------
    SyntheticClip
        The clip, its 48 kHz mono audio, its truth record and the noise-free latent series.
    """
    check_int("clip_index", clip_index, minimum=0)
    check_int("seed", seed, minimum=0)
    cfg = config or SynthConfig()
    sequence = speaker_sequence(clip_index + 1, seed, cfg.speakers_per_clip)
    speaker_index = int(sequence[clip_index])
    demographics = speaker_demographics(sequence, seed, cfg)[speaker_index]
    return build_clip(clip_index, seed, cfg, speaker_index, demographics, with_audio=audio)
