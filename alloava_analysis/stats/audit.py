"""Demographic audit of a corpus: representation by clips and hours, disaggregated quality and behaviour.

The per-table pieces of ``alloava audit`` (:mod:`alloava_analysis.runs.audit`).
Labels come only from the labels CSV keyed by ``clip_id``
(:mod:`alloava_analysis.validators.labels`); nothing here looks at
faces or voices to guess them.

* **Representation**: clips, speakers, hours and shares of hours per group of each
  attribute and per intersection, against an optional reference distribution;
  groups under ``min_share`` of the hours are flagged ``under_represented``, and
  groups under ``reference_ratio`` (four-fifths) of their reference share
  ``below_reference``.
* **Small cells**: counts under ``min_cell`` are masked in every output, with
  complementary suppression so that margins do not give them away
  (:mod:`alloava_analysis.stats.suppression`).
* **Metrics** per clip (:data:`METRICS`), aggregated per group as weighted means
  (the weights make a group's value the pooled value, e.g. missing hand
  keypoint-frames over all its hand keypoint-frames); intervals from a
  percentile bootstrap that resamples **speakers** within each group (speakers
  recur across clips, so clips are not independent); the difference and ratio to
  the overall value; Hedges' g of the clip values against the rest of the corpus;
  a two-sided permutation p-value of ``group - overall`` that permutes group
  labels across speakers; Benjamini-Hochberg false-discovery-rate correction
  (``statsmodels``) over the reported family (every comparison shown, listed in
  ``family``). ``flagged`` = adjusted p-value <= ``alpha``.

Results that cannot be computed are rows with ``None`` values and a ``note`` that
starts with "insufficient data", never a number from a division by zero.
"""
from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..checks import check_int, check_nonnegative, check_options, check_positive, check_range
from ..errors import AlloAvaError, MissingModalityError, SchemaError
from ..model import Clip, estimate_frame_rate
from ..validators.labels import LabelSchema, validate_labels
from . import suppression
from .quality import hand_visibility, keypoint_quality

__all__ = ["METRICS", "MetricSpec", "clip_metrics", "disaggregate", "group_label", "prepare_table",
           "provenance_counts", "representation"]

log = logging.getLogger(__name__)
OVERALL = "overall"


@dataclass(frozen=True)
class MetricSpec:
    """A per-clip metric: its weight column, scale and unit."""

    name: str
    weight: str
    unit: str
    description: str
    fisher: bool = False  # averaged on the Fisher-z scale (correlations)


METRICS = (
    MetricSpec("dropout_fraction", "w_frames", "share of keypoint-frames",
               "hand keypoint-frames missing (stats.quality, hands group)"),
    MetricSpec("low_confidence_fraction", "w_frames", "share of keypoint-frames",
               "hand keypoint-frames present with confidence below the threshold (stats.quality)"),
    MetricSpec("hand_visibility", "w_frames", "share of frames", "frames with both hands visible and confident"),
    MetricSpec("asr_probability", "w_words", "probability", "mean ASR word probability"),
    MetricSpec("speech_rate", "w_seconds", "words/min", "words per minute of clip (features.speech.speech_rate)"),
    MetricSpec("movement_intensity", "w_seconds", "shoulder widths/s",
               "mean hand speed / shoulder width (features.motion.movement_intensity)"),
    MetricSpec("gesture_rate", "w_seconds", "units/min", "gesture units per minute (features.motion.gesture_units)"),
    MetricSpec("speech_gesture_r", "w_corr", "r",
               "per-clip correlation of window speech rate and movement intensity (crossmodal), pooled on the "
               "Fisher-z scale weighted by effective windows - 3", fisher=True),
)
_SPEC = {m.name: m for m in METRICS}


