"""Synthetic corpora in the Allo-AVA layout with planted, known effects.

Every analysis of the toolkit is tested by recovering what this module plants.
A clip is built from a small generative model:

* **Window-level latents** ``(s_k, m_k)`` over windows ``[kW, (k+1)W)``: two
  AR(1) processes (``ar_phi``), unit variance, with innovations correlated so
  that ``corr(s_k, m_k) = correlation``.
* **Speech rate** in window ``k``: ``mean_wpm / 60 * exp(rate_sd * s_k -
  rate_sd**2 / 2)`` words/s. Exactly ``round(rate * W)`` word starts are laid
  out in the window (words from a built-in vocabulary with known syllable
  counts, short gaps, pauses at sentence ends and between some words).
* **Movement intensity**: the mean hand speed over window ``k`` is exactly
  ``base * exp(intensity_sd * m_k)`` shoulder widths/s; within the window the
  speed follows ``1 + fine_coupling * u(t + lag_s)`` (renormalised to that
  mean), where ``u`` is a shared zero-mean band-limited (0.5-3 Hz) unit-sd
  process. Syllable amplitudes of the speech follow ``1 + fine_coupling *
  u(t)``, so hand speed leads speech energy by ``lag_s``.
* **Pose**: MediaPipe pose 33 in normalised image coordinates (a speaker in a
  1280x720 frame) and OpenPose 18 derived from it; both wrists (and the finger
  points rigidly attached to them) move with exactly the planted speed. Small
  i.i.d. tracking noise, tracking dropout spans (hands NaN, confidence 0) and
  low-confidence bursts.
* **Audio**: 48 kHz voiced syllables (harmonic tone with the speaker's F0 and
  a declining contour per sentence) timed exactly to the words.
* **Demographics** per speaker (speakers recur across clips) with planted
  group differences in tracking dropout, ASR confidence and movement, and no
  difference for every other attribute/metric pair.

Everything is deterministic by seed. Clip ``k`` draws from its own generator
``SeedSequence(seed, spawn_key=(0, k))`` -- the ``k``-th child that
``SeedSequence(seed).spawn`` would produce in namespace 0 -- so it does not
depend on how many clips are generated; speakers draw from namespace 1 and the
clip-to-speaker assignment from namespace 2.
"""
from __future__ import annotations

import csv
import io
import logging
import math
import warnings
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import signal
from scipy.special import erf
from tqdm.auto import tqdm

from .corpus import LABELS_FILE
from .io.allo_ava import write_clip
from .io.atomic import atomic_write, write_json
from .io.layout import make_key, scan_layout
from .jsonable import to_jsonable
from .model import Clip, make_pose, make_words
from .schema import MEDIAPIPE_POSE_33, mediapipe33_to_openpose18

__all__ = [
    "GENERATOR_NAME",
    "GENERATOR_VERSION",
    "HAND_KEYPOINTS",
    "VOCABULARY",
    "GroupEffect",
    "SynthConfig",
    "SyntheticClip",
    "expected_window_correlation",
    "generate_corpus",
    "synthesize_clip",
]

log = logging.getLogger(__name__)

GENERATOR_NAME = "alloava-synthetic"
GENERATOR_VERSION = "1.0"
LABEL_SOURCE = "synthetic: assigned at random by alloava_analysis.synthetic, not inferred from media"

#: Hand keypoints of MediaPipe pose 33 whose speed defines movement intensity.
HAND_KEYPOINTS = ("left_wrist", "right_wrist", "left_pinky", "right_pinky", "left_index", "right_index",
                  "left_thumb", "right_thumb")
ATTRIBUTES = ("gender", "age_group", "skin_tone")
#: Clip-level metrics on which group effects can be planted (and audited).
METRICS = ("dropout_fraction", "asr_probability", "movement_intensity", "low_conf_fraction", "wpm")
_EFFECT_BASELINE = {"dropout_fraction": "dropout_rate", "asr_probability": "asr_probability",
                    "movement_intensity": "intensity_base", "low_conf_fraction": "low_conf_rate"}

# --------------------------------------------------------------------------------------------
# vocabulary: real English words, their syllable counts and relative frequencies
# --------------------------------------------------------------------------------------------
_WORDS_BY_SYLLABLES = {
    1: ("the", "a", "and", "to", "of", "in", "that", "it", "is", "we", "you", "this", "for", "on", "with",
        "as", "be", "are", "was", "have", "they", "but", "not", "what", "so", "can", "all", "there", "more",
        "do", "at", "from", "how", "think", "know", "just", "like", "make", "time", "way", "thing", "things",
        "world", "see", "now", "then", "when", "them", "each", "work", "good", "new", "first", "years",
        "want", "help", "look", "find", "great", "life", "small", "big", "long", "right", "last", "part",
        "place", "hand", "school", "light", "point", "change", "start", "talk", "ask", "show", "play",
        "move", "learn", "sound", "word", "words", "speak", "speech", "voice", "built", "made", "said"),
    2: ("people", "very", "about", "really", "into", "little", "something", "other", "only", "after",
        "over", "problem", "thinking", "simple", "question", "answer", "moment", "number", "children",
        "money", "water", "story", "better", "doing", "going", "maybe", "city", "also", "many", "data",
        "system", "human", "woman", "research", "never", "always", "today", "between", "without",
        "someone", "table", "hundred", "listen", "gesture", "nothing", "picture", "morning", "open"),
    3: ("important", "example", "together", "understand", "tomorrow", "computer", "government", "energy",
        "remember", "another", "animal", "interview", "yesterday", "banana", "company", "possible",
        "beautiful", "musical", "however", "potato", "consider", "director", "suddenly", "article"),
    4: ("information", "technology", "education", "community", "America", "conversation", "democracy",
        "experiment", "particular", "security", "activity", "biology", "environment"),
    5: ("opportunity", "university", "imagination", "laboratory", "vocabulary", "electricity"),
}
_WEIGHT_BY_SYLLABLES = {1: 4.0, 2: 1.6, 3: 0.7, 4: 0.35, 5: 0.2}

#: ``{word: syllables}`` of the built-in vocabulary (lower case; the ground truth for syllable counters).
VOCABULARY: dict[str, int] = {w: n for n, words in _WORDS_BY_SYLLABLES.items() for w in words}
_VOCAB_WORDS = np.array(list(VOCABULARY), dtype=object)
_VOCAB_SYLLABLES = np.array(list(VOCABULARY.values()), dtype=np.int64)
_VOCAB_P = np.array([_WEIGHT_BY_SYLLABLES[n] for n in _VOCAB_SYLLABLES]) / sum(
    _WEIGHT_BY_SYLLABLES[n] for n in _VOCAB_SYLLABLES)

