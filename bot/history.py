"""Conversation memory per chat (per forum topic), bounded in turns, characters and chats.

Each chat also owns the line that makes its questions be answered one at a time (bot/lines.py),
and an epoch that /reset advances so answers begun before it leave no trace.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.lines import ChatLine
from bot.providers.base import Message
from bot.seams import ChatKey, ChatRecords


@dataclass(eq=False, slots=True)
class Chat:
    """One conversation: its turns, its line of questions, its reset epoch, its own system
    prompt (/system, kept across /reset) and its last question (for /retry, answered or not);
    its model, temperature and persona (/model, /mode: kept across /reset too)."""

    turns: deque[dict[str, str]] = field(default_factory=deque)
    chars: int = 0
    line: ChatLine = field(default_factory=ChatLine)
    epoch: int = 0
    used: float = 0.0
    system: str | None = None
    unanswered: str | None = None
    last_answer: tuple[int, ...] = ()  # message ids of the newest answer
    model: str | None = None  # None: MODEL
    temperature: float | None = None  # None: TEMPERATURE
    persona: str | None = None  # the /mode persona whose prompt is `system`
    last_question: int | None = None  # message id of the question it answers (edits redo it)
    last_kept: bool = False  # the last exchange in `turns` is that question's

    @property
    def busy(self) -> bool:
        return self.line.busy


class HistoryStore:
    """In-memory histories: at most `max_chats` chats (least recently used dropped first),
    each forgotten after `ttl` seconds idle; the system prompt is never trimmed."""

    def __init__(
        self,
        *,
        system_prompt: str = "",
        max_messages: int = 20,
        max_chars: int = 12000,
        max_chats: int = 10000,
        ttl: float = 86400.0,
        clock: Callable[[], float] = time.monotonic,
        records: ChatRecords | None = None,
    ) -> None:
        self.system_prompt = system_prompt
        self.max_messages = max_messages
        self.max_chars = max_chars
        self.max_chats = max_chats
        self.ttl = ttl
        self._clock = clock
        self._chats: OrderedDict[ChatKey, Chat] = OrderedDict()
        self.records = records

    def __len__(self) -> int:
        return len(self._chats)

    def __contains__(self, key: ChatKey) -> bool:
        return key in self._chats

    def chat(self, key: ChatKey) -> Chat:
        """The chat's state, created on first use; marks it as recently used."""
        now = self._clock()
        self._expire(now)
        chat = self._chats.get(key)
        if chat is None:
            chat = self._chats[key] = Chat()
            self._evict()
        else:
            self._chats.move_to_end(key)
        chat.used = now
        return chat

    async def refresh(self, key: ChatKey) -> Chat:
        """The chat as last saved (by any replica, before any restart); in memory only, as
        it is. Call it in the chat's turn, before reading the chat."""
        chat = self.chat(key)
        if self.records is not None:
            record = await self.records.load(key)
            if record is not None:
                chat.turns = deque(
                    {"role": str(t["role"]), "content": str(t["content"])}
                    for t in record.get("turns", ())
                )
                chat.chars = sum(len(turn["content"]) for turn in chat.turns)
                chat.epoch = max(chat.epoch, int(record.get("epoch", 0)))
                chat.system = record.get("system")
                chat.unanswered = record.get("unanswered")
                chat.last_answer = tuple(record.get("last_answer", ()))
                chat.model = record.get("model")
                chat.temperature = record.get("temperature")
                chat.persona = record.get("persona")
                chat.last_question = record.get("last_question")
                chat.last_kept = bool(record.get("last_kept", False))
        return chat

    async def flush(self, key: ChatKey, token: object = None) -> bool:
        """Save the chat for other replicas and restarts; False if another replica took it
        over meanwhile (its record wins; `token` is the update's proof). A no-op in memory."""
        if self.records is None:
            return True
        chat = self.chat(key)
        record = {
            "turns": list(chat.turns),
            "epoch": chat.epoch,
            "system": chat.system,
            "unanswered": chat.unanswered,
            "last_answer": list(chat.last_answer),
            "model": chat.model,
            "temperature": chat.temperature,
            "persona": chat.persona,
            "last_question": chat.last_question,
            "last_kept": chat.last_kept,
        }
        return await self.records.save(key, record, token)

    def system(self, key: ChatKey) -> str:
        """The chat's system prompt: its own (/system), else the configured one."""
        own = self.chat(key).system
        return self.system_prompt if own is None else own

    def set_system(self, key: ChatKey, prompt: str | None) -> None:
        """/system: this chat's own system prompt; None goes back to the configured one.
        It replaces a persona's prompt (the persona's model and temperature stay)."""
        chat = self.chat(key)
        chat.system = prompt
        chat.persona = None

    def prompt(self, key: ChatKey, user_turn: str) -> list[Message]:
        """What the backend gets: system prompt, the kept turns, and the new user turn."""
        chat = self.chat(key)
        messages: list[Message] = []
        system = self.system(key)
        if system:
            messages.append({"role": "system", "content": system})
        messages.extend(chat.turns)
        messages.append({"role": "user", "content": user_turn})
        return messages

    def add_exchange(self, key: ChatKey, user_turn: str, answer: str) -> None:
        """Remember a question and its answer (as far as it got), then trim to the bounds."""
        chat = self.chat(key)
        chat.unanswered = None
        for role, content in (("user", user_turn), ("assistant", answer)):
            chat.turns.append({"role": role, "content": content})
            chat.chars += len(content)
        self._trim(chat)

    def add_unanswered(self, key: ChatKey, user_turn: str) -> None:
        """A question the backend did not answer: not history, but /retry can ask it again."""
        self.chat(key).unanswered = user_turn

    def unanswered(self, key: ChatKey) -> str | None:
        return self.chat(key).unanswered

    def last_exchange(self, key: ChatKey) -> tuple[str, str] | None:
        """The last (user, assistant) pair, for /retry."""
        turns = self.chat(key).turns
        if len(turns) >= 2 and turns[-2]["role"] == "user" and turns[-1]["role"] == "assistant":
            return turns[-2]["content"], turns[-1]["content"]
        return None

    def drop_last_exchange(self, key: ChatKey) -> None:
        chat = self.chat(key)
        if self.last_exchange(key) is not None:
            for _ in range(2):
                chat.chars -= len(chat.turns.pop()["content"])

    def reset(self, key: ChatKey) -> Chat:
        """Forget the turns and advance the epoch; queued answers see it and step aside."""
        chat = self.chat(key)
        chat.turns.clear()
        chat.chars = 0
        chat.unanswered = None
        chat.last_question, chat.last_kept = None, False
        chat.epoch += 1
        return chat

    def _trim(self, chat: Chat) -> None:
        # Oldest turns go first, a whole exchange at a time, so the history never starts with
        # an answer to a question it no longer holds. The newest exchange stays, shortened
        # in its middle if it alone is over the bound (a 30,000-character answer must not
        # ride along in every later prompt).
        while len(chat.turns) > 2 and (
            len(chat.turns) > self.max_messages or chat.chars > self.max_chars
        ):
            chat.chars -= len(chat.turns.popleft()["content"])
            while chat.turns and chat.turns[0]["role"] != "user":
                chat.chars -= len(chat.turns.popleft()["content"])
        if chat.chars > self.max_chars and len(chat.turns) == 2:
            question, answer = chat.turns
            asked, said = len(question["content"]), len(answer["content"])
            keep = min(asked, max(self.max_chars // 2, self.max_chars - said))
            question["content"] = shorten(question["content"], keep)
            answer["content"] = shorten(answer["content"], self.max_chars - keep)
            chat.chars = len(question["content"]) + len(answer["content"])

    def _expire(self, now: float) -> None:
        """Drop chats idle longer than the TTL; the dict is ordered by last use."""
        while self._chats:
            key, chat = next(iter(self._chats.items()))
            if now - chat.used <= self.ttl:
                return
            if chat.busy:
                self._chats.move_to_end(key)
                return
            del self._chats[key]

    def _evict(self) -> None:
        """Keep at most `max_chats`, least recently used first; a chat mid-answer stays."""
        skipped = 0
        while len(self._chats) > self.max_chats and skipped < len(self._chats):
            key, chat = next(iter(self._chats.items()))
            if chat.busy:
                self._chats.move_to_end(key)
                skipped += 1
                continue
            del self._chats[key]


ELISION = " […] "


def shorten(text: str, limit: int) -> str:
    """`text` within `limit` characters: its beginning and its end, the middle elided."""
    if len(text) <= limit:
        return text
    room = limit - len(ELISION)
    if room < 2:
        return text[:limit]
    return text[: room - room // 2] + ELISION + text[len(text) - room // 2 :]
