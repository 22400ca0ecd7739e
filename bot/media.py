"""Voice notes, audio, videos and documents made into the words of a question.

The handlers (handlers/media.py) only read the message and hand it here: what file it carries
(`spoken_file`, `document_file`), the words it says (`hear`: duration checked before any
download, then download and transcription) or the text it holds (`read`: download and
extraction), and the turn the model reads (`voice_turn`, `document_turn`). Every failure is an
InputError whose `note` is the one short sentence the user gets; nothing then goes to the
model.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiogram import Bot
from aiogram.types import Message

from bot import texts
from bot.config import Settings
from bot.inputs.documents import SUPPORTED, Extracted, document_block, extract_async
from bot.inputs.downloads import MAX_DOWNLOAD, download
from bot.inputs.errors import DownloadError, InputError, SpeechError
from bot.inputs.speech import Transcriber, audio_filename, check_duration

log = logging.getLogger(__name__)

SUMMARY_REQUEST = "Please give a short summary of this file."
"""The question a document without a caption asks (the model answers in the chat's language
as usual; this line reaches the model only)."""
SUMMARY_REQUEST_MANY = "Please give a short summary of these files."
TELEGRAM_API_HOST = "api.telegram.org"


@dataclass(frozen=True, slots=True)
class SpokenFile:
    """Speech a message carries: a voice note, an audio file, a round video or a video.

    `seconds` is Telegram's `duration` (checked before downloading), `size` its `file_size`
    in bytes (often absent), `filename` a name whose extension tells the format."""

    file_id: str
    seconds: float | None
    size: int | None
    filename: str


@dataclass(frozen=True, slots=True)
class DocumentFile:
    """A document a message carries (not a picture: those are bot/pictures.py's)."""

    file_id: str
    size: int | None
    filename: str
    mime: str | None


def spoken_file(message: Message) -> SpokenFile | None:
    """The speech to transcribe in `message`, or None."""
    if message.voice is not None:
        voice = message.voice
        name = audio_filename(None, voice.mime_type, "voice.ogg")
        return SpokenFile(voice.file_id, voice.duration, voice.file_size, name)
    if message.audio is not None:
        audio = message.audio
        name = audio_filename(audio.file_name, audio.mime_type, "audio.mp3")
        return SpokenFile(audio.file_id, audio.duration, audio.file_size, name)
    if message.video_note is not None:
        note = message.video_note
        return SpokenFile(note.file_id, note.duration, note.file_size, "video_note.mp4")
    if message.video is not None:
        video = message.video
        name = audio_filename(video.file_name, video.mime_type, "video.mp4")
        return SpokenFile(video.file_id, video.duration, video.file_size, name)
    return None


def document_file(message: Message) -> DocumentFile | None:
    """The document to read in `message`, or None (pictures sent as files are not ours)."""
    document = message.document
    if document is None or (document.mime_type or "").startswith("image/"):
        return None
    name = document.file_name or "file"
    return DocumentFile(document.file_id, document.file_size, name, document.mime_type)


def download_limit(settings: Settings) -> int | None:
    """Bytes a download may have: Telegram's 20 MB on its own server; a self-hosted Bot API
    server allows more and says so when it refuses (the refusal is read, not assumed)."""
    host = urlsplit(settings.api_base).hostname or ""
    return MAX_DOWNLOAD if host == TELEGRAM_API_HOST else None


async def hear(
    bot: Bot,
    transcriber: Transcriber,
    spoken: SpokenFile,
    settings: Settings,
    language: str | None,
) -> str:
    """The words spoken; `language` is the user's Telegram language_code (a hint only).

    Raises SpeechError (off, not configured, too long: all before any download; then
    undecodable, silence, server faults) or DownloadError."""
    if not transcriber.available:  # STT=off or nothing configured: say which, fetch nothing
        await transcriber.transcribe(b"", filename=spoken.filename)
        raise SpeechError("not_configured", transcriber.describe())
    check_duration(spoken.seconds, settings.max_voice_seconds)
    audio = await download(bot, spoken.file_id, size=spoken.size, limit=download_limit(settings))
    words = await transcriber.transcribe(audio, filename=spoken.filename, language=language)
    words = words.strip()
    if not words:
        raise SpeechError("silence", "an empty transcript")
    return words


async def read(
    bot: Bot, document: DocumentFile, settings: Settings, language: str | None
) -> Extracted:
    """The document's text, cut to MAX_DOCUMENT_CHARS. Raises DownloadError, DocumentError."""
    data = await download(
        bot, document.file_id, size=document.size, limit=download_limit(settings)
    )
    return await extract_async(
        data, document.filename, document.mime, settings.max_document_chars, language=language
    )


def voice_turn(words: str, caption: str) -> str:
    """The user's turn for a voice note: the words spoken, then the caption if any."""
    return f"{words}\n\n{caption}" if caption else words


def document_turn(extracted: Extracted, caption: str) -> str:
    """The user's turn for a document: the file as a delimited block (name, kind, size, what
    was cut), then the question (the caption, or a request for a short summary)."""
    return documents_turn([extracted], caption)


def documents_turn(files: Sequence[Extracted], caption: str) -> str:
    """The user's turn for files sent together: a block per file, then the one question."""
    blocks = "\n\n".join(document_block(extracted) for extracted in files)
    ask = caption or (SUMMARY_REQUEST if len(files) == 1 else SUMMARY_REQUEST_MANY)
    return f"{blocks}\n\n{ask}"


def cut_note(extracted: Extracted, lang: str) -> str | None:
    """The one line that tells the user the document was cut (None when whole)."""
    if not extracted.truncated:
        return None
    kept, total = f"{extracted.kept_chars:,}", f"{extracted.total_chars:,}"
    return texts.t(lang, "document_cut", kept=kept, total=total)


def note(error: InputError, lang: str) -> str:
    """The short, true sentence the user gets for `error`, naming a limit it hit."""
    log.info("input refused: %s %s (%s)", error.kind, error.reason, error.detail)
    if isinstance(error, DownloadError) and error.reason == "too_big":
        if error.limit is None:
            return texts.t(lang, "download_too_big_unknown")
        return texts.t(lang, "download_too_big", limit=_megabytes(error.limit))
    if isinstance(error, SpeechError) and error.reason == "too_long":
        seconds, limit = f"{error.seconds or 0:g}", f"{error.limit or 0:g}"
        return texts.t(lang, "speech_too_long", seconds=seconds, limit=limit)
    key = f"{error.kind}_{error.reason}"
    if key not in texts.LANGUAGES[texts.DEFAULT_LANGUAGE]:
        key = _FALLBACK.get(error.kind, "document_broken")
    return texts.t(lang, key, supported=SUPPORTED)


_FALLBACK = {
    "speech": "speech_rejected",
    "download": "download_unreadable",
    "document": "document_broken",
}
"""A reason without a sentence of its own (a newer one) still gets a true, general note."""


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:g} MB"
