"""One frozen settings object per corpus-level job: every analysis choice of a run, checked once, recorded.

A driver takes ``settings`` (or the same choices as keyword options, which
build one) and records ``settings.to_dict()`` in its result, so a result
always says how it was made. Inputs (the corpus, a labels or reference file)
and where the work runs (``workers``, ``scheduler``, ``progress``) are not
settings: they change neither the numbers nor their meaning.

This module needs only the standard library and the option checks, so the
command line builds its options from it (``CorrelateSettings.CHOICES``)
without loading the analysis code.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from .. import choices
from ..checks import check_int, check_nonnegative, check_option, check_options, check_positive, check_range
from ..errors import ParameterError

__all__ = ["AuditSettings", "ConvertSettings", "CorrelateSettings", "EvaluateSettings", "ExportSettings",
           "JobSettings", "SensitivitySettings", "SynchronySettings", "ValidateSettings"]

S = TypeVar("S", bound="JobSettings")


def _default_motion() -> Any:
    from ..features.motion import MotionSettings  # the analysis code loads only when settings are made

    return MotionSettings()


class JobSettings:
    """What every job's settings can do: be built from keyword options, checked, and recorded."""

    #: Allowed values of the options that take one of a fixed set (``name -> values``).
    CHOICES: ClassVar[dict[str, tuple]] = {}

    @classmethod
    def resolve(cls: type[S], settings: S | None = None, **options: Any) -> S:
        """``settings`` with ``options`` replacing its values (or new settings from ``options``).

        Parameters
        ----------
        settings
            Settings of this job, or None for the defaults.
        options
            Field values that replace those of ``settings``.

        Returns
        -------
        JobSettings
            The checked settings.
        """
        if settings is not None and not isinstance(settings, cls):
            raise ParameterError(f"expected settings to be a {cls.__name__}, got {type(settings).__name__}",
                                 name="settings")
        names = tuple(f.name for f in dataclasses.fields(cls))
        unknown = sorted(set(options) - set(names))
        if unknown:
            raise ParameterError(f"expected options of {cls.__name__} among {names}, got {unknown}",
                                 name=unknown[0], allowed=names)
        if settings is None:
            return cls(**options)
        return dataclasses.replace(settings, **options) if options else settings

    def to_dict(self) -> dict[str, Any]:
        """Plain values for a result (nested settings objects as their own ``to_dict``).

        Returns
        -------
        dict
            Field name -> value.
        """
        out = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.to_dict() if hasattr(value, "to_dict") else value
        return out

    def _check_choices(self) -> None:
        for name, allowed in self.CHOICES.items():
            check_option(name, getattr(self, name), allowed)


@dataclass(frozen=True)
class ValidateSettings(JobSettings):
    """How ``alloava validate`` checks each clip.

    Parameters
    ----------
    expected_rate
        Audio sample rate every clip must have, in Hz (Allo-AVA: 48 kHz).
    tolerance_s, tolerance_frac
        Allowed disagreement between modality durations: the larger of an
        absolute bound (seconds) and a share of the duration.
    low_confidence
        Keypoints under this confidence count as low-confidence.
    """

    expected_rate: int = 48_000
    tolerance_s: float = 1.0
    tolerance_frac: float = 0.01
    low_confidence: float = 0.5

    def __post_init__(self) -> None:
        check_int("expected_rate", self.expected_rate, minimum=1)
        check_nonnegative("tolerance_s", self.tolerance_s)
        check_range("tolerance_frac", self.tolerance_frac, 0.0, 1.0)
        check_range("low_confidence", self.low_confidence, 0.0, 1.0)


@dataclass(frozen=True)
class StatsSettings(JobSettings):
    """How ``alloava stats`` measures a corpus: no choices yet; the object keeps the one driver contract.

    Parameters
    ----------
    None
        The statistics are fixed (see :func:`alloava_analysis.stats.descriptive.measure_table`).
    """


