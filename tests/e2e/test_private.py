"""Private chats end to end: the real bot polling a local Bot API server, a local Cromicle."""

from __future__ import annotations

from itertools import pairwise

import pytest

from bot import plan
from bot.render import render
from tests.conftest import BotFactory
from tests.servers.backends import FakeCromicle, Script, echo_answer
from tests.servers.telegram import FakeTelegram

CHAT = 1001


async def test_answer_shows_at_first_chunk_grows_by_edits_and_ends_exact(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    chunks = ["Hello", ", this is", " a streamed", " answer."]
    full = "".join(chunks)
    cromicle.push(Script(chunks=chunks, delay=0.3))
    async with bot():
        telegram.add_message(CHAT, "hi")
        await telegram.wait_for(lambda: telegram.visible_texts(CHAT) == [full])
    states = telegram.timeline(CHAT)
    assert states[0] == "Hello"
    assert states[-1] == full
    assert len(states) >= 3
    assert all(later.startswith(earlier) for earlier, later in pairwise(states))
    assert len(states) == len(set(states)), "an identical edit was sent"
    assert all(call.status == 200 for call in telegram.calls_for("editMessageText"))
    typing = telegram.calls_for("sendChatAction", CHAT)
    assert typing and typing[0].at <= telegram.calls_for("sendMessage", CHAT)[0].at


async def test_drafts_stream_in_private_then_a_message_persists_the_answer(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    chunks = ["One", " two", " three."]
    cromicle.push(Script(chunks=chunks, delay=0.3))
    async with bot(stream_mode="auto"):
        telegram.add_message(CHAT, "count")
        await telegram.wait_for(lambda: telegram.visible_texts(CHAT) == ["One two three."])
    states = telegram.timeline(CHAT)
    assert states[0] == "draft:One"
    assert states[-1] == "One two three."
    assert [s for s in states if s.startswith("draft:")][-1].startswith("draft:One two")
    assert not telegram.calls_for("editMessageText", CHAT)
    draft_calls = telegram.calls_for("sendMessageDraft", CHAT)
    assert all(call.params.get("can_stop") in (True, "true", "True") for call in draft_calls)


async def test_refused_drafts_fall_back_to_edits(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    telegram.drafts_supported = False
    cromicle.push(Script(chunks=["Still", " streaming"], delay=0.3))
    async with bot(stream_mode="auto"):
        telegram.add_message(CHAT, "hi")
        await telegram.wait_for(lambda: telegram.visible_texts(CHAT) == ["Still streaming"])
        telegram.add_message(CHAT, "again")
        second = echo_answer("User: hi\nAssistant: Still streaming\nUser: again\nAssistant:")
        await telegram.wait_for(lambda: telegram.visible_texts(CHAT)[-1:] == [second])
    assert len(telegram.calls_for("sendMessageDraft", CHAT)) == 1, "drafts retried after refusal"
    assert telegram.calls_for("editMessageText", CHAT)


async def test_stop_button_ends_the_stream_and_keeps_the_partial_answer(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    cromicle.push(Script(chunks=["Partial", " answer", " never", " sent"], delay=0.4))
    async with bot(stream_mode="auto"):
        telegram.add_message(CHAT, "tell me")
        await telegram.wait_for(lambda: any(telegram.drafts(CHAT).values()))
        draft_id = next(iter(telegram.drafts(CHAT)))
        telegram.add_stopped_generation(CHAT, draft_id)
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
        kept = telegram.visible_texts(CHAT)[0]
        assert kept.startswith("Partial")
        assert "sent" not in kept
        await cromicle.wait_until(lambda: cromicle.active == 0)
        telegram.add_message(CHAT, "go on")
        await cromicle.wait_for_requests(2)
    assert f"Assistant: {kept}\nUser: go on" in cromicle.requests[1].json["message"]


async def test_history_carries_the_conversation(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot(system_prompt="Be brief."):
        telegram.add_message(CHAT, "first question")
        first = echo_answer("System: Be brief.\nUser: first question\nAssistant:")
        await telegram.wait_for(lambda: telegram.visible_texts(CHAT) == [first])
        telegram.add_message(CHAT, "second question")
        await cromicle.wait_for_requests(2)
    assert cromicle.requests[1].json["message"] == (
        "System: Be brief.\nUser: first question\n"
        f"Assistant: {first}\nUser: second question\nAssistant:"
    )


async def test_one_chat_is_answered_in_order_and_the_second_prompt_has_the_first_answer(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    cromicle.push(Script(chunks=["Slow", " first", " answer"], delay=0.3))
    async with bot():
        telegram.add_message(CHAT, "one")
        telegram.add_message(CHAT, "two")
        await cromicle.wait_for_requests(2)
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
    final_of_first = [
        call for call in telegram.calls if call.params.get("text") == "Slow first answer"
    ][-1]
    assert cromicle.requests[1].time >= final_of_first.at
    assert "Assistant: Slow first answer\nUser: two" in cromicle.requests[1].json["message"]


async def test_different_chats_are_answered_concurrently(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    cromicle.set_default(Script(chunks=["a", "b"], first_delay=1.0))
    async with bot():
        telegram.add_message(1, "x")
        telegram.add_message(2, "y")
        await cromicle.wait_for_active(2)
        await telegram.wait_for(
            lambda: telegram.visible_texts(1) == ["ab"] and telegram.visible_texts(2) == ["ab"]
        )


async def test_non_text_gets_a_hint_and_edited_messages_are_ignored(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot():
        sticker = telegram.add_message(CHAT, sticker=True)
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
        assert "text" in telegram.visible_texts(CHAT)[0]
        telegram.add_edited_message(CHAT, sticker, "edited text")
        telegram.add_message(CHAT, "real question")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
    assert len(cromicle.requests) == 1
    assert cromicle.requests[0].json["message"] == "real question"


async def test_markdown_is_shown_as_telegram_formatting(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    answer = "Use **bold**, `code` and [a link](https://example.org).\n\n```python\nprint(1)\n```"
    cromicle.push(Script(chunks=[answer[:9], answer[9:30], answer[30:]], delay=0.2))
    async with bot():
        telegram.add_message(CHAT, "format")
        expected = render(answer)
        await telegram.wait_for(lambda: telegram.visible_texts(CHAT) == [expected.text])
    message = telegram.bot_messages(CHAT)[0]
    kinds = {entity["type"] for entity in message.entities}
    assert {"bold", "code", "text_link", "pre"} <= kinds
    assert "**" not in message.text


async def test_refused_formatting_costs_the_links_first_and_never_shows_markdown(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    cromicle.push(Script(chunks=["**bold** answer, [a link](https://example.com)"]))
    cromicle.push(Script(chunks=["**bold** again, [a link](https://example.com)"]))
    refused = "Bad Request: can't parse entities: test"
    telegram.fail_next("sendMessage", error_code=400, description=refused)
    async with bot():
        telegram.add_message(CHAT, "x")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
        first = telegram.bot_messages(CHAT)[0]
        assert first.text == "bold answer, a link"
        assert [e["type"] for e in first.entities] == ["bold"]  # only the link went
        telegram.fail_next("sendMessage", error_code=400, description=refused, count=2)
        telegram.add_message(CHAT, "y")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
    second = telegram.bot_messages(CHAT)[1]
    assert second.text == "bold again, a link"  # no `**` or `](` ever shown
    assert second.entities == []


async def test_long_answer_continues_in_new_messages_without_loss(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    paragraphs = [f"Paragraph {n}: " + "lorem ipsum dolor sit amet " * 20 for n in range(20)]
    full = "\n\n".join(paragraphs)
    pieces = [full[i : i + 700] for i in range(0, len(full), 700)]
    cromicle.push(Script(chunks=pieces, delay=0.05))
    async with bot():
        telegram.add_message(CHAT, "long please")
        await telegram.wait_for(
            lambda: "\n\n".join(telegram.visible_texts(CHAT)) == render(full).text, timeout=20
        )
    texts = telegram.visible_texts(CHAT)
    assert len(texts) >= 3
    assert all(len(text) <= 4096 for text in texts)
    assert all(text.startswith("Paragraph") for text in texts)


async def test_commands_start_help_and_russian(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot():
        telegram.add_message(CHAT, "/start", first_name="Bob")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
        telegram.add_message(CHAT, "/help")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
        telegram.add_message(2002, "/start", first_name="Иван", language_code="ru")
        await telegram.wait_for(lambda: len(telegram.visible_texts(2002)) == 1)
    greeting, help_text = telegram.visible_texts(CHAT)
    assert "Bob" in greeting
    for command in ("/start", "/help", "/reset", "/retry", "@test_bot"):
        assert command in help_text
    assert telegram.visible_texts(2002)[0].startswith("Привет, Иван")
    assert not cromicle.requests


async def test_command_list_is_registered_at_startup(
    telegram: FakeTelegram, bot: BotFactory
) -> None:
    async with bot():
        await telegram.wait_for(lambda: len(telegram.calls_for("setMyCommands")) >= 2)
    names = [c["command"] for c in telegram.commands]
    assert names == [
        "start",
        "help",
        "reset",
        "retry",
        "system",
        "model",
        "mode",
        "usage",
        "tools",
    ]


async def test_reset_forgets_the_conversation(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot():
        telegram.add_message(CHAT, "remember me")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
        telegram.add_message(CHAT, "/reset")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
        telegram.add_message(CHAT, "fresh")
        await cromicle.wait_for_requests(2)
    assert "forgot" in telegram.visible_texts(CHAT)[1]
    assert cromicle.requests[1].json["message"] == "fresh"


async def test_reset_stops_an_answer_in_progress(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    cromicle.push(Script(chunks=["Going", " on", " and", " on"], delay=0.5))
    async with bot():
        telegram.add_message(CHAT, "talk")
        await telegram.wait_for(lambda: telegram.visible_texts(CHAT) == ["Going"])
        telegram.add_message(CHAT, "/reset")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
        await cromicle.wait_until(lambda: cromicle.active == 0)
        telegram.add_message(CHAT, "after")
        await cromicle.wait_for_requests(2)
    stopped = telegram.visible_texts(CHAT)[0]
    assert stopped.startswith("Going") and "Stopped" in stopped
    assert cromicle.requests[1].json["message"] == "after"


async def test_retry_answers_the_last_message_again_and_replaces_the_answer(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    cromicle.push(Script(chunks=["first try"]), Script(chunks=["second try"]))
    async with bot():
        telegram.add_message(CHAT, "/retry")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
        assert "nothing to retry" in telegram.visible_texts(CHAT)[0].lower()
        telegram.add_message(CHAT, "question")
        await telegram.wait_for(lambda: telegram.visible_texts(CHAT)[-1] == "first try")
        telegram.add_message(CHAT, "/retry")
        await telegram.wait_for(lambda: telegram.visible_texts(CHAT)[-1] == "second try")
        telegram.add_message(CHAT, "next")
        await cromicle.wait_for_requests(3)
    assert cromicle.requests[1].json["message"] == "question"
    assert cromicle.requests[2].json["message"] == (
        "User: question\nAssistant: second try\nUser: next\nAssistant:"
    )


async def test_a_draft_is_shown_again_while_the_model_is_silent(
    telegram: FakeTelegram,
    cromicle: FakeCromicle,
    bot: BotFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(plan, "DRAFT_REFRESH", 0.3)
    cromicle.push(Script(chunks=["Thinking", " done"], delay=1.5))
    async with bot(stream_mode="auto"):
        telegram.add_message(CHAT, "hard question")
        await telegram.wait_for(lambda: telegram.visible_texts(CHAT) == ["Thinking done"])
    shown = [c.params["text"] for c in telegram.calls_for("sendMessageDraft", CHAT) if c.ok]
    assert shown.count("Thinking") >= 3


async def test_long_answer_streamed_as_drafts_is_persisted_page_by_page(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    paragraphs = [f"Part {n}: " + "the quick brown fox jumps " * 25 for n in range(16)]
    full = "\n\n".join(paragraphs)
    pieces = [full[i : i + 500] for i in range(0, len(full), 500)]
    cromicle.push(Script(chunks=pieces, delay=0.05))
    async with bot(stream_mode="auto"):
        telegram.add_message(CHAT, "long please")
        await telegram.wait_for(
            lambda: "\n\n".join(telegram.visible_texts(CHAT)) == render(full).text, timeout=20
        )
    pages = telegram.visible_texts(CHAT)
    assert len(pages) >= 2
    assert not telegram.calls_for("editMessageText", CHAT)
    drafts = telegram.drafts(CHAT)
    assert len(drafts) >= 2, "each page streams as its own draft"
    # Each page was persisted before the next one began streaming.
    sends = telegram.calls_for("sendMessage", CHAT)
    later_drafts = [c for c in telegram.calls_for("sendMessageDraft", CHAT) if c.at > sends[0].at]
    assert later_drafts and all(not c.params["text"].startswith("Part 0") for c in later_drafts)
