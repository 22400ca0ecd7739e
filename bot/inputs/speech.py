"""Voice notes, audio files and the sound of videos, made into the words of a question.

One `Transcriber` is chosen at start from the settings (`build_transcriber`): an
OpenAI-compatible server (`RemoteTranscriber`), a model on this machine (`LocalTranscriber`,
STT=local), or `Unavailable`, which answers every voice note with SpeechError("off" or
"not_configured") so the handler has one path. Every failure is a SpeechError with a reason.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path, PurePath
from typing import Protocol

import aiohttp

from bot.config import Settings
from bot.inputs.errors import SpeechError
from bot.inputs.speech_local import LocalTranscriber
from bot.inputs.speech_remote import RemoteTranscriber

__all__ = [
    "LocalTranscriber",
    "RemoteTranscriber",
    "SpeechError",
    "Transcriber",
    "Unavailable",
    "audio_filename",
    "build_transcriber",
    "check_duration",
]

NOT_CONFIGURED = (
    "no speech-to-text server: set STT_BASE_URL (an OpenAI-compatible /v1), use BACKEND=openai "
    "(its server transcribes too), or STT=local with STT_MODEL=<a Whisper model folder>"
)
_EXTENSIONS = {  # what servers and PyAV recognise a format by, when a file has no name
    "audio/ogg": ".ogg",
    "audio/opus": ".ogg",
    "audio/mpeg": ".mp3",
    "audio/mp3": ".mp3",
    "audio/mp4": ".m4a",
    "audio/x-m4a": ".m4a",
    "audio/m4a": ".m4a",
    "audio/aac": ".m4a",
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/wave": ".wav",
    "audio/flac": ".flac",
    "audio/x-flac": ".flac",
    "audio/webm": ".webm",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/webm": ".webm",
}


class Transcriber(Protocol):
    """Speech in, words out; raises SpeechError with a reason."""

    @property
    def available(self) -> bool:
        """False when every call would fail with "off" or "not_configured" (skip the
        download then)."""
        ...

    async def transcribe(
        self, audio: bytes, *, filename: str, language: str | None = None
    ) -> str: ...

    def describe(self) -> str:
        """One line for logs and `python -m bot check`: where speech goes, never the key."""
        ...

    async def check(self) -> tuple[bool, str]:
        """Whether it works, and the line `python -m bot check` prints after
        "speech-to-text: "."""
        ...


class Unavailable:
    """No speech-to-text: STT=off, or nothing configured. Each voice note gets the note."""

    def __init__(self, reason: str, detail: str) -> None:
        self.reason = reason
        self.detail = detail

    @property
    def available(self) -> bool:
        return False

    async def transcribe(self, audio: bytes, *, filename: str, language: str | None = None) -> str:
        raise SpeechError(self.reason, self.detail)

    def describe(self) -> str:
        return "off (STT=off)" if self.reason == "off" else f"not configured: {self.detail}"

    async def check(self) -> tuple[bool, str]:
        return True, self.describe()  # a valid choice: voice notes get a note, not a crash


def build_transcriber(settings: Settings, session: aiohttp.ClientSession) -> Transcriber:
    """The transcriber STT chooses; `session` is the process's backend session (reused, not
    owned: the caller closes it)."""
    if settings.stt == "off":
        return Unavailable("off", "STT=off")
    if settings.stt == "local":
        folder = Path(settings.stt_model).expanduser()
        return LocalTranscriber(folder, max_seconds=settings.max_voice_seconds)
    stt_key = settings.stt_api_key.get_secret_value() if settings.stt_api_key else None
    if settings.stt_base_url is not None:
        base, key, key_name = str(settings.stt_base_url), stt_key, "STT_API_KEY"
    elif "openai" in settings.backend:
        openai_key = (
            settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        )
        base = str(settings.openai_base_url)
        key, key_name = (stt_key, "STT_API_KEY") if stt_key else (openai_key, "OPENAI_API_KEY")
    else:
        return Unavailable("not_configured", NOT_CONFIGURED)
    return RemoteTranscriber(
        session,
        base,
        model=settings.stt_model,
        api_key=key,
        key_name=key_name,
        timeout=settings.backend_timeout,
        connect_timeout=settings.backend_connect_timeout,
        proxy=str(settings.proxy) if settings.proxy else None,
    )


def check_duration(seconds: float | None, limit: float) -> None:
    """Refuse a voice note longer than `limit` seconds before downloading it (Telegram gives
    `duration` with every voice, audio, video and video note; None when unknown)."""
    if seconds is not None and seconds > limit:
        raise SpeechError("too_long", f"{seconds:g} s", seconds=seconds, limit=limit)


def audio_filename(file_name: str | None, mime: str | None, default: str) -> str:
    """A name whose extension tells the server the format: the user's file name when it has a
    known extension, else `default`'s stem with the extension of `mime`, else `default`
    (`voice.ogg` for voice notes, `video_note.mp4` for round videos)."""
    if file_name and (mimetypes.guess_type(file_name)[0] or "").startswith(("audio/", "video/")):
        return file_name
    extension = _EXTENSIONS.get((mime or "").lower().partition(";")[0].strip())
    if extension:
        return PurePath(default).stem + extension
    return default
