"""The remote transcriber against a local OpenAI-compatible speech server (real HTTP on
127.0.0.1), which hears with the real tiny.en model or answers for known bytes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.inputs.errors import SpeechError
from bot.inputs.speech_remote import RemoteTranscriber
from tests.inputs.conftest import KEY_WORDS
from tests.servers.speech import FakeSpeech
from tests.support.sounds import encode, silence

KEY = "sk-test-0123456789abcdef"


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


def remote(
    session: aiohttp.ClientSession, server: FakeSpeech, **options: object
) -> RemoteTranscriber:
    return RemoteTranscriber(session, server.url, model="whisper-1", **options)  # type: ignore[arg-type]


async def failure(transcriber: RemoteTranscriber, audio: bytes = b"x", **kw: str) -> SpeechError:
    with pytest.raises(SpeechError) as caught:
        await transcriber.transcribe(audio, filename=kw.get("filename", "voice.ogg"))
    return caught.value


async def test_a_voice_note_is_transcribed_by_the_server(
    session: aiohttp.ClientSession, speech_server: FakeSpeech, spoken: bytes
) -> None:
    voice = encode(spoken, "ogg")
    text = await remote(session, speech_server).transcribe(
        voice, filename="voice.ogg", language="en-US"
    )
    assert all(word in text.lower() for word in KEY_WORDS), text
    (request,) = speech_server.requests
    assert request.model == "whisper-1" and request.filename == "voice.ogg"
    assert request.content_type == "audio/ogg" and request.size == len(voice)
    assert request.language == "en" and request.response_format == "json"
    assert request.authorization is None  # no key configured, none sent


@pytest.mark.parametrize("answer_format", ["text", "verbose_json"])
async def test_a_server_that_answers_in_another_format_is_understood(
    session: aiohttp.ClientSession, answer_format: str
) -> None:
    async with FakeSpeech() as server:
        server.knows(b"audio", "Hello there.")
        server.answer_format = answer_format
        assert await remote(session, server).transcribe(b"audio", filename="a.mp3") == (
            "Hello there."
        )


async def test_a_refused_language_hint_is_dropped_and_the_request_sent_once_more(
    session: aiohttp.ClientSession,
) -> None:
    async with FakeSpeech() as server:
        server.knows(b"audio", "Привет.")
        server.refuse_language = True
        text = await remote(session, server).transcribe(b"audio", filename="v.ogg", language="ru")
        assert text == "Привет." and server.languages == ["ru", None]
        # Without a hint there is nothing to drop: a refusal is final.
        server.fail_next(400, "Something else is wrong")
        error = await failure(remote(session, server), b"audio")
        assert error.reason == "rejected" and "Something else is wrong" in error.detail
        assert server.languages == ["ru", None, None]


async def test_a_language_telegram_cannot_express_in_iso_639_is_not_sent(
    session: aiohttp.ClientSession,
) -> None:
    async with FakeSpeech() as server:
        server.knows(b"audio", "Words.")
        await remote(session, server).transcribe(b"audio", filename="v.ogg", language="x")
        await remote(session, server).transcribe(b"audio", filename="v.ogg", language=None)
        assert server.languages == [None, None]


async def test_a_wrong_key_is_unauthorized_and_the_key_never_appears(
    session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with FakeSpeech(api_key=KEY) as server:
        server.knows(b"audio", "Secret words.")
        wrong = "sk-wrong-key-9876543210"
        server.echo_key = True  # the worst case: the server quotes the key whole
        error = await failure(remote(session, server, api_key=wrong, key_name="OPENAI_API_KEY"))
        assert error.reason == "unauthorized"
        assert "Incorrect API key provided" in error.detail and "OPENAI_API_KEY" in error.detail
        assert wrong not in error.detail and wrong not in str(error)
        missing = await failure(remote(session, server))
        assert missing.reason == "unauthorized" and "didn't provide an API key" in missing.detail
        right = remote(session, server, api_key=KEY)
        assert await right.transcribe(b"audio", filename="v.ogg") == "Secret words."
        assert server.requests[-1].authorization == f"Bearer {KEY}"
        assert KEY not in right.describe()
    assert KEY not in caplog.text and wrong not in caplog.text


@pytest.mark.parametrize(
    ("status", "reason"),
    [(413, "too_big"), (429, "busy"), (500, "server_error"), (503, "server_error")],
)
async def test_server_refusals_keep_their_kind_and_the_servers_words(
    session: aiohttp.ClientSession, status: int, reason: str
) -> None:
    async with FakeSpeech() as server:
        server.fail_next(status, f"words of the server for {status}")
        error = await failure(remote(session, server))
        assert error.reason == reason
        assert f"{status} from {server.url}/audio/transcriptions" in error.detail
        assert f"words of the server for {status}" in error.detail


async def test_an_upload_past_the_servers_size_limit_is_too_big(
    session: aiohttp.ClientSession,
) -> None:
    async with FakeSpeech(max_bytes=10_000) as server:
        error = await failure(remote(session, server), bytes(50_000))
        assert error.reason == "too_big" and "Maximum content size limit" in error.detail


async def test_audio_the_server_cannot_decode_is_undecodable(
    session: aiohttp.ClientSession, speech_server: FakeSpeech
) -> None:
    error = await failure(remote(session, speech_server), b"\x00not audio at all" * 100)
    assert error.reason == "undecodable" and "corrupted or unsupported" in error.detail
    named = await failure(remote(session, speech_server), b"audio", filename="voice.xyz")
    assert named.reason == "undecodable" and "Invalid file format" in named.detail


async def test_silence_comes_back_as_no_words(
    session: aiohttp.ClientSession, speech_server: FakeSpeech
) -> None:
    error = await failure(remote(session, speech_server), encode(silence(3), "ogg"))
    assert error.reason == "silence"


async def test_an_unknown_model_is_rejected_in_the_servers_words(
    session: aiohttp.ClientSession,
) -> None:
    async with FakeSpeech(models=("whisper-large-v3",)) as server:
        error = await failure(remote(session, server))
        assert error.reason == "rejected" and "does not exist" in error.detail


async def test_a_server_that_does_not_answer_in_time_is_a_timeout(
    session: aiohttp.ClientSession,
) -> None:
    async with FakeSpeech() as server:
        server.slow = True
        error = await failure(remote(session, server, timeout=0.5))
        assert error.reason == "timeout"


async def test_a_server_that_is_not_there_is_unreachable(session: aiohttp.ClientSession) -> None:
    async with FakeSpeech() as server:
        url = server.url
    gone = RemoteTranscriber(session, url, model="whisper-1", connect_timeout=2)
    error = await failure(gone)
    assert error.reason == "unreachable" and url in error.detail
    ok, line = await gone.check()
    assert not ok and "cannot connect" in line


async def test_check_says_whether_the_model_is_listed_and_the_key_taken(
    session: aiohttp.ClientSession,
) -> None:
    async with FakeSpeech(api_key=KEY, models=("whisper-1", "whisper-large-v3")) as server:
        assert await remote(session, server, api_key=KEY).check() == (
            True,
            f"remote at {server.url}, model whisper-1: model whisper-1 listed",
        )
        other = RemoteTranscriber(session, server.url, model="distil", api_key=KEY)
        ok, line = await other.check()
        assert ok and "distil is not listed (whisper-1, whisper-large-v3)" in line
        ok, line = await remote(session, server, api_key="sk-bad").check()
        assert not ok and "401, the server refuses STT_API_KEY" in line
        server.list_models = False
        ok, line = await remote(session, server, api_key=KEY).check()
        assert ok and "reachable (it lists no models)" in line
