"""Media decoding with PyAV: stream checks, audio at fixed rates, video frames with container times.

Times are seconds on the media clock: a stream timestamp ``pts * time_base``
minus the container's start time when that is positive (MPEG-TS and similar
start at arbitrary clocks; MP4 and WebM start at 0). Audio is placed on the same
clock: sample ``i`` of a decoded track is at ``i / samplerate`` seconds, padded
with silence when the audio stream starts late, so words recognised in it line
up with the video frames.
"""
from __future__ import annotations

import logging
import queue
import threading
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..checks import check_int, check_option
from ..errors import ExtractionError, MissingModalityError, ParameterError

log = logging.getLogger(__name__)

#: Allo-AVA's audio: 48 kHz, source channels kept.
ALLO_AVA_AUDIO = (48_000, None)
#: What Whisper-family ASR expects: 16 kHz mono.
ASR_AUDIO = (16_000, 1)


def _av():
    try:
        import av
    except ImportError:  # pragma: no cover - av comes with faster-whisper
        raise ImportError("media decoding needs PyAV: pip install 'alloava_analysis[extract]'") from None
    return av


@dataclass(frozen=True)
class MediaInfo:
    """What a container holds (from its header, nothing decoded).

    Attributes
    ----------
    origin
        Seconds subtracted from stream timestamps to put them on the media clock.
    fps
        Average video frame rate from the header (NaN when unknown); frame times
        always come from timestamps, never from this.
    n_frames
        Frame count from the header, 0 when the container does not say.
    rotation
        Display rotation in degrees stored with the video (frames are not rotated).
    """

    path: Path
    format: str
    duration: float
    origin: float
    has_video: bool
    has_audio: bool
    width: int = 0
    height: int = 0
    fps: float = float("nan")
    n_frames: int = 0
    video_codec: str | None = None
    audio_codec: str | None = None
    samplerate: int = 0
    channels: int = 0
    rotation: float = 0.0

    def require(self, modality: str) -> None:
        """Raise :class:`ExtractionError` with a clear reason if ``modality`` has no stream.

        Parameters
        ----------
        modality
            ``"video"`` or ``"audio"``.
        """
        check_option("modality", modality, ("video", "audio"))
        if modality == "video" and not self.has_video:
            what = f"only an audio stream ({self.audio_codec})" if self.has_audio else "no streams"
            raise ExtractionError(f"{self.path}: expected a video stream, got {what}; an audio-only download "
                                  f"(such as yt-dlp's .f251.webm) has no frames to track")
        if modality == "audio" and not self.has_audio:
            what = f"only a video stream ({self.video_codec})" if self.has_video else "no streams"
            raise ExtractionError(f"{self.path}: expected an audio stream, got {what}; there is no speech "
                                  f"to transcribe")


def _open(path: Path):
    av = _av()
    if not path.is_file():
        raise MissingModalityError(f"{path}: expected a media file, got no such file")
    try:
        return av.open(str(path))
    except av.FFmpegError as err:
        raise ExtractionError(f"{path}: expected a media container that FFmpeg can read, got "
                              f"{type(err).__name__}: {err.strerror or err}") from None


def probe_media(path: str | Path) -> MediaInfo:
    """Read the container header of ``path``.

    Parameters
    ----------
    path
        Any file FFmpeg reads.

    Returns
    -------
    MediaInfo
        Its streams, duration, frame size and rate, and the clock origin.

    Raises
    ------
    MissingModalityError
        The file does not exist.
    ExtractionError
        The file is not a container FFmpeg can open (corrupt or not media).
    """
    path = Path(path)
    with _open(path) as container:
        start = container.start_time
        origin = max(0.0, start / 1e6) if start is not None else 0.0
        duration = container.duration / 1e6 if container.duration is not None else float("nan")
        kwargs: dict = {}
        if container.streams.video:
            vs = container.streams.video[0]
            rate = vs.average_rate or vs.guessed_rate
            kwargs.update(width=int(vs.codec_context.width or 0), height=int(vs.codec_context.height or 0),
                          fps=float(rate) if rate else float("nan"), n_frames=int(vs.frames or 0),
                          video_codec=vs.codec_context.name)
            if not np.isfinite(duration) and vs.duration is not None:
                duration = float(vs.duration * vs.time_base)
        if container.streams.audio:
            aus = container.streams.audio[0]
            kwargs.update(audio_codec=aus.codec_context.name, samplerate=int(aus.codec_context.sample_rate or 0),
                          channels=int(aus.codec_context.channels or 0))
            if not np.isfinite(duration) and aus.duration is not None:
                duration = float(aus.duration * aus.time_base)
        info = MediaInfo(path, container.format.name, duration, origin, bool(container.streams.video),
                         bool(container.streams.audio), **kwargs)
    if info.has_video:
        rotation = _peek_rotation(path)
        if rotation:
            warnings.warn(f"{path}: the video carries a display rotation of {rotation:g} degrees; frames are "
                          f"tracked unrotated, so keypoint x/y are in the stored (not displayed) orientation",
                          stacklevel=2)
            info = MediaInfo(**{**info.__dict__, "rotation": rotation})
    return info


