"""One synthetic clip in memory is determined by its seed."""
from __future__ import annotations

import numpy as np
import pandas as pd

from alloava_analysis.synthetic import synthesize_clip
from tests.fixtures.synthetic import SHORT


def test_same_seed_same_clip_different_seed_differs():
    a = synthesize_clip(2, seed=3, config=SHORT)
    b = synthesize_clip(2, seed=3, config=SHORT)
    c = synthesize_clip(2, seed=4, config=SHORT)
    pos = lambda sc: sc.clip.pose["position"].values  # noqa: E731
    np.testing.assert_array_equal(pos(a), pos(b))
    np.testing.assert_array_equal(a.audio, b.audio)
    pd.testing.assert_frame_equal(a.clip.words, b.clip.words)
    assert a.truth == b.truth
    assert a.clip.clip_id != c.clip.clip_id
    assert not np.array_equal(a.audio[:1000], c.audio[:1000])
