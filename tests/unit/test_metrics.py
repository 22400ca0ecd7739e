"""Metrics scraped over HTTP on 127.0.0.1 and parsed as Prometheus parses them: the values
recorded, names that follow the conventions, and labels that stay few."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiohttp import web
from hypothesis import example, given
from hypothesis import strategies as st
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from bot.metrics import (
    ENDINGS,
    LATENCY_BUCKETS,
    MAX_METHODS,
    MAX_MODELS,
    Metrics,
    TelegramMetrics,
    backend_outcome,
    metrics_handler,
    serve_metrics,
)
from bot.providers.base import BackendError, BackendTimeout, BackendUnavailable, Usage
from tests.conftest import TOKEN
from tests.servers.telegram import FakeTelegram
from tests.support.properties import examples

LABELS = {"ending", "model", "kind", "source", "method", "outcome", "backend", "le"}
"""Every label a metric may have; none names a chat or a user."""


async def scrape(url: str, accept: str | None = None) -> tuple[str, str]:
    headers = {"Accept": accept} if accept else {}
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as response:
        assert response.status == 200
        return await response.text(), response.headers["Content-Type"]


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
    return found


def value(found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str,
          **labels: str) -> float:  # fmt: skip
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
async def served() -> AsyncIterator[tuple[Metrics, str]]:
    metrics = Metrics(known_model=lambda name: name in {"gpt-4o", "llama3.2:1b"})
    server = await serve_metrics(metrics, "127.0.0.1", 0)
    async with server:
        yield metrics, server.url


async def test_what_is_recorded_is_what_prometheus_reads(served: tuple[Metrics, str]) -> None:
    metrics, url = served
    metrics.answer_ended("complete", 0.4, 2.5)
    metrics.answer_ended("complete", 1.2, 40.0)
    metrics.answer_ended("failed", None, 0.03)
    metrics.tokens("gpt-4o", Usage(120, 30))
    metrics.tokens("gpt-4o", Usage(8, 2, estimated=True))
    metrics.tokens("secret-fine-tune", Usage(5, 5))  # not in the catalog
    metrics.telegram_call("sendMessage", "ok")
    metrics.telegram_call("editMessageText", "retry_after")
    metrics.retry_after(3)
    metrics.retry_after(0.5)
    metrics.backend_request("openai", "ok")
    metrics.backend_request("cromicle", "unavailable")
    metrics.set_in_progress(4)
    metrics.set_queued(2)
    metrics.track(shards=lambda: 7)

    found = samples((await scrape(url))[0])
    assert value(found, "bot_answers_total", ending="complete") == 2
    assert value(found, "bot_answers_total", ending="failed") == 1
    assert value(found, "bot_answer_first_text_seconds_count") == 2  # the failed one showed none
    assert value(found, "bot_answer_first_text_seconds_sum") == pytest.approx(1.6)
    assert value(found, "bot_answer_first_text_seconds_bucket", le="0.5") == 1
    assert value(found, "bot_answer_first_text_seconds_bucket", le="+Inf") == 2
    assert value(found, "bot_answer_duration_seconds_bucket", ending="complete", le="3.0") == 1
    assert value(found, "bot_answer_duration_seconds_bucket", ending="complete", le="45.0") == 2
    assert value(found, "bot_answer_duration_seconds_count", ending="failed") == 1
    tokens = "bot_model_tokens_total"
    assert value(found, tokens, model="gpt-4o", kind="prompt", source="reported") == 120
    assert value(found, tokens, model="gpt-4o", kind="completion", source="reported") == 30
    assert value(found, tokens, model="gpt-4o", kind="prompt", source="estimated") == 8
    assert value(found, tokens, model="other", kind="completion", source="reported") == 5
    requests = "bot_telegram_requests_total"
    assert value(found, requests, method="sendMessage", outcome="ok") == 1
    assert value(found, requests, method="editMessageText", outcome="retry_after") == 1
    assert value(found, "bot_telegram_retry_after_total") == 2
    assert value(found, "bot_telegram_retry_after_seconds_total") == 3.5
    assert (
        value(found, "bot_backend_requests_total", backend="cromicle", outcome="unavailable") == 1
    )
    assert value(found, "bot_answers_in_progress") == 4
    assert value(found, "bot_questions_queued") == 2
    assert value(found, "bot_shards_held") == 7
    assert not any("secret-fine-tune" in str(labels) for _, labels in found)


async def test_names_follow_the_prometheus_conventions(served: tuple[Metrics, str]) -> None:
    metrics, url = served
    text, content_type = await scrape(url)
    assert content_type.startswith("text/plain; version=0.0.4")
    for family in text_string_to_metric_families(text):
        assert re.fullmatch(r"bot_[a-z_]+", family.name), family.name
        assert family.documentation
        if family.type == "counter":
            assert {s.name for s in family.samples} <= {
                f"{family.name}_total",
                f"{family.name}_created",
            }
        if family.type == "histogram":
            assert family.name.endswith("_seconds")
        assert not family.name.endswith(("_ms", "_milliseconds", "_minutes"))
        for sample in family.samples:
            assert set(sample.labels) <= LABELS, sample
    assert LATENCY_BUCKETS[0] == 0.05 and LATENCY_BUCKETS[-1] == 300
    assert metrics.registry is not REGISTRY


async def test_openmetrics_is_served_to_a_scraper_that_asks(served: tuple[Metrics, str]) -> None:
    metrics, url = served
    metrics.answer_ended("stopped", 1.0, 2.0)
    text, content_type = await scrape(url, "application/openmetrics-text; version=1.0.0")
    assert content_type.startswith("application/openmetrics-text")
    assert text.rstrip().endswith("# EOF") and 'bot_answers_total{ending="stopped"} 1.0' in text


async def test_every_application_has_its_own_registry() -> None:
    first, second = Metrics(), Metrics()
    first.answer_ended("complete", 1, 1)
    assert second.registry.get_sample_value("bot_answers_total", {"ending": "complete"}) is None
    assert first.registry.get_sample_value("bot_answers_total", {"ending": "complete"}) == 1
    assert REGISTRY.get_sample_value("bot_answers_total", {"ending": "complete"}) is None


async def test_the_handler_serves_metrics_from_another_app(
    unused_tcp_port: int,
) -> None:
    metrics = Metrics()
    metrics.backend_request("openai", "timeout")
    app = web.Application()  # as the webhook server adds it beside /healthz
    app.router.add_get("/metrics", metrics_handler(metrics))
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", unused_tcp_port).start()
    try:
        text, _ = await scrape(f"http://127.0.0.1:{unused_tcp_port}/metrics")
    finally:
        await runner.cleanup()
    found = samples(text)
    assert value(found, "bot_backend_requests_total", backend="openai", outcome="timeout") == 1


async def test_a_port_in_use_is_an_os_error_and_close_frees_the_port() -> None:
    metrics = Metrics()
    server = await serve_metrics(metrics, "127.0.0.1", 0)
    with pytest.raises(OSError):
        await serve_metrics(metrics, "127.0.0.1", server.port)
    await server.close()
    again = await serve_metrics(metrics, "127.0.0.1", server.port)
    await again.close()
    with pytest.raises(aiohttp.ClientConnectionError):
        await scrape(again.url)


@given(
    st.lists(
        st.tuples(
            st.sampled_from([*ENDINGS, "exploded"]),
            st.text(max_size=30),
            st.text(max_size=30),
        ),
        max_size=200,
    )
)
@example([("complete", f"model-{n}", f"method{n}") for n in range(MAX_METHODS + 10)])
@examples(60)
def test_labels_stay_few_whatever_the_bot_passes(
    calls: list[tuple[str, str, str]],
) -> None:
    metrics = Metrics()
    for ending, model, method in calls:
        metrics.answer_ended(ending, 1.0, 1.0)  # type: ignore[arg-type]
        metrics.tokens(model, Usage(1, 1))
        metrics.telegram_call(method, "weird")  # type: ignore[arg-type]
    values: dict[str, set[str]] = {}
    for family in metrics.registry.collect():
        for sample in family.samples:
            assert isinstance(sample, Sample)
            for label, seen in sample.labels.items():
                values.setdefault(label, set()).add(seen)
    assert values.get("ending", set()) <= {*ENDINGS, "other"}
    assert values.get("outcome", set()) <= {"other"}
    assert len(values.get("model", set())) <= MAX_MODELS + 1
    assert len(values.get("method", set())) <= MAX_METHODS + 1


async def test_every_bot_api_call_is_counted_by_method_and_outcome(
    telegram: FakeTelegram,
) -> None:
    """A real aiogram Bot against the local Bot API server, with the middleware installed."""
    metrics = Metrics()
    session = AiohttpSession(api=TelegramAPIServer.from_base(telegram.base_url))
    session.middleware(TelegramMetrics(metrics))
    bot = Bot(TOKEN, session=session)
    chat = 4242
    telegram.add_message(chat, "hi")
    try:
        await bot.send_message(chat, "one")
        telegram.fail_next("sendMessage", error_code=429, retry_after=7)
        with pytest.raises(TelegramRetryAfter):
            await bot.send_message(chat, "two")
        telegram.fail_next("editMessageText", error_code=400, description="Bad Request: nope")
        with pytest.raises(TelegramBadRequest):
            await bot.edit_message_text(text="x", chat_id=chat, message_id=1)
        telegram.fail_next("sendMessage", error_code=403, description="Forbidden: blocked")
        with pytest.raises(TelegramForbiddenError):
            await bot.send_message(chat, "three")
        telegram.fail_next("sendMessage", error_code=502, html=True)
        with pytest.raises(ClientDecodeError):
            await bot.send_message(chat, "four")
    finally:
        await session.close()
    registry = metrics.registry

    def calls(method: str, outcome: str) -> float | None:
        labels = {"method": method, "outcome": outcome}
        return registry.get_sample_value("bot_telegram_requests_total", labels)

    assert calls("sendMessage", "ok") == 1
    assert calls("sendMessage", "retry_after") == 1
    assert calls("editMessageText", "bad_request") == 1
    assert calls("sendMessage", "forbidden") == 1
    assert calls("sendMessage", "server_error") == 1
    assert registry.get_sample_value("bot_telegram_retry_after_total") == 1
    assert registry.get_sample_value("bot_telegram_retry_after_seconds_total") == 7


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (None, "ok"),
        (BackendTimeout("slow"), "timeout"),
        (BackendUnavailable("down"), "unavailable"),
        (BackendError("odd"), "failed"),
        (asyncio.CancelledError(), "stopped"),
        (RuntimeError("bug"), "other"),
    ],
)
def test_backend_outcomes_come_from_the_error_types(
    error: BaseException | None, outcome: str
) -> None:
    assert backend_outcome(error) == outcome
    metrics = Metrics()
    metrics.backend_request("openai", backend_outcome(error))
    labels = {"backend": "openai", "outcome": outcome}
    assert metrics.registry.get_sample_value("bot_backend_requests_total", labels) == 1
