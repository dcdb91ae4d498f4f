"""``alloava_analysis.schema`` has no keyword options; its name lookups refuse unknown names with a ParameterError.

An unknown layout, group or keypoint name is an
:class:`~alloava_analysis.errors.UnknownNameError`: a ParameterError naming the
option (so the command line exits 2) that is still a ``KeyError`` for code that
caught one.
"""
from __future__ import annotations

import numpy as np
import pytest

from alloava_analysis.errors import ParameterError, SchemaError, UnknownNameError
from alloava_analysis.schema import get_layout, group_keypoints, mediapipe33_to_openpose18
from tests.fixtures.bad_options import assert_table_complete

#: No function of schema.py has keyword options.
CALLS: dict = {}
EXEMPT: dict[str, str] = {}


def test_table_is_complete():
    assert_table_complete("schema", CALLS, EXEMPT)


@pytest.mark.parametrize("call, option, shown", [
    (lambda: get_layout("coco_17"), "layout", "'coco_17'"),
    (lambda: get_layout(["mediapipe_pose_33"]), "layout", "['mediapipe_pose_33']"),
    (lambda: group_keypoints("mediapipe_pose_33", "tail"), "group", "'tail'"),
    (lambda: group_keypoints("mediapipe_pose_33", ["hands"]), "group", "['hands']"),
    (lambda: group_keypoints("coco_17", "hands"), "layout", "'coco_17'"),
    (lambda: get_layout("openpose_body_18").index(["nose", "wing"]), "names", "['wing']"),
])
def test_unknown_names_are_parameter_errors_that_are_also_key_errors(call, option, shown):
    with pytest.raises(ParameterError) as info:
        call()
    err = info.value
    assert isinstance(err, UnknownNameError) and isinstance(err, KeyError) and err.name == option
    assert str(err).startswith(("invalid value for", "expected")) and f"got {shown}" in str(err)
    assert not str(err).startswith("'")  # no KeyError quotes around the message


def test_a_wrong_array_shape_is_a_schema_error():
    with pytest.raises(SchemaError, match="expected 33 MediaPipe keypoints"):
        mediapipe33_to_openpose18(np.zeros((2, 2, 18)), np.zeros((2, 18)))
