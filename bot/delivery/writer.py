"""The thin loop that carries out a plan: plan -> write budget -> Telegram -> plan.

It decides nothing itself: the plan says what to write, the budget (bot/pacing.py) when,
`classify` (bot/delivery/faults.py) what a failure means, and `ChatMemory` keeps what a
failure taught beyond this answer. The loop ends only when the plan says nothing is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiogram import Bot

from bot.delivery.answer import RunningAnswer
from bot.delivery.calls import perform
from bot.delivery.faults import Call, Hold, LeaveThread, Moved, classify
from bot.delivery.memory import ChatMemory
from bot.pacing import WriteBudget
from bot.plan import Fault, Op, Write

log = logging.getLogger(__name__)


class Writer:
    """Writes every answer's plan to Telegram through the one budget of the process."""

    def __init__(self, bot: Bot, budget: WriteBudget, memory: ChatMemory) -> None:
        self.bot = bot
        self.budget = budget
        self.memory = memory

    async def write_all(self, answer: RunningAnswer) -> None:
        """Ask the plan, wait for the budget, write, report back; until nothing is left."""
        plan, loop = answer.plan, asyncio.get_running_loop()
        while not plan.finished:
            answer.changed.clear()
            answer.urgent.clear()
            now = loop.time()
            write = plan.next_write(now)
            if write is None:
                wake = plan.wake_at(now)
                # At least a millisecond: a moment that rounds to now must not spin the loop.
                await _wait(answer.changed, None if wake is None else max(wake - now, 0.001))
                continue
            ready = self.budget.ready_in(answer.chat_id, plan.priority())
            if ready > 0:
                # Let text gather until the chat's pace allows a write; an end of the answer
                # cuts the wait short, since a final may spend the write an edit keeps back.
                await _wait(answer.urgent, max(ready, 0.001))
                continue
            await self.budget.acquire(answer.chat_id, plan.priority, answer.target.user)
            write = plan.next_write(loop.time())
            if write is not None:
                await self._call(answer, write)

    async def _call(self, answer: RunningAnswer, write: Write) -> None:
        """Make one Telegram call and tell the plan how it went."""
        plan, loop = answer.plan, asyncio.get_running_loop()
        if write.op is Op.PROBE and self.memory.is_ours(answer.chat_id, write.message_id or 0):
            plan.failed(write, loop.time(), Fault.MESSAGE_GONE)  # ours, of another answer
            return
        answer.calls += 1
        try:
            message_id = await perform(self.bot, answer, write)
        except Exception as exc:
            self._failed(answer, write, exc)
            return
        first = not plan.visible
        plan.succeeded(write, loop.time(), message_id)
        if message_id is not None:
            self.memory.sent(answer.chat_id, message_id)
        if first and plan.visible:
            answer.first_visible = loop.time()
            if answer.on_visible is not None:
                await answer.on_visible()

    def _failed(self, answer: RunningAnswer, write: Write, exc: Exception) -> None:
        verdict = classify(exc, Call(write.op, answer.chat_id, answer.thread_id))
        if verdict.line:
            log.log(verdict.level, "%s", verdict.line, exc_info=exc if verdict.traceback else None)
        effect = verdict.effect
        if isinstance(effect, Hold):
            self.budget.hold(answer.chat_id, effect.seconds)
        elif isinstance(effect, LeaveThread):
            answer.thread_id = None
        elif effect is not None:
            self.memory.apply(answer.chat_id, effect)
            if isinstance(effect, Moved):
                answer.chat_id, answer.thread_id = effect.chat_id, None
        if verdict.fault is not None:
            answer.plan.failed(write, asyncio.get_running_loop().time(), verdict.fault)


async def _wait(event: asyncio.Event, seconds: float | None) -> None:
    """Wait for `event` at most `seconds` (forever if None); costs no CPU."""
    if seconds is None:
        await event.wait()
        return
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(max(0.0, seconds)):
            await event.wait()
