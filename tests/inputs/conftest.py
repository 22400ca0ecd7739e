"""Real Whisper models and real speech, made once per test session (they cost seconds)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.inputs.speech_local import LocalTranscriber
from tests.servers.speech import FakeSpeech
from tests.support.sounds import base_model, speak, tiny_en_model

SENTENCE = "How many planets are in the solar system?"
KEY_WORDS = ("planets", "solar", "system")
RUSSIAN = "Сегодня хорошая погода в Москве."
RUSSIAN_KEY_WORDS = ("сегодня", "погода", "москв")


@pytest.fixture(scope="session")
def tiny_stt() -> LocalTranscriber:
    """Whisper tiny.en on the CPU, loaded on first use and shared by the session's tests."""
    return LocalTranscriber(tiny_en_model(), max_seconds=600)


@pytest.fixture(scope="session")
def base_stt(tmp_path_factory: pytest.TempPathFactory) -> LocalTranscriber:
    """Multilingual Whisper base, joined from its two packages into a session directory."""
    return LocalTranscriber(base_model(tmp_path_factory.mktemp("whisper-base")), max_seconds=600)


@pytest.fixture(scope="session")
def spoken() -> bytes:
    """SENTENCE spoken by espeak-ng, as WAV."""
    return speak(SENTENCE)


@pytest.fixture
async def speech_server(tiny_stt: LocalTranscriber) -> AsyncIterator[FakeSpeech]:
    """The OpenAI-compatible stand-in, hearing with the real tiny.en model."""

    async def hear(audio: bytes, filename: str, language: str | None) -> str:
        return await tiny_stt.transcribe(audio, filename=filename, language=language)

    async with FakeSpeech(hear) as server:
        yield server
