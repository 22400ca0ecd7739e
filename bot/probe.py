"""At start: say which backends the bot uses, and check once, in the background, that they can
be reached at all.

The commonest first run is a bot that starts without a word and then answers every question
with "the model service is unavailable", because CROMICLE_URL still points at the retired
public service. So the log names each backend and its address at start, and a short probe
(an HTTP GET that costs no model call: `{base}/models` for OpenAI-compatible servers, the root
for Cromicle) turns an unreachable one into one WARNING that says what to set.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

import aiohttp
from yarl import URL

from bot.providers.base import Backend, transport_error
from bot.providers.openai import not_found_hint

log = logging.getLogger(__name__)

PROBE_TIMEOUT = 5.0
"""Seconds a backend has to answer the probe; it runs beside answering, never before it."""
RETIRED_CROMICLE = "https://cromicle.top"
README_BACKENDS = "docs/backends.md"
WHAT_TO_SET = {
    "cromicle": "set CROMICLE_URL to your Cromicle-compatible server, or BACKEND=openai with "
    "OPENAI_BASE_URL",
    "openai": "set OPENAI_BASE_URL to your OpenAI-compatible server (it ends in /v1), or "
    "BACKEND=cromicle with CROMICLE_URL",
}


def without_credentials(url: str) -> str:
    """`http://user:secret@host:3128` -> `http://host:3128`, for the log."""
    return str(URL(url).with_user(None).with_password(None)).rstrip("/")


def describe(backends: Sequence[Backend]) -> str:
    """One line: which backends, in which order, at which addresses, with which model."""
    parts = []
    for backend in backends:
        part = f"{backend.name} at {backend.address}"
        if backend.proxy:
            part += f" via proxy {without_credentials(backend.proxy)}"
        parts.append(part)
    model = backends[0].model if backends else ""
    if len(parts) == 1:
        return f"backend: {parts[0]}, model {model}"
    return f"backends, tried in this order: {'; '.join(parts)}, model {model}"


def probe_url(backend: Backend) -> str:
    return f"{backend.address}/models" if backend.name == "openai" else f"{backend.address}/"


async def probe(
    backend: Backend, session: aiohttp.ClientSession, *, alone: bool = True
) -> str | None:
    """None when the backend answered like it should; else what is wrong and what to set
    (`alone`: no other backend of a chain can answer in its place)."""
    url = probe_url(backend)
    headers = {}
    if backend.name == "openai" and backend.options.get("api_key"):
        headers["Authorization"] = f"Bearer {backend.options['api_key']}"
    started = time.perf_counter()
    try:
        async with session.get(
            url,
            headers=headers,
            proxy=backend.proxy,
            timeout=aiohttp.ClientTimeout(total=PROBE_TIMEOUT),
            allow_redirects=False,
        ) as response:
            status = response.status
    except (TimeoutError, aiohttp.ServerTimeoutError):
        reason = f"no answer from {url} within {PROBE_TIMEOUT:g} s"
        return _unreachable(backend, reason, alone)
    except aiohttp.ClientProxyConnectionError:
        proxy = without_credentials(backend.proxy or "")
        return (
            f"backend {backend.name} is unreachable: no connection to the proxy {proxy}:"
            " check PROXY"
        )
    except aiohttp.ClientError as exc:
        reason = str(transport_error(exc, backend=backend.name, url=url, idle=PROBE_TIMEOUT))
        return _unreachable(backend, reason, alone)
    if backend.name == "openai":
        if status in (401, 403):
            refused = f"backend openai refused the API key (HTTP {status} from {url})"
            return f"{refused}: check OPENAI_API_KEY"
        hint = not_found_hint(backend.address).get(status)
        if hint:
            return f"backend openai answered HTTP {status} at {url}: {hint}"
    elapsed = (time.perf_counter() - started) * 1000
    log.info("backend %s is reachable at %s (%.0f ms)", backend.name, backend.address, elapsed)
    return None


def _unreachable(backend: Backend, reason: str, alone: bool) -> str:
    advice = WHAT_TO_SET.get(backend.name, "check its address")
    retired = backend.name == "cromicle" and backend.address == RETIRED_CROMICLE
    note = f" ({RETIRED_CROMICLE}, the default, is the retired public service)" if retired else ""
    outlook = "every question will fail until you" if alone else "the chain skips it until you"
    return (
        f"backend {backend.name} is unreachable: {reason}{note}; {outlook} {advice}"
        f" (see {README_BACKENDS})"
    )


async def probe_all(backends: Sequence[Backend], session: aiohttp.ClientSession) -> None:
    """Probe every backend at once; one WARNING for each that is not usable."""
    alone = len(backends) == 1
    problems = await asyncio.gather(*(probe(b, session, alone=alone) for b in backends))
    for problem in problems:
        if problem is not None:
            log.warning("%s", problem)
