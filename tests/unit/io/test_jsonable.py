import json
import math
from pathlib import Path

import numpy as np

from alloava_analysis.io.jsonable import to_jsonable


def test_report_values_become_strict_json():
    out = to_jsonable({"a": math.nan, "b": [np.float32(1.5), np.int64(2), math.inf], "c": {"d": None},
                       1: np.bool_(True), "p": Path("/x/y"), "arr": np.array([1.0, np.nan])})
    assert out == {"a": None, "b": [1.5, 2, None], "c": {"d": None}, "1": True, "p": "/x/y", "arr": [1.0, None]}
    json.dumps(out, allow_nan=False)
