"""The answers being delivered right now, and what can be done to them: stop one (/reset, the
stop button), interrupt some (a replica lost their chats), wait for one to end, drain them
all at shutdown. Also the two ways in: `deliver` (a streamed answer) and `say` (a sentence of
the bot's own, paced and recovered like any answer)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from aiogram import Bot
from aiogram.enums import ChatAction
from aiogram.exceptions import TelegramAPIError

from bot import texts
from bot.delivery.answer import DeliveryReport, ReplyTarget, RunningAnswer
from bot.delivery.memory import ChatMemory
from bot.delivery.reader import Stream, read
from bot.delivery.writer import Writer
from bot.pacing import WriteBudget
from bot.plan import DRAFTS_PER_ANSWER, AnswerPlan, Ending
from bot.render import Rendered
from bot.session import REQUEST_TIMEOUT

log = logging.getLogger(__name__)

TYPING_EVERY = 4.5
"""Seconds; Telegram shows "typing…" for about 5 s per sendChatAction."""
SHUTDOWN_LAST_WORD = 5.0
"""Seconds, after SHUTDOWN_GRACE, for answers to write their "restarting" note; then they end."""


class Delivery:
    """Streams answers into chats for every handler; one instance per process."""

    def __init__(
        self,
        bot: Bot,
        budget: WriteBudget,
        *,
        drafts: bool = True,
        show_reasoning: bool = True,
        max_answer_seconds: float = 300.0,
        max_chats: int = 10_000,
    ) -> None:
        self.memory = ChatMemory(drafts=drafts, max_chats=max_chats)
        self._bot = bot
        self._budget = budget
        self._writer = Writer(bot, budget, self.memory)
        self._show_reasoning = show_reasoning
        self._max_answer_seconds = max_answer_seconds
        self._answers = itertools.count(1)
        self._active: dict[tuple[int, int | None], RunningAnswer] = {}
        self._by_draft: dict[tuple[int, int], RunningAnswer] = {}
        self._closing = False

    @property
    def active(self) -> int:
        """Answers being delivered now."""
        return len(self._active)

    # --- control -----------------------------------------------------------------------

    def stop(self, chat_id: int, thread_id: int | None, *, lang: str) -> bool:
        """/reset: end the answer in progress in this chat, keeping what was shown."""
        answer = self._active.get((chat_id, thread_id))
        if answer is None:
            return False
        answer.stop(Ending.STOPPED, texts.t(lang, "stopped"))
        return True

    def stop_answer_to(self, chat_id: int, thread_id: int | None, asked: int) -> bool:
        """The user edited the question being answered: end its answer now, without a note
        of its own (the answer to the edited text takes its place); False if `asked` is not
        being answered in this chat."""
        answer = self._active.get((chat_id, thread_id))
        if answer is None or answer.target.asked != asked:
            return False
        answer.stop(Ending.STOPPED, "")
        return True

    def answering(self, chat_id: int, thread_id: int | None, asked: int) -> bool:
        """Whether message `asked` is the question being answered in this chat now."""
        answer = self._active.get((chat_id, thread_id))
        return answer is not None and answer.target.asked == asked

    def stop_draft(self, chat_id: int, draft_id: int) -> bool:
        """The user pressed the stop button of a streaming draft: keep the text as it is."""
        answer = self._by_draft.get((chat_id, (draft_id - 1) // DRAFTS_PER_ANSWER))
        if answer is None:
            return False
        answer.stop(Ending.STOPPED, "")
        return True

    def interrupt(self, chats: Callable[[int], bool]) -> int:
        """End the answers in the chats `chats` selects (a replica lost them: another one
        answers them again), keeping their text, with a note; how many."""
        stopped = 0
        for (chat_id, _), answer in list(self._active.items()):
            if chats(chat_id):
                answer.stop(Ending.SHUTDOWN, texts.t(answer.target.lang, "database_lost"))
                stopped += 1
        return stopped

    async def settled(self, chat_id: int, thread_id: int | None, within: float = 30.0) -> None:
        """Wait until the answer in this chat (if any) has written its last word, so that
        what the bot says next (say, the /reset confirmation) comes after it."""
        answer = self._active.get((chat_id, thread_id))
        if answer is not None and answer.writer is not None:
            await asyncio.wait({answer.writer}, timeout=within)

    async def drain(self, grace: float) -> None:
        """Shutdown: answers may finish for `grace` seconds; then they end with a note, which
        gets a few seconds more; whatever still waits (say, on a long retry_after) is cut."""
        self._closing = True
        await self._wait_writers(grace)
        for answer in list(self._active.values()):
            answer.stop(Ending.SHUTDOWN, texts.t(answer.target.lang, "shutdown"))
        await self._wait_writers(SHUTDOWN_LAST_WORD)
        for answer in list(self._active.values()):
            if answer.writer is not None:
                answer.writer.cancel()
        await self._wait_writers(1.0)

    async def _wait_writers(self, seconds: float) -> None:
        writers = [a.writer for a in self._active.values() if a.writer is not None]
        if writers:
            await asyncio.wait(writers, timeout=seconds)

    # --- the ways in -------------------------------------------------------------------

    async def say(self, target: ReplyTarget, text: str) -> bool:
        """Send a sentence of our own (greeting, help, refusal) through the same budget.

        Every write of the process is paced and recovers the same way, so even a burst of
        /help under load cannot trip flood control. False if the chat refuses messages.
        """
        answer = self._start(target, drafts=False, plain=True)
        answer.plan.add_text(text)
        answer.plan.end(Ending.COMPLETE)
        await self._writer.write_all(answer)
        return not answer.plan.gave_up

    async def deliver(
        self,
        target: ReplyTarget,
        chunks: Stream,
        *,
        on_visible: Callable[[], Awaitable[None]] | None = None,
        header: Rendered | None = None,
    ) -> DeliveryReport:
        """Show the answer streamed by `chunks` in the target chat; returns when it is final.

        `on_visible` is awaited once, when the answer's first text is on screen. `header`
        tops the first page from the start (what a voice note was heard to say).
        """
        answer = self._start(target, drafts=None, plain=False)
        answer.plan.header = header
        answer.on_visible = on_visible
        key = (target.chat_id, target.thread_id)
        self._active[key] = answer
        draft_key = (answer.chat_id, (answer.plan.first_draft_id - 1) // DRAFTS_PER_ANSWER)
        self._by_draft[draft_key] = answer
        answer.reader = asyncio.create_task(read(answer, chunks, self._max_answer_seconds))
        if self._closing:  # a message that waited its turn past shutdown: say so, honestly
            answer.stop(Ending.SHUTDOWN, texts.t(target.lang, "shutdown"))
        answer.writer = asyncio.create_task(self._writer.write_all(answer))
        plan = answer.plan
        typing = asyncio.create_task(
            self._typing(
                answer.chat_id, answer.thread_id, until=lambda: plan.visible or plan.ended
            )
        )
        try:
            await answer.writer
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # our caller is cancelled; the writer was cancelled only by drain()
        except Exception:  # a bug in the plan or the writer: log it, and say so to the user
            log.exception("delivery failed in chat %s", answer.chat_id)
            answer.plan.abandon()
            reason = texts.reason(target.lang, "failed")
            await self.say(target, texts.t(target.lang, "failed", reason=reason))
        finally:
            for task in (answer.reader, answer.writer, typing):
                task.cancel()
            await asyncio.gather(answer.reader, answer.writer, typing, return_exceptions=True)
            if self._active.get(key) is answer:
                del self._active[key]
            if self._by_draft.get(draft_key) is answer:
                del self._by_draft[draft_key]
        return answer.report(asyncio.get_running_loop().time())

    def _where(self, target: ReplyTarget) -> tuple[int, int | None]:
        """The chat and topic to write to now: a group that became a supergroup since has a
        new id, and its topics are gone from the old one."""
        chat_id = self.memory.current_id(target.chat_id)
        return chat_id, None if chat_id != target.chat_id else target.thread_id

    def _start(self, target: ReplyTarget, *, drafts: bool | None, plain: bool) -> RunningAnswer:
        chat_id, thread_id = self._where(target)
        number = next(self._answers) % (2**31 // DRAFTS_PER_ANSWER - 1)
        plan = AnswerPlan(
            lang=target.lang,
            drafts=self.memory.drafts_for(chat_id) if drafts is None else drafts,
            plain=plain,
            show_reasoning=self._show_reasoning,
            after_id=target.after_id,
            first_draft_id=number * DRAFTS_PER_ANSWER + 1,
            # A group that became a supergroup since: its old messages are read-only.
            replaces=target.replaces if chat_id == target.chat_id else (),
        )
        started = asyncio.get_running_loop().time()
        return RunningAnswer(target, plan, chat_id, thread_id, started=started)

    @contextlib.asynccontextmanager
    async def busy(self, target: ReplyTarget) -> AsyncIterator[None]:
        """Show "typing…" in the target chat while the block runs: for the work before a
        question can be asked (hearing a voice note, reading files), which may take seconds
        in which the user would otherwise see nothing. Spare writes only, as before an
        answer's first text."""
        chat_id, thread_id = self._where(target)
        typing = asyncio.create_task(self._typing(chat_id, thread_id, until=lambda: False))
        try:
            yield
        finally:
            typing.cancel()
            await asyncio.gather(typing, return_exceptions=True)

    async def _typing(
        self, chat_id: int, thread_id: int | None, until: Callable[[], bool]
    ) -> None:
        """Show "typing…" every TYPING_EVERY seconds until `until()`, with the budget's spare
        writes only: it never delays a message, and under load it is simply skipped."""
        while not until():
            if self._budget.spare(chat_id):
                with contextlib.suppress(TelegramAPIError, OSError):
                    await self._bot.send_chat_action(
                        chat_id,
                        ChatAction.TYPING,
                        message_thread_id=thread_id,
                        request_timeout=REQUEST_TIMEOUT,
                    )
            await asyncio.sleep(TYPING_EVERY)
