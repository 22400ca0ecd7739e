"""The real process when the Bot API misbehaves while it runs: slow chats, updates aiogram
cannot read, updates sent twice, a token revoked, errors in the middle of an answer."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from tests.servers.backends import FakeCromicle, Script, echo_answer
from tests.servers.telegram import FakeTelegram
from tests.support.process import base_env, free_port, start_bot, webhook_env
from tests.support.updates import private_message

CHAT = 1001
SLOW = 100_000


async def test_chats_whose_calls_hang_do_not_hold_up_an_unrelated_chat(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    # More calls hang than aiogram's default pool of 100 connections holds. The bot gives up
    # on a call after 20 s; an unrelated chat must be answered before any call was given up,
    # i.e. without waiting for a connection that only a timeout would free.
    bot = await start_bot(base_env(telegram, cromicle, SHUTDOWN_GRACE="0"), workdir)
    await telegram.wait_for(lambda: telegram.waiting_polls > 0, timeout=30)
    for n in range(150):
        telegram.delay_chat(SLOW + n, 120)
        telegram.add_message(SLOW + n, f"question {n}")
    await telegram.wait_for(lambda: telegram.held >= 120, timeout=60)
    assert telegram.abandoned == 0
    telegram.add_message(1, "unrelated")
    await telegram.wait_for(lambda: telegram.visible_texts(1) == [echo_answer("unrelated")], 60)
    assert telegram.abandoned == 0
    assert telegram.held >= 120
    await bot.stop()


async def test_a_token_revoked_while_polling_is_logged_once_and_ends_the_process(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    bot = await start_bot(base_env(telegram, cromicle), workdir)
    telegram.add_message(CHAT, "before")
    await telegram.wait_for(lambda: telegram.visible_texts(CHAT) == [echo_answer("before")], 30)
    telegram.revoke_token()
    # The long poll in progress ends empty (at most 10 s); the next one gets 401, unless a
    # call of its own (the command menus, in ten languages, may still be going) gets it first.
    code = await asyncio.wait_for(bot.process.wait(), 30)
    _, err = await bot.process.communicate()
    log = err.decode()
    assert code == 3
    methods = ("getUpdates", "setMyCommands", "sendChatAction", "sendMessage", "getMe")
    refused = [c for m in methods for c in telegram.calls_for(m) if c.status == 401]
    assert refused, "the process ended on a 401"
    assert len([line for line in log.splitlines() if "401" in line or "Unauthorized" in line]) == 1
    assert "Telegram rejected BOT_TOKEN" in log and "@BotFather" in log
    assert "Traceback" not in log and "Failed to fetch updates" not in log


async def test_a_token_revoked_in_webhook_mode_ends_the_process_the_same_way(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    port = free_port()
    bot = await start_bot(base_env(telegram, cromicle, **webhook_env(port)), workdir)
    await telegram.wait_for(lambda: telegram.webhook is not None, timeout=30)
    telegram.revoke_token()
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s" * 40}
    async with aiohttp.ClientSession() as http:
        hook = f"http://127.0.0.1:{port}/hook"
        async with http.post(hook, json=private_message(1, CHAT, "hi"), headers=headers) as answer:
            assert answer.status == 200
    code = await asyncio.wait_for(bot.process.wait(), 30)
    _, err = await bot.process.communicate()
    assert code == 3
    assert "Telegram rejected BOT_TOKEN" in err.decode() and "Traceback" not in err.decode()


async def test_an_update_aiogram_cannot_read_is_skipped_and_everything_after_it_answered(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    bot = await start_bot(base_env(telegram, cromicle), workdir)
    await telegram.wait_for(lambda: telegram.waiting_polls > 0, timeout=30)
    # One batch: a readable update, one whose text is not a string, two readable ones.
    telegram.add_message(1, "first")
    poison = telegram.add_update(private_message(0, 2, {"my": "private words"}))
    telegram.add_message(3, "third")
    telegram.add_message(4, "fourth")
    await telegram.wait_for(
        lambda: (
            [telegram.visible_texts(chat) for chat in (1, 3, 4)]
            == [[echo_answer(text)] for text in ("first", "third", "fourth")]
        ),
        timeout=30,
    )
    telegram.add_message(5, "later")
    await telegram.wait_for(lambda: telegram.visible_texts(5) == [echo_answer("later")], 30)
    assert await bot.stop() == 0
    log = bot.stderr.decode()
    assert len([line for line in log.splitlines() if f"skipped update {poison}" in line]) == 1
    assert "private words" not in log and "Traceback" not in log
    assert telegram.visible_texts(2) == []
    assert len(telegram.calls_for("getUpdates")) < 20  # not asking for the same batch in a loop


async def test_an_update_telegram_sends_again_is_answered_once(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    bot = await start_bot(base_env(telegram, cromicle), workdir)
    telegram.add_message(CHAT, "once")
    await telegram.wait_for(lambda: telegram.visible_texts(CHAT) == [echo_answer("once")], 30)
    (first,) = [c.result[0]["update_id"] for c in telegram.calls_for("getUpdates") if c.result]
    telegram.resend(first)
    telegram.add_message(CHAT + 1, "after it")  # answered after the repeat was dealt with
    await telegram.wait_for(lambda: bool(telegram.visible_texts(CHAT + 1)), timeout=30)
    assert await bot.stop() == 0
    assert telegram.visible_texts(CHAT) == [echo_answer("once")]
    assert [r.json["message"] for r in cromicle.requests] == ["once", "after it"]


async def test_an_update_posted_twice_to_the_webhook_is_answered_once(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    port = free_port()
    bot = await start_bot(base_env(telegram, cromicle, **webhook_env(port)), workdir)
    await telegram.wait_for(lambda: telegram.webhook is not None, timeout=30)
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s" * 40}
    async with aiohttp.ClientSession() as http:
        hook = f"http://127.0.0.1:{port}/hook"
        for update_id, chat in ((10, CHAT), (10, CHAT), (11, CHAT + 1), (10, CHAT)):
            body = private_message(update_id, chat, f"question {update_id}")
            async with http.post(hook, json=body, headers=headers) as answer:
                assert answer.status == 200
    await telegram.wait_for(lambda: bool(telegram.visible_texts(CHAT + 1)), timeout=30)
    assert await bot.stop() == 0
    assert telegram.visible_texts(CHAT) == [echo_answer("question 10")]
    assert [r.json["message"] for r in cromicle.requests] == ["question 10", "question 11"]


async def test_an_input_of_exactly_max_input_chars_is_answered_one_more_is_refused(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    bot = await start_bot(base_env(telegram, cromicle, MAX_INPUT_CHARS="50"), workdir)
    telegram.add_message(1, "x" * 50)
    telegram.add_message(2, "y" * 51)
    await telegram.wait_for(
        lambda: (
            telegram.visible_texts(1) == [echo_answer("x" * 50)]
            and len(telegram.visible_texts(2)) == 1
        ),
        timeout=30,
    )
    assert await bot.stop() == 0
    assert [r.json["message"] for r in cromicle.requests] == ["x" * 50]
    assert "51" in telegram.visible_texts(2)[0] and "50" in telegram.visible_texts(2)[0]


async def test_bot_api_5xx_and_network_errors_mid_answer_are_retried_to_the_exact_text(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    chunks = [f"part {n}. " for n in range(12)]
    cromicle.push(Script(chunks=chunks, delay=0.15))
    telegram.fail_next("sendMessage", chat_id=CHAT, error_code=503)
    telegram.fail_next("editMessageText", chat_id=CHAT, error_code=500)
    telegram.fail_next("editMessageText", chat_id=CHAT, error_code=502, html=True)
    bot = await start_bot(base_env(telegram, cromicle), workdir)
    telegram.add_message(CHAT, "long one")
    await telegram.wait_for(lambda: len(telegram.calls_for("editMessageText", CHAT)) >= 2, 30)
    telegram.lose_next("editMessageText", chat_id=CHAT)  # done, but the answer never arrives
    await telegram.wait_for(lambda: telegram.visible_texts(CHAT) == ["".join(chunks).strip()], 30)
    assert await bot.stop() == 0
    assert [c.status for c in telegram.calls_for("sendMessage", CHAT)] == [503, 200]
    edits = telegram.calls_for("editMessageText", CHAT)
    assert [c.status for c in edits][:2] == [500, 502]
    assert any(c.lost for c in edits)  # and its retry found the text already there