@dataclass(frozen=True)
class ConvertSettings(JobSettings):
    """How ``alloava convert`` fills the store.

    Parameters
    ----------
    force
        Rewrite clips whose store copy is up to date.
    index_every_s
        Write the store index at most this often while converting, in
        seconds (a killed run redoes only the clips since), and at the end.
    """

    force: bool = False
    index_every_s: float = 5.0

    def __post_init__(self) -> None:
        check_option("force", self.force, (False, True))
        check_nonnegative("index_every_s", self.index_every_s)


@dataclass(frozen=True)
class CorrelateSettings(JobSettings):
    """Every analysis choice of ``alloava correlate`` (see :func:`alloava_analysis.runs.correlate.correlate_corpus`).

    Parameters
    ----------
    window_s, hop_s
        Analysis windows in seconds (``hop_s`` defaults to ``window_s``).
    group
        Body-part group whose movement is measured.
    max_lag_s
        Largest lag searched, in seconds.
    n_boot, n_surrogates
        Bootstrap resamples of the pooled correlation; surrogates of each MI null.
    seed
        Seed of every resampling (an integer >= 0).
    detrend_s
        Moving average (seconds) removed from the frame series before lags and MI.
    mi_k, mi_max_samples
        KSG neighbours; cap on the pairs entering it (None: all).
    mi_stop_after
        Each MI null stops once this many surrogates reach the observed MI,
        with the exactly valid sequential p-value of Besag & Clifford (1991)
        (see :func:`~alloava_analysis.crossmodal.information.mi_surrogate_test`;
        None draws all ``n_surrogates``).
    dtw_segment_s
        DTW aligns segments of this length in seconds (None: whole clips).
    motion
        How movement is measured, pose cleaning included (a :class:`~alloava_analysis.features.MotionSettings`).
    speech_rate
        Speech-rate definition, one of :data:`alloava_analysis.choices.SPEECH_RATES`.
    rate_window_s
        Length of the ``windowed`` speech rate, seconds.
    normalize
        Movement in shoulder widths per second (True) or raw position units.
    pooling
        How clips are pooled, one of :data:`alloava_analysis.choices.POOLING`.
    per_clip_interval
        Per-clip interval, one of :data:`alloava_analysis.choices.PER_CLIP_INTERVALS`.
    mi_signals
        Signal pair of the mutual information, one of :data:`alloava_analysis.choices.MI_SIGNALS`.
    lag_block_s, n_boot_lag
        Block length (seconds) and resamples of the per-clip lag intervals.
    """

    CHOICES: ClassVar[dict[str, tuple]] = {"speech_rate": choices.SPEECH_RATES, "pooling": choices.POOLING,
                                           "per_clip_interval": choices.PER_CLIP_INTERVALS,
                                           "mi_signals": choices.MI_SIGNALS}

    window_s: float = 5.0
    hop_s: float | None = None
    group: str = "hands"
    max_lag_s: float = 1.0
    n_boot: int = 2000
    n_surrogates: int = 199
    seed: int = 0
    detrend_s: float = 2.0
    mi_k: int = 3
    mi_max_samples: int | None = 20_000
    mi_stop_after: int | None = 10
    dtw_segment_s: float | None = 60.0
    motion: Any = field(default_factory=_default_motion)
    speech_rate: str = "word_starts"
    rate_window_s: float = 5.0
    normalize: bool = True
    pooling: str = "mixed"
    per_clip_interval: str = "clip_pairs"
    mi_signals: str = "frame_energy"
    lag_block_s: float = 5.0
    n_boot_lag: int = 500

    def __post_init__(self) -> None:
        from ..crossmodal.coupling import check_settings
        from ..features.motion import MotionSettings

        if self.motion is None:
            object.__setattr__(self, "motion", MotionSettings())
        if not isinstance(self.motion, MotionSettings):
            raise ParameterError(f"expected motion to be a MotionSettings, got {type(self.motion).__name__}",
                                 name="motion")
        self._check_choices()
        check_settings(window_s=self.window_s, hop_s=self.hop_s, group=self.group, max_lag_s=self.max_lag_s,
                       n_boot=self.n_boot, n_surrogates=self.n_surrogates)
        for name in ("max_lag_s", "rate_window_s", "lag_block_s"):
            check_positive(name, getattr(self, name))
        check_nonnegative("detrend_s", self.detrend_s)
        check_int("n_boot_lag", self.n_boot_lag, minimum=1)
        check_int("mi_k", self.mi_k, minimum=1)
        check_int("seed", self.seed, minimum=0)
        check_option("normalize", self.normalize, (False, True))
        if self.mi_max_samples is not None:
            check_int("mi_max_samples", self.mi_max_samples, minimum=10)
        check_int("mi_stop_after", self.mi_stop_after, minimum=1, allow_none=True)
        if self.dtw_segment_s is not None:
            check_positive("dtw_segment_s", self.dtw_segment_s)

    @property
    def hop(self) -> float:
        """The hop between windows in seconds (``hop_s``, else ``window_s``)."""
        return self.window_s if self.hop_s is None else self.hop_s


