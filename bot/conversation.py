"""One user message in, one streamed answer out: history, backend and delivery put together."""

from __future__ import annotations

import logging

from bot.delivery import Delivery, DeliveryReport, ReplyTarget
from bot.history import ChatKey, HistoryStore
from bot.plan import Ending
from bot.providers.base import ChatBackend
from bot.reasoning import split_thinking

log = logging.getLogger(__name__)


class Conversations:
    """Answers each chat's messages one at a time, in arrival order; chats run concurrently."""

    def __init__(self, history: HistoryStore, backend: ChatBackend, delivery: Delivery) -> None:
        self.history = history
        self.backend = backend
        self.delivery = delivery

    async def answer(
        self, key: ChatKey, target: ReplyTarget, user_turn: str
    ) -> DeliveryReport | None:
        """Answer `user_turn` with the chat's history; None if a /reset came first."""
        chat = self.history.chat(key)
        epoch = chat.epoch
        async with chat.lock:
            if chat.epoch != epoch:
                return None  # the user reset the chat while this message waited its turn
            report = await self._stream(key, target, user_turn)
            if chat.epoch == epoch and report.text.strip():
                self.history.add_exchange(key, user_turn, report.text)
            return report

    async def retry(self, key: ChatKey, target: ReplyTarget) -> bool:
        """Answer the last user message again, replacing the last answer; False if none."""
        chat = self.history.chat(key)
        epoch = chat.epoch
        async with chat.lock:
            last = self.history.last_exchange(key)
            if chat.epoch != epoch or last is None:
                return False
            user_turn, previous = last
            self.history.drop_last_exchange(key)
            report = await self._stream(key, target, user_turn)
            if chat.epoch == epoch:
                answer = report.text if report.text.strip() else previous
                self.history.add_exchange(key, user_turn, answer)
            return True

    def reset(self, key: ChatKey, *, lang: str) -> None:
        """Stop the answer in progress and forget the chat; queued messages are dropped."""
        self.delivery.stop(key[0], key[1], lang=lang)
        self.history.reset(key)

    async def _stream(self, key: ChatKey, target: ReplyTarget, user_turn: str) -> DeliveryReport:
        messages = self.history.prompt(key, user_turn)
        chunks = split_thinking(self.backend.stream(messages))
        report = await self.delivery.deliver(target, chunks)
        failed = report.outcome is Ending.FAILED or not report.delivered
        log.log(
            logging.WARNING if failed else logging.INFO,
            "answer chat=%s backend=%s chars=%d first_chunk=%s total=%.2fs calls=%d "
            "outcome=%s%s%s",
            target.chat_id,
            self.backend.name,
            len(report.text),
            "-" if report.first_chunk is None else f"{report.first_chunk:.3f}s",
            report.total,
            report.telegram_calls,
            report.outcome.value,
            "" if report.delivered else " undelivered",
            f" error={report.error}" if report.error else "",
        )
        return report
