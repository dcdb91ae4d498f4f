"""Audio-video offset check on real talking faces: every figure, per clip and planted shift.

Material: the eleven GRID sentences of ``tests/fixtures/real/grid`` (real talkers,
their own audio; see ``tests/fixtures/real/SOURCE.md``) and known-answer
constructions from them (``scripts/make_real_av_fixtures.py``): "panels" of 3 or 4
sentences of different talkers back to back (each in sync), the audio shifted by
exactly -0.4 ... +0.4 s in 0.1-s steps, and frames dropped to a variable frame rate.
Mouth series come from the cached face tracks (MediaPipe FaceLandmarker on the
fixtures; ``--retrack`` tracks again). ::

    python scripts/measure_av_offset.py [--retrack] [--end-to-end] [--json]

Prints, per clip and shift: the estimate, its error in video frames, reliable,
flagged and the p-value; then per clip length the recovery rate (reliable and
within one frame), the in-sync clips flagged, and unrelated speech (another
panel's audio) called reliable or flagged. ``--end-to-end`` also runs the whole
extraction (``extract_video``) on a panel video with its audio remuxed 0.3 s late
and frames dropped.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from alloava_analysis.extract.sync import DEFAULT_TOLERANCE_S, estimate_av_offset  # noqa: E402
from alloava_analysis.io.jsonable import to_jsonable  # noqa: E402
from scripts import make_real_av_fixtures as fx  # noqa: E402

SHIFTS = tuple(np.round(np.arange(-0.4, 0.41, 0.1), 1))
FRAME_S = 1 / 25  # GRID video


def panels(size: int, names: list[str]) -> list[list[str]]:
    """Every run of ``size`` consecutive sentences (wrapping around): as many panels as sentences."""
    return [[names[(i + j) % len(names)] for j in range(size)] for i in range(len(names))]


def drop_track_frames(times: np.ndarray, mouth: np.ndarray, *, every: int = 3, extra: float = 0.1,
                      seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Track-level :func:`fx.drop_frames`: every ``every``-th frame and a random ``extra`` share removed."""
    rng = np.random.default_rng(seed)
    keep = (np.arange(times.size) % every != 1) & (rng.random(times.size) >= extra)
    return times[keep], mouth[keep]


def sweep(tracks: dict, audio: dict, *, size: int, shifts=SHIFTS, vfr: bool = False, **options) -> list[dict]:
    """One row per panel of ``size`` sentences and planted shift (positive: audio late)."""
    rows = []
    for names in panels(size, sorted(tracks)):
        times, mouth, sound = fx.panel_tracks(tracks, audio, names)
        if vfr:
            times, mouth = drop_track_frames(times, mouth)
        for shift in shifts:
            report = estimate_av_offset(mouth, times, fx.shift_samples(sound, shift), fx.RATE, **options)
            error = report["offset_s"] - shift
            rows.append({"clip": "+".join(names), "size": size, "vfr": vfr, "shift_s": float(shift),
                         "offset_s": round(report["offset_s"], 4), "error_frames": round(error / FRAME_S, 2),
                         "reliable": report["reliable"], "flagged": report["flagged"],
                         "p_value": round(report["p_value"], 5), "n_surrogates": report["n_surrogates"],
                         "reason": report["reason"]})
    return rows