@dataclass(frozen=True)
class AuditSettings(JobSettings):
    """Every choice of ``alloava audit`` (see :func:`alloava_analysis.runs.audit.audit_corpus`).

    Parameters
    ----------
    by
        Attributes to group by (a tuple, or ``"gender,age_group"``).
    min_cell
        Counts under this are masked in every output.
    min_share
        Groups under this share of the hours are flagged under-represented.
    reference_ratio
        Groups under this ratio of their reference share are flagged below reference.
    metrics
        Metric names to disaggregate (None: all of :data:`alloava_analysis.stats.audit.METRICS`).
    n_boot, n_perm
        Bootstrap resamples (speakers) and label permutations.
    alpha
        False-discovery rate for ``flagged``, in (0, 1).
    seed
        Seed of the resampling (an integer >= 0).
    low_confidence, window_s, gesture_threshold
        Per-clip measurement (see :func:`alloava_analysis.stats.audit.clip_metrics`).
    balance_tolerance
        Allowed share error of the balanced subset.
    """

    by: tuple[str, ...] = ()
    min_cell: int = 5
    min_share: float = 0.05
    reference_ratio: float = 0.8
    metrics: tuple[str, ...] | None = None
    n_boot: int = 2000
    n_perm: int = 1999
    alpha: float = 0.05
    seed: int = 0
    low_confidence: float = 0.5
    window_s: float = 5.0
    gesture_threshold: float = 0.6
    balance_tolerance: float = 0.02

    def __post_init__(self) -> None:
        by = [b.strip() for b in self.by.split(",")] if isinstance(self.by, str) else list(self.by)
        by = [b for b in by if b]
        if not by:
            raise ParameterError("expected at least one attribute in --by, got none", name="by")
        if len(set(by)) != len(by):
            raise ParameterError(f"expected distinct attributes in --by, got {by}", name="by")
        object.__setattr__(self, "by", tuple(by))
        if self.metrics is not None:
            object.__setattr__(self, "metrics", tuple(self.metrics))
        check_int("min_cell", self.min_cell, minimum=1)
        check_range("min_share", self.min_share, 0.0, 1.0)
        check_range("reference_ratio", self.reference_ratio, 0.0, 1.0)
        check_int("n_boot", self.n_boot, minimum=1)
        check_int("n_perm", self.n_perm, minimum=0)
        check_int("seed", self.seed, minimum=0)
        check_range("alpha", self.alpha, 0.0, 1.0, inclusive=(False, False))
        check_range("low_confidence", self.low_confidence, 0.0, 1.0)
        check_positive("window_s", self.window_s)
        check_positive("gesture_threshold", self.gesture_threshold)
        check_range("balance_tolerance", self.balance_tolerance, 0.0, 1.0, inclusive=(False, True))

    def clip_options(self) -> dict[str, float]:
        """The options of :func:`~alloava_analysis.stats.audit.clip_metrics`.

        Returns
        -------
        dict
            ``low_confidence``, ``window_s``, ``gesture_threshold``.
        """
        return {"low_confidence": self.low_confidence, "window_s": self.window_s,
                "gesture_threshold": self.gesture_threshold}


