"""Camera cuts on real recordings with known-answer splices (issue 27): the targets, as counts and frame errors.

Material and constructions: ``tests/fixtures/real/SOURCE.md`` (``cuts/``, CC BY 4.0) and
``scripts/measure_cuts.py``, which prints the same figures with PySceneDetect's detectors beside them.
Targets: recall >= 95 % of the spliced cuts, at most one false cut per 10 minutes of uncut
footage, every found cut within one frame of the true one. The frame tests build about 24
minutes of footage (several minutes on 2 cores), hence ``slow``; so does the pose test on the
139 s of people walking past a camera (MediaPipe over 1,394 frames).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from scripts import measure_cuts  # noqa: E402


@pytest.fixture(scope="module")
def frame_results():
    """(case kind, duration s, true cuts, timing errors, false cuts) of the frame detector on every case."""
    rows = []
    for case in measure_cuts.all_cases():
        errors, false = measure_cuts.score(measure_cuts.structure_cuts(case.frames, case.fps), case.cuts)
        rows.append((case.kind, case.duration_s, len(case.cuts), errors, false))
    return rows


@pytest.mark.slow
def test_spliced_real_cuts_are_found_within_one_frame(frame_results):
    true = sum(r[2] for r in frame_results)
    errors = [e for r in frame_results for e in r[3]]
    assert true == 60 and len(errors) >= 57                                  # recall >= 95 %
    assert max(errors) <= 1
    angle = [len(r[3]) for r in frame_results if r[0] == "angle"]
    assert sum(angle) == len(angle) == 40                                    # every cut between two angles


@pytest.mark.slow
def test_uncut_real_footage_has_at_most_one_false_cut_per_ten_minutes(frame_results):
    uncut = [r for r in frame_results if r[2] == 0]
    minutes = sum(r[1] for r in uncut) / 60
    assert minutes > 15                                                      # what the figure rests on
    assert sum(r[4] for r in uncut) <= minutes / 10
    assert sum(r[4] for r in frame_results) <= sum(r[1] for r in frame_results) / 600


@pytest.mark.media
def test_frames_and_pose_together_find_the_jump_cuts_and_say_which_saw_them(tmp_path):
    cases = [c for c in measure_cuts.spliced_cases() if c.kind == "jump"][:8]
    found, evidence = 0, []
    for case in cases:
        combined = measure_cuts.pose_and_combined(case, tmp_path)
        errors, false = measure_cuts.score(combined["frames+pose"], case.cuts)
        found += len(errors)
        assert false == 0 and all(e <= 1 for e in errors)
        assert np.isin(combined["frame_structure via extraction"], combined["frames+pose"]).all()
        evidence.append(("frames" if case.cuts[0] in combined["frame_structure via extraction"] else "")
                        + ("pose" if case.cuts[0] in combined["pose"] else ""))
    assert found >= len(cases) - 1                                           # measured: 7 of 8 (book+learn missed)
    assert "framespose" in evidence                                          # both saw some


@pytest.mark.media
@pytest.mark.slow
def test_people_walking_in_and_out_make_pose_jumps_but_no_cut_where_the_frames_were_checked(tmp_path):
    from alloava_analysis.synthetic.cuts import uncut_cases

    walking = measure_cuts.read_frames(measure_cuts.CUTS / "one_by_one_person_detection.mp4")
    case = next(uncut_cases({"walking": walking}, fps=10.0))                 # the recording as filmed
    assert case.kind == "still" and case.cuts == []
    combined = measure_cuts.pose_and_combined(case, tmp_path)
    assert len(combined["frames+pose, pose unchecked"]) >= 10                 # measured 17 pose jumps, no cut
    assert combined["frames+pose"] == [] and combined["frame_structure via extraction"] == []
