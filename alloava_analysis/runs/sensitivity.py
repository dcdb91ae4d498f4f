"""How the speech-rate/movement-intensity correlation moves with the analysis choices.

A single published number (Allo-AVA's r = 0.0285) hides its window size, the
body part whose speed is "movement", how the pose was cleaned and how clips
were pooled. :func:`coupling_sensitivity` varies one choice at a time from a
baseline and reports the pooled correlation with its interval for each, as a
tidy table (one row per setting and pooling).
"""
from __future__ import annotations

import logging
import os
import warnings
from dataclasses import replace
from typing import Any

import pandas as pd

from ..checks import check_option
from ..corpus import Corpus, as_corpus
from ..crossmodal.correlation import pooled_correlation
from ..crossmodal.coupling import SPEECH_RATES
from ..errors import ParameterError
from ..features.motion import MotionSettings
from .correlate import corpus_tables
from .settings import SensitivitySettings

__all__ = ["DEFAULT_MOTIONS", "FACTORS", "coupling_sensitivity", "sensitivity_settings"]

log = logging.getLogger(__name__)

#: Motion measurements compared by default (label -> settings).
DEFAULT_MOTIONS = {"body-relative, planar (default)": MotionSettings(),
                   "image-relative": MotionSettings(relative_to="image"),
                   "with depth z": MotionSettings(use_z=True)}


#: The choices varied: factor name -> setting key.
FACTORS = {"window": "window_s", "group": "group", "smoothing": "smooth_s", "motion": "motion",
           "normalisation": "normalize", "speech rate": "speech_rate"}


def sensitivity_settings(*, baseline: dict[str, Any], **values: tuple) -> list[dict[str, Any]]:
    """The one-at-a-time design: the baseline, then each value of each choice with the others at baseline.

    Parameters
    ----------
    baseline
        The value of every setting key of :data:`FACTORS` (``window_s``, ``group``, ``smooth_s``, ``motion``,
        ``normalize``, ``speech_rate``) held while another varies.
    values
        Setting key -> the values tried for it; values equal to the baseline's are not repeated.

    Returns
    -------
    list of dict
        The settings in order: the baseline's keys plus ``factor``, which names the choice that differs from
        the baseline (``"baseline"`` for the baseline itself).
    """
    rows = [{"factor": "baseline", **baseline}]
    for factor, key in FACTORS.items():
        rows += [{**baseline, "factor": factor, key: v} for v in values.get(key, ()) if v != baseline[key]]
    return rows


def coupling_sensitivity(clips: Any, settings: SensitivitySettings | None = None, *, progress: bool = False,
                         **options: Any) -> dict:
    """Pooled speech rate vs movement intensity correlation for each analysis choice, one at a time.

    Parameters
    ----------
    clips
        A corpus, a corpus folder or a list of clips (a list loaded once is fastest).
    settings
        What is varied (:class:`~alloava_analysis.runs.settings.SensitivitySettings`); its fields, which
        ``options`` may also give, are:
    windows_s, groups, smooth_s, motions
        Values tried for the window length (s), the body-part group, pose smoothing (s) and the motion
        measurement (label -> :class:`~alloava_analysis.features.MotionSettings`; default
        :data:`DEFAULT_MOTIONS`).
    normalize
        Movement in shoulder widths per second (True: body size and camera distance divided out) or in
        pixels per second (False).
    speech_rates
        Speech-rate definitions (keys of :data:`~alloava_analysis.crossmodal.coupling.SPEECH_RATES`).
    poolings
        Ways of pooling clips (see :func:`~alloava_analysis.crossmodal.correlation.pooled_correlation`);
        every setting is reported under each.
    method
        ``"pearson"`` or ``"spearman"``.
    baseline
        ``{window_s, group, smooth_s, motion, normalize, speech_rate}`` to vary from (default: 5 s,
        hands, no smoothing, the first motion, shoulder widths, word starts per second).
    n_boot, seed
        Cluster-bootstrap resamples and their seed.
    progress
        Progress bar over clips for each setting.
    options
        Fields of :class:`SensitivitySettings` replacing those of ``settings``.

    Returns
    -------
    dict
        ``{settings, failed, skipped, notes, table}`` as every driver: ``failed`` lists ``{clip_id,
        reason}`` of clips left out of some setting, ``skipped`` the corpus's ``{path, reason}`` files that
        are not clips; ``table`` (a DataFrame) has one row per setting and pooling: ``factor, window_s,
        group, smooth_s, motion, normalize, speech_rate, pooling, r, ci_low, ci_high, n_clips, n_windows``.
    """
    s = SensitivitySettings.resolve(settings, **options)
    if isinstance(clips, (str, os.PathLike, Corpus)):  # a list of clips is analysed as it is
        clips = as_corpus(clips)
    skipped = list(clips.skipped_files) if isinstance(clips, Corpus) else []
    windows_s, groups, smooth_s, normalize, speech_rates = s.windows_s, s.groups, s.smooth_s, s.normalize, \
        s.speech_rates
    motions = dict(DEFAULT_MOTIONS if s.motions is None else s.motions)
    first = next(iter(motions))
    base = {"window_s": 5.0, "group": "hands", "smooth_s": 0.0, "motion": first, "normalize": True,
            "speech_rate": "word_starts", **(s.baseline or {})}
    if base["motion"] not in motions:
        raise ParameterError(f"expected baseline motion to be one of {list(motions)}, got {base['motion']!r}",
                             name="baseline", allowed=tuple(motions))
    check_option("baseline speech_rate", base["speech_rate"], tuple(SPEECH_RATES))
    rows, tables, failed_by_clip = [], {}, {}
    for setting in sensitivity_settings(baseline=base, window_s=windows_s, group=groups, smooth_s=smooth_s,
                                        motion=tuple(motions), normalize=normalize, speech_rate=speech_rates):
        key = tuple(setting[k] for k in ("window_s", "group", "smooth_s", "motion", "normalize"))
        if key not in tables:  # speech-rate definitions share one window table
            windows, _, failed = corpus_tables(clips, window_s=setting["window_s"], group=setting["group"],
                                               motion=replace(motions[setting["motion"]],
                                                              smooth_s=setting["smooth_s"]),
                                               normalize=setting["normalize"], energy=False, progress=progress)
            if failed:
                log.info("%s: %d clip(s) skipped", setting, len(failed))
                failed_by_clip.update({f["clip_id"]: f for f in failed})
            tables[key] = windows
        windows = tables[key]
        y = SPEECH_RATES[setting["speech_rate"]][0]
        for pooling in s.poolings:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                pooled = pooled_correlation(windows, "intensity", y, method=s.method, pooling=pooling,
                                            n_boot=s.n_boot, seed=s.seed) if len(windows) else {}
            rows.append({**setting, "pooling": pooling, "r": pooled.get("r"), "ci_low": pooled.get("ci_low"),
                         "ci_high": pooled.get("ci_high"), "n_clips": pooled.get("n_clips", 0),
                         "n_windows": pooled.get("n_windows", 0)})
    return {"settings": s.to_dict(), "failed": list(failed_by_clip.values()), "skipped": skipped, "notes": [],
            "table": pd.DataFrame(rows)}