@dataclass(frozen=True)
class EvaluateSettings(JobSettings):
    """Every choice of ``alloava evaluate`` (see :func:`alloava_analysis.runs.evaluate.evaluate_corpora`).

    Parameters
    ----------
    window_s, hop_s
        Motion windows of the Fréchet distances, seconds (``hop_s`` defaults to ``window_s``).
    rate_hz
        Frame rate both sides are resampled to.
    embedder
        A user-supplied feature extractor file (TorchScript or ONNX), or None.
    n_boot
        Bootstrap resamples of the Fréchet distance interval (over clips).
    sigma_s
        Tolerance of the beat alignment, seconds.
    direction
        Beat-alignment direction, one of :data:`alloava_analysis.choices.DIRECTIONS`.
    speed_bins
        Bins of the speed histograms (Hellinger distance).
    confidence_threshold, max_gap_s
        Pose cleaning before measurement.
    cut_handling
        Camera cuts, one of :data:`alloava_analysis.choices.CUT_HANDLING`.
    keypoints
        Evaluated keypoint set, one of :data:`alloava_analysis.choices.EVAL_KEYPOINT_SETS`.
    seed
        Seed of the resampling (an integer >= 0).
    """

    CHOICES: ClassVar[dict[str, tuple]] = {"direction": choices.DIRECTIONS, "cut_handling": choices.CUT_HANDLING,
                                           "keypoints": choices.EVAL_KEYPOINT_SETS}

    window_s: float = 2.0
    hop_s: float | None = None
    rate_hz: float = 30.0
    embedder: Any = None
    n_boot: int = 200
    sigma_s: float = 0.05
    direction: str = "motion_to_audio"
    speed_bins: int = 40
    confidence_threshold: float = 0.5
    max_gap_s: float = 0.5
    cut_handling: str = "exclude"
    keypoints: str = "upper_body"
    seed: int = 0

    def __post_init__(self) -> None:
        self._check_choices()
        check_positive("window_s", self.window_s)
        if self.hop_s is not None:
            check_positive("hop_s", self.hop_s)
        check_positive("rate_hz", self.rate_hz)
        check_int("n_boot", self.n_boot, minimum=0)
        check_positive("sigma_s", self.sigma_s)
        check_int("speed_bins", self.speed_bins, minimum=2)
        check_int("seed", self.seed, minimum=0)
        check_range("confidence_threshold", self.confidence_threshold, 0.0, 1.0)
        check_nonnegative("max_gap_s", self.max_gap_s)

    def to_dict(self) -> dict[str, Any]:
        """Plain values for a result; the embedder as its file path (or its ``str``).

        Returns
        -------
        dict
            Field name -> value.
        """
        out = super().to_dict()
        out["embedder"] = None if self.embedder is None else str(getattr(self.embedder, "path", self.embedder))
        return out

    def measure_options(self) -> dict[str, Any]:
        """The options each side is measured with (see :func:`~alloava_analysis.runs.evaluate.measure_corpus`).

        Returns
        -------
        dict
            ``rate_hz``, ``window_s``, ``hop_s``, ``confidence_threshold``, ``max_gap_s``, ``cut_handling``,
            ``keypoints``.
        """
        return {name: getattr(self, name) for name in ("rate_hz", "window_s", "hop_s", "confidence_threshold",
                                                       "max_gap_s", "cut_handling", "keypoints")}


@dataclass(frozen=True)
class ExportSettings(JobSettings):
    """What ``alloava export`` writes.

    Parameters
    ----------
    to
        Format, one of :data:`alloava_analysis.choices.EXPORT_FORMATS`.
    window_s
        Analysis window of the feature tables (``parquet``, ``csv``), seconds.
    clip_ids
        Clips to export (None: all).
    overwrite
        Replace exported files even when they changed since (hand corrections are lost).
    """

    CHOICES: ClassVar[dict[str, tuple]] = {"to": choices.EXPORT_FORMATS, "overwrite": (True, False)}

    to: str = "netcdf"
    window_s: float = 5.0
    clip_ids: tuple[str, ...] | None = None
    overwrite: bool = False

    def __post_init__(self) -> None:
        self._check_choices()
        check_positive("window_s", self.window_s)
        if self.clip_ids is not None:
            object.__setattr__(self, "clip_ids", tuple(self.clip_ids))