# --------------------------------------------------------------------------------------------
# per clip
# --------------------------------------------------------------------------------------------
def clip_metrics(clip: Clip, *, low_confidence: float = 0.5, window_s: float = 5.0,
                 gesture_threshold: float = 0.6) -> dict[str, Any]:
    """The audit metrics of one clip and their weights (``w_frames, w_words, w_seconds, w_corr``).

    A metric that cannot be measured (no transcript, too short for a window, ...) is NaN with weight 0,
    and the reason is in ``notes``.

    Parameters
    ----------
    clip
        A loaded clip with keypoints.
    low_confidence
        Confidence (0 to 1) below which a hand keypoint counts as low; also the
        masking threshold of the movement features.
    window_s
        Window length in seconds of the speech-gesture correlation (> 0).
    gesture_threshold
        Onset threshold of :func:`~alloava_analysis.features.motion.gesture_units`
        on the hands' movement intensity, in shoulder widths/s (> 0).

    Returns
    -------
    dict
        ``clip_id, seconds``, every metric of :data:`METRICS` and the weights,
        and ``notes`` (why a metric is missing; "" when none is).
    """
    check_range("low_confidence", low_confidence, 0.0, 1.0)
    check_positive("window_s", window_s)
    check_positive("gesture_threshold", gesture_threshold)
    from ..crossmodal import correlation
    from ..crossmodal.coupling import clip_tables
    from ..features import motion, speech

    pose = clip.pose
    if pose is None:
        raise MissingModalityError(f"clip {clip.clip_id!r}: expected keypoints for an audit, got none")
    t = pose["time"].values
    fps = float(pose.attrs.get("fps") or estimate_frame_rate(t))
    seconds = float(t[-1] - t[0] + 1.0 / fps) if t.size else 0.0
    rec: dict[str, Any] = {"clip_id": clip.clip_id, "seconds": seconds, "notes": []}
    q = keypoint_quality(pose, group="hands", low_confidence=low_confidence)
    rec.update(dropout_fraction=q["nan_fraction"], low_confidence_fraction=q["low_confidence_fraction"],
               hand_visibility=hand_visibility(pose, low_confidence=low_confidence), w_frames=float(q["frames"]))
    nan = float("nan")
    rec.update(asr_probability=nan, w_words=0.0, speech_rate=nan, movement_intensity=nan, gesture_rate=nan,
               speech_gesture_r=nan, w_seconds=seconds, w_corr=0.0)
    words = clip.words
    if words is None or not len(words):
        rec["notes"].append("no transcript words")
    else:
        prob = words["probability"].to_numpy(dtype=float)
        if np.isfinite(prob).any():
            rec.update(asr_probability=float(np.nanmean(prob)), w_words=float(np.isfinite(prob).sum()))
        rate = speech.speech_rate(words, window_s=seconds, span=(float(t[0]), float(t[0]) + seconds))
        rec["speech_rate"] = float(rate["wpm"].iat[0])
    try:
        inten = motion.movement_intensity(pose, group="hands", confidence_threshold=low_confidence)
        rec["movement_intensity"] = float(np.nanmean(inten["intensity"])) if inten["intensity"].notna().any() else nan
        units = motion.gesture_units(inten, high=gesture_threshold)
        rec["gesture_rate"] = float(motion.gesture_rate(units, span=(float(t[0]), float(t[0]) + seconds))
                                    ["units_per_min"].iat[0])
    except ValueError as err:
        rec["notes"].append(f"no movement: {err}")
    if words is not None and len(words):
        try:
            windows, _ = clip_tables(clip, window_s=window_s, energy=False,
                                     motion=motion.MotionSettings(confidence_threshold=low_confidence))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                table = correlation.correlation_table(windows, "intensity", "speech_rate", interval="ar1")  # one clip
            r, n_eff = float(table["r"].iat[0]), float(table["n_eff"].iat[0])
            if np.isfinite(r) and np.isfinite(n_eff) and n_eff > 3:
                rec.update(speech_gesture_r=r, w_corr=n_eff - 3)
            else:
                rec["notes"].append(f"no speech-gesture correlation: {table['note'].iat[0] or 'too few windows'}")
        except (ValueError, AlloAvaError) as err:
            rec["notes"].append(f"no speech-gesture correlation: {err}")
    rec["notes"] = "; ".join(rec["notes"])
    return rec


