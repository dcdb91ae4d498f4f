"""``correlate_corpus`` and ``corpus_tables``: pooled, per-clip, lag and MI results over clips; failures and notes."""
from __future__ import annotations

import json

import pytest

from alloava_analysis.cli.correlate import format_human
from alloava_analysis.crossmodal.coupling import clip_tables
from alloava_analysis.model import make_words
from alloava_analysis.runs.correlate import corpus_tables, correlate_corpus, intervals_disagree
from tests.fixtures.coupling_clips import FPS
from tests.fixtures.coupling_clips import coupling_clip as _clip
from tests.fixtures.coupling_clips import cut_clip as _cut_clip


def test_correlate_corpus_on_in_memory_clips_finds_the_shared_drive():
    clips = [_clip(i) for i in range(4)]
    result, tables = correlate_corpus(clips, n_boot=300, n_surrogates=19, progress=False, return_frames=True)
    json.dumps(result, allow_nan=False)
    assert result["pooled"]["r"] > 0.8 and result["n_clips"] == 4
    assert len(tables["windows"]) == 4 * 8 and set(tables) == {"windows", "frames", "per_clip", "xcorr_curve"}
    assert result["mi"]["p_value"] == pytest.approx(1 / 20)
    assert result["lag_s"]["clock"] == "video"



@pytest.mark.parametrize("kind, match", [
    ("short", "at least one 5.0 s window"),
    ("no_words", "transcript"),
])
def test_clips_that_cannot_be_analysed_are_listed_with_the_reason(kind, match):
    bad = _clip(9, seconds=3.0) if kind == "short" else _clip(9, words=False)
    windows, frames, failed = corpus_tables([_clip(0), bad], progress=False)
    assert [f["clip_id"] for f in failed] == [bad.clip.clip_id]
    assert match in failed[0]["reason"]
    assert set(windows["clip_id"]) == {"TED_00000000000"}



def test_undefined_per_clip_correlations_are_null_with_a_note_not_numbers():
    silent = _clip(5)
    silent.clip.words = make_words([])                     # no speech: speech rate is constant 0
    lost = _clip(6, hands="missing")                       # no hand ever tracked: all-NaN windows
    result = correlate_corpus([_clip(0), _clip(1), silent, lost], n_boot=200, n_surrogates=9, progress=False)
    json.dumps(result, allow_nan=False)
    rows = {r["clip_id"]: r for r in result["per_clip"]}
    assert rows[silent.clip.clip_id]["r"] is None and "constant" in rows[silent.clip.clip_id]["note"]
    assert rows[lost.clip.clip_id]["r"] is None and "finite pairs" in rows[lost.clip.clip_id]["note"]
    assert result["pooled"]["n_clips"] == 2 and result["pooled"]["r"] is not None
    dropped = {d["clip_id"] for d in result["pooled"]["dropped"]}
    assert dropped == {silent.clip.clip_id, lost.clip.clip_id}                 # named, never silently left out
    assert len(result["diagnostics"]["dropped_clips"]) == 2
    text = format_human(result)  # the one rendering of a correlate result
    assert "left out of the pooled estimate" in text and silent.clip.clip_id in text
    assert "circular shift" in text and "clip shuffle" in text



def test_without_audio_lag_and_mi_are_null_with_a_note():
    result = correlate_corpus([_clip(0, audio=False), _clip(1, audio=False)], n_boot=200, progress=False)
    assert result["lag_s"]["xcorr"] is None and result["mi"]["bits"] is None
    assert result["dtw_alignment"]["least_cost_shift_s"] is None
    assert "no clip with audio" in result["dtw_alignment"]["note"]
    assert "no clip with audio" in result["mi"]["note"]
    assert result["pooled"]["r"] is not None



def test_clips_the_corpus_cannot_load_are_reported_from_a_folder(tiny_corpus):
    from tests.fixtures.datasets import corrupt

    bad = tiny_corpus.clip_ids[1]
    corrupt(tiny_corpus.root, bad, "truncate_keypoints")
    result = correlate_corpus(tiny_corpus.root, window_s=0.5, n_boot=100, n_surrogates=5, progress=False)
    reasons = {f["clip_id"]: f["reason"] for f in result["failed"]}
    assert bad in reasons and str(tiny_corpus.root) in reasons[bad]
    assert {r["clip_id"] for r in result["per_clip"]} == set(tiny_corpus.clip_ids) - {bad}



