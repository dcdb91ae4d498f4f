"""Every keyword option of ``alloava_analysis.model`` takes a bad value well: accepted, or a ParameterError naming it.

``make_pose`` is the checked constructor every loader goes through: its choices
(``layout``, ``coords``, ``individuals``) are the caller's and refused as
ParameterErrors; what the arrays hold is data, refused as SchemaErrors.
"""
from __future__ import annotations

import numpy as np
import pytest

from alloava_analysis import model
from alloava_analysis.errors import ParameterError, SchemaError
from alloava_analysis.schema import OPENPOSE_BODY_18
from tests.fixtures.bad_options import table_tests, walk_bad_options
from tests.fixtures.datasets import frame_times, random_pose

WORDS = [{"word": "hello", "start": 0.1, "end": 0.4}, {"word": "there", "start": 0.5, "end": 0.9}]
#: make_pose's options that must be given (required, no default).
MAKE_POSE = {"time": frame_times(3), "layout": "openpose_body_18"}

#: qualified name -> (tmp_path -> (positional arguments, fixed keyword options)) of a minimal valid call; fixed
#: options are the ones that must be given for the call to make sense (not walked).
CALLS = {
    "model.check_time_axis": lambda tmp: ((frame_times(3),), {}),
    "model.estimate_frame_rate": lambda tmp: ((frame_times(30),), {}),
    "model.make_intervals": lambda tmp: (([{"start": 0.1, "end": 0.4, "label": "hello", "tier": "words"}],), {}),
    "model.make_pose": lambda tmp: ((np.zeros((3, 2, 18)),), MAKE_POSE),
    "model.make_words": lambda tmp: ((WORDS,), {}),
    "model.rename_legacy_dims": lambda tmp: ((random_pose(3).rename(keypoint="keypoints"),), {}),
}
#: Functions that cannot sensibly run in a unit test: none here.
EXEMPT: dict[str, str] = {}

test_table_is_complete, test_calls_are_valid, test_walks = table_tests(
    "model", CALLS, EXEMPT, marks=(pytest.mark.filterwarnings("ignore:.*renamed legacy dims:UserWarning"),))


def test_important_bad_values_are_refused():
    outcomes = walk_bad_options(model.make_pose, np.zeros((3, 2, 18)), **MAKE_POSE)
    assert outcomes["coords"] == {"no-such-choice": "ParameterError", 3: "ParameterError"}
    assert outcomes["individuals"][3] == "ParameterError"
    for option, value in (("layout", "coco_17"), ("coords", "cm"), ("individuals", "speaker")):
        with pytest.raises(ParameterError, match=option) as info:
            model.make_pose(np.zeros((3, 2, 18)), **{**MAKE_POSE, option: value})
        assert info.value.name == option
    with pytest.raises(ParameterError, match="ds") as info:
        model.validate_pose(random_pose(3)["position"])
    assert info.value.name == "ds"


def test_what_the_arrays_hold_is_a_schema_error_not_a_parameter_error():
    for kwargs in ({"fps": -25.0}, {"fps": "fast"}, {"keypoints": [*OPENPOSE_BODY_18[:17], "wing"]}):
        with pytest.raises(SchemaError) as info:
            model.make_pose(np.zeros((3, 2, 18)), source="clip.json", **{**MAKE_POSE, **kwargs})
        assert not isinstance(info.value, ParameterError) and info.value.path == "clip.json"
    assert "wing" in str(info.value)
