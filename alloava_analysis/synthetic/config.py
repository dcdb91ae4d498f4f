"""Constants and the configuration of the synthetic generator."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from ..checks import check_range
from ..errors import ParameterError
from ..io.jsonable import to_jsonable

GENERATOR_NAME = "alloava-synthetic"
GENERATOR_VERSION = "1.2"
LABEL_SOURCE = "synthetic: assigned at random by alloava_analysis.synthetic, not inferred from media"

#: Hand keypoints of MediaPipe pose 33 whose speed defines movement intensity.
HAND_KEYPOINTS = ("left_wrist", "right_wrist", "left_pinky", "right_pinky", "left_index", "right_index",
                  "left_thumb", "right_thumb")
ATTRIBUTES = ("gender", "age_group", "skin_tone")
#: Clip-level metrics on which group effects can be planted (and audited).
METRICS = ("dropout_fraction", "asr_probability", "movement_intensity", "low_conf_fraction", "wpm")
#: Metric with a planted baseline -> the :class:`SynthConfig` field holding that baseline.
EFFECT_BASELINE = {"dropout_fraction": "dropout_rate", "asr_probability": "asr_probability",
                   "movement_intensity": "intensity_base", "low_conf_fraction": "low_conf_rate"}

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
    z_noise_sw
        Standard deviation of the frame-to-frame noise of the depth ``z`` (MediaPipe's relative
        depth, estimated from one image: much noisier than x and y), in shoulder widths.
    camera_pan_sw
        Standard deviation of a slow camera pan (Ornstein-Uhlenbeck drift of the whole picture,
        time constant 3 s), in shoulder widths; 0 = a fixed camera.
    cut_rate_per_min
        Camera cuts per minute (Poisson; each new shot has its own zoom and framing); 0 = one shot.
    cut_min_shot_s
        Shortest shot, and the least time between a cut and the clip's ends.
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
    z_noise_sw: float = 0.1
    camera_pan_sw: float = 0.0
    cut_rate_per_min: float = 0.0
    cut_min_shot_s: float = 2.0
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
        def need(ok: bool, name: str, what: str, got: Any) -> None:
            if not ok:
                raise ParameterError(f"invalid value for {name}: SynthConfig: expected {what}, got {got!r}",
                                     name=name)

        for f in fields(self):  # numbers first, so that the comparisons below cannot fail on a string
            if isinstance(f.default, (int, float)) and not isinstance(f.default, bool):
                check_range(f.name, getattr(self, f.name))
        need(-1 < self.correlation < 1, "correlation", "correlation in (-1, 1)", self.correlation)
        need(-1 < self.ar_phi < 1, "ar_phi", "ar_phi in (-1, 1)", self.ar_phi)
        need(self.window_s > 0, "window_s", "window_s > 0", self.window_s)
        need(0 <= self.fine_coupling <= 2, "fine_coupling", "fine_coupling in [0, 2]", self.fine_coupling)
        need(0 < self.fine_band_hz[0] < self.fine_band_hz[1] < self.fps / 2, "fine_band_hz",
             f"0 < fine_band_hz[0] < fine_band_hz[1] < fps/2 = {self.fps / 2}", self.fine_band_hz)
        need(0 < self.duration_s[0] <= self.duration_s[1], "duration_s", "0 < duration_s[0] <= duration_s[1]",
             self.duration_s)
        for name in ("fps", "mean_wpm", "intensity_base"):
            need(getattr(self, name) > 0, name, f"{name} > 0", getattr(self, name))
        for name in ("rate_sd", "intensity_sd"):
            need(getattr(self, name) >= 0, name, f"{name} >= 0", getattr(self, name))
        need(0 < self.asr_probability < 1, "asr_probability", "asr_probability in (0, 1)", self.asr_probability)
        for name in ("dropout_rate", "low_conf_rate"):
            need(0 <= getattr(self, name) < 0.5, name, f"{name} in [0, 0.5)", getattr(self, name))
        for name in ("z_noise_sw", "camera_pan_sw", "cut_rate_per_min"):
            need(getattr(self, name) >= 0, name, f"{name} >= 0", getattr(self, name))
        need(self.cut_min_shot_s > 0, "cut_min_shot_s", "cut_min_shot_s > 0", self.cut_min_shot_s)
        need(0 < self.speakers_per_clip <= 1, "speakers_per_clip", "speakers_per_clip in (0, 1]",
             self.speakers_per_clip)
        need(self.audio_rate > 0 and self.audio_rate % 1 == 0, "audio_rate", "a positive integer audio_rate",
             self.audio_rate)
        need(2 <= self.sentence_words[0] <= self.sentence_words[1], "sentence_words",
             "2 <= sentence_words[0] <= [1]", self.sentence_words)
        genders = dict(self.f0_hz)
        need(all(g in genders for g, _ in self.gender), "f0_hz", f"an f0_hz range for every gender {self.gender}",
             self.f0_hz)
        for eff in self.group_effects:
            need(eff.attribute in ATTRIBUTES, "group_effects", f"a group-effect attribute in {ATTRIBUTES}",
                 eff.attribute)
            need(eff.group in dict(getattr(self, eff.attribute)), "group_effects",
                 f"a group of {eff.attribute} in {[g for g, _ in getattr(self, eff.attribute)]}", eff.group)
            need(eff.metric in EFFECT_BASELINE, "group_effects", f"a group-effect metric in {sorted(EFFECT_BASELINE)}",
                 eff.metric)
            need(eff.group_value > 0, "group_effects", "a positive group_value", eff.group_value)

    def to_dict(self) -> dict[str, Any]:
        """The configuration as plain JSON-ready values (tuples become lists).

        Returns
        -------
        dict
            Every field; mixes and F0 ranges as ``{name: value}`` mappings.
        """
        d = asdict(self)
        for key in _MIX_FIELDS:
            d[key] = {name: p for name, p in getattr(self, key)}
        d["f0_hz"] = {name: list(rng) for name, rng in self.f0_hz}
        return to_jsonable(d)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "SynthConfig":
        """Inverse of :meth:`to_dict`, e.g. ``SynthConfig.from_dict(truth["generator"]["config"])``.

        Parameters
        ----------
        values
            Fields as :meth:`to_dict` writes them (lists and mappings are turned back into tuples).

        Returns
        -------
        SynthConfig
            The configuration.
        """
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
        """The value of ``metric`` for speakers without a planted effect on it.

        Parameters
        ----------
        metric
            A metric with a planted baseline: ``dropout_fraction``,
            ``asr_probability``, ``movement_intensity`` or ``low_conf_fraction``.

        Returns
        -------
        float
            The baseline.
        """
        return float(getattr(self, EFFECT_BASELINE[metric]))