def test_results_record_the_motion_settings_and_windows_across_cuts_are_excluded():
    from alloava_analysis.features.motion import MotionSettings

    items = [_cut_clip(i, 12.3) for i in range(3)]
    result, tables = correlate_corpus(items, n_boot=50, n_surrogates=9, progress=False, return_frames=True)
    motion = result["settings"]["motion"]
    assert motion["use_z"] is False and motion["relative_to_resolved"] == "body"
    assert motion["cut_handling"] == "exclude"
    cuts = result["shot_cuts"]
    assert cuts["n_cuts"] == 3 and cuts["windows_excluded"] == 3 and cuts["sources"] == ["pose"]
    row = cuts["per_clip"][0]
    assert row["windows_excluded"] == 1 and abs(row["times_s"][0] - 12.3) < 1 / FPS
    assert row["evidence"] == [["pose"]]                                     # no video: the pose found it
    from alloava_analysis.cli.correlate import format_human

    assert f"{row['clip_id']}: 1 cut(s) (found by pose 1), 1 window(s) left out" in format_human(result)
    w = tables["windows"]
    assert w.loc[w["spans_cut"], "start"].unique().tolist() == [10.0]
    assert w.loc[w["spans_cut"], "intensity"].isna().all() and w.loc[~w["spans_cut"], "intensity"].notna().all()
    f = tables["frames"]
    assert f.loc[(f["time"] - 12.3).abs() < 0.05, "motion"].isna().all()
    ignored, frames = clip_tables(items[0], motion=MotionSettings(cut_handling="ignore", relative_to="image"))
    assert not ignored["spans_cut"].any() and ignored.attrs["shot_cuts"]["source"] == "none"
    spike = frames.loc[(frames["time"] - 12.3).abs() < 0.05, "motion"]
    assert spike.max() > 10 * frames["motion"].median()                                # the jump is a spike



def test_rounded_timestamps_give_no_frame_rate_note_and_different_rates_do():
    """All clips 30 fps with timestamps rounded to 0.1 ms: one rate, no note; a 25 fps clip among them: a note."""
    _, frames, _ = corpus_tables([_clip(0, decimals=4), _clip(1, decimals=4)], progress=False)
    assert frames.attrs["rate_hz"] == 30.0 and "note" not in frames.attrs
    assert set(frames.attrs["rate_hz_per_clip"].values()) == {30.0}
    _, frames, _ = corpus_tables([_clip(0, decimals=4), _clip(1, fps=25.0, decimals=4)], progress=False)
    assert "different video frame rates [25.0, 30.0]" in frames.attrs["note"]



def test_meta_analysis_interval_disagrees_only_when_it_tells_another_story():
    pooled = {"r": 0.21, "ci_low": 0.041, "ci_high": 0.378}
    assert intervals_disagree(pooled, {"r": 0.19, "ci_low": -0.227, "ci_high": 0.599})     # the corpus
    assert intervals_disagree(pooled, {"r": 0.6, "ci_low": 0.45, "ci_high": 0.7})
    assert not intervals_disagree(pooled, {"r": 0.2, "ci_low": 0.01, "ci_high": 0.4})
    assert not intervals_disagree(pooled, {"r": None, "ci_low": None, "ci_high": None})



def test_human_output_puts_warnings_first_names_the_mi_signals_and_shows_a_disagreeing_meta_interval():
    silent = _clip(5)
    silent.clip.words = make_words([])                                # dropped from the pool: a warning
    result = correlate_corpus([_clip(0), _clip(1), _clip(2), silent], n_boot=200, n_surrogates=9, progress=False)
    assert result["pooled"]["meta_disagrees"] is False and not any("meta-analysis" in w for w in result["warnings"])
    text = format_human(result)
    lines = text.splitlines()
    first_warning = next(i for i, line in enumerate(lines) if "warning: left out of the pooled estimate" in line)
    assert first_warning < next(i for i, line in enumerate(lines) if line.lstrip().startswith("pooled r"))
    assert all("warning:" not in line for line in lines[first_warning + len(result["warnings"]):])
    assert "meta r" not in text                                       # agrees: not printed
    assert "of motion_hp vs speech_energy_hp on the video clock (30.0 Hz): movement intensity vs speech energy" in text
    notes = [i for i, line in enumerate(lines) if "note:" in line]
    assert all(i > next(j for j, line in enumerate(lines) if line == "per clip:") for i in notes)
    meta = result["pooled"]["meta"]
    result["pooled"].update(meta_disagrees=True)
    assert f"meta r      {meta['r']:+.3f}" in format_human(result)



def test_a_pooled_estimate_needs_as_many_windows_as_a_per_clip_one():
    """One clip of 3 windows: no per-clip r (5 pairs needed), so no pooled r either."""
    result = correlate_corpus([_clip(0, seconds=16.0)], n_boot=100, n_surrogates=9, progress=False)
    assert result["per_clip"][0]["r"] is None and result["pooled"]["r"] is None
    assert any("need 5" in w for w in result["warnings"])
