"""The real process at start: readable settings errors, a rejected token, a Bot API that is
failing, the backends it uses and whether they answer, and `--help`."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from tests.servers.backends import FakeCromicle, FakeOpenAI, echo_answer
from tests.servers.telegram import FakeTelegram
from tests.support.process import (
    TOKEN,
    base_env,
    free_port,
    run_to_end,
    start_bot,
    webhook_env,
)

CHAT = 1001


async def test_invalid_settings_are_explained_in_plain_words(workdir: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": "api.telegram.org",
        "WEBHOOK_PATH": "hook",
        "ALLOWED_USERS": "12,abc",
        "TELEGRAM_RATE": "nan",
        "HISTORY_TTL": "inf",
    }
    code, out, err = await run_to_end(env, workdir)
    assert code == 2
    assert "TELEGRAM_API_URL must be a full address starting with http:// or https://" in err
    assert "WEBHOOK_PATH must start with /" in err
    assert "ALLOWED_USERS has 'abc', which is not a numeric user id" in err
    assert "not @usernames" in err
    assert "TELEGRAM_RATE must be a finite number" in err
    assert "HISTORY_TTL must be a finite number" in err
    assert "relative URL" not in err and "pattern" not in err and "Input should" not in err
    assert "Traceback" not in err + out


async def test_a_token_telegram_rejects_ends_the_process_with_one_paragraph_and_status_3(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    env = base_env(telegram, cromicle, BOT_TOKEN="999:WRONG")
    code, out, err = await run_to_end(env, workdir)
    assert code == 3
    assert "Telegram rejected BOT_TOKEN (401 Unauthorized" in err
    assert "@BotFather" in err
    assert "Traceback" not in err + out
    assert "WRONG" not in err
    assert len([line for line in err.splitlines() if "BOT_TOKEN" in line]) == 1


async def test_a_token_rejected_in_webhook_mode_ends_the_same_way(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    env = base_env(telegram, cromicle, BOT_TOKEN="999:WRONG", **webhook_env(free_port()))
    code, out, err = await run_to_end(env, workdir)
    assert code == 3
    assert "Telegram rejected BOT_TOKEN" in err and "Traceback" not in err + out


async def test_a_failing_bot_api_at_start_is_waited_out_and_the_bot_answers(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    telegram.fail_next("getMe", error_code=502, html=True)
    telegram.fail_next("deleteWebhook", error_code=500)
    telegram.fail_next("setMyCommands", error_code=429, retry_after=2)
    bot = await start_bot(base_env(telegram, cromicle), workdir)
    telegram.add_message(CHAT, "still there?")
    await telegram.wait_for(
        lambda: telegram.visible_texts(CHAT) == [echo_answer("still there?")], timeout=30
    )
    await telegram.wait_for(lambda: len(telegram.calls_for("setMyCommands")) == 3, timeout=30)
    assert await bot.stop() == 0
    menu = telegram.calls_for("setMyCommands")
    assert [c.status for c in menu] == [429, 200, 200]
    assert menu[1].at - menu[0].at >= 2  # exactly as long as retry_after said
    assert [c.status for c in telegram.calls_for("getMe")][:2] == [502, 200]
    assert "Traceback" not in bot.stderr.decode()


async def test_a_command_menu_telegram_refuses_is_a_warning_not_a_stop(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    telegram.fail_next(
        "setMyCommands", error_code=400, description="Bad Request: BOT_COMMAND_INVALID"
    )
    bot = await start_bot(base_env(telegram, cromicle), workdir)
    telegram.add_message(CHAT, "hello")
    await telegram.wait_for(lambda: telegram.visible_texts(CHAT) == [echo_answer("hello")], 30)
    assert await bot.stop() == 0
    log = bot.stderr.decode()
    warnings = [line for line in log.splitlines() if "command menu" in line]
    assert len(warnings) == 1 and "WARNING" in warnings[0]
    assert "BOT_COMMAND_INVALID" in warnings[0]
    assert "Traceback" not in log


async def test_an_unreachable_backend_gets_one_warning_that_says_what_to_set(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    bot = await start_bot(base_env(telegram, cromicle, CROMICLE_URL=nowhere), workdir)
    assert f"backend: cromicle at {nowhere}" in await bot.log_line("backend: ")
    warning = await bot.log_line("WARNING")
    assert f"backend cromicle is unreachable: connection refused at {nowhere}" in warning
    for advice in ("CROMICLE_URL", "BACKEND=openai", "OPENAI_BASE_URL", "docs/backends.md"):
        assert advice in warning
    telegram.add_message(CHAT, "/start")  # it answers what needs no backend all the same
    await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1, timeout=30)
    assert await bot.stop() == 0
    assert bot.stderr.decode().count("WARNING bot.") == 1


async def test_reachable_backends_are_named_and_probed_without_a_model_call(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    async with FakeOpenAI() as openai:
        env = base_env(
            telegram,
            cromicle,
            BACKEND="openai,cromicle",
            OPENAI_BASE_URL=openai.url,
            OPENAI_API_KEY="sk-probe",
            PROXY="",
        )
        bot = await start_bot(env, workdir)
        line = await bot.log_line("backends, tried in this order")
        assert f"openai at {openai.url}; cromicle at {cromicle.url}" in line
        await bot.log_line("backend openai is reachable")
        await bot.log_line("backend cromicle is reachable")
        assert await bot.stop() == 0
        assert openai.model_lists == 1
        assert not openai.requests and not cromicle.requests  # no question was spent on it
    assert "WARNING bot." not in bot.stderr.decode()


async def test_a_backend_that_never_answers_does_not_hold_up_the_start(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    accepted: list[asyncio.StreamWriter] = []

    async def silent(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)  # holds the connection, says nothing

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        env = base_env(telegram, cromicle, CROMICLE_URL=f"http://127.0.0.1:{port}")
        bot = await start_bot(env, workdir)
        telegram.add_message(CHAT, "/help")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1, timeout=30)
        assert "WARNING" not in bot.stderr.decode()  # the probe is still waiting
        warning = await bot.log_line("WARNING", timeout=30)
        assert "no answer from" in warning and "within 5 s" in warning
        assert await bot.stop() == 0
    finally:
        server.close()
        for writer in accepted:
            writer.close()


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_sigterm_while_start_up_waits_out_an_outage_ends_the_process_at_once(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path, mode: str
) -> None:
    telegram.fail_next("getMe", error_code=502, count=1_000_000)
    extra = webhook_env(free_port()) if mode == "webhook" else {}
    bot = await start_bot(base_env(telegram, cromicle, **extra), workdir)
    await telegram.wait_for(lambda: len(telegram.calls_for("getMe")) >= 2, timeout=30)
    assert await bot.stop(timeout=10) == 0
    log = bot.stderr.decode()
    assert "stopped during start-up" in log and "Traceback" not in log