# --------------------------------------------------------------------------------------------
# groups and representation
# --------------------------------------------------------------------------------------------
def group_label(view: tuple[str, ...], values: tuple[str, ...]) -> str:
    """``gender=female`` or ``gender=female & age_group=18-34``; ``overall`` for the empty view.

    Parameters
    ----------
    view
        Attribute names (empty for the whole corpus).
    values
        Their values, in the same order.

    Returns
    -------
    str
        The group's label.
    """
    return " & ".join(f"{a}={v}" for a, v in zip(view, values)) if view else OVERALL


def prepare_table(table: pd.DataFrame, by: list[str], schema: LabelSchema,
                  labels_path: str | Path | None) -> pd.DataFrame:
    """The per-clip table checked for auditing: labels canonicalised, a speaker for every clip, ``hours``.

    Parameters
    ----------
    table
        One row per clip with ``clip_id``, ``seconds``, the ``by`` labels and,
        if known, ``speaker_id``.
    by
        The attributes audited.
    schema
        Allowed values per attribute.
    labels_path
        The labels file the labels came from, named in errors (None: not from a file).

    Returns
    -------
    pandas.DataFrame
        The checked table; a clip without ``speaker_id`` is its own speaker
        (``clip:<id>``, with a warning); ``hours`` from ``seconds``.
    """
    if table.empty:
        raise SchemaError("expected at least one clip to audit, got none", path=labels_path)
    out = validate_labels(table, by, schema=schema, path=labels_path)
    if "speaker_id" in out and out["speaker_id"].fillna("").astype(str).str.strip().ne("").all():
        out["speaker_id"] = out["speaker_id"].astype(str)
    else:
        warnings.warn("no speaker_id for every clip: clips without one count as their own speaker, so intervals "
                      "may be too narrow if speakers recur", stacklevel=3)
        sid = out["speaker_id"].fillna("").astype(str) if "speaker_id" in out else pd.Series("", index=out.index)
        out["speaker_id"] = sid.where(sid.str.strip() != "", "clip:" + out["clip_id"].astype(str))
    out["hours"] = out["seconds"].astype(float) / 3600.0
    return out.reset_index(drop=True)


def _cells(table: pd.DataFrame, by: list[str], reference: pd.DataFrame | None) -> pd.DataFrame:
    """Every published cell: view, values, group, clips, speakers, hours (zero rows for reference-only groups)."""
    rows = []
    for r in range(len(by) + 1):
        for view in combinations(by, r):
            if not view:
                rows.append({"view": (), "values": (), "clips": len(table), "speakers": table.speaker_id.nunique(),
                             "hours": float(table.hours.sum())})
                continue
            for values, g in table.groupby(list(view), sort=True):
                values = tuple(str(v) for v in (values if isinstance(values, tuple) else (values,)))
                rows.append({"view": view, "values": values, "clips": len(g), "speakers": g.speaker_id.nunique(),
                             "hours": float(g.hours.sum())})
            if reference is not None:
                present = {row["values"] for row in rows if row["view"] == view}
                for group in reference.loc[reference.attribute == "&".join(view), "group"]:
                    values = tuple(group.split("&"))
                    if values not in present:
                        rows.append({"view": view, "values": values, "clips": 0, "speakers": 0, "hours": 0.0})
    cells = pd.DataFrame(rows)
    cells["group"] = [group_label(v, x) for v, x in zip(cells["view"], cells["values"])]
    return cells


