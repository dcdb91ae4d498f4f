"""WAV audio: lazy reading with soundfile and atomic 16-bit PCM writing."""
from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from ..checks import check_int, check_option
from ..errors import AudioFormatError
from .atomic import atomic_path

ALLO_AVA_RATE = 48_000
#: Sample encodings a WAV file can hold (``soundfile.available_subtypes("WAV")``).
WAV_SUBTYPES = tuple(sf.available_subtypes("WAV"))


@dataclass(frozen=True)
class Audio:
    """A lazily read audio file: header facts now, samples on demand."""

    path: Path
    samplerate: int
    channels: int
    frames: int
    subtype: str

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return self.frames / self.samplerate

    def read(self, start: float = 0.0, stop: float | None = None, *, mono: bool = True) -> np.ndarray:
        """Samples between ``start`` and ``stop`` seconds as float32 in [-1, 1].

        Parameters
        ----------
        start, stop
            Seconds from the start of the file; ``stop=None`` reads to the end.
            Both are clipped to the file.
        mono
            Average the channels.

        Returns
        -------
        numpy.ndarray
            Shape (samples,) when ``mono``, else (samples, channels).
        """
        first = max(0, int(round(start * self.samplerate)))
        last = self.frames if stop is None else min(self.frames, int(round(stop * self.samplerate)))
        try:
            data, _ = sf.read(self.path, start=first, stop=last, dtype="float32", always_2d=True)
        except (sf.LibsndfileError, RuntimeError) as err:
            raise AudioFormatError(f"expected readable audio samples: {err}", path=self.path,
                                   where=f"samples {first}..{last}") from None
        return data.mean(axis=1) if mono else data


def open_audio(path: str | Path, *, expected_rate: int | None = None) -> Audio:
    """Read the header of ``path``; raise :class:`AudioFormatError` if unreadable or at the wrong rate.

    Parameters
    ----------
    path
        An audio file soundfile reads (WAV in the Allo-AVA layout).
    expected_rate
        Sample rate in Hz the file must have (Allo-AVA audio is 48 kHz); None accepts any.

    Returns
    -------
    Audio
        Header facts (``samplerate``, ``channels``, ``frames``, ``subtype``); samples are read on demand.
    """
    check_int("expected_rate", expected_rate, minimum=1, allow_none=True)
    path = Path(path)
    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError) as err:
        raise AudioFormatError(f"expected a readable WAV file: {err}", path=path, where="header") from None
    if info.frames <= 0:
        raise AudioFormatError("expected at least one audio sample, got none", path=path, where="data chunk")
    if expected_rate is not None and info.samplerate != expected_rate:
        raise AudioFormatError(f"expected a sample rate of {expected_rate} Hz, got {info.samplerate} Hz "
                               f"(resample it, or pass the rate you expect)", path=path, where="header")
    return Audio(path, int(info.samplerate), int(info.channels), int(info.frames), str(info.subtype))


def write_wav(path: str | Path, samples: np.ndarray, samplerate: int = ALLO_AVA_RATE, *,
              subtype: str = "PCM_16") -> Path:
    """Write float samples in [-1, 1] (shape (n,) or (n, channels)) as a WAV file atomically.

    Parameters
    ----------
    path
        The WAV file to write.
    samples
        Float samples; values outside [-1, 1] are clipped. Empty is refused.
    samplerate
        Sample rate in Hz (an integer).
    subtype
        Sample encoding, one of :data:`WAV_SUBTYPES` (16-bit PCM by default).

    Returns
    -------
    Path
        ``path``.
    """
    check_int("samplerate", samplerate, minimum=1)
    check_option("subtype", subtype, WAV_SUBTYPES)
    samples = np.asarray(samples)
    if samples.size == 0:
        raise AudioFormatError("expected at least one audio sample to write, got none (refusing to write an empty "
                               "WAV file)", path=path)
    with atomic_path(path) as tmp:
        try:
            sf.write(str(tmp), np.clip(samples, -1.0, 1.0), samplerate, subtype=subtype, format="WAV")
        except (sf.LibsndfileError, RuntimeError) as err:
            raise _write_error(Path(path), tmp, samples, subtype, err) from None
    return Path(path)


def _write_error(path: Path, tmp: Path, samples: np.ndarray, subtype: str, err: Exception) -> OSError:
    """An :class:`OSError` for a failed WAV write (libsndfile says only "System error"; a full disk is ENOSPC)."""
    width = {"PCM_16": 2, "PCM_24": 3, "PCM_32": 4, "FLOAT": 4, "DOUBLE": 8}.get(subtype, 4)
    needed = 44 + samples.size * width
    try:
        stat = os.statvfs(tmp.parent)
        free = stat.f_bavail * stat.f_frsize + (tmp.stat().st_size if tmp.exists() else 0)
    except OSError:
        free = None
    if free is not None and free < needed:
        return OSError(errno.ENOSPC, f"No space left on device: writing {path} needs about {needed} bytes, "
                                     f"{free} are free")
    return OSError(errno.EIO, f"could not write WAV audio to {path}: {err}")


def wav_bytes(samples: np.ndarray, samplerate: int, *, subtype: str = "PCM_16") -> bytes:
    """Float samples in [-1, 1] encoded as a WAV file in memory (e.g. for an HTML ``<audio>`` data URI).

    Parameters
    ----------
    samples
        Float samples, shape (n,) or (n, channels); values outside [-1, 1] are clipped. Empty is refused.
    samplerate
        Sample rate in Hz (an integer).
    subtype
        Sample encoding, one of :data:`WAV_SUBTYPES`.

    Returns
    -------
    bytes
        The whole WAV file.
    """
    import io

    check_int("samplerate", samplerate, minimum=1)
    check_option("subtype", subtype, WAV_SUBTYPES)
    samples = np.asarray(samples)
    if samples.size == 0:
        raise AudioFormatError("expected at least one audio sample to encode, got none (an empty WAV file)")
    buffer = io.BytesIO()
    sf.write(buffer, np.clip(samples, -1.0, 1.0), int(samplerate), subtype=subtype, format="WAV")
    return buffer.getvalue()
