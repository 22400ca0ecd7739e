"""One user message in, one streamed answer out: history, backend and delivery put together."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from bot import texts
from bot.accounting import Accounting, Choice
from bot.delivery import Delivery, DeliveryReport, ReplyTarget
from bot.delivery.reader import Stream
from bot.history import Chat, HistoryStore
from bot.pictures import Picture
from bot.plan import Ending, Note
from bot.providers.base import BackendRejected, ChatBackend, Message, Messages
from bot.reasoning import split_thinking
from bot.render import heard_block
from bot.seams import FIRST_ATTEMPT, Attempt, ChatKey
from bot.tools.loop import ToolLoop
from bot.tools.offer import ToolOffer

log = logging.getLogger(__name__)

HEARD_LIMIT = 1000
"""UTF-16 units of a transcript quoted above the answer (the model gets it whole)."""
QUEUE_LAST_WORD = 15.0
"""Seconds, at shutdown, for questions still waiting their turn to say "please ask again"."""
_IMAGE_WORDS = ("image", "vision", "multimodal", "image_url", "content must be a string")


@dataclass(frozen=True, slots=True)
class Question:
    """What the user asked: the turn as history keeps it, the pictures that came with it
    (sent to the model this once, remembered only as the placeholder in `turn`), and a note
    for under the answer (say, that a picture could not be read). `heard` is what a voice
    note was heard to say: quoted above the answer so the user sees it (it is in `turn` too,
    as the user's words; the quote never enters history as the model's)."""

    turn: str
    pictures: Sequence[Picture] = field(default_factory=tuple)
    note: str | None = None
    heard: str | None = None
    replied: Callable[[tuple[int, ...]], str | None] | None = None
    """What the message replies to, as quoted lines for above `turn`. Asked only when the
    question's turn in the chat has come, with the ids of the bot's newest answer then: a
    reply to that answer needs no quote (the model has it), and while the question waited
    that answer may have been the one still being written."""

    def placed(self, newest: tuple[int, ...]) -> Question:
        """The question with what it replies to above its turn, `newest` being the message
        ids of the chat's newest answer now."""
        if self.replied is None:
            return self
        context = self.replied(newest)
        turn = self.turn if context is None else f"{context}\n{self.turn}"
        return replace(self, turn=turn, replied=None)


