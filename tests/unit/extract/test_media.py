"""PyAV decoding: stream checks, audio timing at 48/16 kHz, frame times from presentation timestamps."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("av")

from alloava_analysis.errors import ExtractionError, MissingModalityError  # noqa: E402
from alloava_analysis.extract import media  # noqa: E402
from scripts import make_test_media  # noqa: E402


@pytest.fixture(scope="module")
def mk():
    return make_test_media


def _frames(n: int, size: int = 64):
    rng = np.random.default_rng(0)
    return [rng.integers(0, 255, (size, size, 3), dtype=np.uint8) for _ in range(n)]


def _click_track(duration: float, clicks: list[float], rate: int = 48_000) -> np.ndarray:
    audio = np.zeros(int(duration * rate), np.float32)
    for t in clicks:
        i = int(round(t * rate))
        audio[i:i + 48] = 0.9
    return audio


def _first_click(samples: np.ndarray, rate: int) -> float:
    return np.flatnonzero(np.abs(samples[:, 0]) > 0.3)[0] / rate


@pytest.fixture(scope="module")
def vfr_clip(mk, tmp_path_factory):
    """VFR video (uneven pts) plus an AAC track whose click is 1.0 s into the stream."""
    path = tmp_path_factory.mktemp("media") / "clip.mp4"
    times = np.round(np.cumsum([0, 0.04, 0.02, 0.1, 0.033, 0.05, 0.04, 0.2, 0.04, 0.04]), 3)
    mk.encode(path, _frames(len(times)), times, audio=_click_track(2.0, [1.0]))
    return path, times


@pytest.fixture(scope="module")
def late_audio(mk, tmp_path_factory):
    """The audio stream starts 0.5 s after the video; its click is 0.3 s into the stream (0.8 s media time)."""
    path = tmp_path_factory.mktemp("media") / "late.mp4"
    times = np.arange(30) / 25
    mk.encode(path, _frames(len(times)), times, audio=_click_track(0.8, [0.3]), audio_start_s=0.5)
    return path


def test_probe_reports_streams(vfr_clip):
    path, times = vfr_clip
    info = media.probe_media(path)
    assert info.has_video and info.has_audio
    assert (info.width, info.height) == (64, 64)
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert info.samplerate == 48_000 and info.channels == 1
    assert info.n_frames == len(times)


def test_decoded_frame_times_are_the_container_pts_not_index_over_fps(vfr_clip):
    path, times = vfr_clip
    frames = media.VideoFrames(path)
    decoded = [(f.index, f.time, f.image.shape) for f in frames]
    got = np.array([t for _, t, _ in decoded])
    np.testing.assert_allclose(got, times, atol=1e-9)
    np.testing.assert_allclose(media.container_frame_times(path), times, atol=1e-9)
    assert [i for i, _, _ in decoded] == list(range(len(times)))
    assert decoded[0][2] == (64, 64, 3)
    assert frames.skipped == [] and frames.decode_errors == 0
    # a uniform 25 fps clock would put the last frame elsewhere: the test can tell the two apart
    assert abs((len(times) - 1) / 25 - times[-1]) > 0.1


def test_prefetching_and_plain_decoding_agree(vfr_clip):
    path, _ = vfr_clip
    a = [(f.time, f.image.sum()) for f in media.VideoFrames(path, prefetch=0)]
    b = [(f.time, f.image.sum()) for f in media.VideoFrames(path, prefetch=3)]
    assert a == b


@pytest.mark.parametrize("rate", [48_000, 16_000])
def test_audio_keeps_original_timing_at_both_rates(vfr_clip, rate):
    path, _ = vfr_clip
    samples = media.decode_audio(path, samplerate=rate, channels=1)
    assert samples.dtype == np.float32 and samples.shape[1] == 1
    assert _first_click(samples, rate) == pytest.approx(1.0, abs=0.002)
    assert samples.shape[0] / rate == pytest.approx(2.0, abs=0.03)


def test_one_decode_gives_both_tracks(vfr_clip):
    path, _ = vfr_clip
    tracks = media.decode_audio_tracks(path, {"hi": media.ALLO_AVA_AUDIO, "asr": media.ASR_AUDIO})
    assert _first_click(tracks["hi"], 48_000) == pytest.approx(_first_click(tracks["asr"], 16_000), abs=0.001)
    assert tracks["hi"].shape[0] == pytest.approx(3 * tracks["asr"].shape[0], abs=3)


def test_audio_stream_starting_late_is_padded_onto_the_media_clock(late_audio):
    samples = media.decode_audio(late_audio, samplerate=48_000)
    assert np.abs(samples[: int(0.45 * 48_000)]).max() < 1e-3
    assert _first_click(samples, 48_000) == pytest.approx(0.8, abs=0.003)


def test_stereo_source_keeps_channels_and_mixes_for_asr(mk, tmp_path):
    import av

    path = tmp_path / "stereo.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("aac", rate=48_000, layout="stereo")
        t = np.arange(48_000) / 48_000
        left, right = 0.5 * np.sin(2 * np.pi * 440 * t), np.zeros_like(t)
        data = np.stack([left, right]).astype(np.float32)
        for start in range(0, 48_000 - 1024, 1024):
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data[:, start:start + 1024]), format="fltp",
                                               layout="stereo")
            frame.sample_rate, frame.pts = 48_000, start
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    hi = media.decode_audio(path, samplerate=48_000)
    asr = media.decode_audio(path, samplerate=16_000, channels=1)
    assert hi.shape[1] == 2
    mid = slice(len(hi) // 4, 3 * len(hi) // 4)
    assert np.sqrt(np.mean(hi[mid, 0] ** 2)) == pytest.approx(0.5 / np.sqrt(2), rel=0.1)
    assert np.sqrt(np.mean(hi[mid, 1] ** 2)) < 0.01
    assert np.sqrt(np.mean(asr[len(asr) // 4: 3 * len(asr) // 4, 0] ** 2)) > 0.05


def test_missing_file(tmp_path):
    with pytest.raises(MissingModalityError, match="expected a media file"):
        media.probe_media(tmp_path / "nope.mp4")


@pytest.mark.parametrize("content", [b"", b"not a video at all" * 100, bytes(range(256)) * 50])
def test_unreadable_container_names_the_file(tmp_path, content):
    path = tmp_path / "bad.mp4"
    path.write_bytes(content)
    with pytest.raises(ExtractionError, match=r"bad\.mp4: expected a media container"):
        media.probe_media(path)


def test_truncated_container(vfr_clip, tmp_path):
    blob = vfr_clip[0].read_bytes()
    path = tmp_path / "half.mp4"
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(ExtractionError, match="half.mp4"):
        media.probe_media(path)


def test_require_gives_the_reason_for_a_missing_stream(mk, tmp_path):
    audio_only = tmp_path / "DIY_TBRi6ecgQfc.f251.webm"
    mk.encode(audio_only, None, np.array([]), audio=_click_track(0.5, [0.1]), audio_codec="libopus")
    info = media.probe_media(audio_only)
    assert info.has_audio and not info.has_video
    with pytest.raises(ExtractionError, match="expected a video stream, got only an audio stream"):
        info.require("video")
    with pytest.raises(ExtractionError, match="expected a video stream"):
        media.VideoFrames(audio_only)
    silent = tmp_path / "silent.mp4"
    mk.encode(silent, _frames(3), np.arange(3) / 25)
    with pytest.raises(ExtractionError, match="expected an audio stream, got only a video stream"):
        media.decode_audio(silent)


def test_max_height_scales_frames_down_on_the_same_clock(vfr_clip):
    path, times = vfr_clip  # 64 x 64 frames
    full = list(media.VideoFrames(path, prefetch=0))
    small = list(media.VideoFrames(path, prefetch=0, max_height=32))
    assert [f.time for f in small] == [f.time for f in full]
    assert {f.image.shape for f in small} == {(32, 32, 3)}
    # what is scaled down is the same picture: the mean colour of each frame is kept
    np.testing.assert_allclose([f.image.mean() for f in small], [f.image.mean() for f in full], atol=2.0)


def test_max_height_keeps_the_aspect_ratio_and_never_scales_up(vfr_clip):
    frames = media.VideoFrames(vfr_clip[0], max_height=360)
    assert frames.output_size(1280, 720) == (640, 360)
    assert frames.output_size(540, 720) == (270, 360)
    assert frames.output_size(640, 360) == (640, 360)
    assert frames.output_size(320, 240) == (320, 240)
    assert media.VideoFrames(vfr_clip[0]).output_size(1280, 720) == (1280, 720)
    assert {f.image.shape for f in frames} == {(64, 64, 3)}  # 64 px tall: left as it is


@pytest.mark.parametrize("bad", [0, 1, -5, 2.5, "360"])
def test_max_height_must_be_a_height(vfr_clip, bad):
    from alloava_analysis.errors import ParameterError

    with pytest.raises(ParameterError, match="max_height"):
        media.VideoFrames(vfr_clip[0], max_height=bad)
