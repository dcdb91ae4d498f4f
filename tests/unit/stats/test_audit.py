"""Demographic audit tables: planted group differences are found and flagged; masked cells never show.

The ``planted`` table comes from ``conftest.py``; the corpus driver is tested in ``runs/test_audit.py``, the
command in ``cli/test_audit.py``, the subsets in ``test_subsets.py``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alloava_analysis.stats.audit import clip_metrics, disaggregate, representation
from alloava_analysis.synthetic import SynthConfig, synthesize_clip


def _row(rows: pd.DataFrame, group: str, metric: str) -> dict:
    hit = rows[(rows.group == group) & (rows.metric == metric)]
    assert len(hit) == 1, (group, metric)
    return hit.iloc[0].to_dict()


def test_planted_differences_are_found_and_flagged(planted):
    rows, family = disaggregate(planted, ["skin_tone", "age_group"], n_boot=1000, n_perm=1999, seed=1)
    darker = _row(rows, "skin_tone=darker", "dropout_fraction")
    assert darker["flagged"] and darker["difference"] > 0
    assert darker["ci_low"] < 0.09 < darker["ci_high"]            # planted 0.09 (vs 0.03)
    assert darker["ratio"] > 1.5 and darker["effect_size"] > 1
    old = _row(rows, "age_group=55+", "asr_probability")
    assert old["flagged"] and old["difference"] < 0
    assert old["ci_low"] < 0.78 < old["ci_high"]                   # planted 0.78 (vs 0.90)
    young = _row(rows, "age_group=18-34", "movement_intensity")
    assert young["flagged"] and young["difference"] > 0            # planted gain 1.05 / 0.70
    # nothing planted on low confidence: not flagged anywhere
    assert not rows[rows.metric == "low_confidence_fraction"]["flagged"].any()
    assert family["size"] == int(rows["p_value"].notna().sum()) > 20
    assert {"group": "skin_tone=darker", "metric": "dropout_fraction"} in family["tests"]
    assert set(rows.loc[rows.flagged, "q_value"]) <= set(rows.loc[rows.q_value.notna(), "q_value"])


def test_speaker_clustering_widens_intervals(planted):
    """Treating every clip as its own speaker pretends to more independent data than there is.

    ASR probability varies between speakers (the 55+ effect) far more than between one speaker's clips.
    """
    clustered, _ = disaggregate(planted, ["gender"], metrics=["asr_probability"], n_boot=1000, n_perm=0)
    naive, _ = disaggregate(planted.assign(speaker_id=planted["clip_id"]), ["gender"],
                            metrics=["asr_probability"], n_boot=1000, n_perm=0)

    def width(r):
        return (r.ci_high - r.ci_low).astype(float).mean()

    assert width(clustered[clustered.group != "overall"]) > 1.2 * width(naive[naive.group != "overall"])


def test_small_cells_never_show(planted):
    rep = representation(planted, ["gender", "age_group", "skin_tone"], min_cell=5)
    shown = rep[~rep["suppressed"].astype(bool)]
    assert (shown["clips"].astype(int) >= 5).all()
    speakers = rep.loc[~rep["speakers_suppressed"].astype(bool), "speakers"].astype(int)
    assert (speakers >= 5).all()
    masked = rep[rep["suppressed"].astype(bool)]
    assert len(masked) and masked[["clips", "hours", "share"]].isna().all().all()
    # margins: per table, the masked clip counts are never exactly total minus the published ones
    total = int(rep.loc[rep.group == "overall", "clips"].iat[0])
    for attrs, rows in rep[rep.group != "overall"].groupby(rep["attributes"].map(tuple)):
        n_masked = int(rows["suppressed"].astype(bool).sum())
        assert n_masked != 1, f"a single masked cell in {attrs} equals total minus the rest"
        if len(attrs) == 1:
            assert rows.loc[~rows.suppressed.astype(bool), "clips"].astype(int).sum() + n_masked * 1 <= total


def test_provenance_counts_are_masked_too():
    from alloava_analysis.stats.audit import provenance_counts

    t = pd.DataFrame({"gender_provenance": ["self-reported"] * 9 + ["annotator"] * 3 + ["unknown"] * 6})
    counts = provenance_counts(t, "gender", 5)
    assert counts["annotator"] is None and sum(v is None for v in counts.values()) >= 2  # not total minus the rest


def test_zero_hour_groups_and_reference_shares(planted):
    ref = pd.DataFrame({"attribute": ["gender"] * 3, "group": ["female", "male", "non-binary"],
                        "share": [0.45, 0.45, 0.10]})
    from alloava_analysis.validators.labels import check_reference

    rep = representation(planted, ["gender"], reference=check_reference(ref, ["gender"]))
    nb = rep[rep.group == "gender=non-binary"].iloc[0]
    assert nb["clips"] == 0 and nb["hours"] == 0 and nb["note"].startswith("insufficient data")
    assert nb["under_represented"] and nb["below_reference"] and nb["share_to_reference"] == 0
    female = rep[rep.group == "gender=female"].iloc[0]
    assert female["share_to_reference"] == pytest.approx(female["share"] / 0.45)
    # a group with clips but no measurable value: an explicit row, not a division by zero
    t = planted.copy()
    t.loc[t.gender == "female", ["asr_probability"]] = np.nan
    rows, _ = disaggregate(t, ["gender"], metrics=["asr_probability"], n_boot=50, n_perm=99)
    r = _row(rows, "gender=female", "asr_probability")
    assert r["value"] is None and r["note"].startswith("insufficient data") and r["p_value"] is None


@pytest.mark.slow
def test_with_nothing_planted_flags_stay_at_the_nominal_rate():
    """30 corpora of 24 clips with no group effect: BH at 5 % flags a family in about 5 % of corpora at most.

    Under the complete null the false-discovery rate is the chance of flagging anything at all. The uncorrected
    share of p <= 0.05 is checked too: near 5 % means the speaker-level permutation p-values are calibrated
    (p-values that ignored the clustering would be too small).
    """
    cfg = SynthConfig(duration_s=(8.0, 10.0), group_effects=())
    n_seeds, n_clips, alpha = 30, 24, 0.05
    any_flag, p_values, flags = 0, [], []
    for seed in range(n_seeds):
        rows = []
        for k in range(n_clips):
            sc = synthesize_clip(k, seed=1000 + seed, config=cfg, audio=False)
            rows.append({**clip_metrics(sc.clip), "speaker_id": sc.speaker["speaker_id"],
                         "gender": sc.truth["gender"], "age_group": sc.truth["age_group"]})
        table = pd.DataFrame(rows).assign(hours=lambda t: t.seconds / 3600)
        rep = representation(table, ["gender", "age_group"], min_cell=5)
        hidden = set(rep.loc[rep["suppressed"].astype(bool), "group"])
        result, family = disaggregate(table, ["gender", "age_group"], suppressed=hidden, n_boot=10, n_perm=999,
                                      alpha=alpha, seed=seed)
        tested = result[result.p_value.notna()]
        assert len(tested) == family["size"] > 10
        any_flag += bool(tested.flagged.any())
        p_values += list(tested.p_value.astype(float))
        flags += list(tested.flagged.astype(bool))
    p_values = np.array(p_values)
    print(f"null: {any_flag}/{n_seeds} corpora with a flag; {np.mean(flags):.4f} of {len(flags)} comparisons "
          f"flagged; uncorrected share p <= 0.05: {np.mean(p_values <= 0.05):.4f}")
    assert any_flag <= 5                       # P(X >= 6 | Binomial(30, 0.05)) < 0.02
    assert np.mean(flags) <= alpha
    assert 0.02 <= np.mean(p_values <= 0.05) <= 0.09
