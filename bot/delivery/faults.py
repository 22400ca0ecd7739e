"""What a failed Bot API write means: a pure function from (exception, call) to a `Verdict`.

Every error Telegram (or the network) can produce has a defined recovery, so the user ends up
with the text, or a visible note, never silence. The plan (bot/plan.py) recovers from the
`Fault`; what the failure means beyond this answer (drafts unavailable, a chat that moved) is
returned as an `Effect` value, which the writer hands to `ChatMemory` (bot/delivery/memory.py),
the one place that keeps such things:

    aiogram exception                       fault / effect
    --------------------------------------  -------------------------------------------------
    TelegramRetryAfter                      Hold(retry_after): nothing goes to the chat for
                                            exactly that long; then the newest text
    TelegramMigrateToChat                   MIGRATED + Moved(new id): follow it, for this
                                            answer and later ones
    TelegramBadRequest "not modified"       NOT_MODIFIED: it already shows that text
    TelegramBadRequest "too long",          TOO_LONG: cut that page smaller and go on
      TelegramEntityTooLarge
    TelegramBadRequest on sendMessageDraft  NO_DRAFTS + DraftsOffInChat: edits in this chat
    TelegramNotFound on sendMessageDraft    NO_DRAFTS + DraftsOffEverywhere (a Bot API server
                                            without drafts)
    TelegramBadRequest about entities,      ENTITIES: that page without links, then without
      URLs or parsing                       formatting
    TelegramBadRequest "message thread      LeaveThread: answer in the chat, outside the
      not found"                            deleted topic (the same write again)
    TelegramBadRequest "chat not found",    FORBIDDEN: nobody can read the chat; the answer
      TelegramForbiddenError,                 ends, logged
      TelegramUnauthorizedError
    TelegramBadRequest "message to edit     MESSAGE_GONE: the user deleted it: send it anew
      not found", "can't be edited"         (an edit, a probe or a delete only)
    TelegramBadRequest, TelegramNotFound    REJECTED: that page without formatting, then as a
      (anything else)                       fresh message, then a visible note in its place
    TelegramServerError, RestartingTelegram TRANSIENT: back off (0.5 s doubling to 30 s, reset
      TelegramNetworkError,                 by any success) and retry, up to 8 times in a row;
      ClientDecodeError (an HTML page from  a sendMessage whose response was lost is looked
      a proxy), TelegramConflictError, any  for before it is sent again, so a page is never
      other TelegramAPIError                shown twice
    any other exception (a bug)             TRANSIENT, logged with its traceback
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)

from bot.plan import Fault, Op


@dataclass(frozen=True, slots=True)
class Call:
    """The write that failed, as far as classifying its failure needs."""

    op: Op
    chat_id: int
    thread_id: int | None = None


@dataclass(frozen=True, slots=True)
class Hold:
    """Telegram's flood control: nothing to this chat for `seconds` (retry_after)."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Moved:
    """The group became supergroup `chat_id`; the old id is read-only from now on."""

    chat_id: int


@dataclass(frozen=True, slots=True)
class DraftsOffInChat:
    """This chat refuses drafts: stream by edits there."""


@dataclass(frozen=True, slots=True)
class DraftsOffEverywhere:
    """The Bot API server has no sendMessageDraft at all: stream by edits everywhere."""


@dataclass(frozen=True, slots=True)
class LeaveThread:
    """The forum topic was deleted: answer in the chat itself, then write again."""


Effect = Hold | Moved | DraftsOffInChat | DraftsOffEverywhere | LeaveThread


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a failure means: the plan's `fault` (None: the same write simply goes again),
    an `effect` beyond this answer, and the log line (`level`, `line`; never message text;
    `traceback` for failures that are bugs of ours)."""

    fault: Fault | None
    effect: Effect | None = None
    level: int = logging.DEBUG
    line: str = ""
    traceback: bool = False


_ENTITY_WORDS = ("entit", "url", "parse", "can't find end")
_GONE_WORDS = ("not found", "can't be edit", "message_id_inv")


def classify(exc: BaseException, call: Call) -> Verdict:
    """The module docstring's table, for the exception `exc` raised by `call`."""
    where = f"chat {call.chat_id}"
    if isinstance(exc, TelegramRetryAfter):
        line = f"flood control in {where}: waiting {exc.retry_after} s"
        return Verdict(None, Hold(float(exc.retry_after)), logging.WARNING, line)
    if isinstance(exc, TelegramMigrateToChat):
        line = f"{where} became supergroup {exc.migrate_to_chat_id}"
        return Verdict(Fault.MIGRATED, Moved(exc.migrate_to_chat_id), logging.INFO, line)
    if isinstance(exc, TelegramBadRequest | TelegramNotFound):
        return _refused(exc, call, where)
    if isinstance(exc, TelegramEntityTooLarge):
        return Verdict(Fault.TOO_LONG, line=f"{where}: {call.op.value} too long")
    if isinstance(exc, TelegramForbiddenError | TelegramUnauthorizedError):
        line = f"{where} does not take messages: {exc.message}"
        return Verdict(Fault.FORBIDDEN, level=logging.INFO, line=line)
    if isinstance(exc, TelegramAPIError):
        line = f"Telegram error in {where} ({call.op.value}): {exc.message}"
        return Verdict(Fault.TRANSIENT, level=logging.WARNING, line=line)
    if isinstance(exc, ClientDecodeError):
        line = f"Telegram answered something that is not JSON in {where}"
        return Verdict(Fault.TRANSIENT, level=logging.WARNING, line=line)
    if isinstance(exc, OSError | TimeoutError):
        line = f"network error writing to {where}: {type(exc).__name__}"
        return Verdict(Fault.TRANSIENT, level=logging.WARNING, line=line)
    line = f"unexpected error writing to {where}"
    return Verdict(Fault.TRANSIENT, level=logging.ERROR, line=line, traceback=True)


def _refused(exc: TelegramBadRequest | TelegramNotFound, call: Call, where: str) -> Verdict:
    """A 400 or 404: the words of Telegram's description say which."""
    message = exc.message.lower()
    if "not modified" in message:
        return Verdict(Fault.NOT_MODIFIED)
    if "too long" in message:
        return Verdict(Fault.TOO_LONG, line=f"{where}: {call.op.value} too long")
    if call.op is Op.DRAFT:
        if isinstance(exc, TelegramNotFound):
            line = "the Bot API server has no sendMessageDraft; streaming by edits"
            return Verdict(Fault.NO_DRAFTS, DraftsOffEverywhere(), logging.WARNING, line)
        line = f"drafts refused in {where} ({message}); using edits"
        return Verdict(Fault.NO_DRAFTS, DraftsOffInChat(), logging.INFO, line)
    if any(word in message for word in _ENTITY_WORDS):
        line = f"formatting refused in {where}: {exc.message}"
        return Verdict(Fault.ENTITIES, level=logging.WARNING, line=line)
    if "thread not found" in message and call.thread_id is not None:
        return Verdict(None, LeaveThread(), logging.INFO, f"topic gone in {where}; leaving it")
    if "not found" in message and "chat" in message:
        return Verdict(Fault.FORBIDDEN, level=logging.INFO, line=f"{where} not found")
    if call.op in (Op.EDIT, Op.PROBE, Op.DELETE) and any(w in message for w in _GONE_WORDS):
        return Verdict(Fault.MESSAGE_GONE)
    line = f"{where}: {call.op.value} refused: {exc.message}"
    return Verdict(Fault.REJECTED, level=logging.WARNING, line=line)
