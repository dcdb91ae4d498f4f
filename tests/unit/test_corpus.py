"""The Corpus: index with labels, selection, lazy loading, the store (convert) and streaming memory."""
from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from alloava_analysis.corpus import Corpus, read_labels
from alloava_analysis.errors import CorpusPathError, InputPathError, ParameterError, SchemaError
from alloava_analysis.io.allo_ava import load_clip
from alloava_analysis.runs.convert import convert_corpus
from tests.fixtures.datasets import FPS, corrupt, write_tiny_corpus


def test_index_has_one_row_per_clip_with_files_durations_and_labels(tiny_corpus):
    corpus = Corpus(tiny_corpus.root)
    assert len(corpus) == 4 and corpus.clip_ids == sorted(tiny_corpus.clip_ids)
    row = corpus.index.set_index("clip_id").loc["TED_yt00000-a_b"]
    assert row.category == "TED" and row.youtube_id == "yt00000-a_b"
    assert row.keypoints.endswith("keypoints/TED_yt00000-a_b.json") and row.video is None
    assert row.audio_s == pytest.approx(50 / FPS)
    assert row.speaker_id == "spk0" and row.gender == "female" and row.age_group == "18-35"
    assert corpus.skipped_files == [] and "clips=4" in repr(corpus)
    assert corpus.speakers["TED_yt00000-a_b"] == "spk0" and sorted(set(corpus.speakers.values())) == ["spk0", "spk1"]


def test_select_by_value_list_and_predicate(tiny_corpus):
    corpus = Corpus(tiny_corpus.root)
    assert corpus.select(category="TED").clip_ids == ["TED_yt00000-a_b"]
    assert len(corpus.select(gender=["female", "male"])) == 4
    assert sorted(corpus.select(gender="male").clip_ids) == ["Interview_yt00001-a_b", "Presentation_yt00003-a_b"]
    assert corpus.select(lambda ix: ix.speaker_id == "spk1", gender="female").clip_ids == ["Panel_yt00002-a_b"]
    with pytest.warns(UserWarning, match="no clip has category 'TDE'; values present: 'Interview', 'Panel', "
                                         "'Presentation', 'TED'"):
        assert len(corpus.select(category="TDE")) == 0
    with pytest.warns(UserWarning, match="no clip has gender 'f'"):  # one typo in a list is found too
        assert len(corpus.select(gender=["female", "f"])) == 2
    with pytest.raises(ParameterError, match="expected one of .*'category'"):
        corpus.select(height="tall")


def test_labels_for_unknown_clips_warn_and_bad_labels_name_the_row(tiny_corpus, tmp_path):
    labels = tiny_corpus.root / "labels.csv"
    with labels.open("a") as handle:
        handle.write("TED_zzzzzzzzzzz,spk9,female,60+\n")
    with pytest.warns(UserWarning, match="TED_zzzzzzzzzzz"):
        Corpus(tiny_corpus.root)
    dup = tmp_path / "dup.csv"
    dup.write_text("clip_id,gender\nTED_a,f\nTED_b,m\nTED_a,m\n")
    with pytest.raises(SchemaError) as info:
        read_labels(dup)
    assert info.value.where == "row 4" and "dup.csv" in str(info.value)
    nokey = tmp_path / "nokey.csv"
    nokey.write_text("id,gender\nTED_a,f\n")
    with pytest.raises(SchemaError, match="clip_id") as info:
        Corpus(tiny_corpus.root, labels=nokey)
    assert info.value.where == "header"
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(SchemaError, match="empty.csv"):
        Corpus(tiny_corpus.root, labels=empty)
    with pytest.raises(InputPathError, match="absent.csv: no such file"):
        Corpus(tiny_corpus.root, labels=tmp_path / "absent.csv")
    with pytest.raises(CorpusPathError, match="no_corpus_here: no such file or folder"):
        Corpus(tmp_path / "no_corpus_here")
    assert issubclass(CorpusPathError, FileNotFoundError) and issubclass(CorpusPathError, ParameterError)


def test_load_from_json_then_from_the_store_gives_the_same_clip(tiny_corpus):
    corpus = Corpus(tiny_corpus.root)
    clip_id = tiny_corpus.clip_ids[1]
    from_json = corpus.load(clip_id)
    assert from_json.metadata.get("loaded_from") != "store"
    result = convert_corpus(corpus, progress=False)
    assert result["clips"] == 4 and result["rows"] == 4 * 50 and result["failed"] == []
    from_store = corpus.load(clip_id)
    assert from_store.metadata["loaded_from"] == "store"
    assert sorted(from_store.poses) == sorted(from_json.poses) == ["mediapipe_pose_33", "openpose_body_18"]
    for name in from_json.poses:
        xr.testing.assert_identical(from_store.poses[name], from_json.poses[name])
    pd.testing.assert_frame_equal(from_store.words, from_json.words)
    pd.testing.assert_series_equal(from_store.frame_text, from_json.frame_text)
    pd.testing.assert_frame_equal(from_store.segments, from_json.segments)
    for key in ("schema_variant", "transcript_meta", "files"):
        assert from_store.metadata[key] == from_json.metadata[key], key
    assert from_store.audio == from_json.audio
    # A fresh Corpus object sees the store too.
    assert Corpus(tiny_corpus.root).load(clip_id).metadata["loaded_from"] == "store"


