"""Execute every numbered notebook on the embedded sample and check the key result each one leaves behind.

Conventions (notebooks/README.md): a markdown cell with Purpose / Inputs / Outputs first, exactly one
``parameters`` cell that defines ``corpus_dir = ""`` (the embedded sample), committed without outputs,
and a last code cell that calls ``show_key_results``. Each notebook needs an entry in ``CHECKS`` below
that asserts on its key results (against ``truth.json`` of the sample where the result was planted).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from alloava_analysis.report import read_key_results
from alloava_analysis.sample_data import DATA_DIR_ENV, SAMPLE_CLIPS

papermill = pytest.importorskip("papermill")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ALL_IPYNB = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def _truth(sample) -> dict:
    return json.loads((sample.path / "truth.json").read_text())


def check_00(key: dict, truth: dict) -> None:
    assert key["clips"] == SAMPLE_CLIPS == len(truth["clips"])
    assert key["clips valid"] == SAMPLE_CLIPS and key["clips with errors"] == 0
    first = next(c for c in truth["clips"] if c["clip_id"] == key["first clip"])
    assert key["first clip frames"] == first["n_frames"]
    assert key["first clip words"] == first["n_words"]
    assert key["hours"] == pytest.approx(sum(c["duration_s"] for c in truth["clips"]) / 3600, rel=1e-3)


def check_10(key: dict, truth: dict) -> None:
    chosen = [c for c in truth["clips"] if c["category"] == key["subset category"]]
    assert key["clips in manifest"] == len(chosen) == key["subset videos"] >= 1
    assert key["files downloaded"] == 3 * len(chosen) and key["files failed"] == 0  # audio, transcript, keypoints
    assert key["second run downloaded"] == 0 and key["second run already present"] == key["files downloaded"]
    assert key["clips valid"] == len(chosen) and key["clips with errors"] == 0
    assert key["files identical to source"] == key["files downloaded"]


def check_20(key: dict, truth: dict) -> None:
    words = sum(c["n_words"] for c in truth["clips"])
    hours = sum(c["duration_s"] for c in truth["clips"]) / 3600
    assert key["videos"] == SAMPLE_CLIPS
    assert key["words"] == words
    assert key["wpm measured"] == pytest.approx(words / (hours * 60), rel=1e-3)
    assert key["wpm claimed"] == 208
    assert key["claims compared"] >= 10


def check_30(key: dict, truth: dict) -> None:
    expected = truth["effects"]["coupling"]["expected_r"]
    assert key["clips"] == SAMPLE_CLIPS
    assert key["pooled CI low"] < key["pooled r"] < key["pooled CI high"]
    # the planted window-level coupling is recovered, and the interval excludes the paper's 0.0285
    assert key["pooled CI low"] - 0.1 <= expected <= key["pooled CI high"] + 0.1
    assert key["pooled CI low"] > key["claimed r (paper)"]
    # the sensitivity table: the head carries no planted coupling, so its r is far below the hands'
    assert key["settings compared"] >= 30
    assert key["sensitivity baseline r"] == pytest.approx(key["pooled r"], abs=0.05)
    assert key["head group r"] < key["sensitivity baseline r"] - 0.2
    assert key["r range over settings"] > 0.2


def check_35(key: dict, truth: dict) -> None:
    assert key["clips"] == SAMPLE_CLIPS and key["failed"] == 0
    assert key["gesture units"] >= SAMPLE_CLIPS  # the sample's hands gesture in every clip
    assert key["submovements"] >= key["gesture units"]
    assert sum(key[f"share {s}"] for s in ("centre_centre", "centre", "periphery", "extreme_periphery")) == \
        pytest.approx(1.0)
    assert 0.5 < key["median peak speed (shoulder widths/s)"] < 10
    assert 0.1 < key["median amplitude (shoulder widths)"] < 3
    assert key["tier submovements (busiest clip)"] == key["table submovements (busiest clip)"] >= 1
    assert key["synchrony kinds"] == 4                      # F0 peak, envelope peak, word onset, loudest syllable
    assert 1 <= key["synchrony units (word onset)"] <= key["gesture units"]
    assert 0 < key["synchrony p (word onset)"] <= 1


def check_40(key: dict, truth: dict) -> None:
    planted = truth["effects"]["lag"]["motion_leads_speech_s"]
    assert key["planted lag (s)"] == planted and key["clips"] == SAMPLE_CLIPS and key["clips failed"] == 0
    assert key["lag xcorr (s)"] == pytest.approx(planted, abs=0.05)
    # DTW as an alignment, not a lag: on the package's sample (one shifted modulation in both signals) its
    # least-cost shift and path offsets sit near the planted lag; on other shapes they move with the warp window
    assert key["DTW warp window (s)"] == 0.1
    assert key["DTW least-cost shift (s)"] == pytest.approx(planted, abs=0.1)
    assert key["DTW median path offset (s)"] == pytest.approx(planted, abs=0.1)


def check_45(key: dict, truth: dict) -> None:
    assert key["planted coupled"] is truth["effects"]["mutual_information"]["coupled"] is True
    assert key["p-value"] <= 0.05 and key["MI (bits)"] > key["null 95th percentile (bits)"]
    assert key["lag tested (s)"] == pytest.approx(truth["effects"]["lag"]["motion_leads_speech_s"], abs=0.1)


def check_50(key: dict, truth: dict) -> None:
    assert key["clips"] == SAMPLE_CLIPS
    assert key["hours"] == pytest.approx(sum(c["duration_s"] for c in truth["clips"]) / 3600, rel=1e-3)
    assert key["groups suppressed"] >= 1 and key["groups shown"] >= 2   # 12 clips: intersections are small
    assert key["smallest published clip count"] >= 5
    attribute, value = key["first group shown"].split("=")
    hours = sum(c["duration_s"] for c in truth["clips"] if c[attribute] == value)
    assert key["its share of hours"] == pytest.approx(hours / sum(c["duration_s"] for c in truth["clips"]), rel=1e-3)
    assert key["comparisons tested"] >= 1 and 0 <= key["flagged"] <= key["comparisons tested"]
    # the sample's planted cells are masked; on 48 one-speaker clips they are published, and the two large
    # planted differences (dropout x3 for darker skin, ASR 0.78 vs 0.90 for 55+) are flagged (measured: 2 of 3;
    # the +0.14 shoulder widths/s movement effect of 18-34 is not, at 16 clips)
    assert key["planted differences (larger corpus)"] == len(truth["effects"]["groups"]) == 3
    assert key["planted differences flagged (larger corpus)"] >= 2


def check_60(key: dict, truth: dict) -> None:
    # face tracks with planted blink trains on a copy of the sample: every planted blink is counted
    assert key["clips with face"] == SAMPLE_CLIPS
    assert key["blinks real"] == key["planted blinks real"]
    assert key["blinks per min real"] == pytest.approx(key["planted blinks per min real"], rel=0.02)
    assert key["blinks per min generated"] < 0.6 * key["blinks per min real"]
    assert key["yaw sd generated (deg)"] < key["yaw sd real (deg)"]


def check_70(key: dict, truth: dict) -> None:
    # sanity copies of the sample: identical -> 0, more jitter -> further, frozen -> no motion
    assert key["clips real"] == SAMPLE_CLIPS
    assert key["FD_k identical"] == pytest.approx(0.0, abs=1e-8)
    assert key["Hellinger identical"] == pytest.approx(0.0, abs=1e-8)
    assert 0 < key["FD_k jitter 1 px"] < key["FD_k jitter 4 px"]
    assert 1 < key["jerk ratio jitter 1 px"] < key["jerk ratio jitter 4 px"]
    assert key["jerk ratio frozen"] == pytest.approx(0.0, abs=1e-6)
    assert key["Hellinger frozen"] > 0.9


#: notebook stem prefix (the number) -> check of its key results
CHECKS = {"00": check_00, "10": check_10, "20": check_20, "30": check_30, "35": check_35, "40": check_40,
          "45": check_45, "50": check_50, "60": check_60, "70": check_70}


def test_every_notebook_has_a_key_result_check():
    missing = [p.name for p in NOTEBOOKS if p.name[:2] not in CHECKS]
    assert not missing, f"add a check of the key results of {missing} to CHECKS in {Path(__file__).name}"


def test_notebooks_are_committed_without_outputs():
    assert NOTEBOOKS, "expected numbered notebooks under notebooks/"
    for path in ALL_IPYNB:
        nb = json.loads(path.read_text())
        dirty = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
        assert not dirty, f"{path.relative_to(ROOT)}: cells {dirty} carry outputs; strip them before committing " \
                          "(JupyterLab: Edit > Clear Outputs of All Cells, then save)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_follows_the_conventions(path):
    cells = json.loads(path.read_text())["cells"]
    intro = "".join(cells[0]["source"])
    assert cells[0]["cell_type"] == "markdown" and all(f"**{w}.**" in intro for w in ("Purpose", "Inputs", "Outputs")), \
        f"{path.name}: the first cell must be markdown stating **Purpose.**, **Inputs.** and **Outputs.**"
    params = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(params) == 1, f"{path.name}: expected exactly one cell tagged 'parameters', got {len(params)}"
    assert 'corpus_dir = ""' in "".join(params[0]["source"]), \
        f"{path.name}: the parameters cell must default to the embedded sample with corpus_dir = \"\""
    code = [c for c in cells if c["cell_type"] == "code"]
    assert "show_key_results(" in "".join(code[-1]["source"]), \
        f"{path.name}: the last code cell must call show_key_results(...)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_and_finds_its_key_result(path, tmp_path, monkeypatch, sample_data):
    assert not sample_data.warnings, sample_data.warnings[0]
    monkeypatch.setenv(DATA_DIR_ENV, str(sample_data.data_dir))  # the kernel inherits it: the shared sample
    out = tmp_path / path.name
    papermill.execute_notebook(str(path), str(out), kernel_name="python3", cwd=str(tmp_path), progress_bar=False)
    executed = json.loads(out.read_text())
    errors = [o for c in executed["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    key = read_key_results(executed)
    assert key, f"{path.name} displayed no key results"
    assert all(not (isinstance(v, float) and math.isnan(v)) for v in key.values())
    CHECKS[path.name[:2]](key, _truth(sample_data))