class Conversations:
    """Answers each chat's messages one at a time, in arrival order; chats run concurrently.

    `vision` says whether pictures may go to the backend at all (VISION, and a backend that
    can see); without it a picture's caption is answered with a note that it was not seen.
    `accounting` (when given) picks the chat's model, refuses users past their token budget
    and records what each answer cost.
    `tools`: the MCP tools answers may use (MCP_CONFIG with a backend that takes tools).
    """

    def __init__(
        self,
        history: HistoryStore,
        backend: ChatBackend,
        delivery: Delivery,
        *,
        vision: bool = False,
        accounting: Accounting | None = None,
        tools: ToolOffer | None = None,
    ) -> None:
        self.history = history
        self.backend = backend
        self.delivery = delivery
        self.vision = vision
        self.accounting = accounting
        self.tools = tools
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def answer(
        self,
        key: ChatKey,
        target: ReplyTarget,
        question: Question | str,
        attempt: Attempt = FIRST_ATTEMPT,
    ) -> DeliveryReport | None:
        """Answer `question` with the chat's history; None if a /reset came first."""
        if isinstance(question, str):
            question = Question(question)
        async with self._turn(key, target, attempt) as chat:
            if chat is None:
                return None  # the user reset the chat while this message waited its turn
            if await self._refused(target):
                return None
            epoch = chat.epoch
            question = question.placed(chat.last_answer)
            report = await self._stream(key, target, question, attempt)
            if chat.epoch == epoch:
                self._remember(key, question.turn, report, target.asked)
                await self._flush(key, attempt)
            return report

    def revisable(self, key: ChatKey, asked: int) -> bool:
        """Whether an edit of message `asked` redoes an answer: it is the question being
        answered now, or the chat's latest answered one (older messages change nothing)."""
        answering = self.delivery.answering(key[0], key[1], asked)
        return answering or self.history.chat(key).last_question == asked

    async def revise(
        self,
        key: ChatKey,
        target: ReplyTarget,
        question: Question,
        attempt: Attempt = FIRST_ATTEMPT,
    ) -> DeliveryReport | None:
        """The user edited their question (`target.asked`): stop its answer if it is still
        coming, then answer the edited text in place of the old answer (its messages edited,
        extra ones deleted or added) and of the old exchange in history. None when the edit
        changes nothing: another question was answered since."""
        if target.asked is None:
            return None
        self.delivery.stop_answer_to(key[0], key[1], target.asked)
        async with self._turn(key, target, attempt) as chat:
            if chat is None or chat.last_question != target.asked:
                return None
            epoch = chat.epoch
            if chat.last_kept:
                self.history.drop_last_exchange(key)
            else:
                chat.unanswered = None
            question = question.placed(chat.last_answer)
            target = dataclasses.replace(target, replaces=chat.last_answer)
            report = await self._stream(key, target, question, attempt)
            if chat.epoch == epoch:
                self._remember(key, question.turn, report, target.asked)
                await self._flush(key, attempt)
            return report

    async def retry(
        self, key: ChatKey, target: ReplyTarget, attempt: Attempt = FIRST_ATTEMPT
    ) -> bool:
        """Ask the last question again, answered or not (replacing its answer); False if none."""
        async with self._turn(key, target, attempt) as chat:
            if chat is None:
                return False
            if await self._refused(target):
                return True
            epoch = chat.epoch
            unanswered = self.history.unanswered(key)
            last = self.history.last_exchange(key)
            previous: str | None = None
            if unanswered is not None:  # newer than any answered exchange
                turn = unanswered
            elif last is not None:
                turn, previous = last
                self.history.drop_last_exchange(key)
            else:
                return False
            report = await self._stream(key, target, Question(turn), attempt)
            if chat.epoch == epoch:
                if report.text.strip() or previous is None:
                    self._remember(key, turn, report, target.asked)
                else:
                    self.history.add_exchange(key, turn, previous)
                await self._flush(key, attempt)
            return True

    @asynccontextmanager
    async def _turn(
        self, key: ChatKey, target: ReplyTarget, attempt: Attempt
    ) -> AsyncIterator[Chat | None]:
        """The chat's turn for this question (its line is fair between users), with the
        chat as last saved; None when a /reset came while the question waited."""
        chat = self.history.chat(key)
        epoch = chat.epoch
        with self._tracked():
            async with chat.line.turn(target.user, attempt.lined_up):
                if chat.epoch != epoch:
                    yield None
                    return
                await self.history.refresh(key)
                yield chat

    async def _refused(self, target: ReplyTarget) -> bool:
        """A user past a token budget gets the note instead of a model request."""
        if self.accounting is None:
            return False
        note = await self.accounting.refusal(target.user, target.lang)
        if note is None:
            return False
        await self.delivery.say(target, note)
        return True

    async def reset(self, key: ChatKey, *, lang: str, attempt: Attempt = FIRST_ATTEMPT) -> None:
        """Stop the answer in progress and forget the chat; queued messages are dropped.

        Returns once the stopped answer has written its last word, so that the confirmation
        the caller sends next is the last thing the chat shows.
        """
        self.delivery.stop(key[0], key[1], lang=lang)
        await self.history.refresh(key)  # the chat's own system prompt survives a reset
        self.history.reset(key)
        await self._flush(key, attempt)
        await self.delivery.settled(key[0], key[1])

    async def system(self, key: ChatKey) -> tuple[str, bool]:
        """The chat's system prompt, and whether it is the chat's own (/system)."""
        chat = await self.history.refresh(key)
        return self.history.system(key), chat.system is not None

    async def set_system(
        self, key: ChatKey, prompt: str | None, attempt: Attempt = FIRST_ATTEMPT
    ) -> None:
        """/system: the chat's own system prompt (None: back to the configured one)."""
        await self.history.refresh(key)
        self.history.set_system(key, prompt)
        await self._flush(key, attempt)

    async def _flush(self, key: ChatKey, attempt: Attempt) -> None:
        if not await self.history.flush(key, attempt.token):
            log.warning(
                "chat %s: record not saved (another replica took the chat over, or Redis failed)",
                key[0],
            )

    async def drain(self, grace: float) -> None:
        """Shutdown: answers may finish for `grace` s, then end with a note; every question
        still waiting its turn (already taken from Telegram) gets "please ask again"."""
        await self.delivery.drain(grace)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(QUEUE_LAST_WORD):
                await self._idle.wait()
        if self._in_flight:
            log.warning("%d questions could not be answered before shutdown", self._in_flight)

    @property
    def in_flight(self) -> int:
        """Questions being answered or waiting their turn."""
        return self._in_flight

    @contextlib.contextmanager
    def _tracked(self) -> Iterator[None]:
        self._in_flight += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()

    def _remember(
        self, key: ChatKey, turn: str, report: DeliveryReport, asked: int | None
    ) -> None:
        chat = self.history.chat(key)
        chat.last_answer = tuple(report.message_ids)
        chat.last_question, chat.last_kept = asked, bool(report.text.strip())
        if report.text.strip():
            self.history.add_exchange(key, turn, report.text)
        elif report.outcome is not Ending.STOPPED:
            self.history.add_unanswered(key, turn)  # /retry can ask it again

    async def _stream(
        self, key: ChatKey, target: ReplyTarget, question: Question, attempt: Attempt
    ) -> DeliveryReport:
        messages = self.history.prompt(key, question.turn)
        backend, model = self.backend, ""
        if self.accounting is not None:
            chat = self.history.chat(key)
            backend, model = await self.accounting.backend(Choice(chat.model, chat.temperature))
        loop: ToolLoop | None = None

        def answering(prompt: Messages) -> Stream:
            """The answer to `prompt`, with the tools when there are any (`loop` is the one
            that ran, for history)."""
            nonlocal loop
            if self.tools is None:
                return split_thinking(backend.stream(prompt))
            # Telegram gives private chats positive ids (the user's), groups negative ones.
            loop = self.tools.loop(backend, prompt, private=target.chat_id > 0)
            return loop.run()  # thinking is split per request inside

        stream: Stream
        if question.pictures and self.vision:
            with_pictures = [*messages[:-1], _with_pictures(question)]
            stream = _seeing(answering, with_pictures, messages, target.lang)
        else:
            stream = answering(messages)
        notes = [question.note, attempt.note and texts.t(target.lang, attempt.note)]
        for note in notes:
            if note:
                stream = _noted(stream, note)
        header = None
        if question.heard is not None:
            said = texts.t(target.lang, "heard")
            header = heard_block(said, question.heard, HEARD_LIMIT)
        # Stopping the answer closes `stream`: the loop cancels its running tool calls.
        report = await self.delivery.deliver(
            target, stream, on_visible=attempt.shown, header=header
        )
        if self.accounting is not None:
            await self.accounting.settle(target.user, target.chat_id, model, messages, report)
        failed = report.outcome is Ending.FAILED or not report.delivered
        log.log(
            logging.WARNING if failed else logging.INFO,
            "answer chat=%s backend=%s chars=%d first_chunk=%s total=%.2fs calls=%d "
            "outcome=%s%s%s",
            target.chat_id,
            backend.name,
            len(report.text),
            "-" if report.first_chunk is None else f"{report.first_chunk:.3f}s",
            report.total,
            report.telegram_calls,
            report.outcome.value,
            "" if report.delivered else " undelivered",
            f" error={report.error}" if report.error else "",
        )
        if loop is not None and loop.rounds and report.text.strip():
            report = replace(report, text=_with_calls(report.text, loop))
        return report


