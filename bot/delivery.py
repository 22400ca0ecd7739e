"""Text chunks -> Telegram messages: the writer that carries out what bot/plan.py decides.

Every answer, and every sentence of the bot's own, is an `AnswerPlan`. A short loop asks the
plan for its next write, waits for the process-wide `WriteBudget` (bot/pacing.py), makes the
call and reports the outcome back; it ends only when the plan says nothing is left. Private
chats stream as drafts (`sendMessageDraft`, each page persisted by `sendMessage`) when
STREAM_MODE=auto; groups, and chats without drafts, stream by editing their messages.

Every error Telegram (or the network) can produce has a defined recovery, so the user ends
up with the text, or a visible note, never silence:

    aiogram exception                       recovery
    --------------------------------------  -------------------------------------------------
    TelegramRetryAfter                      nothing goes to the chat for exactly retry_after
                                            seconds; then the newest text
    TelegramMigrateToChat                   follow migrate_to_chat_id, for this answer and
                                            later ones
    TelegramBadRequest "not modified"       it already shows that text: done
    TelegramBadRequest "too long",          cut that page smaller and go on
      TelegramEntityTooLarge
    TelegramBadRequest about entities,      that page without links, then without formatting;
      URLs or parsing                       drafts stay on
    TelegramBadRequest "message to edit     the user deleted it: send that page anew
      not found", "can't be edited"
    TelegramBadRequest "message thread      answer in the chat, outside the deleted topic
      not found"
    TelegramBadRequest on sendMessageDraft  stream by edits in this chat
    TelegramNotFound on sendMessageDraft    stream by edits in the whole process (a Bot API
                                            server without drafts)
    TelegramBadRequest "chat not found",    nobody can read the chat: the answer ends, logged
      TelegramForbiddenError,
      TelegramUnauthorizedError
    TelegramBadRequest, TelegramNotFound    that page without formatting, then as a fresh
      (anything else)                       message, then a visible note in its place
    TelegramServerError, RestartingTelegram back off (0.5 s doubling to 30 s, reset by any
      TelegramNetworkError,                 success) and retry, up to 8 times in a row; a
      ClientDecodeError (an HTML page from  sendMessage whose response was lost is looked
      a proxy), TelegramConflictError, any  for before it is sent again, so a page is never
      other TelegramAPIError                shown twice
    any other exception (a bug)             as above, logged with its traceback
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot
from aiogram.enums import ChatAction
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.types import ReplyParameters

from bot import texts
from bot.pacing import WriteBudget
from bot.plan import AnswerPlan, Ending, Fault, Note, Op, Write
from bot.providers.base import BackendError, BackendTimeout, Chunk, FinishReason, Reasoning

log = logging.getLogger(__name__)

TYPING_EVERY = 4.5
"""Seconds; Telegram shows "typing…" for about 5 s per sendChatAction."""
REQUEST_TIMEOUT = 20
"""Seconds one Bot API write may take before it counts as lost (and is retried)."""
SHUTDOWN_LAST_WORD = 5.0
"""Seconds, after SHUTDOWN_GRACE, for answers to write their "restarting" note; then they end."""
_REMEMBERED = 64
"""Message ids the bot sent, remembered per chat, so a search for a lost copy never edits them."""
_MAX_CHATS_STATE = 100_000


@dataclass(frozen=True, slots=True)
class ReplyTarget:
    """Where an answer goes. `reply_to` is quoted by the first message (groups); `after_id`
    is the id of the message being answered, the last message id known before the answer."""

    chat_id: int
    thread_id: int | None = None
    reply_to: int | None = None
    lang: str = texts.DEFAULT_LANGUAGE
    after_id: int | None = None


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


@dataclass(eq=False)
class _Run:
    """One answer being delivered: its plan and the tasks and events that drive it."""

    target: ReplyTarget
    plan: AnswerPlan
    chat_id: int
    thread_id: int | None
    started: float
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    urgent: asyncio.Event = field(default_factory=asyncio.Event)
    first_chunk: float | None = None
    error: BackendError | None = None
    reader: asyncio.Task[None] | None = None
    writer: asyncio.Task[None] | None = None
    drafts: set[int] = field(default_factory=set)
    on_visible: Callable[[], Awaitable[None]] | None = None

    def poke(self, *, urgent: bool = False) -> None:
        """Something changed; `urgent` when it may raise the write's priority (an end)."""
        self.changed.set()
        if urgent:
            self.urgent.set()


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
    ) -> None:
        self._bot = bot
        self._budget = budget
        self._drafts = drafts
        self._show_reasoning = show_reasoning
        self._max_answer_seconds = max_answer_seconds
        self._no_drafts: set[int] = set()
        self._migrated: dict[int, int] = {}
        self._sent: OrderedDict[int, deque[int]] = OrderedDict()
        self._draft_ids = itertools.count(1)
        self._active: dict[tuple[int, int | None], _Run] = {}
        self._by_draft: dict[tuple[int, int], _Run] = {}
        self._closing = False

    @property
    def active(self) -> int:
        """Answers being delivered now."""
        return len(self._active)

    def chat_id(self, chat_id: int) -> int:
        """The chat's current id: a group that became a supergroup has a new one."""
        return self._migrated.get(chat_id, chat_id)

    # --- control -----------------------------------------------------------------------

    def stop(self, chat_id: int, thread_id: int | None, *, lang: str) -> bool:
        """/reset: end the answer in progress in this chat, keeping what was shown."""
        run = self._active.get((chat_id, thread_id))
        if run is None:
            return False
        self._stop(run, Ending.STOPPED, texts.t(lang, "stopped"))
        return True

    def interrupt(self, chats: Callable[[int], bool]) -> int:
        """End the answers in the chats `chats` selects (a replica lost their lease: another
        replica answers them again), keeping their text, with a note; how many."""
        stopped = 0
        for (chat_id, _), run in list(self._active.items()):
            if chats(chat_id):
                self._stop(run, Ending.SHUTDOWN, texts.t(run.target.lang, "lost_store"))
                stopped += 1
        return stopped

    async def settled(self, chat_id: int, thread_id: int | None, within: float = 30.0) -> None:
        """Wait until the answer in this chat (if any) has written its last word, so that
        what the bot says next (say, the /reset confirmation) comes after it."""
        run = self._active.get((chat_id, thread_id))
        if run is not None and run.writer is not None:
            await asyncio.wait({run.writer}, timeout=within)

    def stop_draft(self, chat_id: int, draft_id: int) -> bool:
        """The user pressed the stop button of a streaming draft: keep the text as it is."""
        run = self._by_draft.get((chat_id, draft_id))
        if run is None:
            return False
        self._stop(run, Ending.STOPPED, "")
        return True

    @staticmethod
    def _stop(run: _Run, ending: Ending, note: str) -> None:
        run.plan.stop(ending, note)
        if run.reader is not None:
            run.reader.cancel()
        run.poke(urgent=True)

    async def drain(self, grace: float) -> None:
        """Shutdown: answers may finish for `grace` seconds; then they end with a note, which
        gets a few seconds more; whatever still waits (say, on a long retry_after) is cut."""
        self._closing = True
        runs = list(self._active.values())
        writers = [run.writer for run in runs if run.writer is not None]
        if writers:
            await asyncio.wait(writers, timeout=grace)
        for run in list(self._active.values()):
            self._stop(run, Ending.SHUTDOWN, texts.t(run.target.lang, "shutdown"))
        writers = [run.writer for run in self._active.values() if run.writer is not None]
        if writers:
            await asyncio.wait(writers, timeout=SHUTDOWN_LAST_WORD)
        for run in list(self._active.values()):
            if run.writer is not None:
                run.writer.cancel()
        writers = [run.writer for run in self._active.values() if run.writer is not None]
        if writers:
            await asyncio.wait(writers, timeout=1.0)

    # --- entry points ------------------------------------------------------------------

    async def say(self, target: ReplyTarget, text: str) -> bool:
        """Send a sentence of our own (greeting, help, refusal) through the same budget.

        Every write of the process is paced and recovers the same way, so even a burst of
        /help under load cannot trip flood control. False if the chat refuses messages.
        """
        plan = self._new_plan(target, drafts=False, plain=True)
        plan.add_text(text)
        plan.end(Ending.COMPLETE)
        run = self._new_run(target, plan)
        await self._write_all(run)
        return not plan.gave_up

    async def deliver(
        self,
        target: ReplyTarget,
        chunks: AsyncIterator[Chunk | Note],
        *,
        on_visible: Callable[[], Awaitable[None]] | None = None,
    ) -> DeliveryReport:
        """Show the answer streamed by `chunks` in the target chat; returns when it is final.

        `on_visible` is awaited once, when the answer's first text is on screen (a replica
        records it, so that a replica taking the question over can say it is a second try).
        """
        chat_id = self.chat_id(target.chat_id)
        drafts = self._drafts and chat_id > 0 and chat_id not in self._no_drafts
        run = self._new_run(target, self._new_plan(target, drafts=drafts))
        run.on_visible = on_visible
        key = (target.chat_id, target.thread_id)
        self._active[key] = run
        run.reader = asyncio.create_task(self._read(run, chunks))
        if self._closing:  # a message that waited its turn past shutdown: say so, honestly
            self._stop(run, Ending.SHUTDOWN, texts.t(target.lang, "shutdown"))
        run.writer = asyncio.create_task(self._write_all(run))
        typing = asyncio.create_task(self._typing(run))
        try:
            await run.writer
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # our caller is cancelled; the writer was cancelled only by drain()
        except Exception:  # a bug in the plan or the writer: log it, and say so to the user
            log.exception("delivery failed in chat %s", run.chat_id)
            run.plan.gave_up = True
            reason = texts.reason(target.lang, "failed")
            await self.say(target, texts.t(target.lang, "failed", reason=reason))
        finally:
            for task in (run.reader, run.writer, typing):
                task.cancel()
            await asyncio.gather(run.reader, run.writer, typing, return_exceptions=True)
            if self._active.get(key) is run:
                del self._active[key]
            for draft_id in run.drafts:
                self._by_draft.pop((run.chat_id, draft_id), None)
        return self._report(run)

    def _new_plan(self, target: ReplyTarget, *, drafts: bool, plain: bool = False) -> AnswerPlan:
        return AnswerPlan(
            lang=target.lang,
            drafts=drafts,
            plain=plain,
            show_reasoning=self._show_reasoning,
            floor=target.after_id,
            first_draft_id=(next(self._draft_ids) * 1000) % 2**31 + 1,
        )

    def _new_run(self, target: ReplyTarget, plan: AnswerPlan) -> _Run:
        loop = asyncio.get_running_loop()
        chat_id = self.chat_id(target.chat_id)
        thread_id = None if chat_id != target.chat_id else target.thread_id
        return _Run(target, plan, chat_id, thread_id, started=loop.time())

    # --- reading the backend -------------------------------------------------------------

    async def _read(self, run: _Run, chunks: AsyncIterator[Any]) -> None:
        plan = run.plan
        loop = asyncio.get_running_loop()
        ending = Ending.COMPLETE
        deadline = asyncio.timeout(self._max_answer_seconds)
        try:
            async with deadline:
                async for chunk in chunks:
                    if isinstance(chunk, FinishReason):
                        if chunk.reason == "length":
                            ending = Ending.LENGTH
                        continue
                    if isinstance(chunk, Note):
                        plan.add_note(chunk.text)
                        continue
                    if not isinstance(chunk, str | Reasoning):
                        continue  # usage, tool-call pieces: not for the chat
                    if run.first_chunk is None:
                        run.first_chunk = loop.time()
                    if isinstance(chunk, Reasoning):
                        plan.add_reasoning(chunk.text)
                    else:
                        plan.add_text(chunk)
                    run.poke()
            plan.end(ending)
        except TimeoutError:
            if deadline.expired():
                plan.end(Ending.TIMED_OUT)
            else:  # a provider let a bare timeout through
                run.error = BackendTimeout("the backend timed out")
                plan.end(Ending.FAILED, run.error.reason)
        except BackendError as exc:
            run.error = exc
            plan.end(Ending.FAILED, exc.reason)
        except asyncio.CancelledError:
            if not plan.ended:
                raise
        except Exception as exc:  # a provider bug must still end in an honest message
            log.exception("backend stream failed in chat %s", run.chat_id)
            run.error = BackendError(f"backend failed: {exc!r}")
            plan.end(Ending.FAILED, run.error.reason)
        finally:
            closer = getattr(chunks, "aclose", None)
            if closer is not None:
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await closer()
            run.poke(urgent=True)

    async def _typing(self, run: _Run) -> None:
        """Show "typing…" until the first text is visible, with the budget's spare writes only:
        it never delays a message, and under load it is simply skipped."""
        while not run.plan.visible and not run.plan.ended:
            if self._budget.spare(run.chat_id):
                with contextlib.suppress(TelegramAPIError, OSError):
                    await self._bot.send_chat_action(
                        run.chat_id,
                        ChatAction.TYPING,
                        message_thread_id=run.thread_id,
                        request_timeout=REQUEST_TIMEOUT,
                    )
            await asyncio.sleep(TYPING_EVERY)

    # --- writing -----------------------------------------------------------------------

    async def _write_all(self, run: _Run) -> None:
        """Ask the plan, wait for the budget, write, report back; until nothing is left."""
        plan, loop = run.plan, asyncio.get_running_loop()
        while not plan.finished:
            run.changed.clear()
            run.urgent.clear()
            now = loop.time()
            write = plan.next_write(now)
            if write is None:
                wake = plan.wake_at(now)
                # At least a millisecond: a moment that rounds to now must not spin the loop.
                await _wait(run.changed, None if wake is None else max(wake - now, 0.001))
                continue
            ready = self._budget.ready_in(run.chat_id, plan.priority())
            if ready > 0:
                # Let text gather until the chat's pace allows a write; an end of the answer
                # cuts the wait short, since a final may spend the write an edit keeps back.
                await _wait(run.urgent, max(ready, 0.001))
                continue
            await self._budget.acquire(run.chat_id, plan.priority)
            write = plan.next_write(loop.time())
            if write is not None:
                await self._call(run, write)

    async def _call(self, run: _Run, write: Write) -> None:
        """Make one Telegram call and tell the plan how it went."""
        plan, loop = run.plan, asyncio.get_running_loop()
        if write.op is Op.PROBE and write.message_id in self._sent.get(run.chat_id, ()):
            plan.failed(write, loop.time(), Fault.MESSAGE_GONE)  # ours, of another answer
            return
        plan.calls += 1
        try:
            message_id = await self._request(run, write)
        except TelegramRetryAfter as exc:
            log.warning("flood control in chat %s: waiting %s s", run.chat_id, exc.retry_after)
            self._budget.hold(run.chat_id, exc.retry_after)
        except TelegramMigrateToChat as exc:
            log.info("chat %s became supergroup %s", run.chat_id, exc.migrate_to_chat_id)
            self._remember_migration(run.chat_id, exc.migrate_to_chat_id)
            run.chat_id, run.thread_id = exc.migrate_to_chat_id, None
            plan.failed(write, loop.time(), Fault.MIGRATED)
        except Exception as exc:
            fault = self._fault(run, write, exc)
            if fault is not None:
                plan.failed(write, loop.time(), fault)
        else:
            first = not plan.visible
            plan.succeeded(write, loop.time(), message_id)
            if message_id is not None:
                self._remember_sent(run.chat_id, message_id)
            if first and plan.visible and run.on_visible is not None:
                await run.on_visible()

    async def _request(self, run: _Run, write: Write) -> int | None:
        """The Bot API call for `write`; the new message's id for a sendMessage."""
        bot, content = self._bot, write.content
        if write.op is Op.SEND:
            assert content is not None
            reply = None
            target = run.target
            if write.reply and target.reply_to is not None and run.chat_id == target.chat_id:
                reply = ReplyParameters(
                    message_id=target.reply_to, allow_sending_without_reply=True
                )
            message = await bot.send_message(
                chat_id=run.chat_id,
                text=content.text,
                entities=content.aiogram_entities(),
                message_thread_id=run.thread_id,
                reply_parameters=reply,
                request_timeout=REQUEST_TIMEOUT,
            )
            return message.message_id
        if write.op in (Op.EDIT, Op.PROBE):
            assert content is not None and write.message_id is not None
            await bot.edit_message_text(
                text=content.text,
                chat_id=run.chat_id,
                message_id=write.message_id,
                entities=content.aiogram_entities(),
                request_timeout=REQUEST_TIMEOUT,
            )
        elif write.op is Op.DRAFT:
            assert content is not None and write.draft_id is not None
            if write.draft_id not in run.drafts:
                run.drafts.add(write.draft_id)
                self._by_draft[(run.chat_id, write.draft_id)] = run
            await bot.send_message_draft(
                chat_id=run.chat_id,
                draft_id=write.draft_id,
                text=content.text,
                entities=content.aiogram_entities(),
                message_thread_id=run.thread_id,
                can_stop=True,
                request_timeout=REQUEST_TIMEOUT,
            )
        else:
            assert write.message_id is not None
            await bot.delete_message(
                chat_id=run.chat_id, message_id=write.message_id, request_timeout=REQUEST_TIMEOUT
            )
        return None

    def _fault(self, run: _Run, write: Write, exc: Exception) -> Fault | None:
        """Classify an error (the module docstring's table); None when simply retried."""
        chat_id, op = run.chat_id, write.op
        if isinstance(exc, TelegramBadRequest | TelegramNotFound):
            message = exc.message.lower()
            if "not modified" in message:
                return Fault.NOT_MODIFIED
            if "too long" in message:
                return Fault.TOO_LONG
            if op is Op.DRAFT:
                if isinstance(exc, TelegramNotFound):
                    log.warning("the Bot API server has no sendMessageDraft; streaming by edits")
                    self._drafts = False
                else:
                    log.info("drafts refused in chat %s (%s); using edits", chat_id, message)
                    if len(self._no_drafts) >= _MAX_CHATS_STATE:
                        self._no_drafts.clear()  # bounded; a refusing chat costs one call again
                    self._no_drafts.add(chat_id)
                return Fault.NO_DRAFTS
            if any(word in message for word in ("entit", "url", "parse", "can't find end")):
                log.warning("formatting refused in chat %s: %s", chat_id, exc.message)
                return Fault.ENTITIES
            if "thread not found" in message and run.thread_id is not None:
                log.info("topic gone in chat %s; answering outside it", chat_id)
                run.thread_id = None
                return None
            if "not found" in message and "chat" in message:
                log.info("chat %s not found: %s", chat_id, exc.message)
                return Fault.FORBIDDEN
            if any(word in message for word in ("not found", "can't be edit", "message_id_inv")):
                return Fault.MESSAGE_GONE
            log.warning("chat %s: %s refused: %s", chat_id, op.value, exc.message)
            return Fault.REJECTED
        if isinstance(exc, TelegramEntityTooLarge):
            return Fault.TOO_LONG
        if isinstance(exc, TelegramForbiddenError | TelegramUnauthorizedError):
            log.info("chat %s does not take messages: %s", chat_id, exc.message)
            return Fault.FORBIDDEN
        if isinstance(exc, TelegramAPIError):
            log.warning("Telegram error in chat %s (%s): %s", chat_id, op.value, exc.message)
        elif type(exc).__name__ == "ClientDecodeError":
            log.warning("Telegram answered something that is not JSON in chat %s", chat_id)
        else:
            log.exception("unexpected error writing to chat %s", chat_id)
        return Fault.TRANSIENT

    def _remember_migration(self, old: int, new: int) -> None:
        if len(self._migrated) >= _MAX_CHATS_STATE:
            self._migrated.clear()
        self._migrated[old] = new

    def _remember_sent(self, chat_id: int, message_id: int) -> None:
        ids = self._sent.get(chat_id)
        if ids is None:
            ids = self._sent[chat_id] = deque(maxlen=_REMEMBERED)
            if len(self._sent) > _MAX_CHATS_STATE // 10:
                self._sent.popitem(last=False)
        else:
            self._sent.move_to_end(chat_id)
        ids.append(message_id)

    def _report(self, run: _Run) -> DeliveryReport:
        plan = run.plan
        loop = asyncio.get_running_loop()
        first = None if run.first_chunk is None else run.first_chunk - run.started
        return DeliveryReport(
            text=plan.text,
            outcome=plan.ending or Ending.SHUTDOWN,
            error=run.error,
            first_chunk=first,
            total=loop.time() - run.started,
            telegram_calls=plan.calls,
            message_ids=[p.message_id for p in plan.pages if p.message_id is not None],
            delivered=not plan.gave_up and plan.finished,
        )


async def _wait(event: asyncio.Event, seconds: float | None) -> None:
    """Wait for `event` at most `seconds` (forever if None); costs no CPU."""
    if seconds is None:
        await event.wait()
        return
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(max(0.0, seconds)):
            await event.wait()
