"""Real speech (espeak-ng) in every format users send, heard by real Whisper models on the CPU."""

from __future__ import annotations

import asyncio
import io
import os
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from bot.inputs.audio import SAMPLE_RATE, decode
from bot.inputs.errors import SpeechError
from bot.inputs.speech_local import LocalTranscriber
from tests.inputs.conftest import KEY_WORDS, RUSSIAN, RUSSIAN_KEY_WORDS
from tests.support.sounds import (
    FORMATS,
    clicks,
    encode,
    noise,
    silence,
    speak,
    tiny_en_model,
    tone,
)


def heard(text: str, words: tuple[str, ...]) -> bool:
    return all(word in text.lower() for word in words)


@pytest.mark.parametrize("container", FORMATS)
async def test_a_spoken_sentence_is_transcribed_from_every_format(
    tiny_stt: LocalTranscriber, spoken: bytes, container: str
) -> None:
    text = await tiny_stt.transcribe(encode(spoken, container), filename=f"voice.{container}")
    assert heard(text, KEY_WORDS), text


async def test_a_voice_note_is_opus_at_48_khz_as_telegram_sends_it(spoken: bytes) -> None:
    with av.open(io.BytesIO(encode(spoken, "ogg")), mode="r") as container:
        (stream,) = container.streams.audio
        assert stream.codec_context.name == "opus" and stream.codec_context.sample_rate == 48_000
    with av.open(io.BytesIO(encode(spoken, "mp4")), mode="r") as container:
        assert sorted(s.type for s in container.streams) == ["audio", "video"]


@pytest.mark.parametrize("telegram_language", ["ru", "ru-RU"])
async def test_russian_is_heard_by_a_multilingual_model_given_the_users_language(
    base_stt: LocalTranscriber, telegram_language: str
) -> None:
    voice = encode(speak(RUSSIAN, voice="ru"), "ogg")
    text = await base_stt.transcribe(voice, filename="voice.ogg", language=telegram_language)
    assert heard(text, RUSSIAN_KEY_WORDS), text


async def test_an_english_only_model_ignores_another_language_hint(
    tiny_stt: LocalTranscriber, spoken: bytes
) -> None:
    text = await tiny_stt.transcribe(encode(spoken, "ogg"), filename="v.ogg", language="de")
    assert heard(text, KEY_WORDS), text


@pytest.mark.parametrize(
    "sound",
    [silence(4), noise(4), encode(noise(4), "ogg"), clicks(10), tone(10)],
    ids=["silence", "noise", "ogg-noise", "clicks", "hum"],
)
async def test_silence_and_noise_are_no_words(tiny_stt: LocalTranscriber, sound: bytes) -> None:
    # Whisper alone makes up words for clicks ("I'm going to go to the next one." over and
    # over) and a hum ("A"); voice activity detection gives it only the speech.
    with pytest.raises(SpeechError) as caught:
        await tiny_stt.transcribe(sound, filename="voice.ogg")
    assert caught.value.reason == "silence"


def video_without_sound() -> bytes:
    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as target:
        picture = target.add_stream("libx264", rate=10)
        picture.width = picture.height = 64
        picture.pix_fmt = "yuv420p"
        for index in range(10):
            pixels = np.full((64, 64, 3), index * 20, dtype=np.uint8)
            target.mux(picture.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")))
        target.mux(picture.encode(None))
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [b"", os.urandom(20_000), b"OggS" + os.urandom(5000), video_without_sound()],
    ids=["empty", "random", "ogg-header-then-garbage", "video-without-sound"],
)
async def test_what_holds_no_sound_is_undecodable(tiny_stt: LocalTranscriber, data: bytes) -> None:
    with pytest.raises(SpeechError) as caught:
        await tiny_stt.transcribe(data, filename="voice.ogg")
    assert caught.value.reason == "undecodable"


@pytest.mark.parametrize("container", ["wav", "ogg", "mp3"])
def test_a_sound_longer_than_the_limit_is_too_long_before_it_is_all_decoded(
    container: str,
) -> None:
    five_seconds = encode(noise(5), container)
    with pytest.raises(SpeechError) as caught:
        decode(five_seconds, max_seconds=2)
    assert caught.value.reason == "too_long" and caught.value.limit == 2
    assert caught.value.seconds is not None and 2 < caught.value.seconds <= 6
    samples = decode(five_seconds, max_seconds=6)
    assert abs(len(samples) / SAMPLE_RATE - 5) < 0.3


def test_a_container_that_understates_its_length_is_still_cut_while_decoding() -> None:
    # Two Ogg streams chained (as concatenated recordings are): the container's length is read
    # from the last page, so it says 1 s for 6 s of sound. Only counting samples can tell.
    chained = encode(noise(5), "ogg") + encode(noise(1, seed=3), "ogg")
    with av.open(io.BytesIO(chained), mode="r") as probe:
        assert probe.duration is not None and probe.duration / av.time_base < 2
    with pytest.raises(SpeechError) as caught:
        decode(chained, max_seconds=3)
    assert caught.value.reason == "too_long"
    assert abs(len(decode(chained, max_seconds=7)) / SAMPLE_RATE - 6) < 0.3


async def test_the_transcriber_enforces_the_limit_too(spoken: bytes) -> None:
    short = LocalTranscriber(tiny_en_model(), max_seconds=1)
    with pytest.raises(SpeechError) as caught:
        await short.transcribe(encode(spoken, "ogg"), filename="voice.ogg")
    assert caught.value.reason == "too_long"


async def test_the_event_loop_keeps_running_while_a_model_transcribes(
    tiny_stt: LocalTranscriber, spoken: bytes
) -> None:
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    try:
        await tiny_stt.transcribe(encode(spoken, "wav"), filename="voice.wav")
    finally:
        ticker.cancel()
    assert ticks >= 10  # a transcription takes about a second, and the loop went on meanwhile


async def test_check_loads_the_model_and_says_what_it_is(tiny_stt: LocalTranscriber) -> None:
    ok, line = await tiny_stt.check()
    assert ok and line.startswith(f"local model at {tiny_en_model()} (English only, ")
    assert line.endswith(" MB), loads")


async def test_a_folder_without_a_model_is_not_configured(tmp_path: Path) -> None:
    missing = LocalTranscriber(tmp_path, max_seconds=60)
    ok, line = await missing.check()
    assert not ok and f"cannot load the model at {tmp_path}" in line
    with pytest.raises(SpeechError) as caught:
        await missing.transcribe(silence(1), filename="voice.wav")
    assert caught.value.reason == "not_configured"


async def test_without_faster_whisper_the_error_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "faster_whisper", None)  # what an absent package does
    transcriber = LocalTranscriber(tiny_en_model(), max_seconds=60)
    with pytest.raises(SpeechError) as caught:
        await transcriber.transcribe(silence(1), filename="voice.wav")
    assert caught.value.reason == "not_configured"
    assert "pip install '.[voice]'" in caught.value.detail
    ok, line = await transcriber.check()
    assert not ok and "pip install '.[voice]'" in line
