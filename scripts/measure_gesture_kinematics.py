#!/usr/bin/env python
"""Per-gesture kinematics against the reference definitions of ``envisionhgdetector`` 3.0.8 (EnvisionBOX).

Our table (:func:`alloava_analysis.features.gestures.gesture_table`) and the
reference's own functions are run on the same gesture units of the same real
tracks, plus planted synthetic tracks with a known answer:

- ``signer``: ``tests/fixtures/real/signer_holistic.parquet`` (a real signer,
  MediaPipe Holistic, 24 fps);
- ``uci-*``: the seven recordings of ``tests/fixtures/real/gesture_phases_uci.parquet``
  (UCI Gesture Phase Segmentation, Kinect, about 30 fps);
- ``planted-*``: synthetic right-hand paths with known strokes and holds.

The reference is run, not copied: ``envisionhgdetector`` pins tensorflow 2.15,
mediapipe 0.10.7 and numpy < 2, so it lives in its own environment
(``/work/envision-venv``; override with ``--envision-python``). This script
writes each unit's joints as the MediaPipe world landmarks that
``envisionhgdetector.utils.compute_kinematic_features`` takes (33 joints,
metres, y down) and calls, in that environment, the package's own
``compute_kinematic_features`` (active hand, submovement count, holds,
McNeill mode) and ``compute_limb_kinematics`` (the active hand's peak
frames). Metres: our torso coordinates (shoulder widths) times
:data:`SHOULDER_M`; joints a track lacks are placed as :func:`world_landmarks`
says. Then both are compared unit by unit::

    python scripts/measure_gesture_kinematics.py            # prints the comparison as JSON
    python scripts/measure_gesture_kinematics.py --json OUT  # and writes it

Reading of the EnvisionBOX module ``Submovements_Holds`` (``Multimodal-Language-Department-MPI-NL``, commit
7ea479328afead1d69b05d37270a0bb16644cbbf, notebook ``01-gesture_hold_time_pauses``) and of
``envisionhgdetector/utils.py``; every systematic difference found is printed
in ``explanations``.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
REAL = REPO / "tests" / "fixtures" / "real"
ENVISION_PYTHON = "/work/envision-venv/bin/python"
#: Metres per shoulder width used to turn torso coordinates into the reference's world landmarks
#: (MediaPipe's shoulder landmarks are about 0.35 m apart on an adult).
SHOULDER_M = 0.35
#: Two submovement peaks (ours, the reference's) within this many seconds are the same peak.
PEAK_TOLERANCE_S = 0.1
#: The reference's McNeill codes (1 centre-centre, 2 centre, 3 periphery, 4 extreme periphery) as our sectors.
MCNEILL = {1: "centre_centre", 2: "centre", 3: "periphery", 4: "extreme_periphery"}

EXPLANATIONS = {
    "submovements": (
        "The reference smooths the speed with a Savitzky-Golay filter (15 frames, order 5) after a Gaussian "
        "filter of the positions (sigma 2 frames) and takes every peak whose prominence exceeds 10 % of the "
        "unit's own speed sd (at least 0.01 m/s), 5 frames (0.2 s at 25 fps) apart; when it finds none it "
        "reports one (the maximum). Ours: a 0.2 s moving mean and a fixed prominence of 0.3 shoulder widths/s "
        "(0.1 m/s at 0.35 m), 0.2 s apart. A threshold relative to the unit's own sd finds small wiggles in "
        "slow units and in tracker jitter (more peaks on noisy Kinect tracks), and never reports zero."),
    "holds": (
        "The reference's hold is a run of at least 3 frames in which both the hand and the elbow move slower "
        "than 0.15 m/s (world landmarks; frame-to-frame displacement, unsmoothed), starting after the first "
        "submovement; the EnvisionBOX module uses 0.5 px/s on pixel tracks and also requires the finger. Ours: "
        "the smoothed hand speed under max(0.2 shoulder widths/s, the clip's noise floor) for at least 0.2 s, "
        "between the first and the last submovement. Unsmoothed speed crosses a fixed threshold on every "
        "jitter spike, so on noisy tracks the reference splits one stillness into several 3-frame holds or "
        "finds none; 3 frames is 0.1 s at 30 fps, half our minimum. Between two strokes that reverse direction "
        "the speed passes through zero: 0.15 m/s is 0.43 shoulder widths/s at 0.35 m, so the reference counts "
        "such a turn as a hold (3 on the planted 5-stroke path, which has none); our smoothed speed stays above "
        "0.2 shoulder widths/s through a turn."),
    "gesture_space": (
        "The reference's grid takes 'Neck' and 'MidHip' from landmarks 23 and 24, which are MediaPipe's left "
        "and right hips, so its body centre lies at hip height, not mid-torso: hands in front of the chest "
        "fall outside its centre-centre square. Its periphery needs p_ymin < y < p_ymax with "
        "p_ymax = eye + (eye - nose); in MediaPipe's y-down coordinates that bound lies above the eyes and "
        "p_ymin below the centre, so the interval is empty and every hand outside the centre square is "
        "'extreme periphery' (code 4); the module version computes the Neck from mixed x/y shoulder "
        "coordinates. Ours: squares of half-width 0.5, 1.0 and 1.5 shoulder widths around a torso centre "
        "0.7 shoulder widths below the shoulder midpoint, on the body's own axes. Check: the reference run on "
        "the planted units with y flipped to point up ('y_up_reference_modes') gives periphery where ours does; "
        "'sector_mode_agreement_y_up_real' is the agreement on the real units with y flipped (its centre "
        "stays at hip height), 'sector_mode_agreement_y_up+neck_real' with y flipped and its Neck and MidHip "
        "given as the shoulder and hip midpoints."),
}


# -- our side -----------------------------------------------------------------------------------
def real_tracks() -> dict:
    """Name -> pose dataset of every real track compared."""
    import pandas as pd

    sys.path.insert(0, str(REPO))
    from alloava_analysis.io.extraction import read_pose_dataset
    from scripts import measure_gesture_units as gu

    out = {"signer": read_pose_dataset(REAL / "signer_holistic.parquet")}
    data = pd.read_parquet(REAL / "gesture_phases_uci.parquet")
    for rec in sorted(data["clip"].unique()):
        out[f"uci-{rec}"] = gu.kinect_pose(data[data["clip"] == rec])[0]
    return out


def planted_tracks() -> dict:
    """Name -> (pose, truth) of synthetic right-hand paths with known strokes and holds (the unit tests' builder)."""
    sys.path.insert(0, str(REPO))
    from tests.unit.features import test_gestures as tg

    plans = {
        "planted-3-strokes-1-hold": [("move", (-0.3, 0.2), 0.5), ("move", (-1.2, 0.4), 0.4), ("hold", 0.6),
                                     ("move", tg.REST, 0.6)],
        "planted-5-strokes": [("move", (-0.8, 0.3), 0.45), ("move", (-0.2, 0.5), 0.45), ("move", (-0.8, 0.3), 0.45),
                              ("move", (-0.2, 0.5), 0.45), ("move", tg.REST, 0.5)],
        "planted-periphery-hold": [("move", (-1.25, 0.1), 0.4), ("hold", 2.0), ("move", tg.REST, 0.4)],
    }
    out = {}
    for name, steps in plans.items():
        path, truth = tg._plan(tg.REST, steps)
        out[name] = (tg._pose(path, noise=0.002, seed=1), truth)
    return out


def world_landmarks(body, start: float, end: float) -> np.ndarray:
    """The unit's joints as MediaPipe world landmarks (frames, 33, 3): metres, x to the speaker's left, y down.

    Hands: the mean of each hand's keypoints (as ours); elbows, hips, eyes and nose from the track when it has
    them (the signer's eyes: face mesh points 263 and 33; nose: the mean of the eye and mouth corners), else
    elbows half-way between shoulder and hand, hips 0.4 shoulder widths out and 1.4 down, nose 0.75 up (the
    Kinect head point when there is one), eyes 0.15 out and 0.12 above the nose. Unset joints stay 0; an
    untracked frame repeats the joint's last tracked position (a hand never tracked in the unit stays at 0).
    """
    sel = body.sel(time=slice(start, end))
    names = set(sel["keypoint"].values)

    def mean(keys):
        keys = [k for k in keys if k in names]
        return sel.sel(keypoint=keys).mean("keypoint").transpose("time", "axis").values if keys else None

    n = sel.sizes["time"]
    zero = np.zeros((n, 2))
    joints = {}
    joints[11], joints[12] = np.tile([0.5, 0.0], (n, 1)), np.tile([-0.5, 0.0], (n, 1))
    hand = {side: mean([k for k in names if k.startswith(side) and k.split("_", 1)[1] in
                        ("wrist", "index", "pinky", "thumb")]) for side in ("left", "right")}
    joints[15] = hand["left"] if hand["left"] is not None else zero
    joints[16] = hand["right"] if hand["right"] is not None else zero
    for idx, side in ((13, "left"), (14, "right")):
        elbow = mean([f"{side}_elbow"])
        joints[idx] = elbow if elbow is not None else (joints[11 if side == "left" else 12] + joints[idx + 2]) / 2
    for idx, side, dx in ((23, "left", 0.4), (24, "right", -0.4)):
        hip = mean([f"{side}_hip"])
        joints[idx] = hip if hip is not None else np.tile([dx, -1.4], (n, 1))
    eyes = mean(["face_263"]), mean(["face_033"])
    nose = mean(["face_033", "face_263", "face_061", "face_291"]) if eyes[0] is not None else mean(["nose"])
    joints[0] = nose if nose is not None else np.tile([0.0, 0.75], (n, 1))
    joints[2] = eyes[0] if eyes[0] is not None else joints[0] + [0.15, 0.12]
    joints[5] = eyes[1] if eyes[1] is not None else joints[0] + [-0.15, 0.12]
    out = np.zeros((n, 33, 3))
    for idx, xy in joints.items():
        out[:, idx, 0] = xy[:, 0] * SHOULDER_M
        out[:, idx, 1] = -xy[:, 1] * SHOULDER_M        # world y points down
    import pandas as pd

    # the reference cannot take NaN: an untracked joint keeps its last (else first) position, never jumps to 0
    flat = pd.DataFrame(out.reshape(n, -1)).ffill().bfill()
    return np.nan_to_num(flat.to_numpy().reshape(out.shape))


def ours(tracks: dict) -> tuple[dict, dict]:
    """Our detailed gesture tables per track, and every unit's landmarks for the reference."""
    from alloava_analysis.features import gestures

    tables, units = {}, {}
    for name, pose in tracks.items():
        table = gestures.gesture_table(pose, clip_id=name, details=True)
        body = gestures.torso_coordinates(pose)
        fps = 1.0 / float(np.median(np.diff(pose["time"].values)))
        for row in table.itertuples():
            key = f"{name}#{row.unit}"
            units[key] = {"landmarks": world_landmarks(body, row.start_s, row.end_s), "fps": fps,
                          "t0": float(body.sel(time=slice(row.start_s, row.end_s))["time"].values[0])}
        tables[name] = table
    return tables, units


# -- the reference's side (runs in its own environment) -------------------------------------------
def run_reference(folder: Path) -> None:
    """In the envisionhgdetector environment: its kinematic functions on every ``*.npz`` unit of ``folder``."""
    import contextlib
    import io

    from envisionhgdetector import utils

    results = {}
    for path in sorted(folder.glob("*.npz")):
        data = np.load(path)
        lm, fps = data["landmarks"], float(data["fps"])
        with contextlib.redirect_stdout(io.StringIO()):   # it prints one line per gesture
            feats = utils.compute_kinematic_features(landmarks=lm, fps=fps, gesture_id=path.stem)
        hand = lm[:, 15 if feats.active_hand == "L" else 16]
        peaks = utils.compute_limb_kinematics(hand, fps).peaks
        results[path.stem] = {"active_hand": feats.active_hand, "n_submovements": int(feats.hand_submovements),
                              "peak_frames": [int(p) for p in peaks], "hold_count": int(feats.hold_count),
                              "hold_time": float(feats.hold_time), "mcneillian_mode": int(feats.mcneillian_mode),
                              "mcneillian_max": int(feats.mcneillian_max)}
    (folder / "reference.json").write_text(json.dumps(results))


def reference(units: dict, python: str) -> dict:
    """The reference's results per unit (run in ``python``'s environment; one run for all units)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i, unit in enumerate(units.values()):
            np.savez(folder / f"{i:05d}.npz", landmarks=unit["landmarks"], fps=unit["fps"])
        subprocess.run([python, __file__, "reference", str(folder)], check=True, stderr=subprocess.DEVNULL)
        found = json.loads((folder / "reference.json").read_text())
    return {key: found[f"{i:05d}"] for i, key in enumerate(units)}


# -- comparison ---------------------------------------------------------------------------------
def _matched(a: list[float], b: list[float], tol: float) -> int:
    """Greedy one-to-one matches between two sorted lists of times within ``tol``."""
    used, n = set(), 0
    for x in a:
        j = next((j for j, y in enumerate(b) if j not in used and abs(x - y) <= tol), None)
        if j is not None:
            used.add(j)
            n += 1
    return n


def compare(tables: dict, units: dict, ref: dict, planted: dict) -> dict:
    """Per-track and pooled agreement of counts, peak times, holds and sectors."""
    import pandas as pd

    rows = []
    for name, table in tables.items():
        for row in table.itertuples():
            key = f"{name}#{row.unit}"
            r, u = ref[key], units[key]
            ours_peaks = [p for _, _, p in row.submovements]
            ref_peaks = [u["t0"] + f / u["fps"] for f in r["peak_frames"]]
            rows.append({"track": name, "unit": row.unit, "duration_s": row.duration_s,
                         "hand_ours": row.lead_hand[0].upper(), "hand_ref": r["active_hand"],
                         "sub_ours": row.n_submovements, "sub_ref": r["n_submovements"],
                         "peaks_matched": _matched(ours_peaks, ref_peaks, PEAK_TOLERANCE_S),
                         "holds_ours": row.n_holds, "holds_ref": r["hold_count"],
                         "hold_s_ours": row.hold_s, "hold_s_ref": r["hold_time"],
                         "sector_ours": row.dominant_sector, "sector_ref": MCNEILL.get(r["mcneillian_mode"], "?"),
                         "planted_peaks": len(planted[name]["peaks"]) if name in planted else None,
                         "planted_holds": len(planted[name]["holds"]) if name in planted else None})
    df = pd.DataFrame(rows)

    def summary(d: pd.DataFrame) -> dict:
        if d.empty:
            return {"units": 0}
        return {"units": int(len(d)),
                "submovements": {"ours": int(d["sub_ours"].sum()), "reference": int(d["sub_ref"].sum()),
                                 "same_count_share": round(float((d["sub_ours"] == d["sub_ref"]).mean()), 3),
                                 "ours_peaks_matched_share": round(float(d["peaks_matched"].sum()
                                                                         / max(d["sub_ours"].sum(), 1)), 3),
                                 "reference_peaks_matched_share": round(float(d["peaks_matched"].sum()
                                                                              / max(d["sub_ref"].sum(), 1)), 3)},
                "holds": {"ours": int(d["holds_ours"].sum()), "reference": int(d["holds_ref"].sum()),
                          "ours_s": round(float(d["hold_s_ours"].sum()), 2),
                          "reference_s": round(float(d["hold_s_ref"].sum()), 2),
                          "same_count_share": round(float((d["holds_ours"] == d["holds_ref"]).mean()), 3)},
                "same_active_hand_share": round(float((d["hand_ours"] == d["hand_ref"]).mean()), 3),
                "sector_mode_agreement": round(float((d["sector_ours"] == d["sector_ref"]).mean()), 3),
                "sector_modes": {"ours": d["sector_ours"].value_counts().to_dict(),
                                 "reference": d["sector_ref"].value_counts().to_dict()}}

    real = df[~df["track"].str.startswith("planted")]
    planted_rows = df[df["track"].str.startswith("planted")]
    return {"settings": {"shoulder_m": SHOULDER_M, "peak_tolerance_s": PEAK_TOLERANCE_S},
            "pooled_real": summary(real), "signer": summary(df[df["track"] == "signer"]),
            "uci": summary(df[df["track"].str.startswith("uci")]),
            "planted": planted_rows[["track", "unit", "planted_peaks", "sub_ours", "sub_ref", "planted_holds",
                                     "holds_ours", "holds_ref", "sector_ours", "sector_ref"]].to_dict("records"),
            "explanations": EXPLANATIONS}


def _neck_and_midhip(landmarks: np.ndarray) -> np.ndarray:
    """Landmarks whose joints 23 and 24 (the reference's 'Neck' and 'MidHip') are the shoulder and hip midpoints."""
    out = landmarks.copy()
    hips = (landmarks[:, 23] + landmarks[:, 24]) / 2
    out[:, 23] = (landmarks[:, 11] + landmarks[:, 12]) / 2
    out[:, 24] = hips
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", default="compare", choices=("compare", "reference"))
    parser.add_argument("folder", nargs="?", type=Path, help="(reference mode) folder of unit files")
    parser.add_argument("--envision-python", default=ENVISION_PYTHON,
                        help=f"python of the envisionhgdetector environment (default {ENVISION_PYTHON})")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args(argv)
    if args.mode == "reference":
        run_reference(args.folder)
        return 0
    tracks = real_tracks()
    planted = planted_tracks()
    tracks.update({name: pose for name, (pose, _) in planted.items()})
    tables, units = ours(tracks)
    flipped = {f"{key}+y_up": {**u, "landmarks": u["landmarks"] * [1, -1, 1]} for key, u in units.items()}
    repaired = {f"{key}+y_up+neck": {**u, "landmarks": _neck_and_midhip(u["landmarks"] * [1, -1, 1])}
                for key, u in units.items()}
    ref = reference({**units, **flipped, **repaired}, args.envision_python)
    result = compare(tables, units, ref, {name: truth for name, (_, truth) in planted.items()})
    result["y_up_reference_modes"] = {key: MCNEILL.get(ref[key]["mcneillian_mode"], "?") for key in flipped
                                      if key.startswith("planted")}
    ours_modes = {f"{name}#{row.unit}": row.dominant_sector for name, table in tables.items()
                  for row in table.itertuples() if not name.startswith("planted")}
    for suffix in ("y_up", "y_up+neck"):
        result[f"sector_mode_agreement_{suffix}_real"] = round(float(np.mean(
            [MCNEILL.get(ref[f"{key}+{suffix}"]["mcneillian_mode"]) == mode for key, mode in ours_modes.items()])), 3)
    text = json.dumps(result, indent=1, default=str)
    print(text)
    if args.json:
        args.json.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
