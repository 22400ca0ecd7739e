"""One answer being delivered: where it goes, its plan, and what happened to it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot import texts
from bot.plan import AnswerPlan, Ending
from bot.providers.base import BackendError, Usage


@dataclass(frozen=True, slots=True)
class ReplyTarget:
    """Where an answer goes. `reply_to` is quoted by the first message (groups); `after_id`
    is the id of the message being answered, the newest message id known before the answer;
    `user` is who asked (answers and notes in one chat share its pace user by user).
    `asked` is the question's message, whose edit redoes the answer (None: a question of
    several messages, or none); `replaces` are the ids of an earlier answer that this one
    takes the place of, edited in place (bot/plan.py `replaces`)."""

    chat_id: int
    thread_id: int | None = None
    reply_to: int | None = None
    lang: str = texts.DEFAULT_LANGUAGE
    after_id: int | None = None
    user: int | None = None
    asked: int | None = None
    replaces: tuple[int, ...] = ()


@dataclass(slots=True)
class DeliveryReport:
    """What happened to one answer, for history and the per-answer log line."""

    text: str
    outcome: Ending
    error: BackendError | None
    first_chunk: float | None
    total: float
    telegram_calls: int
    message_ids: list[int]
    delivered: bool
    """False when Telegram made it impossible to show the answer (bot blocked, chat gone)."""
    first_visible: float | None = None
    """Seconds from the start until the first text was on screen (None: never)."""
    usage: Usage | None = None
    """Tokens the backend says the answer cost (None: it did not say)."""


@dataclass(eq=False)
class RunningAnswer:
    """An answer on its way: its plan, the chat it writes to now (a group may move), and the
    tasks and events that drive it. The reader feeds the plan, the writer empties it."""

    target: ReplyTarget
    plan: AnswerPlan
    chat_id: int
    thread_id: int | None
    started: float
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    urgent: asyncio.Event = field(default_factory=asyncio.Event)
    first_chunk: float | None = None
    first_visible: float | None = None
    error: BackendError | None = None
    calls: int = 0
    reader: asyncio.Task[None] | None = None
    writer: asyncio.Task[None] | None = None
    on_visible: Callable[[], Awaitable[None]] | None = None
    usage: Usage | None = None

    def poke(self, *, urgent: bool = False) -> None:
        """Something changed; `urgent` when it may raise the write's priority (an end)."""
        self.changed.set()
        if urgent:
            self.urgent.set()

    def stop(self, ending: Ending, note: str | None) -> None:
        """End the answer now, keeping what was shown: the stream is cancelled."""
        self.plan.stop(ending, note)
        if self.reader is not None:
            self.reader.cancel()
        self.poke(urgent=True)

    def report(self, now: float) -> DeliveryReport:
        plan = self.plan
        first = None if self.first_chunk is None else self.first_chunk - self.started
        visible = None if self.first_visible is None else self.first_visible - self.started
        return DeliveryReport(
            text=plan.text,
            outcome=plan.ending or Ending.SHUTDOWN,
            error=self.error,
            first_chunk=first,
            total=now - self.started,
            telegram_calls=self.calls,
            message_ids=plan.message_ids(),
            delivered=not plan.gave_up and plan.finished,
            first_visible=visible,
            usage=self.usage,
        )