def _masks(table: pd.DataFrame, cells: pd.DataFrame, by: list[str], min_cell: int) -> tuple[np.ndarray, np.ndarray]:
    """Suppression masks over ``cells`` for clip counts (and everything derived) and for speaker counts."""
    base = table.groupby(by, sort=True).agg(clips=("clip_id", "size"), speakers=("speaker_id", "nunique"))
    base = base.reset_index()
    for a in by:
        base[a] = base[a].astype(str)
    keys, membership, clip_counts = suppression.linked_cells(base, by, "clips")
    clip_mask = suppression.suppress(keys, membership, clip_counts, min_cell=min_cell)
    _, _, spk_counts = suppression.linked_cells(base, by, "speakers")
    # published speaker counts are distinct speakers (not sums when a speaker's labels vary); audit with those
    position = {k: i for i, k in enumerate(keys)}
    published = np.array(spk_counts)
    for _, row in cells.iterrows():
        i = position.get((tuple(row["view"]), tuple(row["values"])))
        if i is not None:
            published[i] = row["speakers"]
    spk_mask = suppression.suppress(keys, membership, published, min_cell=min_cell, initial=clip_mask)
    out_clip, out_spk = np.zeros(len(cells), bool), np.zeros(len(cells), bool)
    for j, row in enumerate(cells.itertuples()):
        i = position.get((tuple(row.view), tuple(row.values)))
        if i is not None:
            out_clip[j], out_spk[j] = clip_mask[i], spk_mask[i]
    return out_clip, out_spk


def representation(table: pd.DataFrame, by: list[str], *, reference: pd.DataFrame | None = None,
                   min_cell: int = 5, min_share: float = 0.05, reference_ratio: float = 0.8) -> pd.DataFrame:
    """Clips, speakers, hours and shares per group and intersection, with flags and suppression.

    Parameters
    ----------
    table
        One row per clip with ``clip_id, speaker_id, hours`` and the ``by`` columns (checked labels).
    by
        Attributes (columns of ``table``); cells are every value of each and every intersection.
    reference
        Checked reference shares (``attribute, group, share``), or None.
    min_cell
        Clip counts (and speaker counts) below this are masked (>= 1); see
        :mod:`~alloava_analysis.stats.suppression`.
    min_share
        ``under_represented`` when the share of hours is below this (0 <= min_share < 1).
    reference_ratio
        ``below_reference`` when share / reference share is below this (>= 0; the "four-fifths" rule).

    Returns
    -------
    pandas.DataFrame
        One row per published cell: ``group, attributes, values, clips, speakers, hours, share, share_clips,
        reference_share, share_to_reference, under_represented, below_reference, suppressed,
        speakers_suppressed, note``. Masked values are None.
    """
    check_int("min_cell", min_cell, minimum=1)
    check_range("min_share", min_share, 0.0, 1.0, inclusive=(True, False))
    check_nonnegative("reference_ratio", reference_ratio)
    check_options("by", by, list(table.columns))
    cells = _cells(table, by, reference)
    clip_mask, spk_mask = _masks(table, cells, by, min_cell)
    total_h, total_c = float(table.hours.sum()), len(table)
    ref = {} if reference is None else {(a, g): s for a, g, s in
                                        reference[["attribute", "group", "share"]].itertuples(index=False)}
    rows = []
    for j, c in enumerate(cells.itertuples()):
        share = c.hours / total_h if total_h > 0 else None
        row = {"group": c.group, "attributes": list(c.view), "values": list(c.values), "clips": int(c.clips),
               "speakers": int(c.speakers), "hours": c.hours, "share": share,
               "share_clips": c.clips / total_c if total_c else None,
               "reference_share": ref.get(("&".join(c.view), "&".join(c.values))) if c.view else None,
               "share_to_reference": None, "under_represented": None, "below_reference": None,
               "suppressed": bool(clip_mask[j]), "speakers_suppressed": bool(spk_mask[j]), "note": ""}
        if share is None:
            row["note"] = "insufficient data: the corpus has zero hours"
        elif c.view:
            row["under_represented"] = bool(share < min_share)
            if row["reference_share"] is not None:
                if row["reference_share"] > 0:
                    row["share_to_reference"] = share / row["reference_share"]
                    row["below_reference"] = bool(row["share_to_reference"] < reference_ratio)
                else:
                    row["note"] = "reference share is 0: no ratio"
            if c.clips == 0:
                row["note"] = "insufficient data: no clips in this group (listed in the reference)"
        if row["suppressed"]:
            row.update(clips=None, hours=None, share=None, share_clips=None, share_to_reference=None,
                       under_represented=None, below_reference=None,
                       note=f"suppressed: fewer than {min_cell} clips here or in a linked cell")
        if row["speakers_suppressed"]:
            row["speakers"] = None
        rows.append(row)
    return pd.DataFrame(rows, dtype=object)


