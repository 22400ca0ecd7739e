"""The real process, `python -m bot`: configuration errors, logs, SIGTERM, webhook mode."""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import time
from pathlib import Path

import aiohttp

from tests.servers.backends import FakeCromicle, FakeOpenAI, Script, echo_answer
from tests.servers.proxy import FakeProxy
from tests.servers.telegram import FakeTelegram
from tests.support.process import TOKEN, base_env, free_port, run_to_end, start_bot, webhook_env

CHAT = 1001
SECRET = "s" * 40


async def test_without_a_token_it_says_what_to_set_and_exits_2(workdir: Path) -> None:
    env = {"PATH": os.environ.get("PATH", "")}
    code, out, err = await run_to_end(env, workdir)
    assert code == 2
    assert "BOT_TOKEN" in err and "set" in err
    assert "Traceback" not in err + out


async def test_invalid_setting_is_named_without_showing_the_token(workdir: Path) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "BOT_TOKEN": TOKEN, "BACKEND_TIMEOUT": "soon"}
    code, _, err = await run_to_end(env, workdir)
    assert code == 2
    assert "BACKEND_TIMEOUT" in err
    assert "TEST-TOKEN" not in err and "Traceback" not in err


async def test_logs_have_one_line_per_answer_and_no_token_or_texts(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    bot = await start_bot(base_env(telegram, cromicle), workdir)
    telegram.add_message(CHAT, "my very private question")
    await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1, timeout=30)
    assert await bot.stop() == 0
    log = bot.stderr.decode()
    assert "TEST-TOKEN" not in log
    assert "private question" not in log
    lines = [line for line in log.splitlines() if "answer chat=1001" in line]
    assert len(lines) == 1
    assert "backend=cromicle" in lines[0] and "outcome=complete" in lines[0]


