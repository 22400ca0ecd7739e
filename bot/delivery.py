"""Text chunks -> Telegram messages: the first chunk at once, then the newest text as the
chat's pace allows, then the exact final text; long answers continue in new messages.

Every write goes through the process-wide `WriteBudget` (bot/pacing.py). Private chats stream
as drafts (`sendMessageDraft`, persisted by a final `sendMessage`) when STREAM_MODE=auto;
groups, and chats where Telegram refuses drafts, stream by editing one message.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from enum import Enum, StrEnum

from aiogram import Bot
from aiogram.enums import ChatAction
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import ReplyParameters

from bot import texts
from bot.pacing import Priority, WriteBudget
from bot.providers.base import BackendError, BackendUnavailable
from bot.render import MESSAGE_LIMIT, Rendered, cut_page, render, utf16_len

log = logging.getLogger(__name__)

TYPING_EVERY = 4.5
"""Telegram shows "typing…" for about 5 s per sendChatAction."""
TRANSIENT_RETRIES = 5
DRAFT_REFRESH = 20.0
"""Telegram keeps a draft on screen for about 30 s; a silent model must not make it vanish."""


class Outcome(StrEnum):
    COMPLETE = "complete"
    FAILED = "failed"  # the backend failed before any text
    INTERRUPTED = "interrupted"  # the backend failed mid-answer; the partial text is kept
    STOPPED = "stopped"  # the user pressed stop or sent /reset
    SHUTDOWN = "shutdown"  # the process is stopping
    UNDELIVERABLE = "undeliverable"  # Telegram refused the chat (bot blocked, chat gone)


@dataclass(frozen=True, slots=True)
class ReplyTarget:
    """Where an answer goes."""

    chat_id: int
    thread_id: int | None = None
    reply_to: int | None = None
    lang: str = texts.DEFAULT_LANGUAGE


@dataclass(slots=True)
class DeliveryReport:
    """What happened to one answer, for history and the per-answer log line."""

    text: str
    outcome: Outcome
    error: BackendError | None
    first_chunk: float | None
    total: float
    telegram_calls: int
    message_ids: list[int]


def _reply_to(target: ReplyTarget) -> ReplyParameters | None:
    """Groups answer as a reply; if the question was deleted meanwhile, send anyway."""
    if target.reply_to is None:
        return None
    return ReplyParameters(message_id=target.reply_to, allow_sending_without_reply=True)


class _Op(Enum):
    SEND = "sendMessage"
    EDIT = "editMessageText"
    DRAFT = "sendMessageDraft"


@dataclass(eq=False, slots=True)
class _Page:
    """One Telegram message of an answer. `markdown` is None while it is the open page."""

    markdown: str | None = None
    suffix: str = ""
    message_id: int | None = None
    shown: Rendered | None = None  # what the message (or the draft) shows now
    shown_at: float = 0.0
    target: Rendered | None = None  # cached render of a frozen page
    draft_id: int | None = None


@dataclass(eq=False)
class _Answer:
    target: ReplyTarget
    drafts: bool
    started: float = field(default_factory=time.monotonic)
    parts: list[str] = field(default_factory=list)
    version: int = 0
    checked: int = -1
    open_start: int = 0
    open_prefix: str = ""
    pages: list[_Page] = field(default_factory=lambda: [_Page()])
    plain: bool = False
    done: bool = False
    error: BackendError | None = None
    stopped: Outcome | None = None
    stop_note: str = ""
    first_chunk: float | None = None
    settled: bool = False
    calls: int = 0
    failures: int = 0
    visible: asyncio.Event = field(default_factory=asyncio.Event)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    reader: asyncio.Task[None] | None = None
    rendered: tuple[tuple[int, int, bool], Rendered] | None = None

    @property
    def raw(self) -> str:
        if len(self.parts) > 1:
            self.parts[:] = ["".join(self.parts)]
        return self.parts[0] if self.parts else ""

    def end_of_stream(self, _: object = None) -> None:
        self.done = True
        self.ended.set()
        self.touch()

    def touch(self) -> None:
        self.version += 1
        self.changed.set()

    def stop(self, outcome: Outcome, note: str) -> None:
        if self.done or self.stopped is not None:
            return
        self.stopped, self.stop_note = outcome, note
        if self.reader is not None:
            self.reader.cancel()
        self.touch()

    def priority(self) -> int:
        """Asked by the budget at grant time: finals and continuations, then firsts, then edits."""
        if self.done:
            return Priority.FINAL
        if len(self.pages) > 1:
            if self.pages[-1].shown is None:
                return Priority.FINAL  # a continuation message
            if any(p.message_id is None or p.shown != p.target for p in self.pages[:-1]):
                return Priority.FINAL  # a finished page still shows less than its text
        return Priority.EDIT if self.visible.is_set() else Priority.FIRST


class Delivery:
    """Streams answers into chats for every handler; one instance per process."""

    def __init__(self, bot: Bot, budget: WriteBudget, *, drafts: bool = True) -> None:
        self._bot = bot
        self._budget = budget
        self._drafts = drafts
        self._no_drafts: set[int] = set()
        self._draft_ids = itertools.count(1)
        self._active: dict[tuple[int, int | None], _Answer] = {}
        self._by_draft: dict[tuple[int, int], _Answer] = {}
        self._closing = False

    @property
    def active(self) -> int:
        return len(self._active)

    def stop(self, chat_id: int, thread_id: int | None, *, lang: str) -> bool:
        """/reset: end the answer in progress in this chat, keeping what was shown."""
        answer = self._active.get((chat_id, thread_id))
        if answer is None:
            return False
        answer.stop(Outcome.STOPPED, texts.t(lang, "stopped"))
        return True

    def stop_draft(self, chat_id: int, draft_id: int) -> bool:
        """The user pressed the stop button of a streaming draft."""
        answer = self._by_draft.get((chat_id, draft_id))
        if answer is None:
            return False
        answer.stop(Outcome.STOPPED, "")
        return True

    async def drain(self, grace: float) -> None:
        """Shutdown: let answers finish for `grace` seconds, then end them with a note."""
        self._closing = True
        pending = [answer.finished.wait() for answer in self._active.values()]
        if pending:
            await asyncio.wait([asyncio.ensure_future(p) for p in pending], timeout=grace)
        for answer in list(self._active.values()):
            answer.stop(Outcome.SHUTDOWN, texts.t(answer.target.lang, "shutdown"))
        rest = [asyncio.ensure_future(a.finished.wait()) for a in self._active.values()]
        if rest:
            await asyncio.wait(rest, timeout=10)

    async def say(self, target: ReplyTarget, text: str) -> bool:
        """Send a sentence of our own (greeting, help, refusal) through the same budget.

        Every write of the process is paced, so even a burst of /help under load cannot trip
        flood control; a 429 is waited out exactly. False if the chat refuses messages.
        """
        failures = 0
        while True:
            await self._budget.acquire(target.chat_id, lambda: Priority.FINAL)
            try:
                await self._bot.send_message(
                    chat_id=target.chat_id,
                    text=text,
                    message_thread_id=target.thread_id,
                    reply_parameters=_reply_to(target),
                )
            except TelegramRetryAfter as exc:
                self._budget.hold(target.chat_id, exc.retry_after)
            except (TelegramServerError, TelegramNetworkError) as exc:
                failures += 1
                log.warning("Telegram error in chat %s: %s", target.chat_id, exc)
                if failures > TRANSIENT_RETRIES:
                    return False
                self._budget.hold(target.chat_id, min(2.0**failures, 30.0))
            except (TelegramForbiddenError, TelegramBadRequest) as exc:
                log.info("chat %s: could not send a reply: %s", target.chat_id, exc.message)
                return False
            else:
                return True

    async def deliver(self, target: ReplyTarget, chunks: AsyncIterator[str]) -> DeliveryReport:
        """Show the answer streamed by `chunks` in the target chat; returns when it is final."""
        drafts = self._drafts and target.chat_id > 0 and target.chat_id not in self._no_drafts
        answer = _Answer(target, drafts)
        key = (target.chat_id, target.thread_id)
        self._active[key] = answer
        answer.reader = asyncio.create_task(self._read(answer, chunks))
        answer.reader.add_done_callback(answer.end_of_stream)  # even if cancelled before start
        if self._closing:  # a message that waited its turn past shutdown: say so, honestly
            answer.stop(Outcome.SHUTDOWN, texts.t(target.lang, "shutdown"))
        typing = asyncio.create_task(self._typing(answer))
        try:
            await self._pump(answer)
        finally:
            typing.cancel()
            if not answer.reader.done():
                answer.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await answer.reader
            with contextlib.suppress(asyncio.CancelledError):
                await typing
            if self._active.get(key) is answer:
                del self._active[key]
            for page in answer.pages:
                if page.draft_id is not None:
                    self._by_draft.pop((target.chat_id, page.draft_id), None)
            answer.finished.set()
        return self._report(answer)

    # --- reading the backend -------------------------------------------------------------

    async def _read(self, answer: _Answer, chunks: AsyncIterator[str]) -> None:
        try:
            async for chunk in chunks:
                if not chunk:
                    continue
                if answer.first_chunk is None:
                    answer.first_chunk = time.monotonic()
                answer.parts.append(chunk)
                answer.touch()
        except BackendError as exc:
            answer.error = exc
        except asyncio.CancelledError:
            if answer.stopped is None:
                raise
        except Exception as exc:  # a provider bug must still end in an honest message
            log.exception("backend stream failed in chat %s", answer.target.chat_id)
            answer.error = BackendUnavailable(f"backend failed: {exc!r}")
        finally:
            closer = getattr(chunks, "aclose", None)
            if closer is not None:
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await closer()

    async def _typing(self, answer: _Answer) -> None:
        """Show "typing…" until the first text is visible."""
        target = answer.target
        while not answer.visible.is_set() and not answer.done:
            try:
                await self._bot.send_chat_action(
                    target.chat_id, ChatAction.TYPING, message_thread_id=target.thread_id
                )
            except TelegramRetryAfter as exc:
                await asyncio.sleep(exc.retry_after)
                continue
            except (TelegramAPIError, OSError):
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(answer.visible.wait(), TYPING_EVERY)

    # --- deciding what to write ---------------------------------------------------------

    def _finish(self, answer: _Answer) -> None:
        """The stream ended: settle the note shown under the answer, once."""
        if answer.settled:
            return
        answer.settled = True
        lang = answer.target.lang
        has_text = bool(answer.raw.strip())
        if answer.stopped is not None:
            note = answer.stop_note if has_text else answer.stop_note or texts.t(lang, "stopped")
        elif answer.error is not None and has_text:
            note = texts.t(lang, "interrupted", reason=texts.reason(lang, answer.error.reason))
        elif answer.error is not None:
            note = texts.t(lang, "failed", reason=texts.reason(lang, answer.error.reason))
        elif not has_text:
            note = texts.t(lang, "failed", reason=texts.t(lang, "empty"))
        else:
            return
        if self._open_render(answer).size + utf16_len(note) + 2 > MESSAGE_LIMIT:
            self._freeze(answer, self._open_markdown(answer))  # the note gets a message of its own
            answer.open_start, answer.open_prefix = len(answer.raw), ""
        answer.pages[-1].suffix = note

    @staticmethod
    def _open_markdown(answer: _Answer) -> str:
        return answer.open_prefix + answer.raw[answer.open_start :]

    def _open_render(self, answer: _Answer) -> Rendered:
        """The open page rendered; cached, since one write asks for it several times."""
        key = (answer.version, answer.open_start, answer.plain)
        if answer.rendered is None or answer.rendered[0] != key:
            answer.rendered = key, render(self._open_markdown(answer), plain=answer.plain)
        return answer.rendered[1]

    def _freeze(self, answer: _Answer, markdown: str) -> None:
        page = answer.pages[-1]
        page.markdown = markdown
        page.target = render(markdown, plain=answer.plain)
        answer.pages.append(_Page())

    def _target(self, answer: _Answer, page: _Page) -> Rendered:
        if page.target is None:
            return self._open_render(answer).with_suffix(page.suffix)
        return page.target

    def _layout(self, answer: _Answer) -> None:
        """Cut the open page while it is longer than one message."""
        while self._open_render(answer).size > MESSAGE_LIMIT:
            body = self._open_markdown(answer)
            cut = cut_page(body, plain=answer.plain)
            self._freeze(answer, cut.head)
            answer.open_start += max(0, cut.at - len(answer.open_prefix))
            answer.open_prefix = cut.reopen

    def _next(self, answer: _Answer) -> tuple[_Op, _Page, Rendered] | None:
        """The one write that brings the chat closest to the answer, or None if it is shown."""
        answer.checked = answer.version
        self._layout(answer)
        if answer.done:
            self._finish(answer)
        for index, page in enumerate(answer.pages):
            final = answer.done or index < len(answer.pages) - 1
            target = self._target(answer, page)
            if not target.text.strip():
                continue
            if answer.drafts and page.message_id is None:
                if final:
                    return _Op.SEND, page, target
                stale = time.monotonic() - page.shown_at >= DRAFT_REFRESH
                if target != page.shown or stale:
                    return _Op.DRAFT, page, target
                continue
            if page.message_id is None:
                return _Op.SEND, page, target
            if target != page.shown:
                return _Op.EDIT, page, target
        return None

    # --- writing ---------------------------------------------------------------------------

    async def _pump(self, answer: _Answer) -> None:
        chat_id = answer.target.chat_id
        while True:
            if answer.checked == answer.version:
                if answer.done:
                    return
                answer.changed.clear()
                refresh = self._draft_refresh_in(answer)
                try:
                    await asyncio.wait_for(answer.changed.wait(), timeout=refresh)
                except TimeoutError:
                    answer.checked = -1  # time to show the draft again
                continue
            wait = self._budget.ready_in(chat_id, answer.priority())
            if wait > 0:
                # Nothing can be written before: let text gather. The end of the answer cuts
                # the wait short, since a final may spend the write an edit keeps in reserve.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(answer.ended.wait(), timeout=wait)
                continue
            if self._next(answer) is None:
                continue
            await self._budget.acquire(chat_id, answer.priority)
            step = self._next(answer)  # the newest text, after waiting for the budget
            if step is None:
                continue
            if not await self._write(answer, *step):
                answer.stop(Outcome.UNDELIVERABLE, "")
                return

    async def _write(self, answer: _Answer, op: _Op, page: _Page, shown: Rendered) -> bool:
        """Make one Telegram call; False when the chat can no longer be written to."""
        target = answer.target
        answer.calls += 1
        try:
            if op is _Op.DRAFT:
                if page.draft_id is None:
                    page.draft_id = next(self._draft_ids)
                    self._by_draft[(target.chat_id, page.draft_id)] = answer
                await self._bot.send_message_draft(
                    chat_id=target.chat_id,
                    draft_id=page.draft_id,
                    text=shown.text,
                    entities=shown.aiogram_entities(),
                    message_thread_id=target.thread_id,
                    can_stop=True,
                )
            elif op is _Op.SEND:
                first = page is answer.pages[0]
                message = await self._bot.send_message(
                    chat_id=target.chat_id,
                    text=shown.text,
                    entities=shown.aiogram_entities(),
                    message_thread_id=target.thread_id,
                    reply_parameters=_reply_to(target) if first else None,
                )
                page.message_id = message.message_id
            else:
                assert page.message_id is not None
                await self._bot.edit_message_text(
                    text=shown.text,
                    chat_id=target.chat_id,
                    message_id=page.message_id,
                    entities=shown.aiogram_entities(),
                )
        except TelegramRetryAfter as exc:
            log.warning("flood control in chat %s: waiting %s s", target.chat_id, exc.retry_after)
            self._budget.hold(target.chat_id, exc.retry_after)
            answer.checked = -1
            return True
        except TelegramBadRequest as exc:
            return self._bad_request(answer, op, page, shown, exc)
        except TelegramForbiddenError as exc:
            log.info("chat %s refuses messages: %s", target.chat_id, exc.message)
            return False
        except (TelegramServerError, TelegramNetworkError) as exc:
            return self._transient(answer, exc)
        page.shown, page.shown_at = shown, time.monotonic()
        answer.visible.set()
        return True

    @staticmethod
    def _draft_refresh_in(answer: _Answer) -> float | None:
        """Seconds until the open draft must be shown again, or None if there is none."""
        page = answer.pages[-1]
        if not answer.drafts or page.message_id is not None or page.shown is None:
            return None
        return max(0.0, DRAFT_REFRESH - (time.monotonic() - page.shown_at))

    def _bad_request(
        self, answer: _Answer, op: _Op, page: _Page, shown: Rendered, exc: TelegramBadRequest
    ) -> bool:
        chat_id = answer.target.chat_id
        text = exc.message.lower()
        answer.checked = -1
        if "not modified" in text:
            page.shown = shown
            answer.visible.set()
            return True
        if op is _Op.DRAFT:
            log.info("drafts refused in chat %s (%s); streaming by edits", chat_id, exc.message)
            if len(self._no_drafts) >= 100_000:
                self._no_drafts.clear()  # bounded; a refusing chat costs one call to find again
            self._no_drafts.add(chat_id)
            answer.drafts = False
            return True
        if "to edit not found" in text or "message_id_invalid" in text:
            page.message_id, page.shown = None, None  # the user deleted it: send anew
            return True
        if ("entit" in text or "parse" in text) and not answer.plain:
            log.warning("formatting refused in chat %s (%s); sending plain", chat_id, exc.message)
            answer.plain = True
            for frozen in answer.pages[:-1]:
                frozen.target = render(frozen.markdown or "", plain=True)
            return True
        log.warning("chat %s: %s failed: %s", chat_id, op.value, exc.message)
        return False

    def _transient(self, answer: _Answer, exc: TelegramAPIError) -> bool:
        answer.checked = -1
        answer.failures += 1
        log.warning("Telegram error in chat %s: %s", answer.target.chat_id, exc)
        if answer.failures > TRANSIENT_RETRIES:
            return False
        self._budget.hold(answer.target.chat_id, min(2.0**answer.failures, 30.0))
        return True

    @staticmethod
    def _report(answer: _Answer) -> DeliveryReport:
        if answer.stopped is not None:
            outcome = answer.stopped
        elif answer.error is not None:
            outcome = Outcome.INTERRUPTED if answer.raw.strip() else Outcome.FAILED
        else:
            outcome = Outcome.COMPLETE
        first = None if answer.first_chunk is None else answer.first_chunk - answer.started
        return DeliveryReport(
            text=answer.raw,
            outcome=outcome,
            error=answer.error,
            first_chunk=first,
            total=time.monotonic() - answer.started,
            telegram_calls=answer.calls,
            message_ids=[p.message_id for p in answer.pages if p.message_id is not None],
        )