# --------------------------------------------------------------------------------------------
# body template (units of shoulder width, relative to the shoulder midpoint; x right, y down)
# --------------------------------------------------------------------------------------------
# (x, y, z); z in MediaPipe's convention (smaller = closer to the camera), in shoulder widths.
_TEMPLATE = {
    "nose": (0.0, -0.62, -1.2), "left_eye_inner": (0.05, -0.68, -1.1), "left_eye": (0.09, -0.69, -1.1),
    "left_eye_outer": (0.13, -0.68, -1.1), "right_eye_inner": (-0.05, -0.68, -1.1),
    "right_eye": (-0.09, -0.69, -1.1), "right_eye_outer": (-0.13, -0.68, -1.1),
    "left_ear": (0.21, -0.64, -0.6), "right_ear": (-0.21, -0.64, -0.6),
    "mouth_left": (0.06, -0.53, -1.1), "mouth_right": (-0.06, -0.53, -1.1),
    "left_shoulder": (0.5, 0.0, -0.3), "right_shoulder": (-0.5, 0.0, -0.3),
    "left_elbow": (0.62, 0.6, -0.4), "right_elbow": (-0.62, 0.6, -0.4),
    "left_wrist": (0.34, 0.80, -0.9), "right_wrist": (-0.34, 0.80, -0.9),
    "left_pinky": (0.40, 0.91, -1.0), "right_pinky": (-0.40, 0.91, -1.0),
    "left_index": (0.35, 0.95, -1.05), "right_index": (-0.35, 0.95, -1.05),
    "left_thumb": (0.28, 0.88, -1.0), "right_thumb": (-0.28, 0.88, -1.0),
    "left_hip": (0.34, 1.45, 0.0), "right_hip": (-0.34, 1.45, 0.0),
    "left_knee": (0.36, 2.3, 0.2), "right_knee": (-0.36, 2.3, 0.2),
    "left_ankle": (0.36, 3.1, 0.5), "right_ankle": (-0.36, 3.1, 0.5),
    "left_heel": (0.37, 3.2, 0.55), "right_heel": (-0.37, 3.2, 0.55),
    "left_foot_index": (0.41, 3.26, 0.3), "right_foot_index": (-0.41, 3.26, 0.3),
}
_KP = {name: i for i, name in enumerate(MEDIAPIPE_POSE_33)}
_HEAD = [_KP[n] for n in MEDIAPIPE_POSE_33[:11]]
_HAND_IDX = {"left": [_KP[f"left_{p}"] for p in ("wrist", "pinky", "index", "thumb")],
             "right": [_KP[f"right_{p}"] for p in ("wrist", "pinky", "index", "thumb")]}
_ARM_LENGTH = 0.62  # upper arm and forearm, shoulder widths


# --------------------------------------------------------------------------------------------
# configuration
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GroupEffect:
    """A planted group difference: speakers with ``attribute == group`` get ``group_value`` of ``metric``.

    ``metric`` is one of :data:`METRICS` except ``wpm``; the value for everyone
    else is the config's baseline (``dropout_rate``, ``asr_probability``,
    ``intensity_base`` or ``low_conf_rate``). Effects on the same metric
    multiply (as ratios to the baseline).
    """

    attribute: str
    group: str
    metric: str
    group_value: float


_MIX_FIELDS = ("category_mix", "gender", "age_group", "skin_tone")


