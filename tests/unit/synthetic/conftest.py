"""Fixtures shared by the synthetic-generator tests."""
from __future__ import annotations

import pytest

from alloava_analysis.synthetic import SynthConfig, synthesize_clip


@pytest.fixture(scope="package")
def clips():
    """30 in-memory clips of 30-60 s (seed 11) shared by the statistical checks."""
    cfg = SynthConfig(duration_s=(30.0, 60.0))
    return [synthesize_clip(k, seed=11, config=cfg) for k in range(30)]
