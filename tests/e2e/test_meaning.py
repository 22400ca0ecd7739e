"""What the user means reaches the model: replies and quotes, captions and pictures, /retry,
anonymous admins, quiet rate limits, /reset, thinking models and /system, end to end."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

from PIL import Image

from bot import texts
from tests.conftest import BotFactory
from tests.servers.backends import FakeCromicle, FakeOpenAI, Script, echo_answer
from tests.servers.telegram import FakeTelegram

CHAT, GROUP, OTHER_GROUP = 1001, -100123, -100456


def mention(text: str) -> list[dict[str, Any]]:
    start = text.encode("utf-16-le").find("@test_bot".encode("utf-16-le")) // 2
    return [{"type": "mention", "offset": start, "length": 9}]


def openai(server: FakeOpenAI, **extra: Any) -> dict[str, Any]:
    return {"backend": "openai", "openai_base_url": server.url, "model": "m", **extra}


def png(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def last_user_content(server: FakeOpenAI, index: int = -1) -> Any:
    return server.requests[index].json["messages"][-1]["content"]


# --- replies and quotes ---------------------------------------------------------------------


async def test_a_reply_in_a_group_carries_what_it_replies_to(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot():
        note = telegram.add_message(
            GROUP, "Meeting moved to Friday, 3 pm, room 4.", first_name="Alice", user_id=7
        )
        text = "@test_bot translate this into French"
        telegram.add_message(
            GROUP,
            text,
            first_name="Bob",
            user_id=8,
            reply_to_message_id=note,
            entities=mention(text),
        )
        await cromicle.wait_for_requests(1)
    prompt = cromicle.requests[0].json["message"]
    assert prompt == (
        "> (replying to Alice:)\n> Meeting moved to Friday, 3 pm, room 4.\n"
        "Bob: translate this into French"
    )


async def test_a_quote_carries_exactly_the_quoted_part(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot():
        note = telegram.add_message(GROUP, "First point. Second point.", first_name="Alice")
        text = "@test_bot explain"
        telegram.add_message(
            GROUP,
            text,
            first_name="Bob",
            reply_to_message_id=note,
            quote="Second point.",
            entities=mention(text),
        )
        await cromicle.wait_for_requests(1)
    assert cromicle.requests[0].json["message"] == (
        "> (quoting Alice:)\n> Second point.\nBob: explain"
    )


async def test_a_private_reply_to_an_older_answer_carries_it(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot():
        telegram.add_message(CHAT, "one")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
        older = telegram.bot_messages(CHAT)[0].message_id
        telegram.add_message(CHAT, "two")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
        telegram.add_message(CHAT, "why?", reply_to_message_id=older)
        await cromicle.wait_for_requests(3)
    assert (
        cromicle.requests[2]
        .json["message"]
        .endswith("User: > (replying to you (the assistant):)\n> Echo: one\nwhy?\nAssistant:")
    )


# --- captions and pictures ------------------------------------------------------------------


async def test_an_addressed_caption_in_a_group_is_answered_with_the_picture(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    caption = "@test_bot what is on this picture?"
    image = png()
    async with bot(**openai(openai_server)):
        telegram.add_photo(
            GROUP, image, caption=caption, caption_entities=mention(caption), first_name="Bob"
        )
        await telegram.wait_for(lambda: len(telegram.visible_texts(GROUP)) == 1)
        telegram.add_message(GROUP, "@test_bot and now?", entities=mention("@test_bot and now?"))
        await openai_server.wait_for_requests(2)
    text, picture = last_user_content(openai_server, 0)
    assert text == {"type": "text", "text": "Bob: [picture] what is on this picture?"}
    assert picture["type"] == "image_url"
    assert (
        picture["image_url"]["url"] == "data:image/png;base64," + base64.b64encode(image).decode()
    )
    history = openai_server.requests[1].json["messages"]
    assert history[0] == {"role": "user", "content": "Bob: [picture] what is on this picture?"}


async def test_a_large_photo_is_scaled_down_before_it_goes(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    async with bot(**openai(openai_server)):
        telegram.add_photo(CHAT, png(4000, 3000), caption="describe", width=4000, height=3000)
        await openai_server.wait_for_requests(1)
    _, picture = last_user_content(openai_server)
    url = picture["image_url"]["url"]
    assert url.startswith("data:image/jpeg;base64,")
    sent = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
    assert max(sent.size) == 2048


async def test_a_text_only_backend_answers_the_caption_with_a_note(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot():
        telegram.add_photo(CHAT, png(), caption="what colour?")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
    assert cromicle.requests[0].json["message"] == "[picture] what colour?"
    assert telegram.visible_texts(CHAT) == [
        echo_answer("[picture] what colour?") + "\n\n" + texts.t("en", "picture_unseen")
    ]


async def test_a_backend_that_refuses_pictures_answers_the_text_with_a_note(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    openai_server.push(Script(status=400, error_body="image input is not supported by this model"))
    async with bot(**openai(openai_server)):
        telegram.add_photo(CHAT, png(), caption="what colour?")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
    assert last_user_content(openai_server, 1) == "[picture] what colour?"
    (shown,) = telegram.visible_texts(CHAT)
    assert shown.endswith(texts.t("en", "picture_unseen"))


async def test_vision_off_and_pictures_too_big_are_named(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    async with bot(**openai(openai_server, vision="off")):
        telegram.add_photo(CHAT, png())  # no caption: nothing else to answer
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
    assert telegram.visible_texts(CHAT) == [texts.t("en", "picture_unseen_alone")]
    assert not openai_server.requests
    huge = b"\0" * (20 * 1024 * 1024 + 1)
    async with bot(**openai(openai_server)):
        telegram.add_document(
            CHAT, huge, file_name="scan.png", mime_type="image/png", caption="read this"
        )
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
    assert telegram.visible_texts(CHAT)[1].endswith(texts.t("en", "picture_too_big"))
    assert last_user_content(openai_server) == "[picture] read this"


# --- /retry, anonymous admins, quiet rate limits, /reset ---------------------------------


async def test_retry_asks_again_a_question_that_failed(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    cromicle.push(Script(status=500, error_body="down"), Script(status=500, error_body="down"))
    async with bot():
        telegram.add_message(CHAT, "important question")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
        telegram.add_message(CHAT, "/retry")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
        telegram.add_message(CHAT, "/retry")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 3)
    assert telegram.visible_texts(CHAT)[2] == echo_answer("important question")


async def test_anonymous_admins_of_different_groups_have_their_own_limits(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot(rate_limit_per_minute=1):
        for group in (GROUP, OTHER_GROUP):
            text = "@test_bot status?"
            telegram.add_message(group, text, sender_chat_id=group, entities=mention(text))
        await telegram.wait_for(
            lambda: (
                len(telegram.visible_texts(GROUP)) == len(telegram.visible_texts(OTHER_GROUP)) == 1
            )
        )
    assert len(cromicle.requests) == 2


async def test_a_burst_past_the_limit_gets_one_note_and_others_are_not_held_up(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot(rate_limit_per_minute=2):
        for n in range(8):
            text = f"@test_bot question {n}"
            telegram.add_message(
                GROUP, text, first_name="Spammer", user_id=5, entities=mention(text)
            )
        text = "@test_bot mine"
        telegram.add_message(GROUP, text, first_name="Carol", user_id=6, entities=mention(text))
        await telegram.wait_for(lambda: len(cromicle.requests) == 3)
        await telegram.wait_for(lambda: len(telegram.visible_texts(GROUP)) == 4)
    notes = [t for t in telegram.visible_texts(GROUP) if "too fast" in t]
    assert len(notes) == 1


async def test_the_reset_confirmation_is_the_last_thing_the_chat_shows(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    cromicle.push(Script(chunks=[f"part{n} " for n in range(50)], delay=0.1))
    async with bot():
        telegram.add_message(CHAT, "long one")
        await telegram.wait_for(lambda: bool(telegram.visible_texts(CHAT)))
        telegram.add_message(CHAT, "/reset")
        await telegram.wait_for(
            lambda: texts.t("en", "reset") in telegram.visible_texts(CHAT), timeout=15
        )
        await cromicle.wait_until(lambda: cromicle.active == 0)
    assert telegram.timeline(CHAT)[-1] == texts.t("en", "reset")


# --- thinking -------------------------------------------------------------------------------


async def test_thoughts_show_while_the_model_thinks_then_fold_above_the_answer(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    script = Script(chunks=["The answer."], reasoning=["Let me ", "think hard."], first_delay=1.0)
    openai_server.push(script)
    async with bot(**openai(openai_server)):
        telegram.add_message(CHAT, "x")
        await telegram.wait_for(lambda: "The answer." in "".join(telegram.visible_texts(CHAT)))
        telegram.add_message(CHAT, "next")
        await openai_server.wait_for_requests(2)
    states = telegram.timeline(CHAT)
    assert states[0].startswith(texts.t("en", "thinking"))
    final = telegram.bot_messages(CHAT)[0]
    assert final.text == f"{texts.t('en', 'thoughts')}\nLet me think hard.\n\nThe answer."
    assert [e["type"] for e in final.entities] == ["bold", "expandable_blockquote"]
    history = openai_server.requests[1].json["messages"]
    assert history[1] == {"role": "assistant", "content": "The answer."}  # no thoughts


async def test_hidden_thoughts_and_inline_think_tags(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    openai_server.push(Script(chunks=["<think>secret reasoning</think>\n\nVisible answer."]))
    async with bot(**openai(openai_server), reasoning="hide"):
        telegram.add_message(CHAT, "x")
        await telegram.wait_for(lambda: telegram.visible_texts(CHAT) == ["Visible answer."])


# --- generation settings and /system ---------------------------------------------------------


async def test_generation_settings_and_the_system_prompt_file_reach_the_backend(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory, tmp_path: Path
) -> None:
    prompt_file = tmp_path / "prompt.txt"
    prompt_file.write_text("You are a very long system prompt.\n", encoding="utf-8")
    async with bot(
        **openai(openai_server, max_tokens=256, temperature=0.3, system_prompt_file=prompt_file)
    ):
        telegram.add_message(CHAT, "x")
        await openai_server.wait_for_requests(1)
    body = openai_server.requests[0].json
    assert body["max_tokens"] == 256 and body["temperature"] == 0.3
    assert body["messages"][0] == {
        "role": "system",
        "content": "You are a very long system prompt.",
    }


async def test_system_sets_shows_survives_reset_and_is_for_admins_in_groups(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    telegram.set_admins(GROUP, [7])
    async with bot(system_prompt="Default."):
        telegram.add_message(CHAT, "/system Answer like a pirate.")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
        telegram.add_message(CHAT, "/reset")
        telegram.add_message(CHAT, "/system")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 3)
        telegram.add_message(CHAT, "hello")
        await cromicle.wait_for_requests(1)
        telegram.add_message(GROUP, "/system Be rude.", user_id=8, first_name="Member")
        telegram.add_message(GROUP, "/system Be polite.", user_id=7, first_name="Admin")
        await telegram.wait_for(lambda: len(telegram.visible_texts(GROUP)) == 2)
    assert telegram.visible_texts(CHAT)[2] == texts.t(
        "en", "system_show", prompt="Answer like a pirate."
    )
    assert cromicle.requests[0].json["message"].startswith("System: Answer like a pirate.\n")
    assert telegram.visible_texts(GROUP) == [
        texts.t("en", "system_admins_only"),
        texts.t("en", "system_set"),
    ]