@dataclass(frozen=True)
class SynthConfig:
    """Every tunable of the synthetic generator (times in seconds, rates per second).

    Parameters
    ----------
    correlation
        Planted correlation of the window-level latents of speech rate and movement intensity.
    window_s
        Window length (and hop) in seconds at which ``correlation`` is stated.
    ar_phi
        AR(1) coefficient of the window-level latents across consecutive windows.
    lag_s
        Hand speed leads the speech-energy modulation by this many seconds.
    fine_coupling
        Strength of the shared fast modulation ``u`` (0 = speech and motion independent within windows).
    fine_band_hz
        Pass band of ``u`` in Hz.
    duration_s
        Clip durations are uniform in this range (seconds; rounded to whole frames).
    fps
        Video frame rate of the keypoints.
    mean_wpm
        Mean speech rate in words per minute.
    rate_sd
        Standard deviation of log speech rate across windows.
    intensity_base
        Mean hand speed (shoulder widths/s) at ``m_k = 0`` for speakers without a movement effect.
    intensity_sd
        Log-scale loading of movement intensity on ``m_k``: intensity = base * exp(intensity_sd * m_k).
    syllable_s
        Typical range of syllable durations; words are compressed below it only at very fast rates.
    pause_s
        Range of pause lengths (gaps >= 0.25 s) at sentence ends and between some words.
    pause_probability
        Probability of a pause between two words inside a sentence.
    sentence_words
        Range (inclusive) of words per sentence (one Whisper-like segment per sentence).
    asr_probability
        Mean ASR word probability for speakers without an ASR effect.
    asr_concentration
        Concentration ``a + b`` of the Beta distribution of word probabilities.
    dropout_rate
        Fraction of frames each hand is lost (NaN, confidence 0) for speakers without a dropout effect.
    dropout_span_s
        Range of dropout span lengths.
    low_conf_rate
        Fraction of frames each hand is tracked with low confidence (0.1-0.4) and extra noise.
    low_conf_span_s
        Range of low-confidence burst lengths.
    tracking_noise_px
        Standard deviation of i.i.d. tracking noise per coordinate, in pixels of the frame.
    low_conf_noise_px
        Extra noise during low-confidence bursts, in pixels.
    frame_size
        Width and height of the (virtual) video frame in pixels.
    shoulder_width
        Range of the shoulder width as a fraction of the frame width (camera distance varies per clip).
    speakers_per_clip
        Probability that a clip introduces a new speaker (~3,500 speakers / 7,500 clips); at least one.
    category_mix
        Content categories and their probabilities.
    gender, age_group, skin_tone
        Values of each demographic attribute and their probabilities (assigned per speaker).
    f0_hz
        Speaker F0 ranges by gender.
    group_effects
        Planted group differences; every other attribute/metric pair has no effect.
    audio_rate
        Sample rate of the audio in Hz.
    noise_floor
        Standard deviation of the background noise in the audio (full scale 1).
    speech_level
        Peak amplitude of an unmodulated syllable.
    """

    correlation: float = 0.5
    window_s: float = 5.0
    ar_phi: float = 0.6
    lag_s: float = 0.15
    fine_coupling: float = 0.6
    fine_band_hz: tuple[float, float] = (0.5, 3.0)
    duration_s: tuple[float, float] = (30.0, 90.0)
    fps: float = 30.0
    mean_wpm: float = 208.0
    rate_sd: float = 0.25
    intensity_base: float = 0.7
    intensity_sd: float = 0.3
    syllable_s: tuple[float, float] = (0.12, 0.2)
    pause_s: tuple[float, float] = (0.25, 0.6)
    pause_probability: float = 0.08
    sentence_words: tuple[int, int] = (8, 20)
    asr_probability: float = 0.90
    asr_concentration: float = 30.0
    dropout_rate: float = 0.03
    dropout_span_s: tuple[float, float] = (0.2, 2.0)
    low_conf_rate: float = 0.02
    low_conf_span_s: tuple[float, float] = (0.1, 0.6)
    tracking_noise_px: float = 0.3
    low_conf_noise_px: float = 6.0
    frame_size: tuple[int, int] = (1280, 720)
    shoulder_width: tuple[float, float] = (0.20, 0.26)
    speakers_per_clip: float = 0.47
    category_mix: tuple[tuple[str, float], ...] = (("TED", 0.4), ("Interview", 0.3), ("Panel", 0.2),
                                                    ("Presentation", 0.1))
    gender: tuple[tuple[str, float], ...] = (("female", 0.5), ("male", 0.5))
    age_group: tuple[tuple[str, float], ...] = (("18-34", 0.35), ("35-54", 0.40), ("55+", 0.25))
    skin_tone: tuple[tuple[str, float], ...] = (("lighter", 0.40), ("medium", 0.35), ("darker", 0.25))
    f0_hz: tuple[tuple[str, tuple[float, float]], ...] = (("female", (190.0, 230.0)), ("male", (110.0, 140.0)))
    group_effects: tuple[GroupEffect, ...] = (
        GroupEffect("skin_tone", "darker", "dropout_fraction", 0.09),
        GroupEffect("age_group", "55+", "asr_probability", 0.78),
        GroupEffect("age_group", "18-34", "movement_intensity", 0.84),
    )
    audio_rate: int = 48_000
    noise_floor: float = 0.002
    speech_level: float = 0.25

    def __post_init__(self) -> None:
        def need(ok: bool, what: str, got: Any) -> None:
            if not ok:
                raise ValueError(f"SynthConfig: expected {what}, got {got!r}")

        need(-1 < self.correlation < 1, "correlation in (-1, 1)", self.correlation)
        need(-1 < self.ar_phi < 1, "ar_phi in (-1, 1)", self.ar_phi)
        need(self.window_s > 0, "window_s > 0", self.window_s)
        need(0 <= self.fine_coupling <= 2, "fine_coupling in [0, 2]", self.fine_coupling)
        need(0 < self.fine_band_hz[0] < self.fine_band_hz[1] < self.fps / 2,
             f"0 < fine_band_hz[0] < fine_band_hz[1] < fps/2 = {self.fps / 2}", self.fine_band_hz)
        need(0 < self.duration_s[0] <= self.duration_s[1], "0 < duration_s[0] <= duration_s[1]", self.duration_s)
        need(self.fps > 0 and self.mean_wpm > 0 and self.intensity_base > 0,
             "positive fps, mean_wpm and intensity_base", (self.fps, self.mean_wpm, self.intensity_base))
        need(self.rate_sd >= 0 and self.intensity_sd >= 0, "rate_sd, intensity_sd >= 0",
             (self.rate_sd, self.intensity_sd))
        need(0 < self.asr_probability < 1, "asr_probability in (0, 1)", self.asr_probability)
        need(0 <= self.dropout_rate < 0.5 and 0 <= self.low_conf_rate < 0.5,
             "dropout_rate and low_conf_rate in [0, 0.5)", (self.dropout_rate, self.low_conf_rate))
        need(0 < self.speakers_per_clip <= 1, "speakers_per_clip in (0, 1]", self.speakers_per_clip)
        need(self.audio_rate > 0 and self.audio_rate % 1 == 0, "a positive integer audio_rate", self.audio_rate)
        need(2 <= self.sentence_words[0] <= self.sentence_words[1], "2 <= sentence_words[0] <= [1]",
             self.sentence_words)
        genders = dict(self.f0_hz)
        need(all(g in genders for g, _ in self.gender), f"an f0_hz range for every gender {self.gender}",
             self.f0_hz)
        for eff in self.group_effects:
            need(eff.attribute in ATTRIBUTES, f"a group-effect attribute in {ATTRIBUTES}", eff.attribute)
            need(eff.group in dict(getattr(self, eff.attribute)),
                 f"a group of {eff.attribute} in {[g for g, _ in getattr(self, eff.attribute)]}", eff.group)
            need(eff.metric in _EFFECT_BASELINE, f"a group-effect metric in {sorted(_EFFECT_BASELINE)}",
                 eff.metric)
            need(eff.group_value > 0, "a positive group_value", eff.group_value)

    def to_dict(self) -> dict[str, Any]:
        """The configuration as plain JSON-ready values (tuples become lists)."""
        d = asdict(self)
        for key in _MIX_FIELDS:
            d[key] = {name: p for name, p in getattr(self, key)}
        d["f0_hz"] = {name: list(rng) for name, rng in self.f0_hz}
        return to_jsonable(d)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "SynthConfig":
        """Inverse of :meth:`to_dict`, e.g. ``SynthConfig.from_dict(truth["generator"]["config"])``."""
        d = dict(values)
        for key in _MIX_FIELDS:
            if isinstance(d.get(key), dict):
                d[key] = tuple(d[key].items())
        if isinstance(d.get("f0_hz"), dict):
            d["f0_hz"] = tuple((name, tuple(rng)) for name, rng in d["f0_hz"].items())
        if "group_effects" in d:
            d["group_effects"] = tuple(e if isinstance(e, GroupEffect) else GroupEffect(**e)
                                       for e in d["group_effects"])
        d = {k: tuple(v) if isinstance(v, list) else v for k, v in d.items()}
        return cls(**d)

    def baseline(self, metric: str) -> float:
        """The value of ``metric`` for speakers without a planted effect on it."""
        return float(getattr(self, _EFFECT_BASELINE[metric]))


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
# random streams
# --------------------------------------------------------------------------------------------
_CLIP_STREAM, _SPEAKER_STREAM, _ASSIGN_STREAM, _AUDIO_STREAM = 0, 1, 2, 3