async def _seeing(
    answering: Callable[[Messages], Stream],
    with_pictures: Messages,
    text_only: Messages,
    lang: str,
) -> Stream:
    """The answer with the pictures; a backend that refuses pictures answers the text alone."""
    async with aclosing(answering(with_pictures)) as stream:
        try:
            first = await anext(stream)
        except StopAsyncIteration:
            return
        except BackendRejected as exc:
            if not any(word in str(exc).lower() for word in _IMAGE_WORDS):
                raise
            log.info("the backend cannot see pictures (%s); answering the text", exc)
            yield Note(texts.t(lang, "picture_unseen"))
            async with aclosing(answering(text_only)) as text_stream:
                async for chunk in text_stream:
                    yield chunk
            return
        yield first
        async for chunk in stream:
            yield chunk


def _with_pictures(question: Question) -> Message:
    """The user turn as OpenAI content parts: the text, then each picture as a data URL."""
    parts: list[dict[str, Any]] = [{"type": "text", "text": question.turn}]
    parts += [
        {"type": "image_url", "image_url": {"url": picture.data_url()}}
        for picture in question.pictures
    ]
    return {"role": "user", "content": parts}


def _with_calls(shown: str, loop: ToolLoop) -> str:
    """What history keeps of an answer that used tools: the answer as shown, then the loop's
    short summary of the calls (ToolLoop.history_text; why, in its module docstring)."""
    kept = loop.history_text()
    return shown + kept[len(loop.answer) :] if kept.startswith(loop.answer) else kept


async def _noted(chunks: Stream, note: str) -> Stream:
    yield Note(note)
    async with aclosing(chunks):
        async for chunk in chunks:
            yield chunk
