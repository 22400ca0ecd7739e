"""The real bot with a local OpenAI-compatible server that lists models and reports usage:
/model by keyboard and by name (the next request carries the model), /mode, budgets (a note
and no request), /usage, /stats, /metrics scraped and parsed with prometheus-client's own
parser, and a model choice that survives a restart on a real Redis."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.usage import next_midnight
from tests.conftest import BotFactory
from tests.servers.backends import FakeCromicle, FakeOpenAI, Script, echo_answer
from tests.servers.counting_backend import CountingOpenAI
from tests.servers.telegram import FakeTelegram
from tests.support.process import base_env, free_port, start_bot
from tests.support.redis_server import RedisServer

CHAT = 1001
ADMIN = 2002
MODELS = ["alpha", "beta", "gamma"]


@pytest.fixture
async def counting() -> AsyncIterator[CountingOpenAI]:
    async with CountingOpenAI(MODELS, prompt_tokens=11, completion_tokens=7) as server:
        yield server


def openai(server: CountingOpenAI, **more: Any) -> dict[str, Any]:
    return {"backend": "openai", "openai_base_url": server.url, "model": "alpha", **more}


def keyboard(telegram: FakeTelegram, chat: int) -> tuple[int, list[tuple[str, str]]] | None:
    """The newest bot message with buttons: its id, and each button's (text, data)."""
    for shown in reversed(telegram.bot_messages(chat)):
        stored = telegram.message(chat, shown.message_id) or {}
        markup = stored.get("reply_markup")
        if markup:
            buttons = [(b["text"], b["callback_data"]) for row in markup["inline_keyboard"]
                       for b in row]  # fmt: skip
            return shown.message_id, buttons
    return None


def text_of(telegram: FakeTelegram, chat: int, message_id: int) -> str:
    return str((telegram.message(chat, message_id) or {}).get("text", ""))


async def say(
    telegram: FakeTelegram, chat: int, text: str, timeout: float = 10, **options: Any
) -> str:
    """The user writes `text`; returns the bot's next new message once it has arrived."""
    before = len(telegram.visible_texts(chat))
    telegram.add_message(chat, text, **options)
    await telegram.wait_for(lambda: len(telegram.visible_texts(chat)) > before, timeout)
    return telegram.visible_texts(chat)[before]


async def counted(dispatcher: Any, user: int, answers: int) -> None:
    """Wait until `answers` answers of `user` are in the ledger: an answer is recorded just
    after its last edit, and /usage does not wait in the chat's line."""
    async with asyncio.timeout(10):
        while (await dispatcher["ledger"].figures(user, datetime.now(UTC)))[0].answers < answers:
            await asyncio.sleep(0.02)


async def test_model_keyboard_tap_and_name_switch_the_model_asked(
    telegram: FakeTelegram, counting: CountingOpenAI, bot: BotFactory
) -> None:
    async with bot(**openai(counting)):
        shown = await say(telegram, CHAT, "/model")
        assert shown == "Model for this chat: alpha. Tap another to switch."
        found = keyboard(telegram, CHAT)
        assert found is not None
        message_id, buttons = found
        assert buttons == [("✅ alpha", "model:alpha"), ("beta", "model:beta"),
                           ("gamma", "model:gamma")]  # fmt: skip

        telegram.add_callback_query(CHAT, message_id, "model:beta")
        await telegram.wait_for(lambda: len(telegram.callback_answers) == 1)
        assert text_of(telegram, CHAT, message_id) == "Done: this chat now uses beta."
        assert keyboard(telegram, CHAT) == (
            message_id,
            [("alpha", "model:alpha"), ("✅ beta", "model:beta"), ("gamma", "model:gamma")],
        )
        assert await say(telegram, CHAT, "one") == echo_answer("one")

        assert await say(telegram, CHAT, "/model gamma") == "Done: this chat now uses gamma."
        await say(telegram, CHAT, "/reset")  # the choice survives it
        assert await say(telegram, CHAT, "two") == echo_answer("two")

        unknown = await say(telegram, CHAT, "/model nope")
        assert unknown == "The model nope is not offered here. Choose one of these:"
        # A tap on an old keyboard naming a model that is gone: the current list, no switch.
        telegram.add_callback_query(CHAT, message_id, "model:vanished")
        await telegram.wait_for(lambda: len(telegram.callback_answers) == 2)
        assert text_of(telegram, CHAT, message_id).startswith("That model is no longer offered")
        assert await say(telegram, CHAT, "three") == echo_answer("three")

        back = await say(telegram, CHAT, "/model default")
        assert back == "Done: this chat uses the default model, alpha, again."
        assert await say(telegram, CHAT, "four") == echo_answer("four")
    assert [r.json["model"] for r in counting.requests] == ["beta", "gamma", "gamma", "alpha"]
    assert all(r.json["stream_options"] == {"include_usage": True} for r in counting.requests)


