"""What one answer is asked of and what it cost: the chat's model (and persona temperature)
picks the backends that serve it, the user's budget may refuse the question before any
request, and the answer's usage and timings are recorded in the ledger and the metrics.

The conversation holds one `Accounting` and calls it three times per question: `refusal`
(before the model is asked), `backend` (which chain to stream from) and `settle` (after the
answer ended). Nothing here knows about Telegram.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from bot import texts
from bot.delivery import DeliveryReport
from bot.metrics import Ending as MetricsEnding
from bot.metrics import Metrics, backend_outcome
from bot.models import ModelCatalog
from bot.plan import Ending
from bot.providers.base import (
    AsyncResult,
    Backend,
    BackendEmpty,
    BackendRejected,
    ChatBackend,
    FinishReason,
    Messages,
    turn_text,
)
from bot.providers.chain import FailoverChain
from bot.usage import BudgetExceeded, UsageLedger, estimate

log = logging.getLogger(__name__)

_ENDINGS: dict[Ending, MetricsEnding] = {
    Ending.COMPLETE: "complete",
    Ending.LENGTH: "length",
    Ending.FAILED: "failed",
    Ending.TIMED_OUT: "timed_out",
    Ending.STOPPED: "stopped",
    Ending.SHUTDOWN: "shutdown",
}


@dataclass(frozen=True, slots=True)
class Choice:
    """What a chat asked for: its own model (/model, or a persona's) and temperature."""

    model: str | None = None
    temperature: float | None = None


class _Wraps:
    """A backend wrapper: it is named and addressed as the backend it wraps (`inner`)."""

    __slots__ = ()
    inner: Backend | AsksForUsage

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def address(self) -> str:
        return self.inner.address


@dataclass(frozen=True, slots=True)
class AsksForUsage(_Wraps):
    """A backend asked for a usage report (`stream_usage`: `stream_options.include_usage`)
    unless its server refused one: a server that rejects the field (an HTTP 4xx naming
    `stream_options`, before any text) is asked again without it, and from then on never with
    it (`refused` holds its address; its answers' usage is then estimated)."""

    inner: Backend
    refused: set[str]

    async def stream(self, messages: Messages) -> AsyncResult:
        if self.inner.options.get("stream_usage") and self.address not in self.refused:
            async with aclosing(self.inner.stream(messages)) as inner:
                try:
                    first = await anext(inner)
                except StopAsyncIteration:
                    return
                except BackendRejected as exc:
                    if "stream_options" not in str(exc):
                        raise
                    log.warning(
                        "backend %s refuses stream_options (%s); asking without it, usage "
                        "will be estimated",
                        self.name,
                        exc,
                    )
                    self.refused.add(self.address)
                else:
                    yield first
                    async for chunk in inner:
                        yield chunk
                    return
        options = {k: v for k, v in self.inner.options.items() if k != "stream_usage"}
        async with aclosing(replace(self.inner, options=options).stream(messages)) as plain:
            async for chunk in plain:
                yield chunk


@dataclass(frozen=True, slots=True)
class Counted(_Wraps):
    """One backend whose every request is counted by outcome (`bot_backend_requests_total`):
    a failover chain makes one request per attempt, so each attempt is counted."""

    inner: Backend | AsksForUsage
    metrics: Metrics

    async def stream(self, messages: Messages) -> AsyncResult:
        error: BaseException | None = None
        chunks = finished = 0
        try:
            async with aclosing(self.inner.stream(messages)) as inner:
                async for chunk in inner:
                    chunks += 1
                    finished += isinstance(chunk, FinishReason)
                    yield chunk
        except GeneratorExit:  # the reader closed the stream early: the answer was stopped
            if not finished:
                error = GeneratorExit()
            raise
        except BaseException as exc:
            if not finished:
                error = exc
            raise
        finally:
            if error is None and not chunks:
                error = BackendEmpty("empty answer")
            outcome = "stopped" if isinstance(error, GeneratorExit) else backend_outcome(error)
            self.metrics.backend_request(self.inner.name, outcome)


class Accounting:
    """Model choice, budgets and usage for the conversation (one per application).

    `backends` are those BACKEND names, built for MODEL; a chat's chosen model is asked of
    the backends the catalog says serve it (MODEL, or a model no longer on offer: all of
    them, with MODEL). `clock` gives the UTC time that days and months are counted in.
    """

    def __init__(
        self,
        backends: Sequence[Backend],
        catalog: ModelCatalog,
        ledger: UsageLedger,
        metrics: Metrics,
        *,
        retries: int = 1,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.backends = tuple(backends)
        self.catalog = catalog
        self.ledger = ledger
        self.metrics = metrics
        self.retries = retries
        self._clock = clock
        self._refused_usage: set[str] = set()
        self._default = self._chain(self.backends)

    @property
    def default_model(self) -> str:
        return self.catalog.default

    def model_for(self, choice: Choice) -> str:
        """The model a question of this chat is asked of: its own while it is on offer."""
        model = choice.model
        return model if model and self.catalog.offered(model) else self.catalog.default

    async def backend(self, choice: Choice) -> tuple[ChatBackend, str]:
        """The chain to stream this chat's answer from, and the model it asks for. A chosen
        model the lists do not hold (yet: just after a start) waits for them, a few seconds
        at most, rather than being replaced by MODEL."""
        if choice.model and not self.catalog.offered(choice.model):
            await self.catalog.catalog()
        model = self.model_for(choice)
        if model == self.catalog.default and choice.temperature is None:
            return self._default, model
        serving = set(self.catalog.serves(model))
        chosen = [b for b in self.backends if b.name in serving] or list(self.backends)
        built = []
        for backend in chosen:
            options = dict(backend.options)
            if choice.temperature is not None and backend.name == "openai":
                options["temperature"] = choice.temperature
            built.append(replace(backend, model=model, options=options))
        return self._chain(built), model

    def _chain(self, backends: Sequence[Backend]) -> FailoverChain:
        wrapped = [Counted(AsksForUsage(b, self._refused_usage), self.metrics) for b in backends]
        return FailoverChain(wrapped, retries=self.retries)

    async def refusal(self, user: int | None, lang: str) -> str | None:
        """The note for a user past a token limit (no model request follows); None if the
        user may ask. A ledger that fails lets the question through: it is logged."""
        if user is None:
            return None
        try:
            over = await self.ledger.check_budget(user, self._clock())
        except Exception:  # Redis gone: answering beats refusing everyone
            log.warning("usage: the budget could not be checked", exc_info=True)
            return None
        return None if over is None else budget_note(over, lang)

    async def settle(
        self,
        user: int | None,
        chat_id: int,
        model: str,
        messages: Messages,
        report: DeliveryReport,
    ) -> None:
        """After an answer: its ending and timings in the metrics; its tokens (the server's
        count, else an estimate) in the ledger and the metrics. A request that produced no
        text and no usage report cost nothing countable and is not recorded."""
        self.metrics.answer_ended(
            _ENDINGS.get(report.outcome, "failed"), report.first_visible, report.total
        )
        usage = report.usage
        if usage is None:
            if not report.text:
                return
            usage = estimate(sum(len(turn_text(m)) for m in messages), len(report.text))
        self.metrics.tokens(model, usage)
        try:
            await self.ledger.record(
                user if user is not None else chat_id, chat_id, model, usage, self._clock()
            )
        except Exception:  # Redis gone: the answer was given; only its count is lost
            log.warning("usage: an answer's tokens could not be recorded", exc_info=True)


def budget_note(over: BudgetExceeded, lang: str) -> str:
    """One short sentence: which limit, how large, and when it resets (UTC)."""
    resets = over.resets_at.strftime("%Y-%m-%d %H:%M UTC")
    return texts.t(lang, f"budget_{over.limit_name}", limit=f"{over.limit:,}", resets=resets)
