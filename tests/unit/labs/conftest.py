"""Fixtures of the lab tests: the embedded sample as the labs' data folder, lab 1's solution and hidden tests."""
from __future__ import annotations

import numpy as np
import pytest

from alloava_analysis.corpus import Corpus
from alloava_analysis.sample_data import DATA_DIR_ENV
from tests.unit.labs.helpers import _figure, _hidden, _wrist


@pytest.fixture(autouse=True)
def _sample(sample_data, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(sample_data.data_dir))



@pytest.fixture(scope="module")
def env01(sample_data):
    corpus = Corpus(sample_data.path)
    clip = corpus.load(corpus.clip_ids[0])
    pose = clip.pose.isel(individual=0)
    x, y, t, h = _wrist(pose)
    first = pose.sel(time=slice(0, 10))
    fig = _figure(first["time"], first["position"].sel(keypoint="right_wrist", space="y") * h)
    env = {"corpus_dir": str(sample_data.path), "answer_q1": pose.sizes["time"],
           "answer_q2": len(clip.words) / (clip.audio.duration / 60),
           "answer_q3": np.nanmean(np.hypot(np.diff(x), np.diff(y)) / np.diff(t)), "fig_q4": fig}
    return env, clip


@pytest.fixture(scope="module")
def hidden01(env01):
    env, _ = env01
    module = _hidden("lab01")
    return module, module.reference({"corpus_dir": env["corpus_dir"]})