async def test_only_group_admins_switch_the_model(
    telegram: FakeTelegram, counting: CountingOpenAI, bot: BotFactory
) -> None:
    group = -100777
    telegram.set_admins(group, [ADMIN])
    async with bot(**openai(counting)):
        refused = await say(telegram, group, "/model beta", user_id=CHAT)
        assert refused == "Only the group's administrators can change its model."
        chosen = await say(telegram, group, "/model beta", user_id=ADMIN)
        assert chosen == "Done: this chat now uses beta."
        await say(telegram, group, "/model", user_id=CHAT)  # anyone may look
        found = keyboard(telegram, group)
        assert found is not None and ("✅ beta", "model:beta") in found[1]
        telegram.add_callback_query(group, found[0], "model:gamma", user_id=CHAT)
        await telegram.wait_for(lambda: len(telegram.callback_answers) == 1)
        answer = telegram.callback_answers[0]
        assert answer["text"] == "Only the group's administrators can change its model."
        assert answer["show_alert"] in (True, "true")
        assert text_of(telegram, group, found[0]).startswith("Model for this chat: beta.")


async def test_a_persona_sets_instructions_model_and_temperature(
    telegram: FakeTelegram, counting: CountingOpenAI, bot: BotFactory, tmp_path: Path
) -> None:
    personas = tmp_path / "personas.yaml"
    personas.write_text(
        "- name: poet\n  title: Poet\n  prompt: Answer in verse.\n  model: gamma\n"
        "  temperature: 1.5\n"
        "- name: plain\n  title: Plain\n  prompt: Be plain.\n"
    )
    async with bot(**openai(counting, personas_file=personas, system_prompt="Default.")):
        assert (
            await say(telegram, CHAT, "/mode") == "This chat has no persona. Tap one to choose it:"
        )
        found = keyboard(telegram, CHAT)
        assert found is not None and found[1] == [("Poet", "mode:poet"), ("Plain", "mode:plain")]
        telegram.add_callback_query(CHAT, found[0], "mode:poet")
        await telegram.wait_for(lambda: len(telegram.callback_answers) == 1)
        chosen = "Done: Poet from now on in this chat, with the model gamma."
        assert text_of(telegram, CHAT, found[0]) == chosen
        await say(telegram, CHAT, "a question")
        assert await say(telegram, CHAT, "/system Be brief.") == (
            "Done: the model follows these instructions in this chat from now on."
        )
        await say(telegram, CHAT, "another")
        assert await say(telegram, CHAT, "/mode plain") == "Done: Plain from now on in this chat."
        await say(telegram, CHAT, "plainly")
        assert await say(telegram, CHAT, "/mode default") == (
            "Done: no persona; this chat uses the default instructions again."
        )
        await say(telegram, CHAT, "by default")
    first, second, third, fourth = (r.json for r in counting.requests)
    assert third["messages"][0] == {"role": "system", "content": "Be plain."}
    assert "temperature" not in third and third["model"] == "gamma"  # the model stays
    assert fourth["messages"][0] == {"role": "system", "content": "Default."}
    assert first["model"] == "gamma" and first["temperature"] == 1.5
    assert first["messages"][0] == {"role": "system", "content": "Answer in verse."}
    # /system still overrides the persona's instructions; its model and temperature stay.
    assert second["messages"][0] == {"role": "system", "content": "Be brief."}
    assert second["model"] == "gamma" and second["temperature"] == 1.5


async def test_a_user_over_the_daily_budget_gets_a_note_and_no_request(
    telegram: FakeTelegram, counting: CountingOpenAI, bot: BotFactory
) -> None:
    async with bot(**openai(counting, daily_token_limit=10, admin_users=[ADMIN])):
        # The answer that crosses the limit (18 tokens of 10) is finished...
        assert await say(telegram, CHAT, "first") == echo_answer("first")
        # ...and the next question gets the note, without a request.
        note = await say(telegram, CHAT, "second")
        assert len(counting.requests) == 1
        # ADMIN_USERS have no limits.
        await say(telegram, ADMIN, "first")
        assert await say(telegram, ADMIN, "second") == echo_answer("second")
    midnight = next_midnight(datetime.now(UTC))
    assert note == (
        f"You have used your daily limit of 10 tokens. It resets at {midnight:%Y-%m-%d} 00:00 UTC."
    )
    assert len(counting.requests) == 3