def _peek_rotation(path: Path) -> float:
    av = _av()
    try:
        with av.open(str(path)) as container:
            for frame in container.decode(video=0):
                return float(getattr(frame, "rotation", 0) or 0)
    except av.FFmpegError:
        return 0.0
    return 0.0


# --------------------------------------------------------------------------- audio

def _layout_for(channels: int | None, source_channels: int) -> str:
    n = channels or source_channels or 1
    return {1: "mono", 2: "stereo"}.get(n, f"{n}c")


def decode_audio_tracks(path: str | Path, specs: Mapping[str, tuple[int, int | None]], *,
                        info: MediaInfo | None = None) -> dict[str, np.ndarray]:
    """Decode the first audio stream once and resample it to several ``(rate, channels)`` targets.

    Parameters
    ----------
    path
        Any container FFmpeg reads (MP4, WebM, MKV, WAV, ...).
    specs
        Name -> ``(samplerate, channels)``; ``channels=None`` keeps the source's.
    info
        The result of :func:`probe_media`, if already known.

    Returns
    -------
    dict
        Name -> float32 array of shape (samples, channels) on the media clock
        (sample 0 at time 0; leading silence added where the stream starts late).
    """
    for name, spec in specs.items():
        if not (isinstance(spec, (tuple, list)) and len(spec) == 2):
            raise ParameterError(f"invalid value for specs: expected (samplerate, channels) for {name!r}, got "
                                 f"{spec!r}", name="specs")
        check_int("specs", spec[0], minimum=1)
        check_int("specs", spec[1], minimum=1, allow_none=True)
    av = _av()
    path = Path(path)
    info = info or probe_media(path)
    info.require("audio")
    chunks: dict[str, list[np.ndarray]] = {name: [] for name in specs}
    first_time: float | None = None
    decode_errors = 0
    with _open(path) as container:
        stream = container.streams.audio[0]
        resamplers = {name: av.AudioResampler(format="fltp", layout=_layout_for(ch, info.channels), rate=rate)
                      for name, (rate, ch) in specs.items()}

        def push(frame):
            for name, resampler in resamplers.items():
                for out in resampler.resample(frame):
                    chunks[name].append(out.to_ndarray())

        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except av.FFmpegError as err:
                decode_errors += 1
                log.debug("%s: audio packet at %s failed to decode: %s", path, packet.pts, err)
                continue
            for frame in frames:
                if first_time is None and frame.time is not None:
                    first_time = float(frame.time) - info.origin
                push(frame)
        for name, resampler in resamplers.items():
            for out in resampler.resample(None):
                chunks[name].append(out.to_ndarray())
    if decode_errors:
        warnings.warn(f"{path}: {decode_errors} audio packets could not be decoded and were skipped "
                      f"(damaged stream); timing after them may drift", stacklevel=2)
    if not any(chunks.values()):
        raise ExtractionError(f"{path}: expected decodable audio in stream #{stream.index} "
                              f"({info.audio_codec}), got no samples")
    out: dict[str, np.ndarray] = {}
    for name, (rate, _) in specs.items():
        samples = np.concatenate(chunks[name], axis=1).T.astype(np.float32, copy=False)
        shift = int(round((first_time or 0.0) * rate))
        if shift > 0:
            samples = np.concatenate([np.zeros((shift, samples.shape[1]), np.float32), samples])
        elif shift < 0:
            samples = samples[-shift:]
        out[name] = np.ascontiguousarray(samples)
    return out


def decode_audio(path: str | Path, *, samplerate: int = 48_000, channels: int | None = None,
                 info: MediaInfo | None = None) -> np.ndarray:
    """Decode the first audio stream to float32 (samples, channels) at ``samplerate`` on the media clock.

    Parameters
    ----------
    path
        Any container FFmpeg reads.
    samplerate
        Target rate in Hz (Allo-AVA's 48 kHz by default).
    channels
        Target channel count; None keeps the source's.
    info
        The result of :func:`probe_media`, if already known.

    Returns
    -------
    numpy.ndarray
        float32 (samples, channels), sample 0 at time 0 of the media clock.
    """
    check_int("samplerate", samplerate, minimum=1)
    check_int("channels", channels, minimum=1, allow_none=True)
    return decode_audio_tracks(path, {"audio": (samplerate, channels)}, info=info)["audio"]


# --------------------------------------------------------------------------- video

@dataclass
class VideoFrame:
    """One decoded frame: its position in decode order, its time (s) and RGB pixels (h, w, 3) uint8."""

    index: int
    time: float
    image: np.ndarray


