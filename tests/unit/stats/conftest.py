"""The planted per-clip audit table shared by ``test_audit.py`` and ``test_subsets.py`` (built once)."""
from __future__ import annotations

import pandas as pd
import pytest

from alloava_analysis.stats.audit import clip_metrics
from alloava_analysis.synthetic import GroupEffect, SynthConfig, synthesize_clip

N_CLIPS, SEED = 64, 21
# the default planted effects, with the movement gain raised from 1.2x to 1.5x: clip-level movement varies
# a lot (window latents), and 8 young speakers do not show a 1.2x gain reliably
CFG = SynthConfig(duration_s=(20.0, 30.0), group_effects=(
    GroupEffect("skin_tone", "darker", "dropout_fraction", 0.09),
    GroupEffect("age_group", "55+", "asr_probability", 0.78),
    GroupEffect("age_group", "18-34", "movement_intensity", 1.05)))


@pytest.fixture(scope="package")
def planted():
    """Per-clip audit table of 64 in-memory clips with the generator's default planted effects."""
    rows = []
    for k in range(N_CLIPS):
        sc = synthesize_clip(k, seed=SEED, config=CFG, audio=False)
        rows.append({**clip_metrics(sc.clip), "speaker_id": sc.speaker["speaker_id"],
                     **{a: sc.truth[a] for a in ("gender", "age_group", "skin_tone")}})
    table = pd.DataFrame(rows)
    table["hours"] = table["seconds"] / 3600
    return table
