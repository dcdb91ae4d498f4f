"""Every keyword option of ``alloava_analysis.io`` takes a bad value well: accepted, or a ParameterError naming it.

Values read from a file are the file's problem, not the caller's: the same bad
value that is a ParameterError as an argument is a SchemaError naming the file
when a reader finds it stored.
"""
from __future__ import annotations

import functools
import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from alloava_analysis.errors import ParameterError, SchemaError
from alloava_analysis.io import (
    allo_ava,
    atomic,
    audio,
    hub,
    keypoints_json,
    layout,
    manifest,
    registry,
    store,
    transcript,
)
from alloava_analysis.io.export import pose_format
from alloava_analysis.io.export import tables as export_tables
from alloava_analysis.model import make_intervals
from tests.fixtures.bad_options import table_tests, walk_bad_options
from tests.fixtures.datasets import clip_id, make_clip, random_pose, tiny_words, tone, write_tiny_corpus
from tests.fixtures.hf_server import FakeHub, HubServer

CLIP = clip_id(0)


def entered(context_manager):
    """Call ``context_manager`` and enter and leave what it returns (its options are checked on entry)."""
    @functools.wraps(context_manager)
    def call(*args, **kwargs):
        with context_manager(*args, **kwargs):
            pass
    return call


def _file(tmp, name="a.txt", data=b"hello\n"):
    path = tmp / name
    path.write_bytes(data)
    return path


def _tree(tmp):
    (tmp / "tree" / "store").mkdir(parents=True)
    _file(tmp / "tree", "a.txt")
    _file(tmp / "tree" / "store", "b.txt")
    return tmp / "tree"


def _corpus(tmp):
    write_tiny_corpus(tmp / "corpus", 1, n_frames=10, labels=False)
    return tmp / "corpus"


def _intervals():
    return make_intervals([{"start": 0.1, "end": 0.4, "label": "hello", "tier": "words"}])


def _feature_table():
    return pd.DataFrame({"time": [0.0, 0.04], "intensity": [1.0, 2.0]})


#: qualified name -> (tmp_path -> (positional arguments, fixed keyword options)) of a minimal valid call; fixed
#: options are the ones that must be given for the call to make sense (not walked).
CALLS = {
    "io.allo_ava.load_clip": lambda tmp: ((_corpus(tmp), CLIP), {}),
    "io.allo_ava.write_clip": lambda tmp: ((tmp / "out", make_clip(0, n_frames=10)),
                                           {"audio": tone(0.01)}),  # so that samplerate is used, not only checked
    "io.atomic.write_json": lambda tmp: ((tmp / "a.json", {"a": 1}), {}),
    "io.audio.open_audio": lambda tmp: ((audio.write_wav(tmp / "a.wav", tone(0.01)),), {}),
    "io.audio.wav_bytes": lambda tmp: ((tone(0.01), 48_000), {}),
    "io.audio.write_wav": lambda tmp: ((tmp / "a.wav", tone(0.01)), {}),
    "io.export.intervals.write_eaf": lambda tmp: ((tmp / "a.eaf", _intervals()), {}),
    "io.export.intervals.write_textgrid": lambda tmp: ((tmp / "a.TextGrid", _intervals()), {}),
    "io.export.pose_format.read_pose_file": lambda tmp: ((pose_format.write_pose_file(tmp / "a.pose",
                                                                                      random_pose(5)),), {}),
    "io.export.tables.read_table": lambda tmp: ((export_tables.write_table(tmp / "t.csv", _feature_table()),), {}),
    "io.export.tables.write_table": lambda tmp: ((tmp / "t.parquet", _feature_table()), {}),
    "io.hub.fetch": lambda tmp: ((tmp / "fetched",), {"ids": [CLIP]}),  # required: a subset to fetch
    "io.hub.git_blob_sha1": lambda tmp: ((_file(tmp),), {}),
    "io.hub.list_remote_files": lambda tmp: ((), {}),
    "io.hub.verify_file": lambda tmp: ((_file(tmp),), {}),
    "io.keypoints_json.write_keypoints": lambda tmp: ((tmp / "k.json", {"mediapipe_pose_33": random_pose(3)}), {}),
    "io.labels.write_labels": lambda tmp: ((tmp / "labels.csv", [{"clip_id": CLIP, "gender": "female"}]), {}),
    "io.layout.check_youtube_id": lambda tmp: ((CLIP[-11:],), {}),
    "io.layout.check_output_path": lambda tmp: ((tmp / "out.html",), {}),
    "io.layout.check_corpus_output": lambda tmp: ((tmp / "corpus",), {}),
    "io.tables.write_csv_table": lambda tmp: ((tmp / "t.csv", pd.DataFrame({"a": ["=x"]})), {}),
    "io.loopback_hub.serve_corpus": lambda tmp: ((_corpus(tmp),), {}),
    "io.manifest.make_manifest": lambda tmp: (([CLIP],), {}),
    "io.manifest.validate_manifest": lambda tmp: ((pd.DataFrame({"clip_id": [CLIP]}),), {}),
    "io.registry.file_sha256": lambda tmp: ((_file(tmp),), {}),
    "io.registry.file_digest": lambda tmp: ((_file(tmp), hashlib.sha256()), {}),
    "io.registry.hash_tree": lambda tmp: ((_tree(tmp),), {}),
    "io.registry.write_registry": lambda tmp: ((tmp / "registry.txt", {"a.txt": "0" * 64}), {}),
    "io.store.table_to_pose": lambda tmp: ((store.pose_to_table(random_pose(3)),),
                                           {"source": "clip.parquet"}),  # required, no default
    "io.store.write_segments": lambda tmp: ((tmp / "store", CLIP, transcript.words_to_segments(tiny_words(1.0))),
                                            {}),
    "io.tables.read_csv_table": lambda tmp: ((_file(tmp, "ref.csv", b"group,share\na,0.5\nb,0.5\n"),), {}),
    "io.transcript.fast_loads": lambda tmp: ((b'{"a": [1, 2.5, null]}',), {}),
    "io.transcript.write_transcript": lambda tmp: ((tmp / "t.json", tiny_words(1.0)), {}),
}
#: Functions that talk to the (loopback) Hub: ``endpoint`` is fixed to it.
ON_THE_HUB = ("io.hub.fetch", "io.hub.list_remote_files")
#: Context managers: walked by entering what they return.
CONTEXTS = ("io.loopback_hub.serve_corpus",)
#: Functions that cannot sensibly run in a unit test: none here (the Hub is a loopback stand-in).
EXEMPT: dict[str, str] = {}