@dataclass(frozen=True)
class SensitivitySettings(JobSettings):
    """The analysis choices the sensitivity run varies one at a time.

    See :func:`alloava_analysis.runs.sensitivity.coupling_sensitivity`.

    Parameters
    ----------
    windows_s, groups, smooth_s, motions, normalize, speech_rates, poolings
        Values tried for each choice (``motions``: label -> MotionSettings;
        None: :data:`alloava_analysis.runs.sensitivity.DEFAULT_MOTIONS`).
    method
        Correlation method (``pearson`` or ``spearman``).
    baseline
        The choices held fixed while one varies (None: the first value of each).
    n_boot
        Bootstrap resamples of each pooled correlation.
    seed
        Seed of the resampling (an integer >= 0).
    """

    windows_s: tuple[float, ...] = (1.0, 2.0, 5.0, 10.0, 20.0)
    groups: tuple[str, ...] = ("hands", "arms", "upper_body", "head")
    smooth_s: tuple[float, ...] = (0.0, 0.25)
    motions: dict | None = None
    normalize: tuple[bool, ...] = (True, False)
    speech_rates: tuple[str, ...] = ("word_starts", "syllables", "articulation")
    poolings: tuple[str, ...] = choices.POOLING
    method: str = "pearson"
    baseline: Any = None
    n_boot: int = 200
    seed: int = 0

    def __post_init__(self) -> None:
        from ..features.motion import MotionSettings
        from ..schema import GROUPS

        check_option("method", self.method, ("pearson", "spearman"))
        for name, allowed in (("groups", GROUPS), ("normalize", (False, True)), ("speech_rates", choices.SPEECH_RATES),
                              ("poolings", choices.POOLING)):
            check_options(name, getattr(self, name), allowed)
        for name, check in (("windows_s", check_positive), ("smooth_s", check_nonnegative)):
            values = getattr(self, name)
            if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
                raise ParameterError(f"invalid value for {name}: expected a list of numbers, got {values!r}",
                                     name=name)
            for value in values:
                check(name, value)
        if self.motions is not None and not (isinstance(self.motions, dict) and
                                             all(isinstance(m, MotionSettings) for m in self.motions.values())):
            raise ParameterError(f"invalid value for motions: expected None or a dict of label -> MotionSettings, "
                                 f"got {self.motions!r}", name="motions")
        if self.baseline is not None:
            keys = ("window_s", "group", "smooth_s", "motion", "normalize", "speech_rate")
            if not isinstance(self.baseline, dict) or set(self.baseline) - set(keys):
                raise ParameterError(f"invalid value for baseline: expected None or a dict with keys among {keys}, "
                                     f"got {self.baseline!r}", name="baseline", allowed=keys)
        check_int("n_boot", self.n_boot, minimum=1)
        check_int("seed", self.seed, minimum=0)

    def to_dict(self) -> dict[str, Any]:
        """Plain values for a result; ``motions`` as label -> the motion settings' ``to_dict()``.

        Returns
        -------
        dict
            Field name -> value.
        """
        out = super().to_dict()
        if self.motions is not None:
            out["motions"] = {label: m.to_dict() for label, m in self.motions.items()}
        return out


