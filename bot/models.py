"""Which models /model offers: what the OpenAI-compatible backends list at `GET {base}/models`,
narrowed by the MODELS allowlist, cached, and which backends serve each model.

A user never waits long for the list: a backend whose `/models` is slow, failing or absent
offers MODEL only (or its last list, if it had one), with one line saying why, while the
asking goes on in the background. Cromicle servers list no models: they offer MODEL only.
MODEL itself is always offered and served by every backend, as before there was a choice.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import aiohttp

from bot.probe import without_credentials
from bot.providers.base import Backend, transport_error

log = logging.getLogger(__name__)

DEFAULT_TTL = 300.0
"""Seconds a list is used before it is asked for again."""
DEFAULT_WAIT = 2.0
"""Seconds /model waits for a list being asked for, before it shows what it has."""
DEFAULT_FETCH_TIMEOUT = 10.0
"""Seconds one `GET /models` may take in the background."""
DEFAULT_RETRY_FAILED = 30.0
"""Seconds before a backend whose `/models` failed is asked again (when /model is used)."""
READ_LIMIT = 4 * 1024 * 1024
"""Bytes of a `/models` answer read at most (OpenRouter's list of 300+ models is ~1 MB)."""
DETAIL_LIMIT = 2048
"""Bytes of an error answer read for the server's own words."""
DETAIL_CHARS = 120
"""Characters of the server's words quoted in a note."""
MAX_MODELS = 2000
"""Models kept from one backend's list; the rest are ignored."""

Kind = Literal["openai", "cromicle"]
Reason = Literal[
    "cromicle",  # the protocol has no model list
    "not_found",  # HTTP 404/405: the server does not list models
    "unauthorized",  # HTTP 401/403: the API key was refused
    "server_error",  # HTTP 5xx, 408, 429
    "rejected",  # another HTTP status
    "timeout",  # no answer within the time allowed
    "unreachable",  # connection refused, DNS, TLS, dropped
    "unreadable",  # an answer that is not a model list
    "empty",  # a list with no model in it (after MODELS)
    "not_asked",  # not asked yet
]


class ListingFailed(Exception):
    """A backend's `/models` gave no usable list; `reason` says which way, the message says it
    in plain words (with the address, never the key)."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason: Reason = reason


@dataclass(frozen=True, slots=True)
class ModelSource:
    """One configured backend, as the catalog asks it."""

    name: str
    kind: Kind
    url: str
    api_key: str | None = field(default=None, repr=False)
    proxy: str | None = field(default=None, repr=False)

    @classmethod
    def from_backend(cls, backend: Backend) -> ModelSource:
        """The source for a backend app.py built (its address, key and proxy)."""
        key = backend.options.get("api_key")
        return cls(
            name=backend.name,
            kind="openai" if backend.name == "openai" else "cromicle",
            url=backend.address.rstrip("/"),
            api_key=str(key) if key else None,
            proxy=backend.proxy,
        )

    @property
    def endpoint(self) -> str:
        return f"{self.url}/models"

    @property
    def shown(self) -> str:
        """The endpoint as logs and users may see it (without a password in it)."""
        try:
            return without_credentials(self.endpoint)
        except ValueError:  # not an absolute URL: it holds no credentials either
            return self.endpoint


@dataclass(frozen=True, slots=True)
class Offer:
    """What one backend offers: `models` from its list (MODELS applied), or none when it
    offers MODEL only; `reason` and `why` say why, when something is missing or old."""

    backend: str
    models: tuple[str, ...]
    listed: bool
    reason: Reason | None = None
    why: str = ""


@dataclass(frozen=True, slots=True)
class Catalog:
    """The models on offer at one moment, and which backends serve each."""

    default: str
    offers: tuple[Offer, ...]

    @property
    def models(self) -> tuple[str, ...]:
        """MODEL first, then every listed model once, sorted."""
        listed = {m for offer in self.offers for m in offer.models} - {self.default}
        return (self.default, *sorted(listed, key=lambda m: (m.casefold(), m)))

    def offered(self, model: str) -> bool:
        return model == self.default or any(model in o.models for o in self.offers)

    def serves(self, model: str) -> tuple[str, ...]:
        """The backends to ask for `model`, in failover order: all of them for MODEL, those
        that list it otherwise (none: it is not on offer, ask MODEL instead)."""
        if model == self.default:
            return tuple(offer.backend for offer in self.offers)
        return tuple(offer.backend for offer in self.offers if model in offer.models)

    @property
    def notes(self) -> tuple[str, ...]:
        """One line per backend whose offer is short or old, saying why."""
        lines = []
        for offer in self.offers:
            if not offer.why:
                continue
            if offer.models:
                lines.append(f"{offer.backend}: {offer.why}")
            else:
                lines.append(f"{offer.backend} offers {self.default} only: {offer.why}")
        return tuple(lines)


def allowlist_matcher(patterns: Iterable[str]) -> Callable[[str], bool]:
    """MODELS: comma-separated names where `*` stands for any characters; case as the server
    spells it. No patterns: everything is allowed."""
    compiled = [
        re.compile(".*".join(re.escape(part) for part in pattern.split("*")))
        for pattern in (p.strip() for p in patterns)
        if pattern
    ]
    if not compiled:
        return lambda _: True
    return lambda name: any(pattern.fullmatch(name) for pattern in compiled)


def parse_listing(body: bytes) -> list[str]:
    """Model ids from a `/models` answer: OpenAI's `{"data": [{"id": ...}]}`, also a bare
    list, or `{"models": [...]}` with `id`, `name` or `model` (servers vary)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ListingFailed("unreadable", "the answer is not JSON") from None
    items = data
    if isinstance(data, dict):
        items = data.get("data", data.get("models"))
    if not isinstance(items, list):
        raise ListingFailed("unreadable", "the answer has no list of models")
    names: list[str] = []
    for item in items:
        name: object = item
        if isinstance(item, dict):
            name = item.get("id") or item.get("name") or item.get("model")
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    return names


@dataclass(slots=True)
class _Entry:
    """The latest answer of one source: its models when it listed some, else the failure."""

    models: tuple[str, ...] | None = None
    allowed: tuple[str, ...] = ()
    """`models` that MODELS allows: worked out once per list, not on every question."""
    listed_at: float = float("-inf")
    failure: ListingFailed | None = None
    asked_at: float = float("-inf")


class ModelCatalog:
    """The models the configured backends list, cached for `ttl` seconds.

    `catalog()` is what /model calls: at most `wait` seconds, then the last list (or MODEL
    only) with the reason. Asking is single-flight per backend and continues in the
    background, bounded by `fetch_timeout`. `start()` keeps the lists fresh in the background;
    `aclose()` stops every task it started.
    """

    def __init__(
        self,
        sources: Sequence[ModelSource],
        default_model: str,
        *,
        session: aiohttp.ClientSession,
        allowlist: Iterable[str] = (),
        ttl: float = DEFAULT_TTL,
        wait: float = DEFAULT_WAIT,
        fetch_timeout: float = DEFAULT_FETCH_TIMEOUT,
        retry_failed: float = DEFAULT_RETRY_FAILED,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl <= 0 or wait < 0 or fetch_timeout <= 0:
            raise ValueError("ttl and fetch_timeout must be positive, wait not negative")
        self.sources = tuple(sources)
        self.default = default_model
        self.ttl = ttl
        self.wait = wait
        self.fetch_timeout = fetch_timeout
        self.retry_failed = retry_failed
        self.allows = allowlist_matcher(allowlist)
        self._session = session
        self._clock = clock
        self._entries = [_Entry() for _ in self.sources]
        self._fetches: dict[int, asyncio.Task[None]] = {}
        self._refresher: asyncio.Task[None] | None = None

    def current(self) -> Catalog:
        """What is known now, without asking anyone."""
        return self._build(asking=set())

    def serves(self, model: str) -> tuple[str, ...]:
        """`Catalog.serves` on what is known now."""
        return self.current().serves(model)

    def offered(self, model: str) -> bool:
        """Whether `model` is on offer now (MODEL always is)."""
        return self.current().offered(model)

    async def catalog(self) -> Catalog:
        """The models on offer, asking backends whose list is older than `ttl`; waits at most
        `wait` seconds for them."""
        now = self._clock()
        stale = [
            index
            for index, (source, entry) in enumerate(zip(self.sources, self._entries, strict=True))
            if source.kind == "openai" and now - entry.asked_at >= self._max_age(entry)
        ]
        return await self._gather(stale, self.wait)

    def _max_age(self, entry: _Entry) -> float:
        """A list is asked for again after `ttl`; a failed one after `retry_failed`."""
        return self.ttl if entry.failure is None else min(self.ttl, self.retry_failed)

    async def refresh(self) -> Catalog:
        """Ask every backend now and wait for all of them (at most `fetch_timeout`)."""
        indexes = [i for i, s in enumerate(self.sources) if s.kind == "openai"]
        return await self._gather(indexes, self.fetch_timeout + 1)

    def start(self) -> None:
        """Refresh in the background every `ttl` seconds until `aclose()`."""
        if self._refresher is None or self._refresher.done():
            self._refresher = asyncio.create_task(self._refresh_forever(), name="model catalog")

    async def aclose(self) -> None:
        tasks = [t for t in (self._refresher, *self._fetches.values()) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._refresher = None
        self._fetches.clear()

    async def _refresh_forever(self) -> None:
        while True:
            await self.refresh()
            await asyncio.sleep(self.ttl)

    async def _gather(self, indexes: list[int], wait: float) -> Catalog:
        tasks = [self._fetch_once(index) for index in indexes]
        if tasks:
            await asyncio.wait(tasks, timeout=wait)
        asking = {i for i in indexes if not self._fetches[i].done()}
        return self._build(asking)

    def _fetch_once(self, index: int) -> asyncio.Task[None]:
        """The fetch in flight for this source, or a new one."""
        task = self._fetches.get(index)
        if task is not None and not task.done():
            return task
        self._entries[index].asked_at = self._clock()
        task = asyncio.create_task(
            self._fetch(index), name=f"models of {self.sources[index].name}"
        )
        self._fetches[index] = task
        return task

    async def _fetch(self, index: int) -> None:
        source, entry = self.sources[index], self._entries[index]
        try:
            names = await self._list(source)
        except Exception as exc:  # a background task: whatever happens is logged and kept
            if not isinstance(exc, ListingFailed):
                log.warning("models of %s: unexpected error", source.name, exc_info=True)
                exc = ListingFailed("unreachable", f"asking {source.shown} failed: {exc!r}")
            if entry.failure is None or entry.failure.reason != exc.reason:
                kept = " (its last list is kept)" if entry.models is not None else ""
                log.warning("models of %s: %s%s", source.name, exc, kept)
            entry.failure = exc
            return
        if entry.failure is not None:
            log.info("models of %s: listed again (%d)", source.name, len(names))
        entry.models = tuple(sorted(dict.fromkeys(names[:MAX_MODELS])))
        entry.allowed = tuple(m for m in entry.models if self.allows(m))
        entry.listed_at = self._clock()
        entry.failure = None

    async def _list(self, source: ModelSource) -> list[str]:
        """GET `{url}/models`: the model ids, or ListingFailed saying why not."""
        headers = {"Authorization": f"Bearer {source.api_key}"} if source.api_key else {}
        url = source.endpoint
        try:
            async with self._session.get(
                url,
                headers=headers,
                proxy=source.proxy,
                timeout=aiohttp.ClientTimeout(total=self.fetch_timeout),
                allow_redirects=False,
            ) as response:
                status = response.status
                if status >= 300:
                    said = _detail(await response.content.read(DETAIL_LIMIT), source.api_key)
                    raise _http_failure(status, source.shown, said)
                body = await response.content.read(READ_LIMIT + 1)
        except (TimeoutError, aiohttp.ServerTimeoutError):
            raise ListingFailed(
                "timeout", f"no model list from {source.shown} within {self.fetch_timeout:g} s"
            ) from None
        except aiohttp.ClientError as exc:
            error = transport_error(exc, backend=source.name, url=source.shown, idle=0)
            raise ListingFailed("unreachable", str(error)) from None
        if len(body) > READ_LIMIT:
            raise ListingFailed(
                "unreadable", f"the model list at {source.shown} is larger than {READ_LIMIT} bytes"
            )
        try:
            return parse_listing(body)
        except ListingFailed as exc:
            raise ListingFailed(exc.reason, f"{source.shown}: {exc}") from None

    def _build(self, asking: set[int]) -> Catalog:
        now = self._clock()
        offers = []
        for index, (source, entry) in enumerate(zip(self.sources, self._entries, strict=True)):
            offers.append(self._offer(source, entry, now, index in asking))
        return Catalog(self.default, tuple(offers))

    def _offer(self, source: ModelSource, entry: _Entry, now: float, asking: bool) -> Offer:
        if source.kind == "cromicle":
            return Offer(source.name, (), False, "cromicle", "Cromicle servers list no models")
        failure: ListingFailed | None = entry.failure
        if asking and entry.failure is None:
            slow = f"no model list from {source.shown} within {self.wait:g} s (still asking)"
            failure = ListingFailed("timeout", slow)
        if entry.models is None:
            if failure is None:
                return Offer(source.name, (), False, "not_asked", "its models were not asked yet")
            return Offer(source.name, (), False, failure.reason, str(failure))
        models = entry.allowed
        if not models:
            why = f"{source.shown} lists no model that MODELS allows"
            if not entry.models:
                why = f"{source.shown} lists no models"
            return Offer(source.name, models, True, "empty", why)
        if failure is None:
            return Offer(source.name, models, True)
        age = _age(now - entry.listed_at)
        return Offer(source.name, models, True, failure.reason, f"list from {age} ago: {failure}")


def _http_failure(status: int, shown: str, said: str = "") -> ListingFailed:
    """A non-2xx answer as a typed failure; `said` is the server's own words, if any."""
    quoted = f" ({said})" if said else ""
    if status in (401, 403):
        return ListingFailed(
            "unauthorized", f"{shown} refused the API key (HTTP {status}){quoted}"
        )
    if status in (404, 405):
        return ListingFailed("not_found", f"{shown} answered HTTP {status}: it lists no models")
    if status >= 500 or status in (408, 429):
        return ListingFailed("server_error", f"{shown} answered HTTP {status}{quoted}")
    return ListingFailed("rejected", f"{shown} answered HTTP {status}{quoted}")


def _detail(body: bytes, secret: str | None) -> str:
    """The server's error message (`error.message`, or the text), short and one line, without
    the API key in it should the server quote it back."""
    text = body.decode("utf-8", errors="replace")
    with contextlib.suppress(ValueError, AttributeError, TypeError):
        error = json.loads(text).get("error")
        text = str(error.get("message") if isinstance(error, dict) else error or "")
    if "<html" in text.lower():
        return ""  # an error page: its status says as much
    text = " ".join(text.split())
    if secret:
        text = text.replace(secret, "***")
    return text[:DETAIL_CHARS].rstrip()


def _age(seconds: float) -> str:
    if seconds < 90:
        return f"{max(seconds, 0):.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.0f} h"