async def test_usage_shows_three_answers_reported_by_the_server(
    telegram: FakeTelegram, counting: CountingOpenAI, bot: BotFactory
) -> None:
    settings = openai(counting, daily_token_limit=1000, monthly_token_limit=20000)
    async with bot(**settings) as dispatcher:
        for question in ("one", "two", "three"):
            await say(telegram, CHAT, question)
        await counted(dispatcher, CHAT, 3)
        shown = await say(telegram, CHAT, "/usage")
    assert shown == (
        "Your tokens\nToday: 54 (3)\nThis month: 54 (3)\n"
        "Your limits: 1,000 a day, 20,000 a month (UTC)."
    )


async def test_usage_of_a_server_that_reports_none_is_an_estimate(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot() as dispatcher:
        await say(telegram, CHAT, "hello")  # 5 characters in, 11 out: 2 + 3 tokens
        await counted(dispatcher, CHAT, 1)
        shown = await say(telegram, CHAT, "/usage")
    assert shown == (
        "Your tokens\nToday: 5 (1)\nThis month: 5 (1)\n"
        "Of these, 5 are estimated from characters.\nYou have no limits."
    )


async def test_stats_for_an_admin_only(
    telegram: FakeTelegram, counting: CountingOpenAI, bot: BotFactory
) -> None:
    async with bot(**openai(counting, admin_users=[ADMIN])) as dispatcher:
        await say(telegram, CHAT, "hi")
        await say(telegram, ADMIN, "hi")
        await say(telegram, CHAT, "/model beta")
        await say(telegram, CHAT, "hi again")
        await counted(dispatcher, CHAT, 2)
        await counted(dispatcher, ADMIN, 1)
        refused = await say(telegram, CHAT, "/stats")
        shown = await say(telegram, ADMIN, "/stats")
    assert refused == "/stats is for the bot's administrators only."
    today = datetime.now(UTC).date().isoformat()
    lines = shown.splitlines()
    assert lines[0] == "Tokens (answers) by day, UTC:"
    assert lines[7] == f"{today}: 54 (3)"  # 7 days, oldest first
    models = lines[lines.index("By model, these 7 days:") + 1 :]
    assert models[:2] == ["alpha: 36 (2)", "beta: 18 (1)"]
    assert lines[-2:] == [f"{CHAT}: 36", f"{ADMIN}: 18"]


async def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    async with aiohttp.ClientSession() as http, http.get(url) as answer:
        assert answer.status == 200
        text = await answer.text()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_metrics_scraped_after_answers_count_what_happened(
    telegram: FakeTelegram, counting: CountingOpenAI, bot: BotFactory
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/metrics"
    async with bot(**openai(counting, metrics_port=port, daily_token_limit=30)):
        await say(telegram, CHAT, "one")
        await say(telegram, CHAT, "two")  # 36 tokens of 30 now
        await say(telegram, CHAT, "three")  # refused: no request, no answer counted
        samples = await scrape(url)

        def value(name: str, **labels: str) -> float:
            return samples.get((name, tuple(sorted(labels.items()))), 0.0)

        async with asyncio.timeout(10):  # an answer is counted just after its last edit
            while value("bot_answers_total", ending="complete") < 2:
                await asyncio.sleep(0.05)
                samples = await scrape(url)
    assert value("bot_answers_total", ending="complete") == 2
    assert value("bot_answers_total", ending="failed") == 0
    assert value("bot_answer_first_text_seconds_count") == 2
    assert value("bot_answer_duration_seconds_count", ending="complete") == 2
    tokens = {"model": "alpha", "source": "reported"}
    assert value("bot_model_tokens_total", kind="prompt", **tokens) == 22
    assert value("bot_model_tokens_total", kind="completion", **tokens) == 14
    assert value("bot_backend_requests_total", backend="openai", outcome="ok") == 2
    sent = len(telegram.calls_for("sendMessage"))
    assert value("bot_telegram_requests_total", method="sendMessage", outcome="ok") == sent
    assert value("bot_answers_in_progress") == 0
    assert value("bot_questions_queued") == 0


async def test_model_choice_survives_a_restart_with_redis(
    telegram: FakeTelegram,
    cromicle: FakeCromicle,
    counting: CountingOpenAI,
    redis_server: RedisServer,
    workdir: Path,
) -> None:
    env = base_env(
        telegram,
        cromicle,
        REDIS_URL=redis_server.url,
        BACKEND="openai",
        OPENAI_BASE_URL=counting.url,
        MODEL="alpha",
        SHUTDOWN_GRACE="3",
    )
    process = await start_bot(env, workdir)
    try:
        chosen = await say(telegram, CHAT, "/model beta", timeout=60)
    finally:
        assert await process.stop() == 0, process.stderr.decode()
    process = await start_bot(env, workdir)
    try:
        await say(telegram, CHAT, "/reset", timeout=60)
        answered = await say(telegram, CHAT, "hi", timeout=30)
    finally:
        assert await process.stop() == 0, process.stderr.decode()
    assert chosen == "Done: this chat now uses beta."
    assert answered == echo_answer("hi")
    assert [r.json["model"] for r in counting.requests] == ["beta"]


async def test_a_chosen_model_is_asked_only_of_the_backends_that_serve_it(
    telegram: FakeTelegram, cromicle: FakeCromicle, counting: CountingOpenAI, bot: BotFactory
) -> None:
    port = free_port()
    chain = {"backend": "openai,cromicle", "metrics_port": port}
    async with bot(**openai(counting, **chain)):
        await say(telegram, CHAT, "/model beta")
        assert await say(telegram, CHAT, "one") == echo_answer("one")
        counting.push(Script(status=503, error_body="overloaded"))
        failed = await say(telegram, CHAT, "two")  # Cromicle lists no beta: not asked
        assert not cromicle.requests
        await say(telegram, CHAT, "/model default")
        counting.push(Script(status=503, error_body="overloaded"))
        three = await say(telegram, CHAT, "three")  # MODEL: every backend, so Cromicle
        samples = await scrape(f"http://127.0.0.1:{port}/metrics")
    assert failed.startswith("Sorry, I could not get an answer: the model service is unavailable")
    assert [r.json["model"] for r in counting.requests] == ["beta", "beta", "alpha"]
    assert len(cromicle.requests) == 1 and three.startswith("Echo: User: one")
    requests = {
        labels: value
        for (name, labels), value in samples.items()
        if name == "bot_backend_requests_total" and value
    }
    assert requests == {
        (("backend", "openai"), ("outcome", "ok")): 1,
        (("backend", "openai"), ("outcome", "unavailable")): 2,
        (("backend", "cromicle"), ("outcome", "ok")): 1,
    }


async def test_a_budget_holds_across_replicas_sharing_redis(
    telegram: FakeTelegram, counting: CountingOpenAI, bot: BotFactory, redis_server: RedisServer
) -> None:
    shared = openai(counting, redis_url=redis_server.url, daily_token_limit=10)
    async with bot(**shared):  # one replica answers, and the answer crosses the limit
        assert await say(telegram, CHAT, "first") == echo_answer("first")
    async with bot(**shared):  # another (or the same, restarted) sees it in Redis
        note = await say(telegram, CHAT, "second")
        usage = await say(telegram, CHAT, "/usage")
    assert note.startswith("You have used your daily limit of 10 tokens.")
    assert usage.startswith("Your tokens\nToday: 18 (1)\n")
    assert len(counting.requests) == 1


async def test_a_metrics_port_in_use_is_logged_and_the_bot_answers_on(
    telegram: FakeTelegram, bot: BotFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with bot(metrics_port=port):
            assert await say(telegram, CHAT, "still there?") == echo_answer("still there?")
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any(f"metrics: cannot listen on 127.0.0.1:{port}" in e for e in errors)


async def test_a_backend_whose_model_list_fails_offers_model_only_and_says_why(
    telegram: FakeTelegram, counting: CountingOpenAI, bot: BotFactory
) -> None:
    counting.models_status = 500
    async with bot(**openai(counting)):
        shown = await say(telegram, CHAT, "/model")
        found = keyboard(telegram, CHAT)
        refused = await say(telegram, CHAT, "/model beta")
    assert shown.splitlines() == [
        "Model for this chat: alpha. Tap another to switch.",
        f"openai offers alpha only: {counting.url}/models answered HTTP 500 (models are down)",
    ]
    assert found is not None and found[1] == [("✅ alpha", "model:alpha")]
    assert refused.splitlines()[0] == "The model beta is not offered here. Choose one of these:"


async def test_a_server_that_refuses_stream_options_is_asked_without_them(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    def script(body: dict[str, Any]) -> Script:
        if "stream_options" in body:
            return Script(
                status=400, error_body="Unrecognized request argument supplied: stream_options"
            )
        return Script(chunks=["Fine."])

    openai_server.set_default(script)
    async with bot(backend="openai", openai_base_url=openai_server.url) as dispatcher:
        assert await say(telegram, CHAT, "one") == "Fine."
        assert await say(telegram, CHAT, "two") == "Fine."
        await counted(dispatcher, CHAT, 2)
        shown = await say(telegram, CHAT, "/usage")
    asked = ["stream_options" in r.json for r in openai_server.requests]
    assert asked == [True, False, False]  # refused once, then never asked again
    assert "are estimated from characters" in shown