def _stream(seed: int, *key: int) -> np.random.Generator:
    """Generator of child ``key`` of ``SeedSequence(seed)`` (as ``SeedSequence.spawn`` would make it)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def _choice(rng: np.random.Generator, options: tuple[tuple[Any, float], ...]) -> Any:
    names = [name for name, _ in options]
    p = np.array([w for _, w in options], dtype=float)
    return names[int(rng.choice(len(names), p=p / p.sum()))]


# --------------------------------------------------------------------------------------------
# speakers and demographics
# --------------------------------------------------------------------------------------------
def _speaker_sequence(n_clips: int, seed: int, p_new: float) -> np.ndarray:
    """Speaker index of each of the first ``n_clips`` clips (clip k depends only on clips < k)."""
    rng = _stream(seed, _ASSIGN_STREAM)
    out = np.zeros(n_clips, dtype=np.int64)
    n_speakers = 1
    for k in range(1, n_clips):
        new, pick = rng.random(), rng.random()
        if new < p_new:
            out[k] = n_speakers
            n_speakers += 1
        else:
            out[k] = int(pick * n_speakers)
    return out


def _speaker(index: int, seed: int, cfg: SynthConfig) -> dict[str, Any]:
    """Demographics, voice and planted metric values of speaker ``index``."""
    rng = _stream(seed, _SPEAKER_STREAM, index)
    spk: dict[str, Any] = {"speaker_id": f"spk{index:05d}"}
    for attr in ATTRIBUTES:
        spk[attr] = _choice(rng, getattr(cfg, attr))
    lo, hi = dict(cfg.f0_hz)[spk["gender"]]
    spk["f0_hz"] = round(float(rng.uniform(lo, hi)), 2)
    spk["n_harmonics"] = int(rng.integers(3, 6))
    spk["spectral_tilt"] = float(rng.uniform(0.8, 1.4))
    for metric in _EFFECT_BASELINE:
        spk[metric] = cfg.baseline(metric) * _effect_ratio(spk, metric, cfg)
    return spk


def _effect_ratio(demographics: dict[str, Any], metric: str, cfg: SynthConfig) -> float:
    ratio = 1.0
    for eff in cfg.group_effects:
        if eff.metric == metric and demographics.get(eff.attribute) == eff.group:
            ratio *= eff.group_value / cfg.baseline(metric)
    return ratio


# --------------------------------------------------------------------------------------------
# window-level latents and the fast shared process
# --------------------------------------------------------------------------------------------
def _window_latents(n_windows: int, cfg: SynthConfig, rng: np.random.Generator) -> np.ndarray:
    """(n_windows, 2) stationary AR(1) pair (s, m) with unit variance and corr(s, m) = correlation."""
    z = rng.standard_normal((max(n_windows, 1), 2))
    rho, phi = cfg.correlation, cfg.ar_phi
    e = np.column_stack([z[:, 0], rho * z[:, 0] + math.sqrt(1 - rho * rho) * z[:, 1]])
    out = np.empty_like(e)
    out[0] = e[0]
    if len(e) > 1:
        out[1:], _ = signal.lfilter([math.sqrt(1 - phi * phi)], [1.0, -phi], e[1:], axis=0,
                                    zi=phi * e[:1])
    return out[:n_windows]


def _fine_process(duration: float, cfg: SynthConfig, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The shared band-limited process ``u`` on a 100 Hz grid covering ``[0, duration + lag + 1]``."""
    rate = 100.0
    n = int(math.ceil((duration + abs(cfg.lag_s) + 2.0) * rate))
    white = rng.standard_normal(n)
    spec = np.fft.rfft(white)
    freq = np.fft.rfftfreq(n, 1.0 / rate)
    lo, hi = cfg.fine_band_hz
    taper = 0.25  # Hz, raised-cosine band edges
    gain = np.clip((freq - (lo - taper)) / (2 * taper), 0, 1) * np.clip(((hi + taper) - freq) / (2 * taper), 0, 1)
    gain = 0.5 - 0.5 * np.cos(np.pi * gain)
    u = np.fft.irfft(spec * gain, n)
    u = (u - u.mean()) / u.std()
    grid = np.arange(n) / rate - abs(cfg.lag_s) - 1.0
    return grid, u


def _modulation(u: np.ndarray, coupling: float) -> np.ndarray:
    """``1 + coupling * u`` kept positive (floor 0.05)."""
    return np.maximum(1.0 + coupling * u, 0.05)


