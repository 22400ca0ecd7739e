"""The writer loop on a virtual clock: waiting costs no work, cancellation always wins, and
isolated errors never add up over a long answer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any
from unittest.mock import patch

from aiogram import Bot
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType

from bot.delivery import SHUTDOWN_LAST_WORD, Delivery, DeliveryReport, ReplyTarget, registry
from bot.pacing import WriteBudget
from bot.plan import AnswerPlan, Ending
from bot.providers.base import Chunk, FinishReason
from tests.servers.inprocess import InProcessSession
from tests.servers.telegram import FakeTelegram
from tests.support.virtual_time import run_virtual

TOKEN = "123456:TEST-TOKEN"
CHAT = 1001


class Counting(AnswerPlan):
    """A plan that counts how often the writer asks it for work."""

    asked = 0

    def next_write(self, now: float) -> Any:
        Counting.asked += 1
        return super().next_write(now)


class EveryFifthFails(InProcessSession):
    """Every fifth write gets a proxy's 502 HTML page, all through a long answer."""

    writes = 0

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        if method.__api_method__ in ("sendMessage", "editMessageText"):
            self.writes += 1
            if self.writes % 5 == 0:
                self.server.fail_next(method.__api_method__, error_code=502, html=True)
        return await super().make_request(bot, method, timeout)


def setup(
    session: type[InProcessSession] = InProcessSession,
) -> tuple[FakeTelegram, Delivery, WriteBudget]:
    loop = asyncio.get_running_loop()
    server = FakeTelegram(token=TOKEN, clock=loop.time)
    budget = WriteBudget(30.0, 1.0, 3.3)
    delivery = Delivery(Bot(TOKEN, session=session(server)), budget, drafts=False)
    return server, delivery, budget


async def chunks(*pieces: str, pause: float = 0.0) -> AsyncGenerator[Chunk, None]:
    for piece in pieces:
        if pause:
            await asyncio.sleep(pause)
        yield piece
    yield FinishReason("stop")


def test_an_answer_held_by_retry_after_waits_without_spinning() -> None:
    async def scenario() -> tuple[DeliveryReport, float]:
        server, delivery, budget = setup()
        Counting.asked = 0
        server.fail_next(
            "editMessageText", error_code=429, retry_after=30, description="retry after 30"
        )
        started = asyncio.get_running_loop().time()
        target = ReplyTarget(CHAT)
        report = await delivery.deliver(target, chunks("Hello", " world", pause=0.5))
        await budget.close()
        assert server.visible_texts(CHAT) == ["Hello world"]
        assert server.retry_after_violations == 0
        return report, asyncio.get_running_loop().time() - started

    with patch.object(registry, "AnswerPlan", Counting):
        report, took = run_virtual(scenario)
    assert report.outcome is Ending.COMPLETE
    assert 30 <= took < 32
    assert Counting.asked < 20, f"the writer asked {Counting.asked} times while it waited"


def test_shutdown_during_a_long_hold_is_not_held_up_by_it() -> None:
    async def scenario() -> float:
        server, delivery, budget = setup()
        server.fail_next(
            "editMessageText", error_code=429, retry_after=300, description="retry after 300"
        )
        answer = asyncio.create_task(
            delivery.deliver(ReplyTarget(CHAT), chunks("Hello", " world", pause=0.5))
        )
        await asyncio.sleep(5)  # the answer has ended; its final waits for the 300 s hold
        started = asyncio.get_running_loop().time()
        await delivery.drain(grace=2.0)
        report = await answer
        assert report.outcome is Ending.COMPLETE
        await budget.close()
        return asyncio.get_running_loop().time() - started

    took = run_virtual(scenario)
    assert took <= 2.0 + SHUTDOWN_LAST_WORD + 1.0


def test_isolated_failures_over_a_long_answer_never_add_up() -> None:
    async def scenario() -> DeliveryReport:
        server, delivery, budget = setup(EveryFifthFails)
        pieces = [f"word{n} " for n in range(300)]
        report = await delivery.deliver(ReplyTarget(CHAT), chunks(*pieces, pause=0.2))
        await budget.close()
        assert server.visible_texts(CHAT) == ["".join(pieces).strip()]
        return report

    report = run_virtual(scenario)
    assert report.outcome is Ending.COMPLETE and report.delivered
    assert report.telegram_calls >= 40  # the answer streamed long enough for many failures