# --------------------------------------------------------------------------------------------
# disaggregated metrics
# --------------------------------------------------------------------------------------------
def _hedges_g(a: np.ndarray, b: np.ndarray) -> float | None:
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if a.size < 2 or b.size < 2:
        return None
    pooled = ((a.size - 1) * a.var(ddof=1) + (b.size - 1) * b.var(ddof=1)) / (a.size + b.size - 2)
    if pooled <= 0:
        return None
    j = 1 - 3 / (4 * (a.size + b.size) - 9)
    return float(j * (a.mean() - b.mean()) / np.sqrt(pooled))


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def disaggregate(table: pd.DataFrame, by: list[str], *, metrics: list[str] | tuple[str, ...] | None = None,
                 suppressed: set[str] = frozenset(), n_boot: int = 2000, n_perm: int = 1999, ci: float = 0.95,
                 alpha: float = 0.05, seed: int = 0, min_speakers: int = 2) -> tuple[pd.DataFrame, dict]:
    """Per-group metric values with speaker-clustered bootstrap intervals, differences, ratios and FDR flags.

    Parameters
    ----------
    table
        One row per clip: ``clip_id, speaker_id``, the ``by`` columns, metric columns and their weights.
    by
        Attributes; groups are every value of each and every intersection.
    metrics
        Metric names (default: those of :data:`METRICS` present in ``table``).
    suppressed
        Group labels whose values must not be shown (small cells).
    n_boot, n_perm
        Bootstrap resamples (intervals) and label permutations (p-values), each
        >= 0 (no permutations: no tests).
    ci
        Interval level, in (0, 1).
    alpha
        False-discovery rate for ``flagged`` (Benjamini-Hochberg over the family).
    seed
        Seed of the bootstrap and the permutations (>= 0).
    min_speakers
        Groups with fewer speakers (and corpora with fewer outside the group) get no test.

    Returns
    -------
    rows
        ``group, attributes, metric, value, ci_low, ci_high, overall, difference, difference_ci_low,
        difference_ci_high, ratio, effect_size, p_value, q_value, flagged, suppressed, note``.
    family
        ``{method, alpha, size, tests: [{group, metric}], definition}``.
    """
    from statsmodels.stats.multitest import multipletests

    check_options("by", by, list(table.columns))
    if metrics is not None:
        metrics = check_options("metrics", [metrics] if isinstance(metrics, str) else metrics, list(_SPEC))
    check_int("n_boot", n_boot, minimum=0)
    check_int("n_perm", n_perm, minimum=0)
    check_range("ci", ci, 0.0, 1.0, inclusive=(False, False))
    check_range("alpha", alpha, 0.0, 1.0)
    check_int("seed", seed, minimum=0)
    check_int("min_speakers", min_speakers, minimum=1)
    names = [m for m in (metrics or [m.name for m in METRICS]) if m in table]
    specs = [_SPEC[m] for m in names]
    x = np.column_stack([table[s.name].to_numpy(float) for s in specs]) if specs else np.zeros((len(table), 0))
    w = np.column_stack([table[s.weight].to_numpy(float) for s in specs]) if specs else np.zeros((len(table), 0))
    fisher = np.array([s.fisher for s in specs], dtype=bool)
    xs = np.where(fisher, np.arctanh(np.clip(x, -0.999999, 0.999999)), x)
    w = np.where(np.isfinite(xs) & (w > 0), w, 0.0)
    xs = np.where(w > 0, xs, 0.0)

    def back(v):
        return np.where(fisher, np.tanh(v), v)

    rng = np.random.default_rng(seed)
    lo_q, hi_q = 100 * (1 - ci) / 2, 100 * (1 + ci) / 2
    rows: list[dict] = []

    def overall_rows(values, boots):
        for k, s in enumerate(specs):
            ok = np.isfinite(boots[:, k])
            rows.append({"group": OVERALL, "attributes": [], "metric": s.name, "value": _num(values[k]),
                         "ci_low": _num(np.percentile(boots[ok, k], lo_q)) if ok.sum() > 1 else None,
                         "ci_high": _num(np.percentile(boots[ok, k], hi_q)) if ok.sum() > 1 else None,
                         "overall": _num(values[k]), "difference": None, "difference_ci_low": None,
                         "difference_ci_high": None, "ratio": None, "effect_size": None, "p_value": None,
                         "q_value": None, "flagged": False, "suppressed": False,
                         "note": "" if np.isfinite(values[k]) else "insufficient data: no clip with a value"})

    first = True
    for r in range(1, len(by) + 1):
        for view in combinations(by, r):
            cell_of = pd.Series([group_label(view, tuple(v)) for v in
                                 table[list(view)].astype(str).itertuples(index=False, name=None)], index=table.index)
            # clusters: a speaker within a group (a speaker whose labels vary is one cluster per group)
            cluster = pd.factorize(table["speaker_id"].astype(str) + "\x00" + cell_of)[0]
            n_c = int(cluster.max()) + 1
            s_c = np.zeros((n_c, len(specs)))
            w_c = np.zeros((n_c, len(specs)))
            np.add.at(s_c, cluster, w * xs)
            np.add.at(w_c, cluster, w)
            groups, c_group = np.unique(pd.Series(cell_of).groupby(cluster).first().to_numpy(), return_inverse=True)
            # stratified cluster bootstrap: speakers resampled within each group
            counts = np.zeros((n_boot, n_c))
            for g in range(len(groups)):
                members = np.flatnonzero(c_group == g)
                counts[:, members] = rng.multinomial(members.size, np.full(members.size, 1 / members.size), n_boot)
            boot_all = back(_ratio(counts @ s_c, counts @ w_c))
            value_all = back(_ratio(s_c.sum(0), w_c.sum(0)))
            if first:
                overall_rows(value_all, boot_all)
                first = False
            perms = np.array([rng.permutation(c_group) for _ in range(n_perm)]) if n_perm else np.zeros((0, n_c), int)
            for g, name in enumerate(groups):
                members = c_group == g
                n_spk = int(table.loc[cell_of == name, "speaker_id"].nunique())
                sg, wg = s_c[members].sum(0), w_c[members].sum(0)
                value = back(_ratio(sg, wg))
                kb = counts[:, members]
                boot = back(_ratio(kb @ s_c[members], kb @ w_c[members]))
                diff_boot = boot - boot_all
                if n_perm:
                    onehot = (perms == g).astype(float)
                    perm_v = back(_ratio(onehot @ s_c, onehot @ w_c))
                clip_in = (cell_of == name).to_numpy()
                for k, s in enumerate(specs):
                    row = {"group": name, "attributes": list(view), "metric": s.name, "value": None, "ci_low": None,
                           "ci_high": None, "overall": _num(value_all[k]), "difference": None,
                           "difference_ci_low": None, "difference_ci_high": None, "ratio": None,
                           "effect_size": None, "p_value": None, "q_value": None, "flagged": False,
                           "suppressed": name in suppressed, "note": ""}
                    rows.append(row)
                    if row["suppressed"]:
                        row["note"] = "suppressed: small cell"
                        continue
                    if not np.isfinite(value[k]):
                        row["note"] = "insufficient data: no clip in this group has a value"
                        continue
                    row["value"] = _num(value[k])
                    if np.isfinite(value_all[k]):
                        row["difference"] = _num(value[k] - value_all[k])
                        row["ratio"] = _num(value[k] / value_all[k]) if value_all[k] != 0 else None
                        if value_all[k] == 0:
                            row["note"] = "overall value is 0: no ratio"
                    n_out = int(table.loc[~clip_in, "speaker_id"].nunique())
                    if n_spk < min_speakers or n_out < min_speakers:
                        row["note"] = (f"insufficient data: {n_spk} speaker(s) in the group and {n_out} outside; "
                                       f"an interval and test need at least {min_speakers} of each")
                        continue
                    ok = np.isfinite(boot[:, k]) & np.isfinite(diff_boot[:, k])
                    if ok.sum() > 1:
                        row["ci_low"], row["ci_high"] = (_num(v) for v in np.percentile(boot[ok, k], [lo_q, hi_q]))
                        row["difference_ci_low"], row["difference_ci_high"] = (
                            _num(v) for v in np.percentile(diff_boot[ok, k], [lo_q, hi_q]))
                    xv = np.where(w[:, k] > 0, xs[:, k], np.nan)
                    row["effect_size"] = _hedges_g(xv[clip_in], xv[~clip_in])
                    if n_perm:
                        t_obs = abs(value[k] - value_all[k])
                        t_perm = np.abs(perm_v[:, k] - value_all[k])
                        valid = np.isfinite(t_perm)
                        row["p_value"] = float((1 + np.sum(t_perm[valid] >= t_obs - 1e-12)) / (1 + valid.sum()))
    tests = [i for i, row in enumerate(rows) if row["p_value"] is not None]
    if tests:
        _, q, _, _ = multipletests([rows[i]["p_value"] for i in tests], alpha=alpha, method="fdr_bh")
        for i, qv in zip(tests, q):
            rows[i]["q_value"] = float(qv)
            rows[i]["flagged"] = bool(qv <= alpha)
    family = {"method": "fdr_bh (Benjamini-Hochberg, statsmodels.stats.multitest.multipletests)", "alpha": alpha,
              "size": len(tests), "tests": [{"group": rows[i]["group"], "metric": rows[i]["metric"]} for i in tests],
              "definition": "every reported (group, metric) comparison of the group's value with the overall value "
                            "that has a p-value (groups suppressed or with too few speakers are not tested); "
                            "p-values from permuting group labels across speakers"}
    return pd.DataFrame(rows, dtype=object), family


def provenance_counts(table: pd.DataFrame, attribute: str, min_cell: int) -> dict[str, int | None]:
    """Clips per provenance of ``attribute``'s labels; small counts masked (None) like every other table.

    Parameters
    ----------
    table
        One row per clip with the column ``<attribute>_provenance``.
    attribute
        The attribute, e.g. ``"gender"``.
    min_cell
        Counts below this are masked (with complementary suppression).

    Returns
    -------
    dict
        Provenance -> number of clips, None where masked.
    """
    counts = table[f"{attribute}_provenance"].value_counts().sort_index()
    base = pd.DataFrame({"provenance": counts.index.astype(str), "clips": counts.to_numpy()})
    keys, membership, published = suppression.linked_cells(base, ["provenance"], "clips")
    masked = suppression.suppress(keys, membership, published, min_cell=min_cell)
    return {values[0]: (None if m else int(n)) for (view, values), m, n in zip(keys, masked, published) if view}


def _num(v: Any) -> float | None:
    v = float(v)
    return v if np.isfinite(v) else None