# --------------------------------------------------------------------------------------------
# words
# --------------------------------------------------------------------------------------------
def _window_word_counts(rate: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Word starts per window: the nearest integer to rate * length (0 for windows under 0.5 s)."""
    counts = np.rint(rate * lengths).astype(np.int64)
    counts[lengths < 0.5] = 0
    return counts


def _sentence_ends(n_words: int, cfg: SynthConfig, rng: np.random.Generator) -> np.ndarray:
    """Boolean per word: True where a sentence ends after it."""
    ends = np.zeros(n_words, dtype=bool)
    i = -1
    lo, hi = cfg.sentence_words
    while i < n_words - 1:
        i = min(i + int(rng.integers(lo, hi + 1)), n_words - 1)
        ends[i] = True
    return ends


def _layout_window(start: float, length: float, syll: np.ndarray, pause_after: np.ndarray,
                   sentence_end: np.ndarray, cfg: SynthConfig,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Start and end times of the words of one window, all starts inside ``[start, start + length)``.

    A short lead, then each word followed by a gap: a pause (``cfg.pause_s``) where
    ``pause_after``, else 20-70 ms. The syllable duration is solved so that the lead, words and gaps
    fill the window exactly. When it would exceed ``cfg.syllable_s`` the extra time lengthens the
    pauses; when it would fall short, the gaps shrink first (to 10 ms, and pauses at sentence ends
    to ``pause_s[0]``) and only then the syllables.
    """
    n = syll.size
    lead = float(rng.uniform(0.005, 0.03))
    weight = syll * rng.uniform(0.85, 1.15, n)  # syllables, each word a little faster or slower
    gaps = np.where(pause_after, rng.uniform(*cfg.pause_s, n), rng.uniform(0.02, 0.07, n))
    budget = length - lead
    d_lo, d_hi = cfg.syllable_s
    d = (budget - gaps.sum()) / weight.sum()
    if d > d_hi:  # slow: lengthen the pauses (making the last gap one if there is none)
        d = float(rng.uniform(0.9, 1.0)) * d_hi
        pause = pause_after.copy()
        pause[-1] |= not pause.any()
        share = np.where(pause, rng.uniform(0.5, 1.5, n), 0.0)
        gaps = gaps + (budget - gaps.sum() - d * weight.sum()) * share / share.sum()
    elif d < d_lo:  # fast: shrink the gaps, then the syllables
        gap_min = np.where(sentence_end, cfg.pause_s[0], 0.01)
        room = budget - d_lo * weight.sum() - gap_min.sum()
        if room >= 0:
            d = d_lo
            gaps = gap_min + (gaps - gap_min) * (room / (gaps - gap_min).sum())
        else:
            gaps = gap_min
            d = max((budget - gaps.sum()) / weight.sum(), 0.02)
    durations = d * weight
    starts = start + lead + np.concatenate([[0.0], np.cumsum(durations + gaps)[:-1]])
    return starts, starts + durations


def _synthesize_words(windows: pd.DataFrame, cfg: SynthConfig, prob_mean: float,
                      rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Words (``word, start, end, probability, segment``), segments and syllables per word."""
    counts = windows["n_words"].to_numpy()
    n = int(counts.sum())
    idx = rng.choice(_VOCAB_WORDS.size, size=n, p=_VOCAB_P)
    syll = _VOCAB_SYLLABLES[idx]
    ends_sentence = _sentence_ends(n, cfg, rng)
    pause_after = ends_sentence | (rng.random(n) < cfg.pause_probability)
    starts, ends = np.empty(n), np.empty(n)
    first = 0
    for w in windows.itertuples(index=False):
        last = first + int(w.n_words)
        if last > first:
            starts[first:last], ends[first:last] = _layout_window(
                w.start, w.end - w.start, syll[first:last], pause_after[first:last],
                ends_sentence[first:last], cfg, rng)
        first = last
    segment = np.concatenate([[0], np.cumsum(ends_sentence)[:-1]]) if n else np.zeros(0, dtype=np.int64)
    text = _VOCAB_WORDS[idx].copy()
    sentence_start = np.concatenate([[True], ends_sentence[:-1]]) if n else np.zeros(0, dtype=bool)
    for i in np.flatnonzero(sentence_start):
        text[i] = text[i][:1].upper() + text[i][1:]
    for i in np.flatnonzero(ends_sentence):
        text[i] = text[i] + "."
    kappa = cfg.asr_concentration
    prob = rng.beta(prob_mean * kappa, (1 - prob_mean) * kappa, n)
    words = make_words(pd.DataFrame({"word": text.astype(str), "start": starts, "end": ends,
                                     "probability": np.round(prob, 4), "segment": segment}))
    grouped = words.groupby("segment", sort=True)
    segments = pd.DataFrame({"segment": list(grouped.groups), "start": grouped["start"].min().to_numpy(),
                             "end": grouped["end"].max().to_numpy(),
                             "text": grouped["word"].agg(" ".join).to_numpy()})
    return words, segments, syll


def _frame_text(words: pd.DataFrame, frame_time: np.ndarray) -> pd.Series:
    """The word being spoken at each frame time ("" when silent)."""
    starts, ends = words["start"].to_numpy(), words["end"].to_numpy()
    i = np.searchsorted(starts, frame_time, side="right") - 1
    inside = (i >= 0) & (frame_time < ends[np.clip(i, 0, None)]) if starts.size else np.zeros(frame_time.size, bool)
    labels = np.where(inside, words["word"].to_numpy(dtype=object)[np.clip(i, 0, None)] if starts.size else "", "")
    return pd.Series(labels.astype(str), index=pd.Index(frame_time, name="time"), name="text")


# --------------------------------------------------------------------------------------------
# audio
# --------------------------------------------------------------------------------------------
def _syllable_table(words: pd.DataFrame, syll: np.ndarray, grid: np.ndarray, u: np.ndarray,
                    cfg: SynthConfig, rng: np.random.Generator) -> pd.DataFrame:
    """Syllables dividing each word equally; amplitude follows ``1 + fine_coupling * u(centre)``."""
    word_idx = np.repeat(np.arange(len(words)), syll)
    k = np.concatenate([np.arange(n) for n in syll]) if syll.size else np.zeros(0, dtype=np.int64)
    w_start, w_end = words["start"].to_numpy()[word_idx], words["end"].to_numpy()[word_idx]
    dur = (w_end - w_start) / syll[word_idx] if syll.size else np.zeros(0)
    start = w_start + k * dur
    centre = start + dur / 2
    mod = _modulation(np.interp(centre, grid, u), cfg.fine_coupling)
    amplitude = cfg.speech_level * mod * np.exp(rng.normal(0.0, 0.05, centre.size))
    return pd.DataFrame({"word": word_idx, "start": start, "end": start + dur, "amplitude": amplitude})


def _synthesize_audio(n_samples: int, syllables: pd.DataFrame, segments: pd.DataFrame, speaker: dict,
                      cfg: SynthConfig, rng: np.random.Generator) -> np.ndarray:
    """Voiced syllables (harmonic tone, declining F0 per sentence, raised-cosine envelopes) + noise."""
    sr = cfg.audio_rate
    first = np.rint(syllables["start"].to_numpy() * sr).astype(np.int64)
    length = np.minimum(np.rint(syllables["end"].to_numpy() * sr).astype(np.int64), n_samples) - first
    keep = length > 2
    first, length, amp = first[keep], length[keep], syllables["amplitude"].to_numpy()[keep]
    # every voiced sample: its index and its position (0..1) inside its syllable
    offset = np.arange(int(length.sum())) - np.repeat(np.cumsum(length) - length, length)
    idx = np.repeat(first, length) + offset
    frac = (offset / np.repeat(length - 1, length)).astype(np.float32)
    env = np.repeat(amp.astype(np.float32), length) * (0.5 - 0.5 * np.cos(np.float32(2 * np.pi) * frac))
    # F0 declines from 1.12 to 0.88 of the speaker's F0 over each sentence; the phase only advances
    # on voiced samples (silences have no tone), wrapped to [0, 2 pi) before going to float32
    f0 = speaker["f0_hz"]
    knots_t = np.column_stack([segments["start"].to_numpy(), segments["end"].to_numpy()]).ravel()
    knots_f = np.tile([1.12 * f0, 0.88 * f0], len(segments))
    freq = np.interp(idx / sr, knots_t, knots_f) if knots_t.size else np.full(idx.size, f0)
    phase = np.mod((2 * np.pi / sr) * np.cumsum(freq), 2 * np.pi).astype(np.float32)
    # harmonics by the Chebyshev recurrence sin((h+1)x) = 2 cos(x) sin(hx) - sin((h-1)x)
    weights = (np.arange(1, speaker["n_harmonics"] + 1) ** -speaker["spectral_tilt"]).astype(np.float32)
    weights /= weights.sum()
    s1, c2 = np.sin(phase), 2 * np.cos(phase)
    prev, cur = np.zeros_like(s1), s1
    tone = weights[0] * s1
    for w in weights[1:]:
        prev, cur = cur, c2 * cur - prev
        tone += w * cur
    out = rng.standard_normal(n_samples, dtype=np.float32) * np.float32(cfg.noise_floor)
    out[idx] += env * tone
    return np.clip(out, -1.0, 1.0)


# --------------------------------------------------------------------------------------------
# motion and pose
# --------------------------------------------------------------------------------------------
def _ou(n: int, fps: float, tau_s: float, sd: float, rng: np.random.Generator, dims: int = 1) -> np.ndarray:
    """Stationary Ornstein-Uhlenbeck (discrete AR(1)) series of shape (n, dims)."""
    a = math.exp(-1.0 / (tau_s * fps))
    e = rng.standard_normal((n, dims)) * sd
    out = np.empty_like(e)
    out[0] = e[0]
    if n > 1:
        out[1:], _ = signal.lfilter([math.sqrt(1 - a * a)], [1.0, -a], e[1:], axis=0, zi=a * e[:1])
    return out


def _hand_speed(frame_time: np.ndarray, windows: pd.DataFrame, grid: np.ndarray, u: np.ndarray,
                cfg: SynthConfig) -> np.ndarray:
    """Planted hand speed per frame: the window's intensity times the normalised fine modulation."""
    mod = _modulation(np.interp(frame_time + cfg.lag_s, grid, u), cfg.fine_coupling)
    win = np.minimum((frame_time // cfg.window_s).astype(np.int64), len(windows) - 1)
    sums = np.bincount(win, weights=mod, minlength=len(windows))
    counts = np.maximum(np.bincount(win, minlength=len(windows)), 1)
    return windows["intensity"].to_numpy()[win] * mod / (sums / counts)[win]


def _hand_path(speed: np.ndarray, rest: np.ndarray, fps: float, rng: np.random.Generator) -> np.ndarray:
    """(n, 2) path in shoulder widths travelled at ``speed`` (shoulder widths/s at each frame).

    The heading turns smoothly with a curvature (per shoulder width travelled, so the path's shape
    does not depend on the speed) made of a random OU part and a steering part that bends it back
    towards ``rest`` in proportion to the distance from it: the hand draws loops around its rest
    position and never reverses abruptly, so its central-difference speed stays close to the
    planted one. The turn per frame is capped at 0.4 rad.
    """
    n = speed.size
    wander = _ou(n, fps, 0.5, 3.0, rng)[:, 0]  # curvature, 1 / shoulder width
    reach, gain = 0.15, 1.5
    theta = float(rng.uniform(0, 2 * np.pi))
    x, y = float(rest[0]), float(rest[1])
    rx, ry = x, y
    # the step from frame f to f+1 integrates the speed over that interval (trapezoid), so the
    # central-difference speed at frame f is a symmetric local average of the planted speed there
    step = (speed + np.append(speed[1:], speed[-1])) / (2 * fps)
    out = np.empty((n, 2))
    for f in range(n):
        out[f, 0], out[f, 1] = x, y
        x += step[f] * math.cos(theta)
        y += step[f] * math.sin(theta)
        dist = math.hypot(rx - x, ry - y)
        off = math.atan2(ry - y, rx - x) - theta
        curvature = wander[f] + gain / reach * min(dist / reach, 3.0) * math.sin(off)
        theta += max(-0.4, min(0.4, curvature * step[f]))
    return out


def _elbow(shoulder: np.ndarray, wrist: np.ndarray, side: float) -> np.ndarray:
    """Elbow between shoulder and wrist, bent outwards (``side`` +1 for the image-right arm)."""
    d = wrist - shoulder
    length = np.linalg.norm(d, axis=1, keepdims=True)
    mid = shoulder + d / 2
    perp = np.column_stack([d[:, 1], -d[:, 0]]) / np.maximum(length, 1e-9)
    perp *= np.sign(perp[:, :1] * side + 1e-12)
    bend = np.sqrt(np.clip(_ARM_LENGTH ** 2 - (length / 2) ** 2, 0.0, None))
    return mid + perp * bend


def _tracking_spans(n_frames: int, fraction: float, span_s: tuple[float, float], fps: float,
                    rng: np.random.Generator) -> np.ndarray:
    """Boolean mask of frames covered by random spans totalling about ``fraction`` of the frames."""
    mask = np.zeros(n_frames, dtype=bool)
    target = int(round(fraction * n_frames))
    min_len = max(1, int(round(span_s[0] * fps)))
    for _ in range(1000):
        need = target - int(mask.sum())
        if need < max(1, min_len // 2):
            break
        length = min(int(round(rng.uniform(*span_s) * fps)), max(need, min_len), n_frames)
        start = int(rng.integers(0, n_frames - length + 1))
        mask[start:start + length] = True
    return mask


def _synthesize_pose(frame_time: np.ndarray, hand_speed: np.ndarray, speaker: dict, cfg: SynthConfig,
                     rng: np.random.Generator, extractor: dict) -> tuple[dict, dict]:
    """MediaPipe 33 and OpenPose 18 poses, and the realised dropout / low-confidence fractions."""
    n = frame_time.size
    width_px, height_px = cfg.frame_size
    sw = float(rng.uniform(*cfg.shoulder_width)) * width_px  # shoulder width in pixels
    centre = np.array([width_px / 2 + rng.uniform(-0.05, 0.05) * width_px, rng.uniform(0.36, 0.40) * height_px])
    template = np.array([_TEMPLATE[name] for name in MEDIAPIPE_POSE_33])  # (33, 3) shoulder widths

    body = np.repeat(template[None, :, :2], n, axis=0)  # (n, 33, 2)
    body += _ou(n, cfg.fps, 2.0, 0.015, rng, 2)[:, None, :]  # sway of the whole body (not the hands)
    body[:, _HEAD] += _ou(n, cfg.fps, 1.0, 0.03, rng, 2)[:, None, :]  # head motion
    for side, sign in (("left", 1.0), ("right", -1.0)):
        idx = _HAND_IDX[side]
        wrist = _hand_path(hand_speed, template[idx[0], :2], cfg.fps, rng)
        body[:, idx] = wrist[:, None, :] + (template[idx, :2] - template[idx[0], :2])[None]
        body[:, _KP[f"{side}_elbow"]] = _elbow(body[:, _KP[f"{side}_shoulder"]], wrist, sign)

    pos = np.empty((n, 3, 33))
    pos[:, 0] = (centre[0] + sw * body[..., 0]) / width_px
    pos[:, 1] = (centre[1] + sw * body[..., 1]) / height_px
    pos[:, 2] = np.broadcast_to(template[:, 2] * sw / width_px, (n, 33))
    noise_scale = np.array([1.0 / width_px, 1.0 / height_px, 1.0 / width_px])[None, :, None]
    pos += rng.standard_normal(pos.shape) * cfg.tracking_noise_px * noise_scale

    conf = np.clip(0.95 + rng.normal(0, 0.02, (n, 33)), 0.85, 0.99)
    below = np.flatnonzero(template[:, 1] > 1.2)  # hips and legs: out of (or at the edge of) the frame
    conf[:, below] = rng.uniform(0.02, 0.15, (n, below.size))

    fractions = {"dropout": 0.0, "low_conf": 0.0}
    for side in ("left", "right"):
        idx = _HAND_IDX[side]
        low = _tracking_spans(n, speaker["low_conf_fraction"], cfg.low_conf_span_s, cfg.fps, rng)
        lost = _tracking_spans(n, speaker["dropout_fraction"], cfg.dropout_span_s, cfg.fps, rng)
        low &= ~lost
        sub = np.ix_(low, [0, 1, 2], idx)
        pos[sub] += rng.standard_normal(pos[sub].shape) * cfg.low_conf_noise_px * noise_scale
        conf[np.ix_(low, idx)] = rng.uniform(0.1, 0.4, (int(low.sum()), len(idx)))
        pos[np.ix_(lost, [0, 1, 2], idx)] = np.nan
        conf[np.ix_(lost, idx)] = 0.0
        fractions["dropout"] += lost.mean() / 2
        fractions["low_conf"] += low.mean() / 2

    common = dict(time=frame_time, fps=cfg.fps, extractor=extractor, coords="normalized",
                  frame_size=(width_px, height_px))
    poses = {"mediapipe_pose_33": make_pose(pos, layout="mediapipe_pose_33", confidence=conf, **common)}
    op_pos, op_conf = mediapipe33_to_openpose18(pos[:, :2], conf)
    poses["openpose_body_18"] = make_pose(op_pos, layout="openpose_body_18", confidence=op_conf, **common)
    return poses, {k: float(v) for k, v in fractions.items()} | {"shoulder_width_px": sw}


# --------------------------------------------------------------------------------------------
# one clip
# --------------------------------------------------------------------------------------------
def _youtube_id(rng: np.random.Generator) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "".join(alphabet[i] for i in rng.integers(0, 64, 11))


def _clip_identity(rng: np.random.Generator, cfg: SynthConfig) -> tuple[Any, int]:
    """The clip's key (category drawn from the content mix, random YouTube id) and frame count."""
    category = _choice(rng, cfg.category_mix)
    key = make_key(category, _youtube_id(rng))
    return key, max(2, int(round(rng.uniform(*cfg.duration_s) * cfg.fps)))


def _windows(duration: float, cfg: SynthConfig, rng: np.random.Generator) -> pd.DataFrame:
    """Windows tiling ``[0, duration)`` with latents, planted rate and intensity, and word counts."""
    n = int(math.ceil(duration / cfg.window_s - 1e-9))
    start = np.arange(n) * cfg.window_s
    end = np.minimum(start + cfg.window_s, duration)
    lat = _window_latents(n, cfg, rng)
    rate = cfg.mean_wpm / 60.0 * np.exp(cfg.rate_sd * lat[:, 0] - cfg.rate_sd ** 2 / 2)
    return pd.DataFrame({"window": np.arange(n), "start": start, "end": end,
                         "full": (end - start) >= cfg.window_s - 1e-9, "s": lat[:, 0], "m": lat[:, 1],
                         "rate_wps": rate, "n_words": _window_word_counts(rate, end - start)})


def _safe_corr(x: np.ndarray, y: np.ndarray) -> float | None:
    if x.size < 3 or np.std(x) == 0 or np.std(y) == 0:
        return None
    return round(float(np.corrcoef(x, y)[0, 1]), 6)


def _build_clip(clip_index: int, seed: int, cfg: SynthConfig, speaker_index: int, *,
                with_audio: bool = True) -> SyntheticClip:
    rng = _stream(seed, _CLIP_STREAM, clip_index)
    speaker = _speaker(speaker_index, seed, cfg)
    key, n_frames = _clip_identity(rng, cfg)
    duration = n_frames / cfg.fps
    frame_time = np.arange(n_frames) / cfg.fps

    windows = _windows(duration, cfg, rng)
    windows["intensity"] = speaker["movement_intensity"] * np.exp(cfg.intensity_sd * windows["m"].to_numpy())
    grid, u = _fine_process(duration, cfg, rng)
    hand_speed = _hand_speed(frame_time, windows, grid, u, cfg)
    win_of_frame = np.minimum((frame_time // cfg.window_s).astype(np.int64), len(windows) - 1)
    windows["realized_intensity"] = (np.bincount(win_of_frame, weights=hand_speed, minlength=len(windows))
                                     / np.maximum(np.bincount(win_of_frame, minlength=len(windows)), 1))

    words, segments, syll = _synthesize_words(windows, cfg, speaker["asr_probability"], rng)
    syllables = _syllable_table(words, syll, grid, u, cfg, rng)
    n_samples = int(round(duration * cfg.audio_rate))
    # Audio draws from its own stream, so skipping it leaves every other draw unchanged.
    audio = (_synthesize_audio(n_samples, syllables, segments, speaker, cfg, _stream(seed, _AUDIO_STREAM, clip_index))
             if with_audio else None)

    extractor = {"name": GENERATOR_NAME, "version": GENERATOR_VERSION, "seed": int(seed),
                 "clip_index": int(clip_index)}
    poses, tracking = _synthesize_pose(frame_time, hand_speed, speaker, cfg, rng, extractor)

    clip = Clip(key.clip_id, key.category, key.youtube_id, poses=poses, words=words, segments=segments,
                frame_text=_frame_text(words, frame_time))
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
        "n_windows": int(full.sum()),
        "realized_latent_r": _safe_corr(windows["s"].to_numpy()[full], windows["m"].to_numpy()[full]),
        "realized_window_r": _safe_corr(starts_per_window, windows["realized_intensity"].to_numpy()[full]),
    }
    clip.metadata.update({"speaker_id": speaker["speaker_id"], **demographics, "synthetic": True,
                          "transcript_meta": {"engine": GENERATOR_NAME, "version": GENERATOR_VERSION,
                                              "language": "en", "seed": int(seed)}})
    return SyntheticClip(clip=clip, audio=audio, samplerate=cfg.audio_rate, truth=truth, windows=windows,
                         frame_time=frame_time, fine=np.interp(frame_time, grid, u), hand_speed=hand_speed,
                         speech_modulation=_modulation(np.interp(frame_time, grid, u), cfg.fine_coupling),
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
    if clip_index < 0:
        raise ValueError(f"expected a clip_index >= 0, got {clip_index}")
    cfg = config or SynthConfig()
    speaker_index = int(_speaker_sequence(clip_index + 1, seed, cfg.speakers_per_clip)[clip_index])
    return _build_clip(clip_index, seed, cfg, speaker_index, with_audio=audio)


# --------------------------------------------------------------------------------------------
# expected measurement
# --------------------------------------------------------------------------------------------
def _mean_noisy_speed(a: np.ndarray, sigma: float) -> np.ndarray:
    """E|a e + n| for a unit vector e and 3-D isotropic Gaussian noise n of sd ``sigma`` per axis."""
    if sigma <= 0:
        return a
    lam = a / sigma
    return sigma * (np.sqrt(2 / np.pi) * np.exp(-lam ** 2 / 2) + (lam + 1 / np.maximum(lam, 1e-12))
                    * erf(lam / np.sqrt(2)))


@lru_cache(maxsize=64)
def _expected_r(cfg: SynthConfig, pooled: bool) -> float:
    rng = np.random.default_rng(20_241_021)
    n = 400_000
    z = rng.standard_normal((n, 2))
    s = z[:, 0]
    m = cfg.correlation * z[:, 0] + math.sqrt(1 - cfg.correlation ** 2) * z[:, 1]
    rate = cfg.mean_wpm / 60.0 * np.exp(cfg.rate_sd * s - cfg.rate_sd ** 2 / 2)
    measured_rate = _window_word_counts(rate, np.full(n, cfg.window_s)) / cfg.window_s
    base = np.full(n, cfg.intensity_base)
    if pooled:  # speakers differ in their base through the planted movement effects
        speakers = [_choice_vector(rng, getattr(cfg, attr), n) for attr in ATTRIBUTES]
        for eff in cfg.group_effects:
            if eff.metric == "movement_intensity":
                hit = speakers[ATTRIBUTES.index(eff.attribute)] == eff.group
                base[hit] *= eff.group_value / cfg.intensity_base
    intensity = base * np.exp(cfg.intensity_sd * m)
    # tracking noise: central-difference speed noise per axis, in shoulder widths/s
    sw_px = float(np.mean(cfg.shoulder_width)) * cfg.frame_size[0]
    sigma = cfg.tracking_noise_px * cfg.fps / math.sqrt(2) / sw_px
    frames = cfg.window_s * cfg.fps * len(HAND_KEYPOINTS)
    measured = _mean_noisy_speed(intensity, sigma) + rng.standard_normal(n) * sigma / math.sqrt(frames)
    return float(np.corrcoef(measured_rate, measured)[0, 1])


def _choice_vector(rng: np.random.Generator, options: tuple[tuple[str, float], ...], n: int) -> np.ndarray:
    names = np.array([name for name, _ in options], dtype=object)
    p = np.array([w for _, w in options], dtype=float)
    return names[rng.choice(len(names), size=n, p=p / p.sum())]


def expected_window_correlation(config: SynthConfig | None = None, *, pooled: bool = False) -> float:
    """Population correlation of words/s and movement intensity at ``config.window_s``.

    Computed by Monte Carlo (400,000 windows, fixed seed) of the generator's own
    window-level process, including the attenuation from counting whole words
    and from tracking noise, and the log-normal link functions.

    Parameters
    ----------
    pooled
        ``False`` (default): within one speaker (what a per-clip analysis, or a pooled one that
        standardises each clip first, should measure). ``True``: windows of all clips pooled
        without standardising, where speakers' different movement baselines (the planted
        group effects) attenuate the correlation.
    """
    return _expected_r(config or SynthConfig(), bool(pooled))


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
                              "pinky, index, thumb), divided by the shoulder width; speed = |d position / dt| "
                              "with normalised x and z scaled by the frame width and y by the frame height "
                              "(pixels); shoulder width = clip median of the left-right shoulder distance in "
                              "the same pixel units; units: shoulder widths per second",
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
        "dropout": {"rate": cfg.dropout_rate, "span_s": list(cfg.dropout_span_s),
                    "keypoints": list(HAND_KEYPOINTS), "confidence": 0.0,
                    "low_conf_rate": cfg.low_conf_rate, "low_conf_span_s": list(cfg.low_conf_span_s),
                    "low_conf_confidence": [0.1, 0.4],
                    "definition": "each hand is lost (all 4 of its keypoints NaN, confidence 0) in random "
                                  "spans covering about the rate of frames; low-confidence bursts likewise"},
    }


def _labels_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=["clip_id", "speaker_id", "gender", "age_group", "skin_tone",
                                             "label_source"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


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
    if n_clips < 1:
        raise ValueError(f"expected n_clips >= 1, got {n_clips}")
    cfg = config or SynthConfig()
    out = Path(out)
    speakers = _speaker_sequence(n_clips, seed, cfg.speakers_per_clip)
    clips, labels, seen, youtube_ids = [], [], set(), set()
    for k in tqdm(range(n_clips), desc="synthetic clips", unit="clip", disable=not progress):
        sc = _build_clip(k, seed, cfg, int(speakers[k]))
        if sc.clip.youtube_id in youtube_ids:
            raise RuntimeError(f"YouTube id {sc.clip.youtube_id} generated twice (seed {seed}); use another seed")
        youtube_ids.add(sc.clip.youtube_id)
        seen.add(sc.clip.clip_id)
        write_clip(out, sc.clip, audio=sc.audio, samplerate=cfg.audio_rate)
        clips.append(sc.truth)
        labels.append({"clip_id": sc.clip.clip_id, "speaker_id": sc.speaker["speaker_id"],
                       **{a: sc.speaker[a] for a in ATTRIBUTES},
                       "label_source": f"{LABEL_SOURCE} (seed {seed})"})
    with atomic_write(out / LABELS_FILE, "w", encoding="utf-8", newline="") as handle:
        handle.write(_labels_csv(labels))
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