def unrelated(tracks: dict, audio: dict, *, size: int, roll_s: float = 0.0, **options) -> list[dict]:
    """Each panel's mouth against the speech of the panel ``len // 2`` further on (other talkers).

    ``roll_s`` circularly delays that speech: GRID sentences share one timing
    template (about 1 s of silence, then six words), so unrolled they line up with
    any GRID face at lag zero; half a sentence (1.5 s) breaks that.
    """
    names = sorted(tracks)
    rows = []
    for i, group in enumerate(panels(size, names)):
        other = panels(size, names)[(i + len(names) // 2) % len(names)]
        times, mouth, _ = fx.panel_tracks(tracks, audio, group)
        sound = np.roll(fx.panel_tracks(tracks, audio, other)[2], int(round(roll_s * fx.RATE)))
        report = estimate_av_offset(mouth, times, sound, fx.RATE, **options)
        rows.append({"clip": "+".join(group), "speech_of": "+".join(other), "roll_s": roll_s,
                     "offset_s": round(report["offset_s"], 4), "reliable": report["reliable"],
                     "flagged": report["flagged"], "p_value": round(report["p_value"], 5)})
    return rows


def summary(rows: list[dict]) -> dict:
    """Recovery rate (reliable and within one frame), in-sync flags, largest reliable error."""
    recovered = sum(r["reliable"] and abs(r["error_frames"]) <= 1 for r in rows)
    in_sync = [r for r in rows if r["shift_s"] == 0]
    errors = [abs(r["error_frames"]) for r in rows if r["reliable"]]
    return {"cases": len(rows), "recovered_within_1_frame_and_reliable": recovered,
            "recovery_rate": round(recovered / len(rows), 3), "reliable": sum(r["reliable"] for r in rows),
            "in_sync_cases": len(in_sync), "in_sync_flagged": sum(r["flagged"] for r in in_sync),
            "max_abs_error_frames_when_reliable": max(errors) if errors else None,
            "abstained": sorted({r["reason"].split(":")[0] for r in rows if not r["reliable"]})}


def end_to_end(shift_s: float = 0.3, size: int = 4) -> dict:
    """The whole extraction on a panel video with the audio remuxed ``shift_s`` late and frames dropped."""
    from alloava_analysis.extract.pipeline import extract_video

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        paths = fx.fixture_paths()[:size]
        panel = fx.concatenate_clips(paths, tmp / "panel.mp4")
        shifted = fx.shift_audio(panel, tmp / "shifted.mp4", shift_s)
        vfr = fx.drop_frames(shifted, tmp / "DEMO_abcdefghijk.mp4")
        result = extract_video(vfr, tmp / "out", clip_id="DEMO_abcdefghijk", progress=False, allow_download=False)
    sync = result["sync"]
    return {"planted_s": shift_s, "frames": result["frames"], **{k: sync[k] for k in
            ("offset_s", "reliable", "flagged", "p_value", "n_surrogates", "signals", "reason")},
            "error_frames": round((sync["offset_s"] - shift_s) / FRAME_S, 2)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--retrack", action="store_true", help="track the faces again instead of the cache")
    parser.add_argument("--end-to-end", action="store_true", help="also run extract_video on a constructed video")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    tracks = fx.track_faces(fx.fixture_paths()) if args.retrack else fx.load_tracks()
    audio = {path.stem: fx.read_audio(path) for path in fx.fixture_paths()}
    out: dict = {"tolerance_s": DEFAULT_TOLERANCE_S, "frame_s": FRAME_S, "sweeps": {}, "unrelated": {}}
    for size, vfr in ((1, False), (3, False), (4, False), (4, True)):
        rows = sweep(tracks, audio, size=size, vfr=vfr)
        key = f"{size}x3s{'_vfr' if vfr else ''}"
        out["sweeps"][key] = {"summary": summary(rows), "rows": rows}
    for size in (3, 4):
        for roll in (0.0, 1.5):
            rows = unrelated(tracks, audio, size=size, roll_s=roll)
            out["unrelated"][f"{size}x3s_roll{roll}"] = {
                "pairs": len(rows), "reliable": sum(r["reliable"] for r in rows),
                "flagged": sum(r["flagged"] for r in rows), "rows": rows}
    if args.end_to_end:
        out["end_to_end"] = end_to_end()
    if args.json:
        print(json.dumps(to_jsonable(out), indent=1))
        return
    for key, sweep_out in out["sweeps"].items():
        print(f"\n== {key}: panels of sentences, planted shifts (error in frames of {FRAME_S:.2f} s)")
        print(f"{'clip':<30} {'shift':>6} {'estimate':>9} {'err(fr)':>8} {'reliable':>8} {'flagged':>7} {'p':>8}")
        for r in sweep_out["rows"]:
            print(f"{r['clip'][:30]:<30} {r['shift_s']:>+6.1f} {r['offset_s']:>+9.3f} {r['error_frames']:>+8.2f} "
                  f"{r['reliable']!s:>8} {r['flagged']!s:>7} {r['p_value']:>8.4f}")
        print("summary:", json.dumps(to_jsonable(sweep_out["summary"])))
    for key, u in out["unrelated"].items():
        print(f"unrelated speech {key}: {u['reliable']} of {u['pairs']} reliable, {u['flagged']} flagged")
    if "end_to_end" in out:
        print("end to end:", json.dumps(to_jsonable(out["end_to_end"])))


if __name__ == "__main__":
    main()
