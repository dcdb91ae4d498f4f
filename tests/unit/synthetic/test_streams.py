"""Each clip's first draws (category, YouTube id) from its own random stream."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alloava_analysis.synthetic import SynthConfig
from alloava_analysis.synthetic import speakers as syn_speakers
from alloava_analysis.synthetic import streams as syn_streams


def test_speaker_and_category_shares_over_many_clips():
    cfg = SynthConfig()
    keys = [syn_streams.clip_identity(syn_streams.stream(1, 0, k), cfg)[0] for k in range(3000)]
    shares = pd.Series([k.category for k in keys]).value_counts(normalize=True)
    for name, p in cfg.category_mix:
        assert shares[name] == pytest.approx(p, abs=0.03)
    ids = [k.youtube_id for k in keys]
    assert len(set(ids)) == len(ids) and all(len(i) == 11 for i in ids)
    speakers = syn_speakers.speaker_sequence(3000, 1, cfg.speakers_per_clip)
    assert speakers[0] == 0 and len(np.unique(speakers)) / 3000 == pytest.approx(0.47, abs=0.03)
    np.testing.assert_array_equal(syn_speakers.speaker_sequence(100, 1, cfg.speakers_per_clip), speakers[:100])