@pytest.fixture(scope="module")
def endpoint():
    """A loopback Hub holding one transcript of the released repo."""
    fake = FakeHub()
    fake.add(hub.DEFAULT_REPO, f"transcript/{CLIP}.json", json.dumps({"segments": []}).encode())
    with HubServer(fake) as server:
        yield server.endpoint


def _on_the_hub(name, request):
    return {"endpoint": request.getfixturevalue("endpoint")} if name in ON_THE_HUB else {}


test_table_is_complete, test_calls_are_valid, test_walks = table_tests(
    "io", CALLS, EXEMPT, setup=_on_the_hub, wrap=lambda name, fn: entered(fn) if name in CONTEXTS else fn)


def _refused(call, option, *args, **kwargs):
    with pytest.raises(ParameterError, match=option) as info:
        call(*args, **kwargs)
    assert info.value.name == option, info.value
    return info.value


def test_important_bad_values_are_refused(tmp_path, endpoint):
    wav = tmp_path / "a.wav"
    _refused(audio.write_wav, "subtype", wav, tone(0.01), subtype="PCM_17")
    _refused(audio.write_wav, "samplerate", wav, tone(0.01), 44_100.5)
    assert not wav.exists()  # refused before anything was written
    root = _corpus(tmp_path)
    _refused(allo_ava.load_clip, "require", root, CLIP, require=("pose",))
    _refused(allo_ava.load_clip, "require", root, CLIP, require="audio")  # a string is not a list of modalities
    _refused(layout.modality_path, "modality", root, "pose", CLIP)
    _refused(hub.local_paths, "modality", tmp_path / "f", f"pose/{CLIP}.json", "pose")
    _refused(manifest.split_modalities, "modalities", "audio; pose")
    _refused(export_tables.write_table, "fmt", tmp_path / "t.csv", _feature_table(), fmt="xlsx")
    _refused(export_tables.write_table, "path", tmp_path / "t.xlsx", _feature_table())
    _refused(keypoints_json.write_keypoints, "decimals", tmp_path / "k.json", {"mediapipe_pose_33": random_pose(3)},
             decimals=2.5)
    _refused(keypoints_json.write_keypoints, "poses", tmp_path / "k.json",
             {"mediapipe_face_478": random_pose(3, layout="mediapipe_face_478")})
    _refused(registry.hash_tree, "exclude", tmp_path, exclude="store")
    _refused(hub.fetch, "repo_id", tmp_path / "f", ids=[CLIP], repo_id="nobody/nothing", endpoint=endpoint)
    _refused(hub.list_remote_files, "repo_id", repo_id="bad..id", endpoint=endpoint)
    outcomes = walk_bad_options(hub.fetch, tmp_path / "f", ids=[CLIP], endpoint=endpoint)
    assert outcomes["retries"][-1] == outcomes["backoff_s"][-1.0] == outcomes["backoff_s"]["nan"] == "ParameterError"


def test_the_same_values_stored_in_a_file_are_schema_errors_naming_it(tmp_path):
    table = store.pose_to_table(random_pose(3))
    attrs = json.loads(table.schema.metadata[store.ATTRS_KEY])
    for key, value in (("coords", "inches"), ("layout", "coco_17")):
        bad = table.replace_schema_metadata({store.ATTRS_KEY: json.dumps({**attrs, key: value}).encode()})
        with pytest.raises(SchemaError, match=key) as info:
            store.table_to_pose(bad, source="clip.parquet")
        assert not isinstance(info.value, ParameterError) and info.value.path == "clip.parquet"
    del attrs["fps"]
    bad = table.replace_schema_metadata({store.ATTRS_KEY: json.dumps(attrs).encode()})
    with pytest.raises(SchemaError, match="fps"):
        store.table_to_pose(bad, source="clip.parquet")
    with pytest.raises(SchemaError, match="expected JSON values") as info:
        atomic.write_json(tmp_path / "nan.json", {"x": float("nan")})
    assert info.value.path == str(tmp_path / "nan.json") and not (tmp_path / "nan.json").exists()
    with pytest.raises(SchemaError, match="at least one audio sample"):
        audio.write_wav(tmp_path / "empty.wav", np.zeros(0))
