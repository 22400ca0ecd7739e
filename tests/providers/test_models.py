"""The model catalog against a local `GET /v1/models`: lists, MODELS, cache, slow and failing
backends, Cromicle, and which backends serve a model."""

from __future__ import annotations

import asyncio
import fnmatch
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, cast

import aiohttp
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.models import (
    ListingFailed,
    ModelCatalog,
    ModelSource,
    allowlist_matcher,
    parse_listing,
)
from bot.providers.base import Backend
from bot.providers.cromicle import Cromicle
from bot.providers.openai import OpenAI
from tests.servers.model_lists import ModelLists
from tests.support.process import free_port
from tests.support.properties import examples

KEY = "sk-test-secret-123"


class Clock:
    """Monotonic time a test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as own:
        yield own


@pytest.fixture
async def server() -> AsyncIterator[ModelLists]:
    async with ModelLists(["llama3.2:1b", "gpt-4o", "gpt-4o-mini", "GPT-5", "text-embed"]) as s:
        yield s


CatalogFactory = Callable[..., ModelCatalog]


@pytest.fixture
async def make(
    session: aiohttp.ClientSession, server: ModelLists
) -> AsyncIterator[CatalogFactory]:
    made: list[ModelCatalog] = []

    def factory(*sources: ModelSource, **options: Any) -> ModelCatalog:
        sources = sources or (ModelSource("openai", "openai", server.url, api_key=KEY),)
        options.setdefault("default_model", "gpt-4o")
        catalog = ModelCatalog(sources, session=session, **options)
        made.append(catalog)
        return catalog

    yield factory
    for catalog in made:
        await catalog.aclose()


async def test_the_listed_models_are_offered_narrowed_by_models(
    make: CatalogFactory, server: ModelLists
) -> None:
    cromicle = ModelSource("cromicle", "cromicle", "http://127.0.0.1:9")
    catalog = make(
        ModelSource("openai", "openai", server.url, api_key=KEY),
        cromicle,
        allowlist=["gpt-*", "llama3.2:1b"],
    )
    found = await catalog.catalog()
    # MODEL first; "GPT-5" is spelled otherwise than "gpt-*" allows; text-embed is not allowed.
    assert found.models == ("gpt-4o", "gpt-4o-mini", "llama3.2:1b")
    assert server.keys == [f"Bearer {KEY}"] and server.requests == 1
    assert found.serves("gpt-4o-mini") == ("openai",)
    assert found.serves("gpt-4o") == ("openai", "cromicle")  # MODEL: every backend, as before
    assert found.serves("text-embed") == () and not found.offered("text-embed")
    assert found.notes == ("cromicle offers gpt-4o only: Cromicle servers list no models",)
    assert catalog.serves("llama3.2:1b") == ("openai",) and catalog.offered("llama3.2:1b")


async def test_without_models_everything_listed_is_offered(make: CatalogFactory) -> None:
    found = await make(default_model="my-model").catalog()
    assert found.models == ("my-model", "gpt-4o", "gpt-4o-mini", "GPT-5", "llama3.2:1b",
                            "text-embed")  # fmt: skip
    assert found.notes == ()


async def test_cromicle_alone_offers_model_and_asks_nobody(
    make: CatalogFactory, server: ModelLists
) -> None:
    catalog = make(ModelSource("cromicle", "cromicle", server.url), default_model="c-model")
    found = await catalog.catalog()
    assert found.models == ("c-model",) and found.serves("c-model") == ("cromicle",)
    assert found.offers[0].reason == "cromicle"
    assert (await catalog.refresh()).models == ("c-model",)
    assert server.requests == 0


@pytest.mark.parametrize(
    ("status", "body", "reason", "words"),
    [
        (404, None, "not_found", "answered HTTP 404: it lists no models"),
        (401, None, "unauthorized", "refused the API key (HTTP 401)"),
        (503, None, "server_error", "answered HTTP 503"),
        (400, None, "rejected", "answered HTTP 400"),
        (200, b"<html>hi</html>", "unreadable", "the answer is not JSON"),
        (200, b'{"object": "list"}', "unreadable", "the answer has no list of models"),
        (200, b'{"data": []}', "empty", "lists no models"),
    ],
)
async def test_a_backend_that_gives_no_list_offers_model_only_and_says_why(
    make: CatalogFactory,
    server: ModelLists,
    status: int,
    body: bytes | None,
    reason: str,
    words: str,
) -> None:
    server.status, server.body = status, body
    found = await make(default_model="fallback").catalog()
    assert found.models == ("fallback",)
    assert found.serves("fallback") == ("openai",)
    (offer,) = found.offers
    assert offer.reason == reason
    (note,) = found.notes
    assert note.startswith("openai offers fallback only: ") and words in note, note
    assert f"{server.url}/models" in note and KEY not in note


async def test_an_unreachable_backend_offers_model_only(make: CatalogFactory) -> None:
    closed = f"http://user:pw@127.0.0.1:{free_port()}/v1"
    found = await make(ModelSource("openai", "openai", closed)).catalog()
    (offer,) = found.offers
    assert offer.reason == "unreachable" and "connection refused" in offer.why
    assert "pw" not in offer.why  # the address is shown without its credentials


async def test_a_slow_list_never_holds_a_user_and_arrives_in_the_background(
    make: CatalogFactory, server: ModelLists
) -> None:
    server.hold = asyncio.Event()
    catalog = make(wait=0.2)
    started = time.perf_counter()
    first, second = await asyncio.gather(catalog.catalog(), catalog.catalog())
    assert time.perf_counter() - started < 5
    assert first.models == second.models == ("gpt-4o",)
    assert first.offers[0].reason == "timeout" and "within 0.2 s (still asking)" in first.notes[0]
    refreshing = asyncio.create_task(catalog.refresh())  # joins the request in flight
    await asyncio.sleep(0.05)
    assert server.requests == 1  # one request, however many users ask meanwhile
    server.hold.set()
    async with asyncio.timeout(10):
        while len(catalog.current().models) == 1:
            await asyncio.sleep(0.01)
    assert catalog.current().offered("llama3.2:1b")
    assert (await refreshing).offered("llama3.2:1b") and server.requests == 1


async def test_a_list_is_cached_for_the_ttl_then_asked_again(
    make: CatalogFactory, server: ModelLists
) -> None:
    clock = Clock()
    catalog = make(ttl=300, clock=clock)
    assert catalog.current().offers[0].reason == "not_asked"
    await catalog.catalog()
    clock.now += 299
    await catalog.catalog()
    assert server.requests == 1
    server.models = ["gpt-4o", "qwen3:8b"]
    clock.now += 1
    found = await catalog.catalog()
    assert server.requests == 2
    assert found.models == ("gpt-4o", "qwen3:8b") and found.serves("llama3.2:1b") == ()


async def test_a_failing_refresh_keeps_the_last_list_and_says_how_old(
    make: CatalogFactory, server: ModelLists
) -> None:
    clock = Clock()
    catalog = make(ttl=300, retry_failed=30, clock=clock)
    await catalog.catalog()
    server.status = 502
    clock.now += 600
    found = await catalog.catalog()
    assert found.offered("llama3.2:1b") and found.serves("llama3.2:1b") == ("openai",)
    assert found.notes == (
        f"openai: list from 10 min ago: {server.url}/models answered HTTP 502 (no)",
    )
    clock.now += 29
    await catalog.catalog()
    assert server.requests == 2
    clock.now += 1  # a failed list is asked again sooner than the ttl
    server.status = 200
    found = await catalog.catalog()
    assert server.requests == 3 and found.notes == ()


async def test_refresh_asks_now_and_start_keeps_asking_until_closed(
    make: CatalogFactory, server: ModelLists
) -> None:
    catalog = make(ttl=3600)
    await catalog.catalog()
    server.models = ["gpt-4o", "new-model"]
    assert (await catalog.refresh()).models == ("gpt-4o", "new-model")
    assert server.requests == 2
    ticking = make(ttl=0.05)
    ticking.start()
    await server.wait_for_requests(5)
    await ticking.aclose()
    settled = server.requests
    await asyncio.sleep(0.2)  # closed: nothing asks any more (a bounded check, not a wait)
    assert server.requests == settled


async def test_sources_come_from_the_backends_app_builds(server: ModelLists) -> None:
    openai = Backend(OpenAI, "m", url=server.url + "/", options={"api_key": KEY}, proxy=None)
    source = ModelSource.from_backend(openai)
    assert source == ModelSource("openai", "openai", server.url, api_key=KEY)
    assert KEY not in repr(source)
    cromicle = ModelSource.from_backend(Backend(Cromicle, "m", url="http://c.example"))
    assert (cromicle.kind, cromicle.api_key) == ("cromicle", None)


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ({"object": "list", "data": [{"id": "a"}, {"id": " b "}, {"id": ""}, {}]}, ["a", "b"]),
        (["x", "y"], ["x", "y"]),
        ({"models": [{"name": "llama3:8b"}, {"model": "q"}]}, ["llama3:8b", "q"]),
    ],
)
def test_the_shapes_of_model_lists_servers_send(body: Any, names: list[str]) -> None:
    assert parse_listing(json.dumps(body).encode()) == names


def test_a_body_that_is_no_list_is_refused_by_type() -> None:
    with pytest.raises(ListingFailed) as error:
        parse_listing(b'{"data": "none"}')
    assert error.value.reason == "unreadable"


SAFE = st.text(st.sampled_from("abAB1.:-/_ "), max_size=8)


@given(st.lists(st.lists(SAFE, min_size=1, max_size=4).map("*".join), max_size=3), SAFE)
@example(["gpt-*"], "GPT-4")
@example(["*"], "")
@example(["a.b"], "axb")  # a dot is a dot, not a regular expression
@examples(300)
def test_models_patterns_match_like_shell_wildcards_with_case(
    patterns: list[str], name: str
) -> None:
    allowed = allowlist_matcher(patterns)
    live = [p.strip() for p in patterns if p.strip()]
    expected = not live or any(fnmatch.fnmatchcase(name, p) for p in live)
    assert allowed(name) == expected


class BrokenSession:
    """Raises what no HTTP client should: the catalog's background task must survive it."""

    def get(self, *args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")


async def test_an_unexpected_error_is_logged_and_offers_model_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    catalog = ModelCatalog(
        [ModelSource("openai", "openai", "http://127.0.0.1:1/v1")],
        "m",
        session=cast(aiohttp.ClientSession, BrokenSession()),
    )
    try:
        found = await catalog.catalog()
    finally:
        await catalog.aclose()
    (offer,) = found.offers
    assert offer.reason == "unreachable" and "RuntimeError('a bug')" in offer.why
    assert "unexpected error" in caplog.text


def test_an_address_that_is_not_absolute_is_shown_as_it_is() -> None:
    assert ModelSource("openai", "openai", "localhost:8000/v1").shown == "localhost:8000/v1/models"
    with_password = ModelSource("openai", "openai", "http://u:secret@h:1/v1")
    assert with_password.shown == "http://h:1/v1/models"


async def test_the_servers_own_words_are_quoted_without_the_key(
    make: CatalogFactory, server: ModelLists
) -> None:
    server.status, server.error = 401, f"Incorrect API key provided: {KEY}.\n See the docs."
    (note,) = (await make().catalog()).notes
    assert note.endswith("refused the API key (HTTP 401) (Incorrect API key provided: ***. See "
                         "the docs.)")  # fmt: skip
    assert KEY not in note