async def test_sigterm_lets_a_short_answer_finish(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    chunks = ["Finishing", " within", " the", " grace", " period."]
    cromicle.push(Script(chunks=chunks, delay=0.3))
    bot = await start_bot(base_env(telegram, cromicle, SHUTDOWN_GRACE="20"), workdir)
    telegram.add_message(CHAT, "x")
    await telegram.wait_for(lambda: telegram.visible_texts(CHAT) == ["Finishing"], timeout=30)
    bot.process.send_signal(signal.SIGTERM)
    assert await bot.stop() == 0
    assert telegram.visible_texts(CHAT) == ["".join(chunks)]


async def test_sigterm_past_the_grace_ends_the_answer_with_a_visible_note(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    cromicle.push(Script(chunks=[f"part{n} " for n in range(40)], delay=0.25))
    bot = await start_bot(base_env(telegram, cromicle, SHUTDOWN_GRACE="1"), workdir)
    telegram.add_message(CHAT, "x")
    await telegram.wait_for(lambda: telegram.visible_texts(CHAT) == ["part0"], timeout=30)
    assert await bot.stop(signal.SIGTERM) == 0
    (final,) = telegram.visible_texts(CHAT)
    assert final.startswith("part0 part1 part2")  # it went on during the grace second
    assert final.endswith("⚠️ The answer was interrupted: the bot is restarting. Please ask again.")
    assert "part39" not in final


async def test_webhook_mode_checks_the_secret_serves_health_and_answers(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    port = free_port()
    env = base_env(
        telegram,
        cromicle,
        WEBHOOK_URL="https://bot.example.invalid/hook",
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_HOST="127.0.0.1",
        WEBHOOK_PORT=str(port),
        WEBHOOK_PATH="/hook",
    )
    bot = await start_bot(env, workdir)
    await telegram.wait_for(lambda: telegram.webhook is not None, timeout=30)
    assert telegram.webhook is not None
    assert telegram.webhook["url"] == "https://bot.example.invalid/hook"
    assert telegram.webhook["secret_token"] == SECRET
    assert not telegram.calls_for("getUpdates")
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": CHAT, "type": "private"},
            "from": {"id": CHAT, "is_bot": False, "first_name": "Alice"},
            "text": "via webhook",
        },
    }
    url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{url}/healthz") as health:
            assert health.status == 200
        async with http.post(f"{url}/hook", json=update) as missing:
            assert missing.status == 401
        wrong = {"X-Telegram-Bot-Api-Secret-Token": "x" * 40}
        async with http.post(f"{url}/hook", json=update, headers=wrong) as rejected:
            assert rejected.status == 401
        assert not cromicle.requests
        right = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with http.post(f"{url}/hook", json=update, headers=right) as accepted:
            assert accepted.status == 200
    await telegram.wait_for(
        lambda: telegram.visible_texts(CHAT) == [echo_answer("via webhook")], timeout=30
    )
    assert await bot.stop() == 0
    assert len(cromicle.requests) == 1


async def test_check_passes_with_every_part_up(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    code, out, _ = await run_to_end(base_env(telegram, cromicle), workdir, "check")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith("✓ settings")
    assert any(line.startswith("✓ Bot API: @test_bot") for line in lines)
    assert any(line.startswith("✓ backend cromicle: answered") for line in lines)


async def test_check_explains_each_failure_and_exits_1(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    env = base_env(
        telegram,
        cromicle,
        BOT_TOKEN="999:WRONG",
        BACKEND="openai,cromicle",
        OPENAI_BASE_URL="http://127.0.0.1:9/v1",
    )
    cromicle.push(Script(status=401, error_body="invalid API key"))
    code, out, err = await run_to_end(env, workdir, "check")
    assert code == 1
    assert "✗ Bot API: the Bot API rejected BOT_TOKEN" in out
    assert "✗ backend openai: connection refused at http://127.0.0.1:9/v1" in out
    assert "✗ backend cromicle: HTTP 401 from" in out and "invalid API key" in out
    assert "WRONG" not in out + err


async def test_debug_logs_of_an_unreachable_api_server_never_show_the_token(
    workdir: Path, cromicle: FakeCromicle
) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": f"http://127.0.0.1:{free_port()}",
        "CROMICLE_URL": cromicle.url,
        "LOG_LEVEL": "DEBUG",
    }
    bot = await start_bot(env, workdir)
    assert bot.process.stderr is not None
    seen = b""
    while b"Traceback" not in seen and b"Error" not in seen and len(seen) < 100_000:
        line = await asyncio.wait_for(bot.process.stderr.readline(), 30)
        if not line:
            break
        seen += line
    await bot.stop()
    log = (seen + bot.stderr).decode()
    assert "Error" in log or "Traceback" in log  # it did log the failure
    assert "TEST-TOKEN" not in log


async def test_check_says_what_answered_when_the_api_url_is_not_a_bot_api(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    telegram.fail_next("getMe", error_code=404, html=True)
    code, out, err = await run_to_end(base_env(telegram, cromicle), workdir, "check")
    assert code == 1
    assert f"✗ Bot API: {telegram.base_url} answered an HTML page (404 Not Found)" in out
    assert "not the Bot API" in out
    assert "Traceback" not in out + err
    env = base_env(telegram, cromicle, TELEGRAM_API_URL=cromicle.url)  # a web server, not Telegram
    code, out, err = await run_to_end(env, workdir, "check")
    assert code == 1
    assert f"✗ Bot API: {cromicle.url} answered '404: Not Found', not the Bot API" in out
    assert "✓ backend cromicle: answered" in out
    assert "Traceback" not in out + err


async def test_check_prints_each_line_as_soon_as_its_check_ends(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    telegram.delay_method("getMe", 120)
    bot = await start_bot(base_env(telegram, cromicle), workdir, "check")
    assert bot.process.stdout is not None
    # getMe is held (until released below, or the bot's 20 s timeout): without a flush the
    # line would come only after it.
    first = await asyncio.wait_for(bot.process.stdout.readline(), 15)
    assert first.decode().startswith("✓ settings: valid")
    await telegram.wait_for(lambda: telegram.held == 1, timeout=30)
    telegram.delay_method("getMe", 0)
    second = await asyncio.wait_for(bot.process.stdout.readline(), 30)
    assert second.decode().startswith("✓ Bot API: @test_bot")
    assert await asyncio.wait_for(bot.process.wait(), 30) == 0


async def test_check_hints_at_v1_when_the_openai_base_url_lacks_it(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    async with FakeOpenAI() as openai:
        root = openai.url.removesuffix("/v1")
        env = base_env(telegram, cromicle, BACKEND="openai", OPENAI_BASE_URL=root)
        code, out, _ = await run_to_end(env, workdir, "check")
    assert code == 1
    assert f"✗ backend openai: HTTP 404 from {root}/chat/completions" in out
    assert f"OPENAI_BASE_URL usually ends in /v1: try {root}/v1" in out


async def test_health_follows_polling_through_a_heartbeat_file(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    heartbeat = workdir / "heartbeat"
    heartbeat.touch()
    old = time.time() - 600
    os.utime(heartbeat, (old, old))  # left by a run that stopped polling 10 minutes ago
    env = base_env(telegram, cromicle, HEARTBEAT_FILE=str(heartbeat))
    code, out, _ = await run_to_end(env, workdir, "health")
    assert code == 1 and out.startswith("✗ polling stalled: no successful getUpdates for 6")

    bot = await start_bot(env, workdir)
    telegram.add_message(CHAT, "x")  # ends the first long poll at once
    await telegram.wait_for(lambda: heartbeat.exists() and heartbeat.stat().st_mtime > old + 1)
    code, out, _ = await run_to_end(env, workdir, "health")
    assert code == 0 and out.startswith("✓ polling: last successful getUpdates")

    # Every getUpdates fails from now on; the process runs, but it is not healthy.
    telegram.fail_next("getUpdates", error_code=502, count=1_000_000)
    await telegram.wait_for(lambda: telegram.calls_for("getUpdates")[-1].status == 502, 30)
    os.utime(heartbeat, (old, old))  # as if a minute and more had passed since
    code, out, _ = await run_to_end(env, workdir, "health")
    assert code == 1 and out.startswith("✗ polling stalled")

    assert await bot.stop() == 0
    assert not heartbeat.exists()
    code, out, _ = await run_to_end(env, workdir, "health")
    assert code == 1 and out.startswith("✗ not polling")


async def test_health_in_webhook_mode_asks_the_webhook_server(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    env = base_env(telegram, cromicle, **webhook_env(free_port()))
    code, out, _ = await run_to_end(env, workdir, "health")
    assert code == 1 and "does not answer" in out
    bot = await start_bot(env, workdir)
    await telegram.wait_for(lambda: telegram.webhook is not None, timeout=30)
    code, out, _ = await run_to_end(env, workdir, "health")
    assert code == 0 and "answered 200" in out
    assert await bot.stop() == 0


async def test_help_lists_the_commands_and_points_to_the_settings(workdir: Path) -> None:
    env = {"PATH": os.environ.get("PATH", "")}  # no token needed to read the help
    code, out, err = await run_to_end(env, workdir, "--help")
    assert code == 0 and not err
    assert "usage: python -m bot [run | check | health]" in out
    assert "run     answer messages (the default)" in out
    assert "check   " in out and "health  " in out
    assert "docs/settings.md" in out
    assert "3 Telegram rejected BOT_TOKEN" in out
    code, out, err = await run_to_end(env, workdir, "frobnicate")
    assert code == 2 and "unknown command 'frobnicate'" in err and "Traceback" not in err


async def test_debug_logs_never_show_the_key_the_webhook_secret_or_proxy_credentials(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    key, secret = "sk-never-in-logs-123", "w" * 40
    async with FakeOpenAI() as openai, FakeProxy() as proxy:
        port = free_port()
        env = base_env(
            telegram,
            cromicle,
            LOG_LEVEL="DEBUG",
            BACKEND="openai",
            OPENAI_BASE_URL=openai.url,
            OPENAI_API_KEY=key,
            PROXY=proxy.url_with("proxy-user", "proxy-pass"),
            **webhook_env(port, secret),
        )
        bot = await start_bot(env, workdir)
        await telegram.wait_for(lambda: telegram.webhook is not None, timeout=30)
        hook = f"http://127.0.0.1:{port}/hook"
        body = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": CHAT, "type": "private"},
                "from": {"id": CHAT, "is_bot": False, "first_name": "Alice"},
                "text": "through the proxy",
            },
        }
        async with aiohttp.ClientSession() as http:
            for token in (secret, "x" * 40):
                headers = {"X-Telegram-Bot-Api-Secret-Token": token}
                async with http.post(hook, json=body, headers=headers):
                    pass
        await telegram.wait_for(
            lambda: telegram.visible_texts(CHAT) == [echo_answer("through the proxy")], 30
        )
        assert await bot.stop() == 0
    # The backend calls, the start-up probe included, went through the proxy, with its login.
    assert {p.url for p in proxy.passages} == {
        f"{openai.url}/models",
        f"{openai.url}/chat/completions",
    }
    login = "Basic " + base64.b64encode(b"proxy-user:proxy-pass").decode()
    assert all(p.proxy_authorization == login for p in proxy.passages)
    assert openai.requests[0].headers["authorization"] == f"Bearer {key}"
    log = bot.stderr.decode()
    assert "DEBUG" in log and f"via proxy http://127.0.0.1:{proxy.port}" in log
    for leak in (key, secret, "proxy-pass", "proxy-user", "TEST-TOKEN", login):
        assert leak not in log
