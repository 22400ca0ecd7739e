"""Prometheus metrics: how answers end and how long they take, tokens by model, Telegram and
backend calls, and what is in progress; served at `/metrics`.

One `Metrics` per application owns its own `CollectorRegistry` (never the global one), so two
bots in one process, or two tests, do not share counters. Labels are bounded: endings and
outcomes are fixed sets, model names come from the catalog (anything else is `other`), and no
label ever holds a chat or user id.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Final, Literal, Self, get_args

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import (
    ClientDecodeError,
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
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import choose_encoder

from bot.providers.base import BackendError, Usage

if TYPE_CHECKING:
    from aiogram import Bot

Ending = Literal[
    "complete",  # the model finished
    "length",  # the model's length limit cut it
    "failed",  # the backend failed (before or during the answer)
    "stopped",  # the user stopped it (/reset, the stop button)
    "timed_out",  # BACKEND_MAX_ANSWER_SECONDS or BACKEND_TIMEOUT cut it
    "shutdown",  # the bot stopped while it ran
]
ENDINGS: Final[tuple[str, ...]] = get_args(Ending)
TelegramOutcome = Literal[
    "ok",
    "retry_after",  # 429 Too Many Requests
    "bad_request",  # 400
    "forbidden",  # 403: blocked by the user, kicked from the group
    "not_found",  # 404
    "conflict",  # 409: another getUpdates or webhook
    "unauthorized",  # 401: the token
    "server_error",  # 5xx
    "network",  # no answer: connection, timeout
    "other",
]
TELEGRAM_OUTCOMES: Final[tuple[str, ...]] = get_args(TelegramOutcome)
BackendOutcome = Literal[
    "ok", "unavailable", "rejected", "empty", "timeout", "failed", "stopped", "other"
]
"""`ok`, a `BackendError.reason`, or `stopped` (the answer was cancelled mid-stream)."""
BACKEND_OUTCOMES: Final[tuple[str, ...]] = get_args(BackendOutcome)

LATENCY_BUCKETS: Final = (
    0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 7.5, 10.0,
    15.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 240.0, 300.0,
)  # fmt: skip
"""Seconds, from a cached first word (50 ms) to BACKEND_MAX_ANSWER_SECONDS's default (300 s);
about three buckets per tenfold, closer where people notice (0.5-5 s)."""
OTHER: Final = "other"
MAX_MODELS: Final = 50
"""Model labels kept at most; later ones count as `other` (a catalog may list hundreds)."""
MAX_METHODS: Final = 60
"""Telegram method labels kept at most (the bot calls about twenty)."""
MAX_BACKENDS: Final = 10


class _Bounded:
    """Label values accepted as they come, up to `limit` distinct ones, then `other`."""

    def __init__(self, limit: int, accept: Callable[[str], bool] | None = None) -> None:
        self.limit = limit
        self.accept = accept
        self.seen: set[str] = set()

    def __call__(self, value: str) -> str:
        if value in self.seen:
            return value
        if len(self.seen) >= self.limit or (self.accept is not None and not self.accept(value)):
            return OTHER
        self.seen.add(value)
        return value


def _one_of(value: str, allowed: tuple[str, ...]) -> str:
    return value if value in allowed else OTHER


class Metrics:
    """Every metric of the bot, in a registry of its own; the integrator calls the methods.

    `known_model` says which model names may be labels (the catalog's `offered`); without it
    the first MAX_MODELS names seen are.
    """

    def __init__(self, *, known_model: Callable[[str], bool] | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self._model = _Bounded(MAX_MODELS, known_model)
        self._method = _Bounded(MAX_METHODS)
        self._backend = _Bounded(MAX_BACKENDS)
        self.answers = Counter(
            "bot_answers",
            "Answers ended, by how they ended",
            ["ending"],
            registry=registry,
        )
        self.first_text = Histogram(
            "bot_answer_first_text_seconds",
            "Seconds from the question to the first text the user sees",
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.duration = Histogram(
            "bot_answer_duration_seconds",
            "Seconds from the question to the answer's end, by how it ended",
            ["ending"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.model_tokens = Counter(
            "bot_model_tokens",
            "Tokens sent to (prompt) and generated by (completion) models, as the server "
            "reported them or estimated from characters",
            ["model", "kind", "source"],
            registry=registry,
        )
        self.telegram_requests = Counter(
            "bot_telegram_requests",
            "Bot API calls, by method and outcome",
            ["method", "outcome"],
            registry=registry,
        )
        self.retry_afters = Counter(
            "bot_telegram_retry_after",
            "429 answers from the Bot API (flood control)",
            registry=registry,
        )
        self.retry_after_seconds = Counter(
            "bot_telegram_retry_after_seconds",
            "Seconds the Bot API asked the bot to wait (retry_after), summed",
            registry=registry,
        )
        self.backend_requests = Counter(
            "bot_backend_requests",
            "Requests to model backends, by backend and outcome",
            ["backend", "outcome"],
            registry=registry,
        )
        self.in_progress = Gauge(
            "bot_answers_in_progress", "Answers being streamed now", registry=registry
        )
        self.queued = Gauge(
            "bot_questions_queued", "Questions waiting for their chat's answer", registry=registry
        )
        self.shards = Gauge(
            "bot_shards_held", "Update shards this replica holds (REDIS_URL)", registry=registry
        )

    def answer_ended(self, ending: Ending, first_text_s: float | None, total_s: float) -> None:
        """One answer ended; `first_text_s` is None when the user saw no text of it."""
        label = _one_of(ending, ENDINGS)
        self.answers.labels(label).inc()
        if first_text_s is not None:
            self.first_text.observe(max(first_text_s, 0.0))
        self.duration.labels(label).observe(max(total_s, 0.0))

    def tokens(self, model: str, usage: Usage) -> None:
        """One answer's tokens (the same Usage the ledger records)."""
        name = self._model(model)
        source = "estimated" if usage.estimated else "reported"
        if usage.prompt_tokens > 0:
            self.model_tokens.labels(name, "prompt", source).inc(usage.prompt_tokens)
        if usage.completion_tokens > 0:
            self.model_tokens.labels(name, "completion", source).inc(usage.completion_tokens)

    def telegram_call(self, method: str, outcome: TelegramOutcome) -> None:
        """One Bot API call (`sendMessage`...) ended."""
        self.telegram_requests.labels(
            self._method(method), _one_of(outcome, TELEGRAM_OUTCOMES)
        ).inc()

    def retry_after(self, seconds: float) -> None:
        """A 429 asking to wait `seconds` (count the call itself with `telegram_call`)."""
        self.retry_afters.inc()
        self.retry_after_seconds.inc(max(seconds, 0.0))

    def backend_request(self, backend: str, outcome: BackendOutcome) -> None:
        """One request to a backend ended (a failover chain makes one per attempt)."""
        self.backend_requests.labels(
            self._backend(backend), _one_of(outcome, BACKEND_OUTCOMES)
        ).inc()

    def set_in_progress(self, count: int) -> None:
        self.in_progress.set(count)

    def set_queued(self, count: int) -> None:
        self.queued.set(count)

    def set_shards(self, count: int) -> None:
        self.shards.set(count)

    def track(
        self,
        *,
        in_progress: Callable[[], float] | None = None,
        queued: Callable[[], float] | None = None,
        shards: Callable[[], float] | None = None,
    ) -> None:
        """Read the gauges from these callables at every scrape (instead of setting them)."""
        for gauge, read in ((self.in_progress, in_progress), (self.queued, queued),
                            (self.shards, shards)):  # fmt: skip
            if read is not None:
                gauge.set_function(read)

    def exposition(self, accept: str | None = None) -> tuple[bytes, str]:
        """The scrape body and its content type (OpenMetrics when the scraper asks for it)."""
        encoder, content_type = choose_encoder(accept or "")
        return encoder(self.registry), content_type


def telegram_outcome(error: BaseException | None) -> TelegramOutcome:
    """How a Bot API call ended, from what aiogram raised (None: it succeeded)."""
    if error is None:
        return "ok"
    kinds: tuple[tuple[type[BaseException], TelegramOutcome], ...] = (
        (TelegramRetryAfter, "retry_after"),
        (TelegramEntityTooLarge, "bad_request"),  # 413: a file too large, before "network"
        (TelegramBadRequest, "bad_request"),
        (TelegramMigrateToChat, "bad_request"),
        (TelegramForbiddenError, "forbidden"),
        (TelegramNotFound, "not_found"),
        (TelegramConflictError, "conflict"),
        (TelegramUnauthorizedError, "unauthorized"),
        (TelegramServerError, "server_error"),
        (TelegramNetworkError, "network"),
        (ClientDecodeError, "server_error"),  # a proxy's HTML page instead of JSON
        (TimeoutError, "network"),
        (OSError, "network"),
    )
    for kind, outcome in kinds:
        if isinstance(error, kind):
            return outcome
    return "other"


def backend_outcome(error: BaseException | None) -> BackendOutcome:
    """How a backend request ended: `ok`, the BackendError's reason, or `stopped` when it was
    cancelled (the user stopped the answer, or the bot is stopping)."""
    if error is None:
        return "ok"
    if isinstance(error, asyncio.CancelledError):
        return "stopped"
    if isinstance(error, BackendError):
        return _BACKEND_REASONS.get(error.reason, "failed")
    return "other"


_BACKEND_REASONS: Final[dict[str, BackendOutcome]] = {
    "unavailable": "unavailable",
    "rejected": "rejected",
    "empty": "empty",
    "timeout": "timeout",
}


class TelegramMetrics(BaseRequestMiddleware):
    """Counts every Bot API call by method and outcome, and each 429's retry_after:
    `bot.session.middleware(TelegramMetrics(metrics))`. A cancelled call is not counted."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        name = method.__api_method__
        try:
            result = await make_request(bot, method)
        except Exception as exc:
            self.metrics.telegram_call(name, telegram_outcome(exc))
            if isinstance(exc, TelegramRetryAfter):
                self.metrics.retry_after(exc.retry_after)
            raise
        self.metrics.telegram_call(name, "ok")
        return result


def metrics_handler(metrics: Metrics) -> Callable[[web.Request], Awaitable[web.Response]]:
    """An aiohttp handler for GET /metrics (add it to the webhook/health app)."""

    async def handler(request: web.Request) -> web.Response:
        body, content_type = metrics.exposition(request.headers.get("Accept"))
        return web.Response(body=body, headers={"Content-Type": content_type})

    return handler


@dataclass
class MetricsServer:
    """The polling mode's /metrics server (METRICS_HOST:METRICS_PORT); close it on exit."""

    runner: web.AppRunner
    host: str
    port: int

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/metrics"

    async def close(self) -> None:
        await self.runner.cleanup()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.close()


async def serve_metrics(metrics: Metrics, host: str, port: int) -> MetricsServer:
    """Serve GET /metrics on `host`:`port` (0: any free port) until `close()`.

    Raises OSError when the port cannot be bound (in use, not allowed): the caller says so.
    """
    app = web.Application()
    app.router.add_get("/metrics", metrics_handler(metrics))
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
    except BaseException:
        with contextlib.suppress(Exception):
            await runner.cleanup()
        raise
    bound = runner.addresses[0][1] if runner.addresses else port
    return MetricsServer(runner, host, int(bound))
