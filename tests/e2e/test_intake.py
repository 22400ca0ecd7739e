"""What users send that the Telegram apps split or change afterwards, and notes that must be
true: albums, long pastes, edits, a picture a model cannot see, a backend refusing the bot's
own configuration; end to end against the local Bot API and local backends."""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from PIL import Image

from bot import texts
from tests.conftest import BotFactory
from tests.servers.backends import FakeCromicle, FakeOpenAI, Script, echo_answer
from tests.servers.telegram import FakeTelegram

CHAT, GROUP = 1001, -100123


def openai(server: FakeOpenAI, **extra: Any) -> dict[str, Any]:
    return {"backend": "openai", "openai_base_url": server.url, "model": "m", **extra}


def png(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, format="PNG")
    return out.getvalue()


def mention(text: str) -> list[dict[str, Any]]:
    start = text.encode("utf-16-le").find("@test_bot".encode("utf-16-le")) // 2
    return [{"type": "mention", "offset": start, "length": 9}]


# --- a picture the model cannot see ------------------------------------------------------


async def test_a_photo_without_caption_to_a_blind_model_asks_for_text(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot():  # Cromicle cannot see pictures
        telegram.add_photo(CHAT, png())
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
    (shown,) = telegram.visible_texts(CHAT)
    assert shown == texts.t("en", "picture_unseen_alone")
    assert "cannot see pictures" in shown and "in text" in shown
    assert "answered" not in shown  # there was no answer
    assert not cromicle.requests


# --- a backend refusing the bot's own configuration --------------------------------------


@pytest.mark.parametrize(
    ("script", "setting"),
    [
        (Script(status=401, error_body="Incorrect API key provided: sk-...abc"), "OPENAI_API_KEY"),
        (Script(status=403, error_body="key not allowed"), "OPENAI_API_KEY"),
        (Script(status=400, error_body="model 'm' not found, try pulling it first"), "MODEL"),
        (Script(status=404, error_body="The model `m` does not exist"), "MODEL"),
    ],
)
async def test_a_refused_configuration_is_named_to_the_operator_not_retried_by_the_user(
    telegram: FakeTelegram,
    openai_server: FakeOpenAI,
    bot: BotFactory,
    caplog: pytest.LogCaptureFixture,
    script: Script,
    setting: str,
) -> None:
    openai_server.push(script)
    with caplog.at_level(logging.INFO):
        async with bot(**openai(openai_server), backend_retries=2):
            telegram.add_message(CHAT, "hello")
            await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
    (shown,) = telegram.visible_texts(CHAT)
    assert shown == texts.t("en", "misconfigured")
    assert "try again in a moment" not in shown.lower()
    assert len(openai_server.requests) == 1  # a retry cannot pass: none was made
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert f"fix the setting {setting}" in errors[0].getMessage()
    assert "hello" not in errors[0].getMessage()


async def test_a_request_the_backend_refuses_for_itself_still_says_rejected(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    openai_server.push(Script(status=400, error_body="context length exceeded"))
    async with bot(**openai(openai_server)):
        telegram.add_message(CHAT, "hello")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
    assert "rejected the request" in telegram.visible_texts(CHAT)[0]


# --- albums ------------------------------------------------------------------------------


async def test_an_album_is_one_question_with_every_picture_and_the_caption(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    colours = [(200, 30, 30), (30, 200, 30), (30, 30, 200)]
    openai_server.push(Script(chunks=["Three squares."]))
    async with bot(**openai(openai_server)):
        telegram.add_photo(CHAT, png(colours[0]), media_group_id="g1")
        telegram.add_photo(CHAT, png(colours[1]), media_group_id="g1", caption="what differs?")
        telegram.add_photo(CHAT, png(colours[2]), media_group_id="g1")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
        telegram.add_message(CHAT, "thanks")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
    assert len(openai_server.requests) == 2  # the album, then "thanks": one answer each
    parts = openai_server.requests[0].json["messages"][-1]["content"]
    assert parts[0] == {"type": "text", "text": "[picture] [picture] [picture] what differs?"}
    assert [part["type"] for part in parts[1:]] == ["image_url"] * 3
    assert telegram.visible_texts(CHAT)[0] == "Three squares."
    history = openai_server.requests[1].json["messages"]
    assert history[0]["content"] == "[picture] [picture] [picture] what differs?"


async def test_an_album_with_an_unreadable_picture_is_answered_with_the_others(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    openai_server.push(Script(chunks=["One square."]))
    async with bot(**openai(openai_server)):
        telegram.add_photo(CHAT, png(), media_group_id="g", caption="what is it?")
        telegram.add_photo(CHAT, b"not a picture at all", media_group_id="g")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
    parts = openai_server.requests[0].json["messages"][-1]["content"]
    assert [part["type"] for part in parts] == ["text", "image_url"]
    (shown,) = telegram.visible_texts(CHAT)
    assert shown == "One square.\n\n" + texts.t("en", "picture_unreadable_some")


async def test_an_album_in_a_group_is_answered_once_when_its_caption_mentions_the_bot(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    caption = "@test_bot which is brighter?"
    async with bot(**openai(openai_server)):
        # An album for the others in the group: no mention, no answer.
        telegram.add_photo(GROUP, png(), media_group_id="a", first_name="Bob", user_id=8)
        telegram.add_photo(GROUP, png(), media_group_id="a", caption="holiday!", user_id=8)
        # An album for the bot: the mention is in the caption of its last photo.
        telegram.add_photo(GROUP, png(), media_group_id="b", first_name="Ann", user_id=7)
        telegram.add_photo(
            GROUP,
            png(),
            media_group_id="b",
            caption=caption,
            caption_entities=mention(caption),
            first_name="Ann",
            user_id=7,
        )
        await telegram.wait_for(lambda: len(telegram.visible_texts(GROUP)) == 1)
        text = "@test_bot and now?"
        telegram.add_message(GROUP, text, entities=mention(text), first_name="Ann", user_id=7)
        await telegram.wait_for(lambda: len(telegram.visible_texts(GROUP)) == 2)
    assert len(openai_server.requests) == 2
    parts = openai_server.requests[0].json["messages"][-1]["content"]
    assert parts[0] == {"type": "text", "text": "Ann: [picture] [picture] which is brighter?"}
    assert len(parts) == 3


# --- long pastes the apps split ----------------------------------------------------------


def paste(units: int, word: str) -> str:
    """Prose of about `units` characters, as a part of a split paste (no break at its ends)."""
    return " ".join([word] * (units // (len(word) + 1)))


async def test_a_paste_the_app_split_is_one_question(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    first, second, tail = paste(4090, "alpha"), paste(4000, "beta"), paste(900, "gamma")
    cromicle.push(Script(chunks=["Read it all."]))
    async with bot():
        for part in (first, second, tail):
            telegram.add_message(CHAT, part)
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
        telegram.add_message(CHAT, "short one")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
    asked = [r.json["message"] for r in cromicle.requests]
    assert len(asked) == 2  # the paste, then "short one": one answer each
    assert asked[0] == f"{first}\n{second}\n{tail}"
    assert asked[1].endswith("\nAssistant: Read it all.\nUser: short one\nAssistant:")
    assert telegram.visible_texts(CHAT)[0] == "Read it all."


async def test_the_input_limit_applies_to_the_joined_paste(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    parts = [paste(4000, "delta"), paste(4000, "delta"), paste(2000, "delta")]
    length = len("\n".join(parts))
    async with bot(max_input_chars=9000):
        for part in parts:
            telegram.add_message(CHAT, part)
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
        telegram.add_message(CHAT, "ok")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
    assert telegram.visible_texts(CHAT)[0] == texts.t("en", "too_long", length=length, limit=9000)
    assert [r.json["message"] for r in cromicle.requests] == ["ok"]


async def test_a_paste_in_a_group_continues_without_a_second_mention(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    head = "@test_bot summarise: " + paste(4000, "epsilon")
    tail = paste(300, "zeta")
    cromicle.push(Script(chunks=["Summary."]))
    async with bot():
        telegram.add_message(GROUP, head, entities=mention(head), first_name="Ann", user_id=7)
        telegram.add_message(GROUP, tail, first_name="Ann", user_id=7)
        telegram.add_message(GROUP, "unrelated chat", first_name="Bob", user_id=8)
        await telegram.wait_for(lambda: len(telegram.visible_texts(GROUP)) == 1)
        telegram.add_message(GROUP, "@test_bot ok?", entities=mention("@test_bot ok?"), user_id=7)
        await cromicle.wait_for_requests(2)
        await telegram.wait_for(lambda: len(telegram.visible_texts(GROUP)) == 2)
    body = head.removeprefix("@test_bot ")
    assert cromicle.requests[0].json["message"] == f"Ann: {body}\n{tail}"


# --- edits -------------------------------------------------------------------------------


async def test_editing_the_latest_question_redoes_its_answer_in_place(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot():
        telegram.add_message(CHAT, "capital of France?")
        asked = telegram.add_message(CHAT, "capital of Spain?")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
        answer = telegram.bot_messages(CHAT)[1].message_id
        telegram.add_edited_message(CHAT, asked, "capital of Italy?")
        await cromicle.wait_for_requests(3)
        await telegram.wait_for(
            lambda: (
                telegram.visible_texts(CHAT)[1:]
                == [echo_answer(cromicle.requests[2].json["message"])]
            )
        )
        telegram.add_message(CHAT, "and its river?")
        await cromicle.wait_for_requests(4)
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 3)
    assert telegram.bot_messages(CHAT)[1].message_id == answer  # edited, not sent anew
    redo = cromicle.requests[2].json["message"]
    assert redo.endswith("User: capital of Italy?\nAssistant:")
    assert "Spain" not in redo
    later = cromicle.requests[3].json["message"]  # the history holds the edited exchange
    assert "Spain" not in later
    assert f"User: capital of Italy?\nAssistant: {echo_answer(redo)}\nUser: and its river?" in (
        later
    )


async def test_editing_an_older_message_changes_nothing(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot():
        older = telegram.add_message(CHAT, "one")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
        telegram.add_message(CHAT, "two")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
        shown = telegram.visible_texts(CHAT)
        telegram.add_edited_message(CHAT, older, "one, edited")
        telegram.add_message(CHAT, "three")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 3)
    assert telegram.visible_texts(CHAT)[:2] == shown
    assert len(cromicle.requests) == 3
    assert "edited" not in cromicle.requests[2].json["message"]


@pytest.mark.parametrize("mode", ["edit", "auto"])  # auto: the answer streams as a draft
async def test_editing_the_question_being_answered_stops_it_and_answers_the_new_text(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory, mode: str
) -> None:
    cromicle.push(Script(chunks=["Spain has ", "many ", "cities"] + ["..."] * 50, delay=0.2))
    async with bot(stream_mode=mode):
        asked = telegram.add_message(CHAT, "capital of Spain?")
        await telegram.wait_for(
            lambda: "Spain has" in "".join(telegram.timeline(CHAT)), timeout=10
        )
        telegram.add_edited_message(CHAT, asked, "capital of Italy?")
        await cromicle.wait_for_requests(2)
        await telegram.wait_for(
            lambda: telegram.visible_texts(CHAT) == [echo_answer("capital of Italy?")]
        )
        telegram.add_message(CHAT, "thanks")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
    assert cromicle.requests[1].json["message"] == "capital of Italy?"  # no trace of Spain
    assert "Spain" not in cromicle.requests[2].json["message"]
    assert len(telegram.bot_messages(CHAT)) == 2  # the old answer's message was reused


async def test_a_shorter_redone_answer_removes_the_old_answers_extra_pages(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    cromicle.push(Script(chunks=["word " * 2000]), Script(chunks=["Short now."]))
    async with bot():
        asked = telegram.add_message(CHAT, "write a lot")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 3)
        first = telegram.bot_messages(CHAT)[0].message_id
        telegram.add_edited_message(CHAT, asked, "write a little")
        await telegram.wait_for(lambda: telegram.visible_texts(CHAT) == ["Short now."])
    (message,) = [m for m in telegram.bot_messages(CHAT) if not m.deleted]
    assert message.message_id == first


async def test_an_edit_in_a_group_redoes_the_answer_to_a_message_that_addressed_the_bot(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    text = "@test_bot capital of Spain?"
    async with bot():
        asked = telegram.add_message(
            GROUP, text, entities=mention(text), first_name="Ann", user_id=7
        )
        await telegram.wait_for(lambda: len(telegram.visible_texts(GROUP)) == 1)
        answer = telegram.bot_messages(GROUP)[0]
        edited = "@test_bot capital of Italy?"
        telegram.add_edited_message(GROUP, asked, edited, entities=mention(edited))
        await telegram.wait_for(
            lambda: telegram.visible_texts(GROUP) == [echo_answer("Ann: capital of Italy?")]
        )
    assert telegram.bot_messages(GROUP)[0].message_id == answer.message_id
    assert answer.reply_to == asked
