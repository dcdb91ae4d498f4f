"""``convert_corpus``: the store filled once per changed clip, failures listed, sources never modified."""
from __future__ import annotations

import os

import numpy as np
import xarray as xr

from alloava_analysis.corpus import Corpus
from alloava_analysis.io.keypoints_json import write_keypoints
from alloava_analysis.io.store import read_index
from alloava_analysis.runs.convert import convert_corpus
from tests.fixtures.datasets import corrupt, line_pose, snapshot


def test_a_changed_source_file_is_read_from_json_until_reconverted(tiny_corpus):
    corpus = Corpus(tiny_corpus.root)
    convert_corpus(corpus, progress=False)
    clip_id = tiny_corpus.clip_ids[0]
    path = tiny_corpus.root / "keypoints" / f"{clip_id}.json"
    moved = line_pose(50, velocity=(0.9, 0.0))
    write_keypoints(path, {"mediapipe_pose_33": moved})
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    corpus = Corpus(tiny_corpus.root)
    assert dict(zip(corpus.clip_ids, corpus.in_store())) == {c: c != clip_id for c in corpus.clip_ids}
    clip = corpus.load(clip_id)
    assert clip.metadata.get("loaded_from") != "store" and sorted(clip.poses) == ["mediapipe_pose_33"]
    np.testing.assert_allclose(clip.pose.position.sel(keypoint="right_wrist", space="x").values[:, 0],
                               0.2 + 0.9 * clip.pose["time"].values, atol=1e-6)
    result = convert_corpus(corpus, progress=False)
    assert result["clips"] == 1 and result["unchanged"] == 3
    reloaded = corpus.load(clip_id)
    assert reloaded.metadata["loaded_from"] == "store"
    assert sorted(reloaded.poses) == ["mediapipe_pose_33"]  # the stale OpenPose layout is not served
    xr.testing.assert_identical(reloaded.pose, clip.pose)
    assert convert_corpus(corpus, progress=False)["clips"] == 0
    assert convert_corpus(corpus, force=True, progress=False)["clips"] == 4



def test_convert_carries_on_lists_failures_and_never_modifies_sources(tiny_corpus):
    broken = tiny_corpus.clip_ids[2]
    corrupt(tiny_corpus.root, broken, "truncate_keypoints")
    before = snapshot(tiny_corpus.root)
    corpus = Corpus(tiny_corpus.root)
    result = convert_corpus(corpus, progress=False)
    assert result["clips"] == 3 and [f["clip_id"] for f in result["failed"]] == [broken]
    assert f"{broken}.json" in result["failed"][0]["reason"] and "line 1, column" in result["failed"][0]["reason"]
    assert snapshot(tiny_corpus.root) == before
    stored = read_index(corpus.store)
    assert sorted(stored.clip_id) == sorted(set(tiny_corpus.clip_ids) - {broken})
    assert set(stored.keypoints_sha256.str.len()) == {64}
    # The store is the only thing written.
    assert {p.relative_to(tiny_corpus.root).parts[0] for p in tiny_corpus.root.rglob("*") if p.is_file()} == {
        "audio", "keypoints", "transcript", "labels.csv", "store"}



def test_convert_lists_the_files_it_skipped(tiny_corpus):
    (tiny_corpus.root / "keypoints" / "README.json").write_text("{}")
    corrupt(tiny_corpus.root, tiny_corpus.clip_ids[0], "garbage_audio")
    result = convert_corpus(Corpus(tiny_corpus.root), progress=False)
    skipped = {s["path"].rsplit("/", 1)[1]: s["reason"] for s in result["skipped"]}
    assert set(skipped) == {"README.json", f"{tiny_corpus.clip_ids[0]}.wav"}
    assert "expected '<category>_<11-character YouTube id>'" in skipped["README.json"]
