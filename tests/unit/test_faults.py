"""The fault classifier, as a table: each aiogram exception and write, and what it must mean."""

from __future__ import annotations

import logging

import pytest
from aiogram.exceptions import (
    ClientDecodeError,
    RestartingTelegram,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import SendMessage

from bot.delivery.faults import (
    Call,
    DraftsOffEverywhere,
    DraftsOffInChat,
    Hold,
    LeaveThread,
    Moved,
    Verdict,
    classify,
)
from bot.plan import Fault, Op

METHOD = SendMessage(chat_id=5, text="x")


def bad(message: str) -> TelegramBadRequest:
    return TelegramBadRequest(method=METHOD, message=f"Bad Request: {message}")


SEND, EDIT, DRAFT = Op.SEND, Op.EDIT, Op.DRAFT
TABLE: list[tuple[BaseException, Op, int | None, Fault | None, object]] = [
    # exception, the write, its thread, the fault for the plan, the effect beyond the answer
    (TelegramRetryAfter(method=METHOD, message="Too Many Requests", retry_after=17), EDIT, None,
     None, Hold(17.0)),
    (TelegramMigrateToChat(method=METHOD, message="migrated", migrate_to_chat_id=-100777), SEND,
     None, Fault.MIGRATED, Moved(-100777)),
    (bad("message is not modified: specified new message content and reply markup are "
         "exactly the same"), EDIT, None, Fault.NOT_MODIFIED, None),
    (bad("message is too long"), SEND, None, Fault.TOO_LONG, None),
    (TelegramEntityTooLarge(method=METHOD, message="Request Entity Too Large"), SEND, None,
     Fault.TOO_LONG, None),
    (bad("TEXTDRAFT_PEER_INVALID"), DRAFT, None, Fault.NO_DRAFTS, DraftsOffInChat()),
    (TelegramNotFound(method=METHOD, message="Not Found: method not found"), DRAFT, None,
     Fault.NO_DRAFTS, DraftsOffEverywhere()),
    (bad("can't parse entities: Can't find end of the entity starting at byte offset 3"), SEND,
     None, Fault.ENTITIES, None),
    (bad("wrong HTTP URL specified"), EDIT, None, Fault.ENTITIES, None),
    (bad("message thread not found"), SEND, 42, None, LeaveThread()),
    (bad("chat not found"), SEND, None, Fault.FORBIDDEN, None),
    (bad("message to edit not found"), EDIT, None, Fault.MESSAGE_GONE, None),
    (bad("message can't be edited"), EDIT, None, Fault.MESSAGE_GONE, None),
    (bad("MESSAGE_ID_INVALID"), EDIT, None, Fault.MESSAGE_GONE, None),
    (bad("something Telegram never said before"), SEND, None, Fault.REJECTED, None),
    (TelegramForbiddenError(method=METHOD, message="Forbidden: bot was blocked by the user"),
     SEND, None, Fault.FORBIDDEN, None),
    (TelegramUnauthorizedError(method=METHOD, message="Unauthorized"), SEND, None,
     Fault.FORBIDDEN, None),
    (TelegramServerError(method=METHOD, message="Bad Gateway"), SEND, None, Fault.TRANSIENT,
     None),
    (RestartingTelegram(method=METHOD, message="restarting"), EDIT, None, Fault.TRANSIENT, None),
    (TelegramNetworkError(method=METHOD, message="ClientConnectorError"), SEND, None,
     Fault.TRANSIENT, None),
    (TelegramConflictError(method=METHOD, message="Conflict"), SEND, None, Fault.TRANSIENT, None),
    (ClientDecodeError("not JSON", ValueError("x"), "<html><title>502</title></html>"), SEND,
     None, Fault.TRANSIENT, None),
    (ConnectionResetError("reset"), SEND, None, Fault.TRANSIENT, None),
]  # fmt: skip


@pytest.mark.parametrize(("exc", "op", "thread", "fault", "effect"), TABLE)
def test_every_failure_has_its_recovery(
    exc: BaseException, op: Op, thread: int | None, fault: Fault | None, effect: object
) -> None:
    verdict = classify(exc, Call(op, 5, thread))
    assert (verdict.fault, verdict.effect) == (fault, effect)
    assert "x" not in verdict.line.split(), "a log line must not carry message text"


def test_a_topic_error_outside_a_topic_is_a_refusal_not_a_move() -> None:
    verdict = classify(bad("message thread not found"), Call(SEND, 5, None))
    assert verdict.fault is Fault.REJECTED and verdict.effect is None


def test_only_our_own_bugs_are_logged_with_a_traceback() -> None:
    bug = classify(KeyError("oops"), Call(SEND, 5))
    assert bug == Verdict(Fault.TRANSIENT, None, logging.ERROR, bug.line, traceback=True)
    assert not any(classify(exc, Call(op, 5, thread)).traceback for exc, op, thread, *_ in TABLE)