@dataclass
class VideoFrames:
    """Iterate the decoded frames of the first video stream, with times from presentation timestamps.

    Frames whose timestamp is missing or not after the previous frame's are
    skipped and listed in :attr:`skipped` (``{index, time, reason}``), so the
    frame times that come out are strictly increasing. With ``prefetch`` > 0 a
    background thread decodes ahead of the consumer. With ``max_height`` taller
    frames are scaled down by FFmpeg while they are converted to RGB (aspect
    ratio kept, never scaled up), so a landmarker gets the size it works at
    without the cost of full-size RGB; normalised coordinates found in them are
    the same fractions of the original frame.
    """

    path: Path
    info: MediaInfo | None = None
    prefetch: int = 8
    threads: bool = True
    max_height: int | None = None
    skipped: list[dict] = field(default_factory=list)
    decode_errors: int = 0
    decoded: int = 0

    def __post_init__(self):
        self.path = Path(self.path)
        check_int("max_height", self.max_height, minimum=2, allow_none=True)
        self.info = self.info or probe_media(self.path)
        self.info.require("video")

    def output_size(self, width: int, height: int) -> tuple[int, int]:
        """The (width, height) a decoded ``width`` x ``height`` frame is handed out at.

        Parameters
        ----------
        width, height
            The decoded frame's size in pixels.

        Returns
        -------
        tuple of int
            Unchanged when ``max_height`` is None or not below ``height``;
            else ``max_height`` and the width that keeps the aspect ratio.
        """
        if self.max_height is None or height <= self.max_height:
            return width, height
        return max(1, round(width * self.max_height / height)), self.max_height

    def _decode(self) -> Iterator[VideoFrame]:
        av = _av()
        origin = self.info.origin
        last = -np.inf
        with _open(self.path) as container:
            stream = container.streams.video[0]
            if self.threads:
                stream.thread_type = "AUTO"
            index = -1
            packets = container.demux(stream)
            while True:
                try:
                    packet = next(packets)
                except StopIteration:
                    break
                except av.FFmpegError as err:
                    self.decode_errors += 1
                    log.debug("%s: demuxing stopped: %s", self.path, err)
                    break
                try:
                    frames = packet.decode()
                except av.FFmpegError as err:
                    self.decode_errors += 1
                    log.debug("%s: video packet at %s failed to decode: %s", self.path, packet.pts, err)
                    continue
                for frame in frames:
                    index += 1
                    self.decoded += 1
                    if frame.pts is None:
                        self.skipped.append({"index": index, "time": None,
                                             "reason": "frame has no presentation timestamp"})
                        continue
                    t = float(frame.pts * frame.time_base) - origin
                    if t <= last:
                        self.skipped.append({"index": index, "time": t, "reason":
                                             f"timestamp {t:.6f} s is not after the previous frame's "
                                             f"{last:.6f} s (duplicate or out-of-order frame)"})
                        continue
                    last = t
                    width, height = self.output_size(frame.width, frame.height)
                    yield VideoFrame(index, t, frame.to_ndarray(format="rgb24", width=width, height=height))

    def __iter__(self) -> Iterator[VideoFrame]:
        if self.prefetch <= 0:
            yield from self._decode()
        else:
            yield from _prefetched(self._decode(), self.prefetch)
        if self.decode_errors:
            warnings.warn(f"{self.path}: {self.decode_errors} video packets could not be decoded "
                          f"(damaged stream); their frames are missing", stacklevel=2)


_DONE = object()


def _prefetched(iterator: Iterator, size: int) -> Iterator:
    """Run ``iterator`` in a daemon thread, ``size`` items ahead; re-raise its errors here."""
    buffer: queue.Queue = queue.Queue(maxsize=size)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                buffer.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work():
        try:
            for item in iterator:
                if not put(item):
                    return
            put(_DONE)
        except BaseException as err:  # handed to the consumer
            put(err)
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=work, name="alloava-decode", daemon=True)
    thread.start()
    try:
        while True:
            item = buffer.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)


def container_frame_times(path: str | Path, *, info: MediaInfo | None = None) -> np.ndarray:
    """Presentation times (s, media clock) of every video packet, sorted, without decoding.

    An independent reading of the container's frame times, to check decoded
    frame times against.

    Parameters
    ----------
    path
        A file with a video stream.
    info
        The result of :func:`probe_media`, if already known.

    Returns
    -------
    numpy.ndarray
        Packet times in seconds, sorted.
    """
    path = Path(path)
    info = info or probe_media(path)
    info.require("video")
    with _open(path) as container:
        stream = container.streams.video[0]
        pts = [packet.pts for packet in container.demux(stream) if packet.pts is not None and packet.size]
        tb = float(stream.time_base)
    return np.sort(np.asarray(pts, dtype=np.float64) * tb - info.origin)
