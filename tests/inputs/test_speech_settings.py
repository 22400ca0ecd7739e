"""The settings of voice and documents, and the transcriber they choose."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr

from bot.config import SettingsError, load_settings
from bot.inputs.errors import SpeechError
from bot.inputs.languages import language_hint
from bot.inputs.speech import (
    LocalTranscriber,
    RemoteTranscriber,
    Unavailable,
    audio_filename,
    build_transcriber,
    check_duration,
)
from tests.servers.speech import FakeSpeech
from tests.support.sounds import tiny_en_model


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


async def test_the_defaults(session: aiohttp.ClientSession) -> None:
    loaded = load_settings(_env_file=None, bot_token="1:a")
    assert loaded.stt == "auto" and loaded.stt_base_url is None and loaded.stt_api_key is None
    assert loaded.stt_model == "whisper-1"
    assert loaded.max_voice_seconds == 600 and loaded.max_document_chars == 20_000
    # BACKEND=cromicle has no speech endpoint: voice notes get a note, not an error at start.
    transcriber = build_transcriber(loaded, session)
    assert isinstance(transcriber, Unavailable) and not transcriber.available
    with pytest.raises(SpeechError) as caught:
        await transcriber.transcribe(b"", filename="voice.ogg")
    assert caught.value.reason == "not_configured" and "STT_BASE_URL" in caught.value.detail
    assert await transcriber.check() == (True, f"not configured: {caught.value.detail}")


async def test_off_is_off(session: aiohttp.ClientSession) -> None:
    transcriber = build_transcriber(
        load_settings(_env_file=None, bot_token="1:a", stt="off", backend="openai"), session
    )
    assert isinstance(transcriber, Unavailable)
    with pytest.raises(SpeechError) as caught:
        await transcriber.transcribe(b"", filename="voice.ogg")
    assert caught.value.reason == "off" and transcriber.describe() == "off (STT=off)"


async def test_auto_uses_the_openai_backends_server_and_key(
    session: aiohttp.ClientSession,
) -> None:
    async with FakeSpeech(api_key="sk-openai") as server:
        server.knows(b"audio", "Words.")
        loaded = load_settings(
            _env_file=None,
            bot_token="1:a",
            backend="cromicle,openai",
            openai_base_url=server.url,
            openai_api_key="sk-openai",
        )
        transcriber = build_transcriber(loaded, session)
        assert isinstance(transcriber, RemoteTranscriber) and transcriber.available
        assert transcriber.key_name == "OPENAI_API_KEY" and transcriber.model == "whisper-1"
        assert await transcriber.transcribe(b"audio", filename="voice.ogg") == "Words."
        assert server.requests[-1].authorization == "Bearer sk-openai"
        own = loaded.model_copy(update={"stt_api_key": SecretStr("sk-stt")})
        with_own_key = build_transcriber(own, session)
        assert isinstance(with_own_key, RemoteTranscriber)
        assert with_own_key.key_name == "STT_API_KEY"
        with pytest.raises(SpeechError) as caught:
            await with_own_key.transcribe(b"audio", filename="voice.ogg")
        assert caught.value.reason == "unauthorized" and "STT_API_KEY" in caught.value.detail
        assert server.authorizations[-1] == "Bearer sk-stt"


async def test_stt_base_url_wins_with_its_own_key_and_model(
    session: aiohttp.ClientSession,
) -> None:
    async with FakeSpeech(api_key="gsk-groq", models=("whisper-large-v3",)) as server:
        server.knows(b"audio", "Words.")
        loaded = load_settings(
            _env_file=None,
            bot_token="1:a",
            backend="openai",
            openai_api_key="sk-openai",
            stt_base_url=server.url + "/",
            stt_api_key="gsk-groq",
            stt_model="whisper-large-v3",
            backend_timeout=90,
        )
        transcriber = build_transcriber(loaded, session)
        assert isinstance(transcriber, RemoteTranscriber)
        assert transcriber.base_url == server.url and transcriber.timeout == 90
        assert await transcriber.transcribe(b"audio", filename="voice.ogg") == "Words."
        assert server.requests[-1].authorization == "Bearer gsk-groq"
        assert server.requests[-1].model == "whisper-large-v3"
        assert "gsk-groq" in loaded.secrets() and "gsk-groq" not in transcriber.describe()


def test_local_needs_a_model_folder(session: aiohttp.ClientSession, tmp_path: Path) -> None:
    loaded = load_settings(
        _env_file=None, bot_token="1:a", stt="local", stt_model=str(tiny_en_model())
    )
    transcriber = build_transcriber(loaded, session)
    assert isinstance(transcriber, LocalTranscriber)
    assert transcriber.model_path == tiny_en_model() and transcriber.max_seconds == 600
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, bot_token="1:a", stt="local", stt_model=str(tmp_path))
    message = str(caught.value)
    assert "STT_MODEL must be the folder of a CTranslate2 Whisper model" in message
    assert f"{tmp_path} has no model.bin" in message
    with pytest.raises(SettingsError) as default:
        load_settings(_env_file=None, bot_token="1:a", stt="local")
    assert "whisper-1 has no model.bin" in str(default.value)


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("STT", "remote", "must be auto, local or off"),
        ("STT_BASE_URL", "api.groq.com/openai/v1", "e.g. https://api.openai.com/v1"),
        ("MAX_VOICE_SECONDS", "0", "at least 1"),
        ("MAX_VOICE_SECONDS", "ten", "whole number"),
        ("MAX_DOCUMENT_CHARS", "50", "at least 100"),
    ],
)
def test_invalid_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, words: str
) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    assert f"{name} " in str(caught.value) and words in str(caught.value)


def test_a_voice_note_longer_than_the_limit_is_refused_before_downloading() -> None:
    check_duration(600, 600)
    check_duration(None, 600)  # unknown: the decoder counts instead
    with pytest.raises(SpeechError) as caught:
        check_duration(601, 600)
    assert caught.value.reason == "too_long"
    assert caught.value.seconds == 601 and caught.value.limit == 600


@pytest.mark.parametrize(
    ("file_name", "mime", "default", "expected"),
    [
        (None, "audio/ogg", "voice.ogg", "voice.ogg"),
        (None, None, "video_note.mp4", "video_note.mp4"),
        ("song.mp3", "audio/mpeg", "audio.ogg", "song.mp3"),
        ("Recording", "audio/x-m4a", "audio.ogg", "audio.m4a"),
        ("notes.txt", "audio/flac", "audio.ogg", "audio.flac"),
        ("clip.MOV", "video/quicktime", "video.mp4", "clip.MOV"),
        (None, "application/octet-stream", "audio.ogg", "audio.ogg"),
    ],
)
def test_the_file_name_sent_names_the_format(
    file_name: str | None, mime: str | None, default: str, expected: str
) -> None:
    assert audio_filename(file_name, mime, default) == expected


@pytest.mark.parametrize(
    ("code", "hint"),
    [("en", "en"), ("pt-br", "pt"), ("zh-hans", "zh"), ("RU", "ru"), ("", None), (None, None)],
)
def test_telegrams_language_tag_becomes_an_iso_639_hint(
    code: str | None, hint: str | None
) -> None:
    assert language_hint(code) == hint