@dataclass(frozen=True)
class SynchronySettings(JobSettings):
    """Every choice of the prosody-gesture synchrony analysis (see :mod:`alloava_analysis.runs.synchrony`).

    Parameters
    ----------
    f0_method
        F0 tracker, one of :data:`alloava_analysis.choices.F0_METHODS`.
    fmin, fmax
        F0 search range in Hz (None for both: the speaker-adapted two-pass range).
    f0_prominence_st, f0_smooth_s
        Least prominence (semitones) of an F0 peak; moving mean (seconds) before peak picking.
    envelope_cutoff_hz, envelope_prominence
        Envelope low-pass (Hz); least prominence of its peaks as a share of the clip's 95th percentile.
    min_separation_s
        Least time between two peaks of one kind.
    max_pause_s
        Pauses shorter than this do not split a clip's speech intervals.
    kinds
        Prosodic events timed against, of :data:`alloava_analysis.choices.PROSODIC_EVENTS`.
    max_lag_s
        Search window (seconds): each unit is timed against the nearest event within ``±max_lag_s`` of its peak;
        a unit with none gets no lag for that kind and is counted (``n_no_event``).
    null
        How the null moves units, one of :data:`alloava_analysis.choices.SYNCHRONY_NULLS`.
    n_null, n_boot
        Draws of the null (p-value resolution ``1 / (1 + n_null)``); bootstrap resamples of each interval.
    ci, alpha
        Interval coverage; level at which a kind is said to coincide with the peaks.
    seed
        Seed of the null and the bootstraps.
    """

    CHOICES: ClassVar[dict[str, tuple]] = {"f0_method": choices.F0_METHODS, "null": choices.SYNCHRONY_NULLS}

    f0_method: str = "praat"
    fmin: float | None = None
    fmax: float | None = None
    f0_prominence_st: float = 1.0
    f0_smooth_s: float = 0.05
    envelope_cutoff_hz: float = 12.0
    envelope_prominence: float = 0.1
    min_separation_s: float = 0.15
    max_pause_s: float = 0.5
    kinds: tuple[str, ...] = choices.PROSODIC_EVENTS
    max_lag_s: float = 1.0
    null: str = "shift"
    n_null: int = 999
    n_boot: int = 2000
    ci: float = 0.95
    alpha: float = 0.05
    seed: int = 0

    def __post_init__(self) -> None:
        self._check_choices()
        kinds = [self.kinds] if isinstance(self.kinds, str) else self.kinds
        object.__setattr__(self, "kinds", tuple(check_options("kinds", kinds, choices.PROSODIC_EVENTS)))
        check_positive("fmin", self.fmin, allow_none=True)
        check_positive("fmax", self.fmax, allow_none=True)
        if (self.fmin is None) != (self.fmax is None) or (self.fmin is not None and not self.fmin < self.fmax):
            raise ParameterError(f"invalid value for fmax: expected fmin < fmax, both given, or both None; got "
                                 f"fmin={self.fmin}, fmax={self.fmax}", name="fmax")
        check_positive("f0_prominence_st", self.f0_prominence_st)
        check_range("envelope_cutoff_hz", self.envelope_cutoff_hz, 0.0, 50.0, inclusive=(False, False))
        check_range("envelope_prominence", self.envelope_prominence, 0.0, 1.0, inclusive=(False, True))
        for name in ("f0_smooth_s", "min_separation_s", "max_pause_s"):
            check_nonnegative(name, getattr(self, name))
        check_positive("max_lag_s", self.max_lag_s)
        check_int("n_null", self.n_null, minimum=1)
        check_int("n_boot", self.n_boot, minimum=1)
        check_range("ci", self.ci, 0.0, 1.0, inclusive=(False, False))
        check_range("alpha", self.alpha, 0.0, 1.0, inclusive=(False, False))
        check_int("seed", self.seed, minimum=0)

    def prosody_options(self) -> dict[str, Any]:
        """The options of :func:`~alloava_analysis.features.prosody.prosodic_events`.

        Returns
        -------
        dict
            ``f0_method, fmin, fmax, f0_prominence_st, f0_smooth_s, envelope_cutoff_hz, envelope_prominence,
            min_separation_s, max_pause_s``.
        """
        names = ("f0_method", "fmin", "fmax", "f0_prominence_st", "f0_smooth_s", "envelope_cutoff_hz",
                 "envelope_prominence", "min_separation_s", "max_pause_s")
        return {n: getattr(self, n) for n in names}

    def synchrony_options(self) -> dict[str, Any]:
        """The options of :func:`~alloava_analysis.crossmodal.synchrony.synchrony`.

        Returns
        -------
        dict
            ``kinds, max_lag_s, null, n_null, n_boot, ci, alpha, seed``.
        """
        names = ("kinds", "max_lag_s", "null", "n_null", "n_boot", "ci", "alpha", "seed")
        return {n: getattr(self, n) for n in names}
