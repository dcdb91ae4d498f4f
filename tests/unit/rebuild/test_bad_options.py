"""rebuild's keyword options with bad values: accepted, or refused with a ParameterError naming the option.

The walked ``rebuild`` call has one manifest row whose URL is on a host that is
not allowed, so every accepted call fails that clip at the host check: no
network, no extraction.
"""
from __future__ import annotations

import pytest

from alloava_analysis.errors import ParameterError
from alloava_analysis.io.manifest import make_manifest
from alloava_analysis.rebuild import execute, extract_clip, rebuild
from tests.fixtures.bad_options import table_tests, walk_bad_options

CLIP = "TED_aaaaaaaaaaa"


def _manifest():
    return make_manifest(rows=[{"clip_id": CLIP, "url": "https://example.invalid/clip.mp4"}])


#: qualified name -> (tmp_path -> (positional arguments, fixed keyword options)) of a minimal valid call
CALLS = {
    "rebuild.run.rebuild": lambda tmp: ((_manifest(), tmp / "out"), {}),
    "rebuild.executors.execute": lambda tmp: (([],), {}),
}
EXEMPT = {
    "rebuild.steps.extract_clip": "runs the extractor (a video, Whisper and MediaPipe models); its seed and "
                                  "blas_threads checks come first and are tested below",
}

test_table_is_complete, test_calls_are_valid, test_walks = table_tests("rebuild", CALLS, EXEMPT)


def test_rebuild_refuses_bad_workers_hosts_and_format(tmp_path):
    outcomes = walk_bad_options(rebuild, _manifest(), tmp_path / "out")
    assert outcomes["workers"] == {-1: "ParameterError", 2.5: "ParameterError", "3": "ParameterError"}
    assert outcomes["allowed_hosts"][3] == "ParameterError"  # was a TypeError from tuple(3)
    assert outcomes["ytdl_format"][3] == "ParameterError"
    with pytest.raises(ParameterError, match="allowed_hosts.*got 'youtube.com'"):
        rebuild(_manifest(), tmp_path / "out", allowed_hosts="youtube.com")  # not one host per letter
    with pytest.raises(ParameterError, match="allowed_hosts"):
        rebuild(_manifest(), tmp_path / "out", allowed_hosts=["youtube.com", ""])
    result = rebuild(_manifest(), tmp_path / "out", allowed_hosts=["example.org"], progress=False)
    assert [f["step"] for f in result["failed"]] == ["download"]  # a good call still runs (and fails the clip)


@pytest.mark.parametrize("workers", [0, -1, 1.0])
def test_execute_checks_workers_when_called(workers):
    with pytest.raises(ParameterError, match="workers"):
        execute([], workers=workers)  # not iterated: the check is at the call


@pytest.mark.parametrize("option, value", [("blas_threads", 0), ("blas_threads", "2"), ("seed", -1), ("seed", 0.5)])
def test_extract_clip_checks_its_options_before_extracting(tmp_path, option, value):
    with pytest.raises(ParameterError, match=option):
        extract_clip(tmp_path / "missing.mp4", tmp_path / "out", clip_id=CLIP, **{option: value})
