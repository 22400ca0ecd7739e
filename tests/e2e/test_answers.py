"""What the user sees for answers that used to go wrong: angle brackets, refused links, HTML
error pages, empty and cut answers, thinking, endless streams, whitespace-only changes."""

from __future__ import annotations

from typing import Any

from bot import texts
from tests.conftest import BotFactory
from tests.servers.backends import FakeCromicle, FakeOpenAI, Script
from tests.servers.telegram import FakeTelegram

CHAT = 1001


def openai(server: FakeOpenAI) -> dict[str, Any]:
    return {"backend": "openai", "openai_base_url": server.url, "model": "m"}


async def test_text_in_angle_brackets_is_shown(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    answer = (
        "Use List<String> here. Send Bearer <your-api-key>; if x<y and y>z it holds.\n\n"
        'Use the <div> element:\n\n<div class="card">A card</div>\n\n<b>bold</b> too.'
    )
    cromicle.push(Script(chunks=[answer[:40], answer[40:]], delay=0.1))
    async with bot():
        telegram.add_message(CHAT, "x")
        await telegram.wait_for(lambda: "too." in "".join(telegram.visible_texts(CHAT)))
    assert telegram.visible_texts(CHAT) == [answer]


async def test_a_refused_link_loses_only_its_link_and_drafts_stay_on(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    cromicle.push(Script(chunks=["**Note:** see [the guide](./docs/guide.md)"]))
    cromicle.push(Script(chunks=["Second", " answer"], delay=0.2))
    async with bot(stream_mode="auto"):
        telegram.add_message(CHAT, "x")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
        telegram.add_message(CHAT, "y")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
    first = telegram.bot_messages(CHAT)[0]
    assert first.text == "Note: see the guide"
    assert [e["type"] for e in first.entities] == ["bold"]
    assert telegram.entity_refusals == 0, "a link Telegram refuses was sent"
    drafts = [c for c in telegram.calls_for("sendMessageDraft", CHAT) if c.ok]
    assert any(c.params["text"] == "Second" for c in drafts), "drafts were switched off"


async def test_an_html_error_page_with_status_200_is_a_notice_and_stays_out_of_history(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    cromicle.push(Script(chunks=[page], content_type="text/html"))
    async with bot():
        telegram.add_message(CHAT, "first")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
        telegram.add_message(CHAT, "second")
        await cromicle.wait_for_requests(2)
    reason = texts.reason("en", "unavailable")
    assert telegram.visible_texts(CHAT)[0] == texts.t("en", "failed", reason=reason)
    assert cromicle.requests[1].json["message"] == "second"


async def test_an_empty_completion_says_the_answer_was_empty(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    openai_server.push(Script(chunks=[]))
    async with bot(**openai(openai_server)):
        telegram.add_message(CHAT, "x")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
    empty = texts.t("en", "failed", reason=texts.reason("en", "empty"))
    assert telegram.visible_texts(CHAT) == [empty]


async def test_an_answer_cut_by_the_length_limit_says_so(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    openai_server.push(Script(chunks=["The answer goes on and"], finish_reason="length"))
    async with bot(**openai(openai_server)):
        telegram.add_message(CHAT, "x")
        await telegram.wait_for(lambda: "✂️" in "".join(telegram.visible_texts(CHAT)))
    assert telegram.visible_texts(CHAT) == [
        "The answer goes on and\n\n" + texts.t("en", "length_cut")
    ]


async def test_an_answer_is_complete_at_its_finish_reason_even_if_the_stream_stays_open(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    openai_server.push(Script(chunks=["Complete."], done=False, hold_open=True))
    async with bot(**openai(openai_server), backend_timeout=30):
        telegram.add_message(CHAT, "x")
        await telegram.wait_for(lambda: telegram.visible_texts(CHAT) == ["Complete."])
        telegram.add_message(CHAT, "next")
        await openai_server.wait_for_requests(2, timeout=5)  # not held 30 s by the open stream


async def test_thoughts_cut_by_the_token_limit_end_with_a_notice(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    openai_server.push(
        Script(chunks=["<think>Let me weigh", " this carefully"], finish_reason="length")
    )
    async with bot(**openai(openai_server)):
        telegram.add_message(CHAT, "x")
        await telegram.wait_for(
            lambda: texts.t("en", "length_thinking") in "".join(telegram.visible_texts(CHAT))
        )
    (shown,) = telegram.bot_messages(CHAT)
    assert shown.text.startswith(texts.t("en", "thoughts"))
    assert "Let me weigh this carefully" in shown.text
    assert "<think>" not in shown.text
    assert any(e["type"] == "expandable_blockquote" for e in shown.entities)


async def test_an_answer_that_never_ends_is_cut_at_the_total_limit_and_the_chat_moves_on(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    cromicle.push(Script(chunks=[f"drip{n} " for n in range(200)], delay=0.2))
    async with bot(backend_max_answer_seconds=1.5, backend_timeout=5):
        telegram.add_message(CHAT, "x")
        telegram.add_message(CHAT, "y")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2, timeout=15)
    first = telegram.visible_texts(CHAT)[0]
    assert first.startswith("drip0 drip1")
    assert first.endswith(texts.t("en", "too_slow_cut"))
    assert "drip199" not in first


async def test_changes_telegram_would_trim_away_are_never_sent(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    chunks = ["Hello", "   ", "\u3000", "\n\n", " \u00a0", ", world", "  \u3000 "]
    cromicle.push(Script(chunks=chunks, delay=0.15))
    async with bot():
        telegram.add_message(CHAT, "x")
        await telegram.wait_for(lambda: "world" in "".join(telegram.visible_texts(CHAT)))
        await cromicle.wait_until(lambda: cromicle.active == 0)
    assert telegram.not_modified_unexplained == 0
    edits = [c.params["text"] for c in telegram.calls_for("editMessageText", CHAT)]
    assert all("world" in text for text in edits), edits  # no edit just for whitespace
