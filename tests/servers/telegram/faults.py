"""Fault injection: what Telegram does only sometimes, on a test's request.

Error answers (Telegram's JSON, or the HTML page of a proxy in front of it), answers lost after
the call took effect, and slow answers for one chat or one method. Each rule applies to the
next calls of a method (to one chat if set) and is used up by them, so a test says exactly
which call fails. What Telegram does on its own (flood control, blocked users, migrated
groups) is not here but in the server's rules; random faults are not imitated: a test that
needs them draws them itself, so it stays reproducible.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from tests.servers.telegram.changes import Changes
from tests.servers.telegram.errors import phrase

__all__ = ["FaultInjection", "Injected", "Rule"]


@dataclass
class Rule:
    """Applies to the next ``remaining`` calls of a method (to one chat if set)."""

    method: str  # lower-case
    chat_id: int | None
    remaining: int


@dataclass
class Injected(Rule):
    """An error answer to give instead of carrying out the call."""

    code: int
    description: str
    retry_after: int | None
    migrate_to_chat_id: int | None
    html: bool

    def parameters(self) -> dict[str, Any] | None:
        """The answer's ``parameters`` object, as Telegram sends it (or None)."""
        found = {"retry_after": self.retry_after, "migrate_to_chat_id": self.migrate_to_chat_id}
        return {k: v for k, v in found.items() if v is not None} or None


_R = TypeVar("_R", bound=Rule)


def take(rules: list[_R], method: str, chat_id: int | None) -> _R | None:
    """The first rule matching this call, used up by one."""
    for index, rule in enumerate(rules):
        if rule.method == method and (rule.chat_id is None or rule.chat_id == chat_id):
            rule.remaining -= 1
            if rule.remaining <= 0:
                del rules[index]
            return rule
    return None


class FaultInjection:
    """The fault-injection half of :class:`FakeTelegram`'s interface (it inherits this).

    The server calls :meth:`_init_faults` once, then consults ``_injected`` and ``_losses``
    with :func:`take` and waits out delays with :meth:`_hold` for every call.
    """

    _changes: Changes
    _injected: list[Injected]
    _losses: list[Rule]
    _chat_delays: dict[int, float]
    _method_delays: dict[str, float]  # lower-case method -> seconds
    _held: int
    abandoned: int  # delayed calls whose client hung up before the answer (HTTP only)

    def _init_faults(self) -> None:
        self._injected = []
        self._losses = []
        self._chat_delays = {}
        self._method_delays = {}
        self._held = 0
        self.abandoned = 0

    def fail_next(
        self,
        method: str,
        *,
        error_code: int,
        description: str | None = None,
        retry_after: int | None = None,
        chat_id: int | None = None,
        count: int = 1,
        html: bool = False,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """Answer the next ``count`` calls of ``method`` (to ``chat_id`` if set) with an error.

        With ``html`` the body is a proxy's HTML error page instead of Telegram's JSON, which
        aiogram reports as ``ClientDecodeError``. The description defaults to the status text.
        """
        if error_code == 429 and retry_after is None:
            raise ValueError("a 429 needs retry_after, as Telegram always sends it")
        if count < 1:
            raise ValueError("count must be >= 1")
        self._injected.append(
            Injected(
                method=method.lower(),
                chat_id=chat_id,
                remaining=count,
                code=error_code,
                description=description or phrase(error_code),
                retry_after=retry_after,
                migrate_to_chat_id=migrate_to_chat_id,
                html=html,
            )
        )

    def lose_next(self, method: str, *, chat_id: int | None = None, count: int = 1) -> None:
        """The next ``count`` calls of ``method`` take effect but their answers are lost.

        Over HTTP the connection closes unanswered; in-process the reply is flagged ``lost``.
        The message is sent or edited all the same, as when a network drops a response.
        """
        if count < 1:
            raise ValueError("count must be >= 1")
        self._losses.append(Rule(method.lower(), chat_id, count))

    def delay_chat(self, chat_id: int, seconds: float) -> None:
        """Calls to ``chat_id`` wait ``seconds`` after their arrival before they are carried out
        and answered, like Telegram when one chat's calls are slow: the client may give up
        first, and the call still takes effect. A new value applies to the calls waiting now
        too, so 0 releases them."""
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        if seconds:
            self._chat_delays[chat_id] = seconds
        else:
            self._chat_delays.pop(chat_id, None)
        self._changes.notify()

    def delay_method(self, method: str, seconds: float) -> None:
        """Calls of ``method`` wait ``seconds`` before they are answered; as ``delay_chat``."""
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        if seconds:
            self._method_delays[method.lower()] = seconds
        else:
            self._method_delays.pop(method.lower(), None)
        self._changes.notify()

    @property
    def held(self) -> int:
        """Calls waiting out a delay now (see ``delay_chat`` and ``delay_method``)."""
        return self._held

    async def _hold(
        self,
        method: str,
        chat_id: int | None,
        gone: Callable[[], bool] | None,
        closing: Callable[[], bool],
    ) -> None:
        """Wait out the delay set for this chat or method; the server closing ends it early.

        A client that hangs up meanwhile is counted in ``abandoned`` (checked every 0.1 s);
        the call is carried out all the same, as Telegram does.
        """

        def seconds() -> float:
            return max(
                self._method_delays.get(method, 0.0),
                self._chat_delays.get(chat_id, 0.0) if chat_id is not None else 0.0,
            )

        if not seconds():
            return
        loop = asyncio.get_running_loop()
        arrived = loop.time()
        self._held += 1
        self._changes.notify()
        counted = False
        try:
            while not closing():
                mark = self._changes.mark
                remaining = arrived + seconds() - loop.time()
                if remaining <= 0:
                    break
                if gone is not None and not counted and gone():
                    counted = True
                    self.abandoned += 1
                    self._changes.notify()
                step = remaining if gone is None or counted else min(remaining, 0.1)
                await self._changes.wait(mark, step)
        finally:
            self._held -= 1
            self._changes.notify()
