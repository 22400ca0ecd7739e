"""Several `python -m bot` processes on one real redis-server acting as one bot: history that
survives a restart, a chat answered in order whichever replica gets its updates, /reset and
the stop button reaching the replica that answers, and a killed replica's questions answered
by another."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import redis.asyncio as aioredis

from bot import texts
from bot.replicas.shards import GROUP, SHARDS, shard_of, stream_key
from tests.servers.backends import FakeCromicle, Script, echo_answer
from tests.servers.telegram import FakeTelegram
from tests.support.process import BotProcess, base_env, free_port, run_to_end, start_bot
from tests.support.redis_server import RedisServer

CHAT = 1001
SECRET = "s" * 40


def env(
    telegram: FakeTelegram, cromicle: FakeCromicle, redis: RedisServer, **extra: str
) -> dict[str, str]:
    return base_env(telegram, cromicle, REDIS_URL=redis.url, **{"SHUTDOWN_GRACE": "3", **extra})


async def test_a_restart_keeps_every_conversation(
    telegram: FakeTelegram, cromicle: FakeCromicle, redis_server: RedisServer, workdir: Path
) -> None:
    bot = await start_bot(env(telegram, cromicle, redis_server), workdir)
    telegram.add_message(CHAT, "remember the word banana")
    await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1, timeout=30)
    assert await bot.stop() == 0
    bot = await start_bot(env(telegram, cromicle, redis_server), workdir)
    telegram.add_message(CHAT, "which word?")
    await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2, timeout=30)
    assert await bot.stop() == 0
    assert cromicle.requests[1].json["message"] == (
        "User: remember the word banana\n"
        f"Assistant: {echo_answer('remember the word banana')}\n"
        "User: which word?\nAssistant:"
    )


async def all_acknowledged(server: RedisServer, timeout: float = 30) -> None:
    """Wait until every queued update was read and acknowledged: each was answered or ended
    visibly, so nothing can still be answered (twice or at all) after this returns."""
    client = aioredis.Redis.from_url(server.url)
    try:
        async with asyncio.timeout(timeout):
            while True:
                busy = 0
                for shard in range(SHARDS):
                    try:
                        groups = await client.xinfo_groups(stream_key(shard))
                    except aioredis.ResponseError:  # no such stream: nothing was queued there
                        continue
                    for group in groups:
                        if group["name"] in (GROUP, GROUP.encode()):
                            busy += group["pending"] + (group.get("lag") or 0)
                if busy == 0:
                    return
                await asyncio.sleep(0.1)
    finally:
        await client.aclose()


def answer_to(cromicle: FakeCromicle) -> Callable[[dict[str, Any]], Script]:
    """A backend answering "Answer to <the newest question>", in three chunks."""

    def script(body: dict[str, Any]) -> Script:
        asked = cromicle.prompt(body).rsplit("User: ", 1)[-1].removesuffix("\nAssistant:")
        return Script(chunks=["Answer ", "to ", asked], delay=0.2)

    return script


class Replicas:
    """Replicas in webhook mode; the test is the load balancer in front of them."""

    def __init__(self) -> None:
        self.bots: list[BotProcess] = []
        self.ports: list[int] = []
        self.http = aiohttp.ClientSession()
        self.turn = 0

    async def post(self, update: dict[str, Any], replica: int | None = None) -> None:
        if replica is None:
            replica, self.turn = self.turn % len(self.ports), self.turn + 1
        url = f"http://127.0.0.1:{self.ports[replica]}/hook"
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with self.http.post(url, json=update, headers=headers) as answer:
            assert answer.status == 200, await answer.text()

    async def health(self, replica: int) -> dict[str, Any]:
        async with self.http.get(f"http://127.0.0.1:{self.ports[replica]}/healthz") as answer:
            data: dict[str, Any] = await answer.json()
            return data

    async def holder(self, chat_id: int) -> int:
        """The replica answering `chat_id` (holding its shard)."""
        async with asyncio.timeout(30):
            while True:
                for index in range(len(self.ports)):
                    if self.bots[index].process.returncode is None:
                        with contextlib.suppress(aiohttp.ClientError, KeyError):
                            if shard_of(chat_id) in (await self.health(index))["shards"]:
                                return index
                await asyncio.sleep(0.2)


@asynccontextmanager
async def replicas(
    telegram: FakeTelegram,
    cromicle: FakeCromicle,
    redis: RedisServer,
    workdir: Path,
    count: int,
    **extra: str,
) -> AsyncIterator[Replicas]:
    group = Replicas()
    try:
        for _ in range(count):
            port = free_port()
            settings = env(
                telegram,
                cromicle,
                redis,
                WEBHOOK_URL="https://bot.example.invalid/hook",
                WEBHOOK_SECRET=SECRET,
                WEBHOOK_HOST="127.0.0.1",
                WEBHOOK_PORT=str(port),
                WEBHOOK_PATH="/hook",
                **extra,
            )
            group.bots.append(await start_bot(settings, workdir))
            group.ports.append(port)
        async with asyncio.timeout(60):  # every replica up, the shards shared out
            while True:
                try:
                    held = [len((await group.health(i))["shards"]) for i in range(count)]
                except aiohttp.ClientError:
                    held = []
                if len(held) == count and sum(held) == SHARDS and min(held) > 0:
                    break
                await asyncio.sleep(0.2)
        yield group
    finally:
        for bot in group.bots:
            if bot.process.returncode is None:
                await bot.stop()
        await group.http.close()


def user_message(telegram: FakeTelegram, chat_id: int, text: str) -> dict[str, Any]:
    """A message as Telegram would post it to the webhook (registered in the fake first)."""
    telegram.add_message(chat_id, text)
    (update,) = telegram.take_updates()
    return update


async def test_three_replicas_answer_a_chats_burst_in_order_with_its_history(
    telegram: FakeTelegram, cromicle: FakeCromicle, redis_server: RedisServer, workdir: Path
) -> None:
    cromicle.set_default(answer_to(cromicle))
    async with replicas(telegram, cromicle, redis_server, workdir, 3) as group:
        for n in range(5):
            await group.post(user_message(telegram, CHAT, f"question {n}"))
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 5, timeout=60)
    assert telegram.visible_texts(CHAT) == [f"Answer to question {n}" for n in range(5)]
    for n in range(1, 5):
        prompt = cromicle.requests[n].json["message"]
        assert f"Assistant: Answer to question {n - 1}\nUser: question {n}" in prompt


async def test_reset_and_the_stop_button_reach_the_replica_that_answers(
    telegram: FakeTelegram, cromicle: FakeCromicle, redis_server: RedisServer, workdir: Path
) -> None:
    cromicle.push(Script(chunks=[f"part{n} " for n in range(100)], delay=0.1))
    cromicle.push(Script(chunks=[f"piece{n} " for n in range(100)], delay=0.1))
    async with replicas(telegram, cromicle, redis_server, workdir, 3) as group:
        answering = await group.holder(CHAT)
        elsewhere = (answering + 1) % 3
        await group.post(user_message(telegram, CHAT, "long one"), replica=answering)
        await telegram.wait_for(lambda: bool(telegram.visible_texts(CHAT)), timeout=30)
        await group.post(user_message(telegram, CHAT, "/reset"), replica=elsewhere)
        await telegram.wait_for(
            lambda: texts.t("en", "reset") in telegram.visible_texts(CHAT), timeout=30
        )
        assert telegram.timeline(CHAT)[-1] == texts.t("en", "reset")
        first = telegram.visible_texts(CHAT)[0]
        assert "part99" not in first
    assert cromicle.requests[0].json["message"] == "long one"


async def test_a_killed_replicas_questions_are_answered_by_another(
    telegram: FakeTelegram, cromicle: FakeCromicle, redis_server: RedisServer, workdir: Path
) -> None:
    cromicle.push(Script(chunks=[f"slow{n} " for n in range(60)], delay=0.1))
    cromicle.set_default(answer_to(cromicle))
    async with replicas(telegram, cromicle, redis_server, workdir, 3) as group:
        answering = await group.holder(CHAT)
        await group.post(user_message(telegram, CHAT, "first"), replica=answering)
        await telegram.wait_for(
            lambda: "slow3" in "".join(telegram.visible_texts(CHAT)), timeout=30
        )
        await group.post(user_message(telegram, CHAT, "second"), replica=answering)
        group.bots[answering].process.send_signal(signal.SIGKILL)
        await group.bots[answering].process.wait()
        survivor = (answering + 1) % 3
        await group.post(user_message(telegram, CHAT, "third"), replica=survivor)

        await telegram.wait_for(
            lambda: "Answer to third" in telegram.visible_texts(CHAT), timeout=60
        )
        await all_acknowledged(redis_server)  # nothing left that could be answered twice
    shown = telegram.visible_texts(CHAT)
    assert shown[0].startswith("slow0 slow1")  # what the killed replica had shown stays
    assert shown[1:] == [
        f"Answer to first\n\n{texts.t('en', 'second_attempt')}",
        "Answer to second",
        "Answer to third",
    ]
    prompts = [r.json["message"] for r in cromicle.requests]
    assert prompts[:2] == ["first", "first"]  # asked again, by the replica that took over
    assert "Assistant: Answer to second\nUser: third" in prompts[-1]


async def test_redis_unreachable_at_start_is_one_clear_error(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    nowhere = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    code, _, err = await run_to_end(base_env(telegram, cromicle, REDIS_URL=nowhere), workdir)
    assert code == 4
    assert "REDIS_URL" in err and "Traceback" not in err
    assert "hunter2" not in err  # the password never reaches the log
    assert not telegram.visible_texts(CHAT)


async def test_redis_lost_mid_answer_ends_it_visibly_and_the_bot_answers_once_it_is_back(
    telegram: FakeTelegram, cromicle: FakeCromicle, redis_server: RedisServer, workdir: Path
) -> None:
    cromicle.push(Script(chunks=[f"word{n} " for n in range(200)], delay=0.05))
    cromicle.set_default(answer_to(cromicle))
    bot = await start_bot(env(telegram, cromicle, redis_server), workdir)  # polling mode
    telegram.add_message(CHAT, "long one")
    await telegram.wait_for(lambda: "word5" in "".join(telegram.visible_texts(CHAT)), timeout=30)
    await redis_server.stop()
    lost = texts.t("en", "database_lost")
    await telegram.wait_for(lambda: lost in "".join(telegram.visible_texts(CHAT)), timeout=30)
    assert "word199" not in telegram.visible_texts(CHAT)[0]
    await asyncio.sleep(3)  # a few failed reconnections later the bot still runs
    assert bot.process.returncode is None
    await redis_server.start()  # the same data (append-only file), the same port
    # The interrupted question is answered again, then the next one, in order.
    telegram.add_message(CHAT, "next one")
    await telegram.wait_for(
        lambda: "Answer to next one" in telegram.visible_texts(CHAT), timeout=60
    )
    assert await bot.stop() == 0
    shown = telegram.visible_texts(CHAT)
    assert shown[1:] == [
        f"Answer to long one\n\n{texts.t('en', 'second_attempt')}",
        "Answer to next one",
    ]


async def test_an_update_sent_twice_is_answered_once_whichever_replicas_get_it(
    telegram: FakeTelegram, cromicle: FakeCromicle, redis_server: RedisServer, workdir: Path
) -> None:
    async with replicas(telegram, cromicle, redis_server, workdir, 2) as group:
        update = user_message(telegram, CHAT, "once")
        await group.post(update, replica=0)
        await group.post(update, replica=1)  # Telegram thought the first post timed out
        await telegram.wait_for(lambda: bool(telegram.visible_texts(CHAT)), timeout=30)
        await all_acknowledged(redis_server)
    assert telegram.visible_texts(CHAT) == [echo_answer("once")]
    assert len(cromicle.requests) == 1


async def test_the_stop_button_reaches_the_replica_that_answers(
    telegram: FakeTelegram, cromicle: FakeCromicle, redis_server: RedisServer, workdir: Path
) -> None:
    cromicle.push(Script(chunks=["Partial "] + [f"sent{n} " for n in range(100)], delay=0.1))
    async with replicas(telegram, cromicle, redis_server, workdir, 3, STREAM_MODE="auto") as group:
        answering = await group.holder(CHAT)
        await group.post(user_message(telegram, CHAT, "tell me"), replica=answering)
        await telegram.wait_for(lambda: any(telegram.drafts(CHAT).values()), timeout=30)
        draft_id = next(iter(telegram.drafts(CHAT)))
        telegram.add_stopped_generation(CHAT, draft_id)
        (stop,) = telegram.take_updates()
        await group.post(stop, replica=(answering + 1) % 3)
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1, timeout=30)
        await cromicle.wait_until(lambda: cromicle.active == 0)
    kept = telegram.visible_texts(CHAT)[0]
    assert kept.startswith("Partial") and "sent99" not in kept


async def test_two_replicas_in_polling_mode_poll_once_and_answer_every_chat_once(
    telegram: FakeTelegram, cromicle: FakeCromicle, redis_server: RedisServer, workdir: Path
) -> None:
    cromicle.set_default(answer_to(cromicle))
    first = await start_bot(env(telegram, cromicle, redis_server), workdir)
    second = await start_bot(env(telegram, cromicle, redis_server), workdir)
    chats = range(2001, 2021)
    for chat in chats:
        telegram.add_message(chat, f"hello from {chat}")
    await telegram.wait_for(
        lambda: all(telegram.visible_texts(chat) for chat in chats), timeout=60
    )
    await all_acknowledged(redis_server)
    assert await first.stop() == 0
    assert await second.stop() == 0
    for chat in chats:
        assert telegram.visible_texts(chat) == [f"Answer to hello from {chat}"]
    assert len(cromicle.requests) == len(chats)
    logs = first.stderr.decode() + second.stderr.decode()
    assert "Traceback" not in logs


async def test_a_replica_stopped_mid_answer_finishes_it_and_no_other_replica_answers_it_too(
    telegram: FakeTelegram, cromicle: FakeCromicle, redis_server: RedisServer, workdir: Path
) -> None:
    # The answer takes longer than a lease (5 s): leases are renewed while it finishes.
    cromicle.push(Script(chunks=[f"w{n} " for n in range(70)], delay=0.1))
    cromicle.set_default(answer_to(cromicle))
    async with replicas(
        telegram, cromicle, redis_server, workdir, 2, SHUTDOWN_GRACE="15"
    ) as group:
        answering = await group.holder(CHAT)
        await group.post(user_message(telegram, CHAT, "long one"), replica=answering)
        await telegram.wait_for(lambda: bool(telegram.visible_texts(CHAT)), timeout=30)
        assert await group.bots[answering].stop() == 0
        other = 1 - answering
        await group.post(user_message(telegram, CHAT, "and then?"), replica=other)
        await telegram.wait_for(
            lambda: "Answer to and then?" in telegram.visible_texts(CHAT), timeout=30
        )
        await all_acknowledged(redis_server)
    shown = telegram.visible_texts(CHAT)
    assert shown == [" ".join(f"w{n}" for n in range(70)), "Answer to and then?"]
    assert len(cromicle.requests) == 2
    assert "User: long one\nAssistant: w0 w1" in cromicle.requests[1].json["message"]


async def test_check_says_whether_redis_answers_without_its_password(
    telegram: FakeTelegram, cromicle: FakeCromicle, redis_server: RedisServer, workdir: Path
) -> None:
    code, out, _ = await run_to_end(env(telegram, cromicle, redis_server), workdir, "check")
    assert code == 0, out
    assert "✓ REDIS_URL: Redis " in out and f" at {redis_server.url} (" in out
    # ... and an unreachable one fails with a line that names it, never the password.
    nowhere = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    code, out, err = await run_to_end(
        base_env(telegram, cromicle, REDIS_URL=nowhere), workdir, "check"
    )
    assert code == 1
    assert "✗ REDIS_URL: Cannot reach Redis at REDIS_URL (redis://127.0.0.1:" in out
    assert "hunter2" not in out + err and "Traceback" not in out + err


async def test_a_webhook_replica_without_redis_answers_503_so_telegram_posts_again(
    telegram: FakeTelegram, cromicle: FakeCromicle, redis_server: RedisServer, workdir: Path
) -> None:
    async with replicas(telegram, cromicle, redis_server, workdir, 1) as group:
        update = user_message(telegram, CHAT, "are you there?")
        await redis_server.stop()
        url = f"http://127.0.0.1:{group.ports[0]}/hook"
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with group.http.post(url, json=update, headers=headers) as answer:
            assert answer.status == 503  # Telegram keeps the update and posts it again
        await redis_server.start()
        async with asyncio.timeout(30):  # Telegram's next attempt, once Redis is back
            while True:
                async with group.http.post(url, json=update, headers=headers) as answer:
                    if answer.status == 200:
                        break
                await asyncio.sleep(0.5)
        await telegram.wait_for(lambda: bool(telegram.visible_texts(CHAT)), timeout=30)
        assert group.bots[0].process.returncode is None
    assert telegram.visible_texts(CHAT) == [echo_answer("are you there?")]