def test_iteration_skips_broken_clips_and_lists_why(tiny_corpus):
    corrupt(tiny_corpus.root, tiny_corpus.clip_ids[1], "truncate_transcript")
    corrupt(tiny_corpus.root, tiny_corpus.clip_ids[3], "garbage_audio")
    corpus = Corpus(tiny_corpus.root)
    assert [s["path"].rsplit("/", 1)[1] for s in corpus.skipped_files] == [f"{tiny_corpus.clip_ids[3]}.wav"]
    loaded = [clip.clip_id for clip in corpus.clips(progress=False)]
    assert loaded == sorted([tiny_corpus.clip_ids[0], tiny_corpus.clip_ids[2]])
    clips = corpus.clips(progress=False)
    assert [clip.clip_id for clip in clips] == loaded
    reasons = {f["clip_id"]: f["reason"] for f in clips.failed}  # the iteration lists what it left out
    assert set(reasons) == {tiny_corpus.clip_ids[1], tiny_corpus.clip_ids[3]}
    assert "transcript" in reasons[tiny_corpus.clip_ids[1]] and "header" in reasons[tiny_corpus.clip_ids[3]]
    assert len(list(iter(corpus))) == 2


def test_expected_rate_is_enforced_on_request(tiny_corpus):
    corrupt(tiny_corpus.root, tiny_corpus.clip_ids[0], "wrong_rate")
    corpus = Corpus(tiny_corpus.root)
    assert len(list(corpus.clips(progress=False))) == 4
    clips = corpus.clips(progress=False, expected_rate=48_000)
    assert len(list(clips)) == 3
    assert "16000 Hz" in clips.failed[0]["reason"]


def _frames_or_fail(clip):
    if "00002" in clip.clip_id:
        raise ValueError(f"planted failure of {clip.clip_id}")
    return clip.clip_id, int(clip.pose.sizes["time"])


def _crash(clip):
    raise RuntimeError("a bug, not a clip's fault")


def test_map_gives_results_in_clip_order_and_lists_failures(tiny_corpus):
    corrupt(tiny_corpus.root, tiny_corpus.clip_ids[1], "truncate_transcript")
    corpus = Corpus(tiny_corpus.root)
    expected = [(c.clip_id, (c.clip_id, int(c.pose.sizes["time"]))) for c in corpus.clips(progress=False)
                if "00002" not in c.clip_id]
    for workers in (1, 2):
        done, failed = corpus.map(_frames_or_fail, workers=workers, progress=False)
        assert done == expected, workers
        # the clip that did not load comes first, then the one whose analysis failed
        assert [f["clip_id"] for f in failed][0] == tiny_corpus.clip_ids[1]
        assert "transcript" in failed[0]["reason"]
        assert [f["reason"] for f in failed[1:]] == [f"planted failure of {c}" for c in corpus.clip_ids
                                                     if "00002" in c]
    with pytest.raises(RuntimeError, match="a bug"):
        corpus.map(_crash, progress=False)


def _peak_while_iterating(root, *, keep: bool = False) -> int:
    corpus = Corpus(root)
    kept = []
    tracemalloc.start()
    try:
        for clip in corpus.clips(progress=False):
            if keep:
                kept.append(clip)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_iteration_memory_stays_flat_when_the_corpus_doubles(tmp_path):
    write_tiny_corpus(tmp_path / "small", 3, n_frames=100, labels=False)
    write_tiny_corpus(tmp_path / "large", 6, n_frames=100, labels=False)
    _peak_while_iterating(tmp_path / "small")  # warm caches and lazy imports outside the comparison
    small, large = _peak_while_iterating(tmp_path / "small"), _peak_while_iterating(tmp_path / "large")
    assert large / small < 1.06, (small, large)
    # The measurement is sensitive enough: holding on to the clips shows up.
    hoarded = _peak_while_iterating(tmp_path / "large", keep=True)
    assert hoarded / small > 1.06, (small, hoarded)


def test_load_clip_reads_what_write_clip_wrote(tiny_corpus):
    clip = load_clip(tiny_corpus.root, tiny_corpus.clip_ids[0])
    assert clip.metadata["schema_variant"] == "frame_list/dict_points/mediapipe_pose_33+openpose_body_18"
    assert clip.metadata["transcript_meta"]["engine"] == "fixture"
    assert clip.audio.samplerate == 48_000 and clip.audio.duration == pytest.approx(50 / FPS)
    speed = np.hypot(*clip.pose.position.sel(keypoint="right_wrist").differentiate("time").values[:, :, 0].T)
    np.testing.assert_allclose(speed, np.hypot(0.05, 0.02), atol=1e-4)
    assert (clip.frame_text != "").any() and clip.frame_text.index.name == "time"


def test_map_runs_a_function_defined_here_in_worker_processes(tiny_corpus):
    corpus = Corpus(tiny_corpus.root)
    offset = 1000  # a closure over a local: it cannot be imported by name, it travels by value
    done, failed = corpus.map(lambda clip: offset + int(clip.pose.sizes["time"]), workers=2, progress=False)
    assert failed == [] and [c for c, _ in done] == corpus.clip_ids
    assert [n for _, n in done] == [offset + int(c.pose.sizes["time"]) for c in corpus.clips(progress=False)]
