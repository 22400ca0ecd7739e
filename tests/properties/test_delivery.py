"""Property: whatever the answer, its chunking and timing, and whatever Telegram does, the
chat ends up showing the whole answer, once, within Telegram's limits, and the writer ends.

Each example runs the real writer (bot/delivery.py), plan, write budget and aiogram Bot
against the fake Bot API in-process, on an event loop whose clock is virtual: minutes of
flood holds, backoffs and slow streams take milliseconds, identically on any machine.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from typing import Any
from unittest.mock import patch

from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import texts
from bot.delivery import Delivery, DeliveryReport, ReplyTarget, registry
from bot.pacing import WriteBudget
from bot.plan import AnswerPlan
from bot.providers.base import BackendUnavailable, Chunk, FinishReason
from bot.render import MESSAGE_LIMIT, render, utf16_len
from tests.servers.inprocess import InProcessSession
from tests.servers.telegram import FakeTelegram, Limits
from tests.support.properties import SCALE
from tests.support.virtual_time import run_virtual

TOKEN = "123456:TEST-TOKEN"
PRIVATE, GROUP = 1001, -1001234
WRITES = frozenset({"sendmessage", "editmessagetext", "sendmessagedraft", "deletemessage"})

# --- answers -----------------------------------------------------------------------------

WORD = st.text(alphabet=st.sampled_from("abcxyz0123АБВжя😀🇺é"), min_size=1, max_size=9)
MARKUP = st.sampled_from(
    [
        " ",
        " ",
        " ",
        " ",
        "\n",
        "\n\n",
        "\n\n",
        "**",
        "_",
        "`",
        "\n```py\n",
        "\n```\n",
        "~~",
        "\n# ",
        "\n## ",
        "\n> ",
        "\n- ",
        "\n1. ",
        "[",
        "](https://example.com/x)",
        "](./relative.md)",
        "\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        "<",
        ">",
        "<div>",
        "List<String>",
        "<b>",
        "</b>",
        "&",
        "\\",
        "\t",
        "\u3000",
        "   ",
    ]
)
TEXT = st.one_of(
    st.lists(st.one_of(WORD, MARKUP), max_size=400).map("".join),
    st.tuples(
        st.lists(st.one_of(WORD, MARKUP), min_size=50, max_size=400), st.integers(2, 60)
    ).map(lambda drawn: "".join(drawn[0]) * drawn[1]),  # long answers: up to ~30,000
    st.sampled_from(["", " ", "\n\n \u3000 \n", "<div>only html</div>"]),
)


@dataclass(frozen=True)
class Stream:
    """How the backend delivers `text`: chunk sizes, pauses (s) and how it ends."""

    sizes: Sequence[int]
    pauses: Sequence[float]
    ending: str  # "stop", "length", "error", "none"


STREAMS = st.builds(
    Stream,
    sizes=st.lists(st.sampled_from([1, 2, 7, 50, 400, 3000, 100_000]), min_size=1, max_size=8),
    pauses=st.lists(
        st.sampled_from([0.0, 0.0, 0.001, 0.05, 0.3, 1.5, 25.0]), min_size=1, max_size=8
    ),
    ending=st.sampled_from(["stop", "stop", "length", "error", "none"]),
)

# --- Telegram ----------------------------------------------------------------------------

FAULTS = st.sampled_from(
    [
        "ok",
        "ok",
        "ok",
        "ok",
        "ok",
        "ok",
        "retry_after",
        "server_json",
        "server_html",
        "network",
        "lost",
        "entities",
        "deleted",
        "foreign",
    ]
)


@dataclass(frozen=True)
class Scenario:
    text: str
    stream: Stream
    faults: Sequence[str]
    retry_after: int
    group: bool
    drafts: bool
    short_limit: bool  # Telegram counts our pages longer than we do
    stop_at: float | None
    stop_kind: str  # "reset", "button", "shutdown"
    grace: float


SCENARIOS = st.builds(
    Scenario,
    text=TEXT,
    stream=STREAMS,
    faults=st.lists(FAULTS, max_size=40),
    retry_after=st.integers(1, 40),
    group=st.booleans(),
    drafts=st.booleans(),
    short_limit=st.booleans(),
    stop_at=st.one_of(st.none(), st.floats(0, 120)),
    stop_kind=st.sampled_from(["reset", "button", "shutdown"]),
    grace=st.sampled_from([0.0, 1.0, 20.0]),
)


class FaultySession(InProcessSession):
    """Before each write, the next fault of the scenario is arranged in the fake server."""

    def __init__(self, server: FakeTelegram, faults: Sequence[str], retry_after: int) -> None:
        super().__init__(server)
        self.faults = list(faults)
        self.retry_after = retry_after

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        name = method.__api_method__.lower()
        if name in WRITES and self.faults:
            fault = self.faults.pop(0)
            chat_id = getattr(method, "chat_id", None)
            server = self.server
            if fault == "retry_after":
                server.fail_next(
                    name,
                    error_code=429,
                    description=f"Too Many Requests: retry after {self.retry_after}",
                    retry_after=self.retry_after,
                )
            elif fault in ("server_json", "server_html"):
                server.fail_next(name, error_code=502, html=fault == "server_html")
            elif fault == "network":
                raise TelegramNetworkError(method=method, message="ClientConnectorError")
            elif fault == "lost":
                server.lose_next(name)
            elif fault == "entities" and getattr(method, "entities", None):
                server.fail_next(
                    name, error_code=400, description="Bad Request: can't parse entities: x"
                )
            elif fault == "deleted" and name == "editmessagetext":
                message_id = getattr(method, "message_id", None)
                known = isinstance(chat_id, int) and isinstance(message_id, int)
                if known and server.message(chat_id, message_id) is not None:  # type: ignore[arg-type]
                    server.user_deletes(chat_id, message_id)  # type: ignore[arg-type]
            elif fault == "foreign" and isinstance(chat_id, int):
                server.add_foreign_messages(chat_id, 2)
        return await super().make_request(bot, method, timeout)


async def backend(text: str, stream: Stream) -> AsyncGenerator[Chunk, None]:
    position, step = 0, 0
    while position < len(text):
        size = stream.sizes[step % len(stream.sizes)]
        pause = stream.pauses[step % len(stream.pauses)]
        if pause:
            await asyncio.sleep(pause)
        yield text[position : position + size]
        position += size
        step += 1
    if stream.ending == "error":
        raise BackendUnavailable("connection dropped mid-answer")
    if stream.ending in ("stop", "length"):
        yield FinishReason(stream.ending)


class Recording(AnswerPlan):
    """A plan that keeps a list of every plan made, to check the chat against them."""

    made: list[AnswerPlan] = []  # noqa: RUF012 - a test's record, reset per example

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        Recording.made.append(self)


@dataclass
class Outcome:
    report: DeliveryReport
    server: FakeTelegram
    chat_id: int
    plan: AnswerPlan | None


async def play(scenario: Scenario) -> Outcome:
    loop = asyncio.get_running_loop()
    server = FakeTelegram(token=TOKEN, limits=Limits(), clock=loop.time)
    if scenario.short_limit:
        server.max_text_units = 4000
    chat_id = GROUP if scenario.group else PRIVATE
    question = server.add_message(chat_id, "question")
    session = FaultySession(server, scenario.faults, scenario.retry_after)
    bot = Bot(TOKEN, session=session)
    budget = WriteBudget(30.0, 1.0, 3.3)
    delivery = Delivery(bot, budget, drafts=scenario.drafts)
    target = ReplyTarget(
        chat_id=chat_id, reply_to=question if scenario.group else None, after_id=question
    )
    plans = Recording.made = []
    answer = asyncio.create_task(delivery.deliver(target, backend(scenario.text, scenario.stream)))
    if scenario.stop_at is not None:
        done, _ = await asyncio.wait({answer}, timeout=scenario.stop_at)
        if not done:
            if scenario.stop_kind == "reset":
                delivery.stop(chat_id, None, lang="en")
            elif scenario.stop_kind == "button":
                for draft_id in server.drafts(chat_id):
                    delivery.stop_draft(chat_id, draft_id)
            else:
                await delivery.drain(scenario.grace)
    report = await answer
    await budget.close()
    return Outcome(report, server, chat_id, plans[0] if plans else None)


def _notices() -> list[str]:
    """Every note the bot may put under an answer, with every reason filled in."""
    table = texts.LANGUAGES["en"]
    reasons = [text for key, text in table.items() if key.startswith("reason_")]
    notices = []
    for text in table.values():
        if "{reason}" in text:
            notices += [text.format(reason=reason) for reason in reasons]
        elif "{" not in text:
            notices.append(text)
    return notices


NOTICES = _notices()


def alnum(text: str) -> str:
    return "".join(char for char in text if char.isalnum())


def check(scenario: Scenario, outcome: Outcome) -> None:
    server, report = outcome.server, outcome.report
    assert server.internal_errors == []
    # Never a call to a chat before its retry_after ended; never an identical edit.
    assert server.retry_after_violations == 0
    assert server.not_modified_unexplained == 0
    assert server.empty_text_refusals == 0
    shown = [m for m in server.bot_messages(outcome.chat_id) if not m.deleted]
    for message in shown:
        assert 0 < utf16_len(message.text) <= MESSAGE_LIMIT
    if not report.delivered:
        return  # Telegram refused the chat for good: nobody can read it (asserted below)
    plan = outcome.plan
    assert plan is not None
    # The persisted messages, in order, are exactly the plan's final pages: each page once.
    pages = plan.page_texts()
    assert [m.text for m in shown] == [page for page in pages if page]
    # ...and the pages hold the whole answer (plus at most one notice), nothing lost.
    joined = alnum("".join(m.text for m in shown))
    body = alnum(render(report.text).text)
    repeated_headers = any("|" in page.reopen for page in plan.pages)
    if repeated_headers:  # a table cut in two repeats its header row on the next page
        it = iter(joined)
        assert all(char in it for char in body)
    else:
        assert any(joined == body + alnum(notice) for notice in ["", *NOTICES]), (
            f"{joined[-80:]!r} != {body[-80:]!r} (+ a notice)"
        )
    if not shown:
        raise AssertionError("silence: no text and no notice")
    if scenario.drafts and not scenario.group:
        assert server.open_drafts(outcome.chat_id) == {}


@settings(
    max_examples=max(1, int(150 * SCALE)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(SCENARIOS)
def test_the_chat_ends_up_showing_the_whole_answer_once(scenario: Scenario) -> None:
    with patch.object(registry, "AnswerPlan", Recording):
        outcome = run_virtual(lambda: play(scenario), limit=4 * 3600)
    check(scenario, outcome)
