"""How streams end and what they carry beside text: finish reasons, thinking, HTML pages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.providers.base import BackendUnavailable, Chunk, FinishReason, Reasoning
from bot.providers.cromicle import Cromicle
from bot.providers.openai import OpenAI
from bot.reasoning import split_thinking
from tests.servers.backends import FakeCromicle, FakeOpenAI, Script
from tests.support.properties import examples

USER = [{"role": "user", "content": "x"}]


async def everything(stream: AsyncIterator[Any]) -> list[Any]:
    async with asyncio.timeout(10):
        return [chunk async for chunk in stream]


async def test_openai_finish_reason_comes_through_and_ends_the_answer(
    openai_server: FakeOpenAI,
) -> None:
    openai_server.push(Script(chunks=["Half an"], finish_reason="length"))
    chunks = await everything(OpenAI.create_async_generator("m", USER, url=openai_server.url))
    assert chunks == ["Half an", FinishReason("length")]


async def test_an_answer_is_complete_at_its_finish_reason_though_the_connection_stays_open(
    openai_server: FakeOpenAI,
) -> None:
    openai_server.push(Script(chunks=["Done."], done=False, hold_open=True))
    stream = OpenAI.create_async_generator("m", USER, url=openai_server.url, timeout=30)
    assert await everything(stream) == ["Done.", FinishReason("stop")]


@pytest.mark.parametrize("field", ["reasoning_content", "reasoning"])
async def test_reasoning_deltas_become_thinking(openai_server: FakeOpenAI, field: str) -> None:
    script = Script(chunks=["Answer"], reasoning=["Let me ", "think."], reasoning_field=field)
    openai_server.push(script)
    chunks = await everything(OpenAI.create_async_generator("m", USER, url=openai_server.url))
    assert chunks == [
        Reasoning("Let me "),
        Reasoning("think."),
        "Answer",
        FinishReason("stop"),
    ]


async def test_an_empty_completion_is_only_a_finish_reason(openai_server: FakeOpenAI) -> None:
    openai_server.push(Script(chunks=[]))
    chunks = await everything(OpenAI.create_async_generator("m", USER, url=openai_server.url))
    assert chunks == [FinishReason("stop")]


@pytest.mark.parametrize("server_kind", ["cromicle", "openai"])
async def test_an_html_page_sent_with_200_is_an_error_not_an_answer(server_kind: str) -> None:
    page = "<!DOCTYPE html><html><head><title>Domain for sale</title></head><body>x</body></html>"
    script = Script(chunks=[page], content_type="text/html; charset=utf-8")
    server: FakeCromicle | FakeOpenAI
    provider: Any
    if server_kind == "cromicle":
        server, provider = FakeCromicle(), Cromicle
    else:
        server, provider = FakeOpenAI(), OpenAI
    async with server:
        server.push(script)
        with pytest.raises(BackendUnavailable, match="HTML page \\(Domain for sale\\)"):
            await everything(provider.create_async_generator("m", USER, url=server.url))


async def chunked(pieces: Sequence[Chunk]) -> AsyncGenerator[Chunk, None]:
    for piece in pieces:
        yield piece


def split(pieces: Sequence[Chunk]) -> tuple[str, str, list[Chunk]]:
    """(thinking, answer, the rest) of `pieces` passed through split_thinking."""
    out = asyncio.run(everything(split_thinking(chunked(pieces))))
    thinking = "".join(c.text for c in out if isinstance(c, Reasoning))
    answer = "".join(c for c in out if isinstance(c, str))
    return thinking, answer, [c for c in out if isinstance(c, FinishReason)]


def cuts(text: str, points: list[int]) -> list[str]:
    bounds = sorted({0, len(text), *(p % (len(text) + 1) for p in points)})
    return [text[a:b] for a, b in pairwise(bounds)]


@examples(300)
@given(st.lists(st.integers(min_value=0, max_value=200), max_size=12))
def test_inline_think_is_split_off_however_the_text_is_chunked(points: list[int]) -> None:
    text = "\n <think>\nWeigh 1<2 and </thin, then decide.\n</think>\n\nThe answer: <b>x</b>."
    thinking, answer, _ = split([*cuts(text, points), FinishReason("stop")])
    assert thinking == "\nWeigh 1<2 and </thin, then decide.\n"
    assert answer == "The answer: <b>x</b>."


@examples(200)
@given(st.lists(st.integers(min_value=0, max_value=100), max_size=8))
def test_text_that_does_not_start_with_think_is_left_alone(points: list[int]) -> None:
    text = "Use <think> tags like this: <think>x</think>"
    thinking, answer, _ = split(cuts(text, points))
    assert (thinking, answer) == ("", text)


def test_thoughts_cut_by_the_token_limit_stay_thoughts() -> None:
    thinking, answer, rest = split(["<think>still wei", "ghing </th", FinishReason("length")])
    assert (thinking, answer) == ("still weighing </th", "")
    assert rest == [FinishReason("length")]
