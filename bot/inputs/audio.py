"""Any container's sound -> 16 kHz mono float32 samples, the input Whisper models take.

PyAV (FFmpeg's libraries, bundled in its wheels; installed with the `voice` extra, so this
module is imported only where speech is transcribed on this machine) reads
Telegram's OGG/Opus voice notes, MP3, M4A, WAV, FLAC and the sound track of MP4 videos. The
length is bounded while decoding, not after: a 20 MB Opus file at 6 kbit/s holds seven hours,
which would be 1.6 GB of samples.
"""

from __future__ import annotations

import io

import av
import numpy as np
import numpy.typing as npt

from bot.inputs.errors import SpeechError

SAMPLE_RATE = 16_000
"""Samples per second Whisper models take."""


def decode(data: bytes, *, max_seconds: float | None = None) -> npt.NDArray[np.float32]:
    """The sound of `data` as mono float32 samples at SAMPLE_RATE.

    Raises SpeechError("undecodable") when no sound can be read from the bytes, and
    SpeechError("too_long") as soon as the container says, or the decoded samples show, that
    it is longer than `max_seconds`. Damaged packets in between are skipped, as players do.
    """
    try:
        container = av.open(io.BytesIO(data), mode="r", metadata_errors="ignore")
    except (av.FFmpegError, ValueError, OSError) as exc:
        raise SpeechError("undecodable", f"not audio PyAV can read: {exc}") from exc
    with container:
        if not container.streams.audio:
            raise SpeechError("undecodable", "the file has no sound track")
        stream = container.streams.audio[0]
        declared = container.duration / av.time_base if container.duration else None
        if max_seconds is not None and declared is not None and declared > max_seconds:
            raise SpeechError(
                "too_long", f"{declared:.0f} s declared", seconds=declared, limit=max_seconds
            )
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        pieces: list[npt.NDArray[np.float32]] = []
        count = 0
        budget = None if max_seconds is None else int(max_seconds * SAMPLE_RATE)
        try:
            for packet in container.demux(stream):
                try:
                    frames = packet.decode()
                except av.InvalidDataError:
                    continue  # a damaged packet: skip it, as players do
                for frame in frames:
                    for piece in resampler.resample(frame):
                        samples = piece.to_ndarray().reshape(-1).astype(np.float32)
                        pieces.append(samples)
                        count += len(samples)
                if budget is not None and count > budget:
                    seconds = count / SAMPLE_RATE
                    raise SpeechError(
                        "too_long", f"over {seconds:.0f} s", seconds=seconds, limit=max_seconds
                    )
            for piece in resampler.resample(None):
                pieces.append(piece.to_ndarray().reshape(-1).astype(np.float32))
        except av.FFmpegError as exc:
            if not pieces:
                raise SpeechError("undecodable", f"no sound could be decoded: {exc}") from exc
    if not pieces:
        raise SpeechError("undecodable", "the sound track holds no samples")
    return np.concatenate(pieces)
