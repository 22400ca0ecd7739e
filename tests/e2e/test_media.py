"""Voice notes, audio, round videos and documents become questions, end to end: the real bot
against the local Bot API (getFile and file downloads), a local OpenAI-compatible backend and
a local speech server that hears with the real Whisper tiny.en model, speech by espeak-ng and
documents made by fpdf2, python-docx and pypdf."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot import texts
from bot.check import run_checks
from bot.history import ELISION
from bot.inputs.documents import SUPPORTED
from bot.inputs.speech_local import LocalTranscriber
from bot.media import SUMMARY_REQUEST
from tests.conftest import BotFactory, make_settings
from tests.servers.backends import FakeCromicle, FakeOpenAI, Script, echo_answer
from tests.servers.speech import FakeSpeech
from tests.servers.telegram import FakeTelegram
from tests.support.documents import docx_document, encrypted, pdf_of_images, pdf_with_text
from tests.support.sounds import encode, silence, speak, tiny_en_model

CHAT, GROUP = 1001, -100123
SENTENCE = "How many planets are in the solar system?"
KEY_WORDS = ("planets", "solar", "system")
ANSWER = "Eight planets."


@pytest.fixture(scope="module")
def tiny_stt() -> LocalTranscriber:
    """Whisper tiny.en on the CPU, loaded once for the module."""
    return LocalTranscriber(tiny_en_model(), max_seconds=600)


@pytest.fixture(scope="module")
def voice_note() -> bytes:
    """SENTENCE spoken by espeak-ng, encoded as Telegram sends voice notes (OGG/Opus)."""
    return encode(speak(SENTENCE), "ogg")


@pytest.fixture
async def speech(tiny_stt: LocalTranscriber) -> AsyncIterator[FakeSpeech]:
    async def hear(audio: bytes, filename: str, language: str | None) -> str:
        return await tiny_stt.transcribe(audio, filename=filename, language=language)

    async with FakeSpeech(hear) as server:
        yield server


def settings_for(openai: FakeOpenAI, speech: FakeSpeech | None, **extra: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"backend": "openai", "openai_base_url": openai.url, "model": "m"}
    if speech is not None:
        # The real model may take a while on a busy CI machine; the speech request waits as
        # long as a backend may be silent (BACKEND_TIMEOUT).
        values["stt_base_url"] = speech.url
        values["backend_timeout"] = 60.0
    return {**values, **extra}


def mention(text: str) -> list[dict[str, Any]]:
    start = text.encode("utf-16-le").find("@test_bot".encode("utf-16-le")) // 2
    return [{"type": "mention", "offset": start, "length": 9}]


def last_user(server: FakeOpenAI, index: int = -1) -> str:
    content = server.requests[index].json["messages"][-1]["content"]
    assert isinstance(content, str)
    return content


def typing_shown(telegram: FakeTelegram, chat: int) -> bool:
    calls = telegram.calls_for("sendChatAction", chat)
    return any(call.params.get("action") == "typing" for call in calls)


def quoted(entities: list[dict[str, Any]], text: str) -> list[str]:
    """The texts of `text` under a blockquote entity (offsets in UTF-16 units)."""
    units = text.encode("utf-16-le")
    return [
        units[e["offset"] * 2 : (e["offset"] + e["length"]) * 2].decode("utf-16-le")
        for e in entities
        if e["type"] in ("blockquote", "expandable_blockquote")
    ]


async def shows(telegram: FakeTelegram, chat: int, count: int, timeout: float = 10) -> None:
    await telegram.wait_for(lambda: len(telegram.visible_texts(chat)) == count, timeout)


# --- voice --------------------------------------------------------------------------------


@pytest.mark.parametrize("stream_mode", ["edit", "auto"])
async def test_a_voice_note_is_heard_quoted_and_asked(
    telegram: FakeTelegram,
    openai_server: FakeOpenAI,
    speech: FakeSpeech,
    voice_note: bytes,
    bot: BotFactory,
    stream_mode: str,
) -> None:
    async with bot(**settings_for(openai_server, speech, stream_mode=stream_mode)):
        telegram.add_speech(CHAT, voice_note, duration=3, language_code="en-US")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1, timeout=60)
        telegram.add_message(CHAT, "and the biggest one?")
        await openai_server.wait_for_requests(2)
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
    # The speech server got the voice note as OpenAI's API takes it, with the language hint.
    (heard,) = speech.requests
    assert (heard.filename, heard.model, heard.language) == ("voice.ogg", "whisper-1", "en")
    # The model was asked the words spoken, as the user's own words.
    words = last_user(openai_server, 0)
    assert all(word in words.lower() for word in KEY_WORDS), words
    # The user sees what was heard, quoted above the answer.
    (message, _) = telegram.bot_messages(CHAT)
    said = texts.t("en", "heard")
    assert message.text == f"{said}\n{words}\n\n{echo_answer(words)}"
    assert quoted(message.entities, message.text) == [words]
    # History holds the transcript as the user's turn, and the answer without the quote.
    follow_up = openai_server.requests[1].json["messages"]
    assert follow_up[-3:] == [
        {"role": "user", "content": words},
        {"role": "assistant", "content": echo_answer(words)},
        {"role": "user", "content": "and the biggest one?"},
    ]


async def test_the_chat_shows_typing_while_a_voice_note_is_heard(
    telegram: FakeTelegram, openai_server: FakeOpenAI, voice_note: bytes, bot: BotFactory
) -> None:
    """Hearing a long voice note takes seconds on a real model: the user sees "typing…"
    meanwhile, not nothing. The speech server answers only once the chat shows it."""
    typing = asyncio.Event()

    async def hear(audio: bytes, filename: str, language: str | None) -> str:
        await typing.wait()
        return SENTENCE

    async with FakeSpeech(hear) as speech, bot(**settings_for(openai_server, speech)):
        telegram.add_speech(CHAT, voice_note, duration=3)
        await telegram.wait_for(lambda: typing_shown(telegram, CHAT), timeout=20)
        assert not openai_server.requests  # still hearing: nothing was asked yet
        typing.set()
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1, timeout=30)
    assert SENTENCE in last_user(openai_server)


async def test_a_round_video_and_an_audio_file_with_a_caption_are_heard(
    telegram: FakeTelegram,
    openai_server: FakeOpenAI,
    speech: FakeSpeech,
    bot: BotFactory,
) -> None:
    spoken = speak(SENTENCE)
    async with bot(**settings_for(openai_server, speech)):
        telegram.add_speech(CHAT, encode(spoken, "mp4"), kind="video_note", duration=3)
        await openai_server.wait_for_requests(1, timeout=60)
        telegram.add_speech(
            CHAT,
            encode(spoken, "mp3"),
            kind="audio",
            duration=3,
            file_name="question.mp3",
            caption="answer in one word",
        )
        await openai_server.wait_for_requests(2, timeout=60)
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
    assert [heard.filename for heard in speech.requests] == ["video_note.mp4", "question.mp3"]
    video_words = last_user(openai_server, 0)
    assert all(word in video_words.lower() for word in KEY_WORDS), video_words
    words, caption = last_user(openai_server, 1).rsplit("\n\n", 1)
    assert caption == "answer in one word"
    assert all(word in words.lower() for word in KEY_WORDS), words
    assert quoted(telegram.bot_messages(CHAT)[1].entities, telegram.visible_texts(CHAT)[1]) == [
        words
    ]


async def test_in_a_group_only_a_voice_note_addressed_to_the_bot_is_heard(
    telegram: FakeTelegram,
    openai_server: FakeOpenAI,
    speech: FakeSpeech,
    voice_note: bytes,
    bot: BotFactory,
) -> None:
    async with bot(**settings_for(openai_server, speech)):
        text = "@test_bot hello"
        telegram.add_message(GROUP, text, entities=mention(text), first_name="Bob")
        await telegram.wait_for(lambda: len(telegram.visible_texts(GROUP)) == 1)
        answer = telegram.bot_messages(GROUP)[0].message_id
        telegram.add_speech(GROUP, voice_note, duration=3, first_name="Bob")  # not addressed
        telegram.add_speech(
            GROUP, voice_note, duration=3, first_name="Bob", reply_to_message_id=answer
        )
        await openai_server.wait_for_requests(2, timeout=60)
        await telegram.wait_for(lambda: len(telegram.visible_texts(GROUP)) == 2)
    assert len(telegram.downloads) == 1  # the voice note nobody addressed was not even fetched
    assert len(speech.requests) == 1
    turn = last_user(openai_server, 1)
    assert turn.startswith("Bob: ")
    assert all(word in turn.lower() for word in KEY_WORDS), turn
    assert len(telegram.visible_texts(GROUP)) == 2


async def test_a_voice_note_over_the_limit_is_refused_before_downloading(
    telegram: FakeTelegram,
    openai_server: FakeOpenAI,
    speech: FakeSpeech,
    voice_note: bytes,
    bot: BotFactory,
) -> None:
    async with bot(**settings_for(openai_server, speech, max_voice_seconds=60)):
        telegram.add_speech(CHAT, voice_note, duration=61)
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
    assert telegram.visible_texts(CHAT) == [texts.t("en", "speech_too_long", seconds=61, limit=60)]
    assert "MAX_VOICE_SECONDS" in telegram.visible_texts(CHAT)[0]
    assert not telegram.downloads
    assert not speech.requests
    assert not openai_server.requests


async def test_silence_and_bad_audio_get_short_true_notes(
    telegram: FakeTelegram,
    openai_server: FakeOpenAI,
    speech: FakeSpeech,
    bot: BotFactory,
) -> None:
    async with bot(**settings_for(openai_server, speech)):
        telegram.add_speech(CHAT, encode(silence(2.0), "ogg"), duration=2)
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1, timeout=60)
        telegram.add_speech(CHAT, b"OggS this is not audio at all", duration=2)
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2, timeout=60)
    assert telegram.visible_texts(CHAT) == [
        texts.t("en", "speech_silence"),
        texts.t("en", "speech_undecodable"),
    ]
    assert "could not hear any words" in telegram.visible_texts(CHAT)[0]
    assert len(speech.requests) == 2
    assert not openai_server.requests


async def test_speech_server_faults_are_named(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    audio = encode(speak("hello"), "ogg")
    async with FakeSpeech(api_key="right-key") as server:
        server.knows(audio, "hello")
        overrides = settings_for(openai_server, server, stt_api_key="wrong-key")
        async with bot(**overrides):
            telegram.add_speech(CHAT, audio, duration=1)
            await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
        fast = settings_for(openai_server, server, stt_api_key="right-key", backend_timeout=2.0)
        async with bot(**fast):
            server.fail_next(503)
            telegram.add_speech(CHAT, audio, duration=1)
            await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
            server.slow = True
            telegram.add_speech(CHAT, audio, duration=1)
            await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 3, timeout=20)
        url = server.url
    async with bot(**{**settings_for(openai_server, None), "stt_base_url": url}):
        telegram.add_speech(CHAT, audio, duration=1)  # the server is gone now
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 4)
    assert telegram.visible_texts(CHAT) == [
        texts.t("en", "speech_unauthorized"),
        texts.t("en", "speech_server_error"),
        texts.t("en", "speech_timeout"),
        texts.t("en", "speech_unreachable"),
    ]
    assert not openai_server.requests


async def test_voice_without_speech_to_text_says_so_without_downloading(
    telegram: FakeTelegram, bot: BotFactory, voice_note: bytes
) -> None:
    async with bot():  # the Cromicle backend: no speech-to-text server to borrow
        telegram.add_speech(CHAT, voice_note, duration=3)
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
    async with bot(stt="off"):
        telegram.add_speech(CHAT, voice_note, duration=3)
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
    assert telegram.visible_texts(CHAT) == [
        texts.t("en", "speech_not_configured"),
        texts.t("en", "speech_off"),
    ]
    assert not telegram.downloads


# --- documents ----------------------------------------------------------------------------


async def test_a_pdf_is_read_into_the_users_turn_and_stays_for_follow_ups(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    pdf = pdf_with_text(["Section 1. Введение в погоду.", "Section 3. Rain falls on Tuesdays."])
    openai_server.push(Script(chunks=[ANSWER]), Script(chunks=["On Tuesdays."]))
    async with bot(**settings_for(openai_server, None)):
        telegram.add_document(
            CHAT, pdf, file_name="weather.pdf", mime_type="application/pdf", caption="what is it?"
        )
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
        telegram.add_message(CHAT, "and what does section 3 say?")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
    turn = last_user(openai_server, 0)
    block, question = turn.rsplit("\n\n", 1)
    assert question == "what is it?"
    assert block.startswith('[Document "weather.pdf" (PDF, 2 pages), ')
    assert "Введение в погоду" in block
    assert "Rain falls on Tuesdays" in block
    assert telegram.visible_texts(CHAT) == [ANSWER, "On Tuesdays."]
    follow_up = openai_server.requests[1].json["messages"]
    assert follow_up[-3:] == [
        {"role": "user", "content": turn},
        {"role": "assistant", "content": ANSWER},
        {"role": "user", "content": "and what does section 3 say?"},
    ]


async def test_the_chat_shows_typing_while_a_file_is_fetched_and_read(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    """A 20 MB file can take a while to arrive: "typing…" shows meanwhile. The download is
    served only once the chat shows it."""
    typing = asyncio.Event()

    async def slow_download() -> None:
        await typing.wait()

    telegram.download_gate = slow_download
    openai_server.push(Script(chunks=[ANSWER]))
    async with bot(**settings_for(openai_server, None)):
        telegram.add_document(
            CHAT, b"Rain falls on Tuesdays.\n", file_name="notes.txt", mime_type="text/plain"
        )
        await telegram.wait_for(lambda: typing_shown(telegram, CHAT), timeout=20)
        assert not openai_server.requests
        typing.set()
        await telegram.wait_for(lambda: telegram.visible_texts(CHAT) == [ANSWER], timeout=30)
    assert "Rain falls on Tuesdays." in last_user(openai_server)


async def test_a_file_longer_than_the_history_bound_is_remembered_by_its_ends(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    text = "".join(f"row {n}: value {n * 7}\n" for n in range(300))
    openai_server.push(Script(chunks=[ANSWER]), Script(chunks=[ANSWER]))
    async with bot(**settings_for(openai_server, None, history_max_chars=1000)):
        telegram.add_document(
            CHAT, text.encode(), file_name="data.csv", mime_type="text/csv", caption="sum?"
        )
        await shows(telegram, CHAT, 1)
        telegram.add_message(CHAT, "and row 1?")
        await shows(telegram, CHAT, 2)
    whole = last_user(openai_server, 0)
    assert "row 150:" in whole  # the model read the whole file the first time
    remembered = openai_server.requests[1].json["messages"][-3]["content"]
    assert remembered.startswith('[Document "data.csv" (text file)')
    assert remembered.endswith("\n\nsum?")
    assert ELISION in remembered and "row 150:" not in remembered
    assert len(remembered) <= 1000


async def test_a_docx_without_a_caption_asks_for_a_summary(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    data = docx_document(
        heading="Quarterly report",
        paragraph="Sales grew in every region.",
        table=[["Region", "Sales"], ["North", "42"]],
    )
    openai_server.push(Script(chunks=[ANSWER]))
    mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    async with bot(**settings_for(openai_server, None)):
        telegram.add_document(CHAT, data, file_name="report.docx", mime_type=mime)
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
    turn = last_user(openai_server)
    assert turn.endswith(f"\n\n{SUMMARY_REQUEST}")
    assert '[Document "report.docx" (Word document)' in turn
    for piece in ("Quarterly report", "Sales grew in every region.", "North", "42"):
        assert piece in turn


async def test_a_long_file_is_cut_and_both_the_model_and_the_user_are_told(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    text = "".join(f"line {n}: the quick brown fox\n" for n in range(200))
    openai_server.push(Script(chunks=[ANSWER]))
    async with bot(**settings_for(openai_server, None, max_document_chars=500)):
        telegram.add_document(
            CHAT, text.encode(), file_name="log.txt", mime_type="text/plain", caption="errors?"
        )
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
    turn = last_user(openai_server)
    assert "line 0:" in turn
    assert "line 199:" not in turn
    assert f"of {len(text):,} characters are above; the rest was cut." in turn
    (shown,) = telegram.visible_texts(CHAT)
    kept = turn.split("```\n", 1)[1].split("\n```", 1)[0]
    note = texts.t("en", "document_cut", kept=f"{len(kept):,}", total=f"{len(text):,}")
    assert shown == f"{ANSWER}\n\n{note}"


async def test_bad_files_get_short_true_notes_and_no_model_request(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    secret = encrypted(pdf_with_text(["top secret"]), user_password="pw")
    files = [
        (secret, "secret.pdf", "application/pdf"),
        (pdf_of_images(), "scan.pdf", "application/pdf"),
        (b"PK\x03\x04 not really a spreadsheet", "table.xlsx", "application/vnd.ms-excel"),
        (bytes(range(256)) * 8, "notes.txt", "text/plain"),
        (b"%PDF-1.7 broken", "broken.pdf", "application/pdf"),
        (b"\0" * (20 * 1024 * 1024 + 1), "huge.txt", "text/plain"),
    ]
    async with bot(**settings_for(openai_server, None)):
        for count, (data, name, mime) in enumerate(files, start=1):
            telegram.add_document(CHAT, data, file_name=name, mime_type=mime, caption="read")
            await shows(telegram, CHAT, count)
    shown = telegram.visible_texts(CHAT)
    assert shown[:2] == [texts.t("en", "document_encrypted"), texts.t("en", "document_scanned")]
    assert shown[2].startswith("📎 I cannot read this type of file.")
    assert SUPPORTED in shown[2]
    assert shown[3] == texts.t("en", "document_binary", supported=SUPPORTED)
    assert shown[4] == texts.t("en", "document_broken")
    # A Bot API server other than api.telegram.org may allow more than 20 MB: its refusal
    # is what counts (this one states no limit).
    assert shown[5] == texts.t("en", "download_too_big_unknown")
    assert not openai_server.requests


async def test_in_a_group_a_file_is_read_only_when_its_caption_mentions_the_bot(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    openai_server.push(Script(chunks=[ANSWER]))
    caption = "@test_bot what does it say?"
    async with bot(**settings_for(openai_server, None)):
        telegram.add_document(GROUP, b"just a note", file_name="a.txt", mime_type="text/plain")
        telegram.add_document(
            GROUP,
            b"the meeting is at noon",
            file_name="b.txt",
            mime_type="text/plain",
            caption=caption,
            caption_entities=mention(caption),
            first_name="Bob",
        )
        await telegram.wait_for(lambda: len(telegram.visible_texts(GROUP)) == 1)
    assert len(telegram.downloads) == 1
    turn = last_user(openai_server)
    assert turn.startswith('Bob: [Document "b.txt" (text file), 22 characters]')
    assert turn.endswith("\n\nwhat does it say?")
    assert "the meeting is at noon" in turn


# --- python -m bot check ------------------------------------------------------------------


async def test_check_reports_the_speech_to_text_server(
    telegram: FakeTelegram,
    cromicle: FakeCromicle,
    openai_server: FakeOpenAI,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with FakeSpeech(api_key="right-key") as server:
        for key in ("right-key", "wrong-key"):
            values = settings_for(openai_server, server, stt_api_key=key)
            await run_checks(make_settings(telegram, cromicle, **values))
    lines = [line for line in capsys.readouterr().out.splitlines() if "speech-to-text" in line]
    assert [line.rsplit(" (", 1)[0] for line in lines] == [
        f"✓ speech-to-text: remote at {server.url}, model whisper-1: model whisper-1 listed",
        f"✗ speech-to-text: remote at {server.url}, model whisper-1: 401, the server refuses "
        "STT_API_KEY",
    ]
    assert "wrong-key" not in "\n".join(lines)


async def test_files_sent_together_are_one_question_with_a_block_each(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    first = pdf_with_text(["Invoice 17: 40 EUR."])
    second = b"Invoice 18: 60 EUR.\n"
    openai_server.push(Script(chunks=[ANSWER]))
    async with bot(**settings_for(openai_server, None)):
        telegram.add_document(
            CHAT, first, file_name="a.pdf", mime_type="application/pdf", media_group_id="g1"
        )
        telegram.add_document(
            CHAT,
            second,
            file_name="b.txt",
            mime_type="text/plain",
            caption="what do they cost together?",
            media_group_id="g1",
        )
        telegram.add_document(
            CHAT,
            b"\x00\x01\x02" * 50,
            file_name="c.bin",
            mime_type="application/octet-stream",
            media_group_id="g1",
        )
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
    assert len(openai_server.requests) == 1, "one question, one answer"
    turn = last_user(openai_server)
    blocks, question = turn.rsplit("\n\n", 1)
    assert question == "what do they cost together?"
    assert '[Document "a.pdf"' in blocks and "Invoice 17: 40 EUR." in blocks
    assert '[Document "b.txt"' in blocks and "Invoice 18: 60 EUR." in blocks
    shown = telegram.visible_texts(CHAT)[0]
    assert shown.startswith(ANSWER) and "c.bin" in shown  # the unreadable file is named
