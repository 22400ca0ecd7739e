"""The tool loop with scripted backends: what the user sees, what the model is sent, rounds,
the cut at MAX_TOOL_ROUNDS, errors, cancellation and what history keeps.

The scripted streams send tool calls in the shapes the servers document (as ToolCallDelta
pieces, the way the provider yields them):
- OpenAI: the first piece has `id`, `type`, `function.name` and `arguments: ""`; the arguments
  follow in small pieces; the last chunk has an empty delta and `finish_reason: "tool_calls"`
  (OpenAI's streaming function-calling guide; the chunks printed in simonw/llm#988);
- vLLM: a first delta `{"role": "assistant", "content": ""}`, then the call, whose final piece
  may repeat `id`, `type` and `name` with the remaining arguments (vllm-project/vllm#44098),
  and some parsers end with `finish_reason: "stop"` (vllm-project/vllm#27572 and #19662);
- llama.cpp (`--jinja`): `id`, `type`, `name` and the opening `{` of the arguments in one piece
  (ggml-org/llama.cpp#13800, #22722);
- whole calls (Ollama, vmlx): each call complete in one piece, `finish_reason: "stop"`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.providers.base import Chunk, FinishReason, Messages, Reasoning, ToolCallDelta, Usage
from bot.tools.calls import ToolResult, failure
from bot.tools.events import LoopChunk, Outcome, ToolEnded, ToolsCutShort, ToolStarted
from bot.tools.loop import CUT_SHORT_NOTE, ToolLimits, ToolLoop
from bot.tools.specs import ToolSpec
from tests.support.properties import examples

USER = [{"role": "user", "content": "Weather in Oslo?"}]
SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}}
SPECS = [
    ToolSpec("weather", "web", "weather", "Today's weather.", SCHEMA),
    ToolSpec("add", "calc", "add", "Add numbers.", {"type": "object"}),
    ToolSpec("files__read", "files", "read", "Read a file.", {"type": "object"}),
]


# -- the scripted parts ---------------------------------------------------------------------


def openai_call(index: int, call_id: str, name: str, arguments: str) -> list[Chunk]:
    pieces = [arguments[i : i + 4] for i in range(0, len(arguments), 4)]
    return [
        ToolCallDelta(index, call_id, name, ""),
        *(ToolCallDelta(index, None, None, p) for p in pieces),
    ]


def vllm_call(index: int, call_id: str, name: str, arguments: str) -> list[Chunk]:
    head, tail = arguments[:-1], arguments[-1:]
    return [
        "",
        ToolCallDelta(index, call_id, name, head[:5]),
        ToolCallDelta(index, None, None, head[5:]),
        ToolCallDelta(index, call_id, name, tail),
    ]


def llamacpp_call(index: int, call_id: str, name: str, arguments: str) -> list[Chunk]:
    return [
        ToolCallDelta(index, call_id, name, arguments[:1]),
        ToolCallDelta(index, None, None, arguments[1:]),
    ]


def whole_call(index: int, call_id: str, name: str, arguments: str) -> list[Chunk]:
    return [ToolCallDelta(0, call_id, name, arguments)]


SHAPES: dict[str, tuple[Callable[[int, str, str, str], list[Chunk]], str]] = {
    "openai": (openai_call, "tool_calls"),
    "vllm": (vllm_call, "stop"),
    "llama.cpp": (llamacpp_call, "tool_calls"),
    "whole": (whole_call, "stop"),
}


@dataclass
class Backend:
    """Answers each request with the next scripted turn; remembers what it was sent."""

    turns: list[list[Chunk]] | Callable[[int], list[Chunk]]
    requests: list[tuple[list[dict[str, Any]], list[dict[str, Any]] | None]] = field(
        default_factory=list
    )

    def stream(
        self, messages: Messages, tools: Sequence[Mapping[str, Any]] | None
    ) -> AsyncIterator[Chunk]:
        self.requests.append(
            (
                json.loads(json.dumps(list(messages))),
                [dict(t) for t in tools] if tools is not None else None,
            )
        )
        number = len(self.requests) - 1
        turn = self.turns(number) if callable(self.turns) else self.turns[number]

        async def chunks() -> AsyncIterator[Chunk]:
            for chunk in turn:
                await asyncio.sleep(0)
                yield chunk

        return chunks()


@dataclass
class Runner:
    """Plays ToolServers: offers SPECS, answers calls with `answer(name, arguments)`."""

    answer: Callable[[str, str], Any] = lambda name, arguments: f"{name} says {arguments}"
    specs: list[ToolSpec] = field(default_factory=lambda: list(SPECS))
    calls: list[tuple[str, str, float, bool]] = field(default_factory=list)
    offered_private: list[bool] = field(default_factory=list)

    def tools(self, private: bool) -> list[ToolSpec]:
        self.offered_private.append(private)
        return self.specs

    async def call(
        self, name: str, arguments: str, *, timeout: float, private: bool = True
    ) -> ToolResult:
        self.calls.append((name, arguments, timeout, private))
        value = self.answer(name, arguments)
        if asyncio.iscoroutine(value):
            value = await value
        if isinstance(value, ToolResult):
            return value
        return ToolResult(Outcome.DONE, str(value), f"{len(str(value))} characters", 0.01)


async def collect(loop: ToolLoop) -> list[LoopChunk]:
    async with asyncio.timeout(30), contextlib.aclosing(loop.run()) as chunks:
        return [chunk async for chunk in chunks]


def shown(chunks: list[LoopChunk]) -> list[Any]:
    """What the display gets, with events reduced to their essentials."""
    out: list[Any] = []
    for chunk in chunks:
        if isinstance(chunk, ToolStarted):
            out.append(("started", chunk.call_id, chunk.server, chunk.tool, chunk.preview))
        elif isinstance(chunk, ToolEnded):
            out.append(("ended", chunk.call_id, chunk.outcome.value, chunk.detail))
        else:
            out.append(chunk)
    return out


# -- one round -------------------------------------------------------------------------------


async def test_without_tools_one_request_passes_through_unchanged() -> None:
    backend = Backend([["Hel", Reasoning("hm"), "lo", FinishReason("stop")]])
    loop = ToolLoop(backend.stream, USER, Runner(specs=[]), private=True)
    assert await collect(loop) == ["Hel", Reasoning("hm"), "lo", FinishReason("stop")]
    assert backend.requests == [(USER, None)]
    assert loop.history_text() == "Hello" and loop.rounds == 0


@pytest.mark.parametrize("shape", list(SHAPES))
async def test_a_call_in_each_servers_shape_runs_and_the_model_streams_on(shape: str) -> None:
    make, finish = SHAPES[shape]
    backend = Backend(
        [
            [
                "Let me check.",
                *make(0, "call_w1", "weather", '{"city": "Oslo"}'),
                FinishReason(finish),
            ],
            ["It is 5 °C", " and raining.", FinishReason("stop")],
        ]
    )
    runner = Runner(answer=lambda name, arguments: "Oslo: 5 °C, rain")
    loop = ToolLoop(backend.stream, USER, runner, private=True)
    assert shown(await collect(loop)) == [
        "Let me check.",
        ("started", "call_w1", "web", "weather", 'weather: "Oslo"'),
        ("ended", "call_w1", "done", "16 characters"),
        "\n\n",
        "It is 5 °C",
        " and raining.",
        FinishReason("stop"),
    ]
    assert runner.calls == [("weather", '{"city": "Oslo"}', 30.0, True)]
    offered, second = backend.requests[0][1], backend.requests[1][0]
    assert offered == [spec.openai() for spec in SPECS]
    assert second[1:] == [
        {
            "role": "assistant",
            "content": "Let me check.",
            "tool_calls": [
                {
                    "id": "call_w1",
                    "type": "function",
                    "function": {"name": "weather", "arguments": '{"city": "Oslo"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_w1", "content": "Oslo: 5 °C, rain"},
    ]
    assert loop.answer == "Let me check.\n\nIt is 5 °C and raining."


async def test_several_calls_in_one_turn_run_at_once_and_end_in_any_order() -> None:
    backend = Backend(
        [
            [
                *openai_call(0, "call_a", "weather", '{"city": "Oslo"}'),
                *openai_call(1, "call_b", "add", '{"a": 1, "b": 2}'),
                *openai_call(2, "call_c", "files__read", '{"path": "/x"}'),
                FinishReason("tool_calls"),
            ],
            ["Done.", FinishReason("stop")],
        ]
    )
    add_shown = asyncio.Event()

    async def answer(name: str, arguments: str) -> str:
        if name == "weather":  # ends only once the display showed `add` ended
            await add_shown.wait()
            return "sunny"
        return "3" if name == "add" else "file text"

    loop = ToolLoop(backend.stream, USER, Runner(answer=answer), private=True)
    chunks: list[LoopChunk] = []
    async with asyncio.timeout(10), contextlib.aclosing(loop.run()) as stream:
        async for chunk in stream:
            chunks.append(chunk)
            if isinstance(chunk, ToolEnded) and chunk.call_id == "call_b":
                add_shown.set()
    events = [c for c in shown(chunks) if isinstance(c, tuple)]
    assert [e[:2] for e in events[:3]] == [
        ("started", "call_a"),
        ("started", "call_b"),
        ("started", "call_c"),
    ]
    assert [e[1] for e in events[3:]] == ["call_b", "call_c", "call_a"]
    assert events[2] == ("started", "call_c", "files", "read", 'read: "/x"')
    results = [m for m in backend.requests[1][0] if m["role"] == "tool"]
    assert [(m["tool_call_id"], m["content"]) for m in results] == [
        ("call_a", "sunny"),
        ("call_b", "3"),
        ("call_c", "file text"),
    ]


async def test_three_rounds_then_the_answer() -> None:
    backend = Backend(
        [
            [*openai_call(0, "c1", "weather", '{"city": "Oslo"}'), FinishReason("tool_calls")],
            [
                "Now adding.",
                *openai_call(0, "c2", "add", '{"a": 5, "b": 1}'),
                FinishReason("tool_calls"),
            ],
            [
                *llamacpp_call(0, "c3", "files__read", '{"path": "/notes"}'),
                FinishReason("tool_calls"),
            ],
            ["Oslo is 5 °C; plus one is 6.", FinishReason("stop")],
        ]
    )
    loop = ToolLoop(backend.stream, USER, Runner(), private=False)
    chunks = await collect(loop)
    assert loop.rounds == 3 and not loop.cut_short
    assert [c.call_id for c in chunks if isinstance(c, ToolEnded)] == ["c1", "c2", "c3"]
    assert loop.answer == "Now adding.\n\nOslo is 5 °C; plus one is 6."
    assert [len(messages) for messages, _ in backend.requests] == [1, 3, 5, 7]
    assert all(tools is not None for _, tools in backend.requests)
    assert chunks[-1] == FinishReason("stop")


async def test_a_model_that_calls_tools_forever_is_cut_at_max_tool_rounds() -> None:
    def turn(number: int) -> list[Chunk]:
        if number == 3:  # the request without tools
            return ["With what I have: sunny.", FinishReason("stop")]
        return [
            f"Try {number}.",
            *openai_call(0, f"c{number}", "weather", '{"city": "Oslo"}'),
            FinishReason("tool_calls"),
        ]

    backend = Backend(turn)
    runner = Runner()
    loop = ToolLoop(backend.stream, USER, runner, private=True, limits=ToolLimits(max_rounds=2))
    chunks = await collect(loop)
    assert loop.rounds == 2 and loop.cut_short and len(runner.calls) == 2
    assert ToolsCutShort(2) in chunks
    assert chunks.index(ToolsCutShort(2)) < chunks.index("With what I have: sunny.")
    last_messages, last_tools = backend.requests[-1]
    assert last_tools is None and len(backend.requests) == 4
    assert last_messages[-2:] == [
        {"role": "assistant", "content": "Try 2."},
        {"role": "user", "content": CUT_SHORT_NOTE.format(rounds=2)},
    ]
    assert loop.answer == "Try 0.\n\nTry 1.\n\nTry 2.\n\nWith what I have: sunny."
    assert chunks[-1] == FinishReason("stop")


async def test_calls_in_the_request_without_tools_are_ignored() -> None:
    backend = Backend(
        [
            [*openai_call(0, "c1", "add", "{}"), FinishReason("tool_calls")],
            [*openai_call(0, "c2", "add", "{}"), FinishReason("tool_calls")],
            ["Fine.", *openai_call(0, "c3", "add", "{}"), FinishReason("tool_calls")],
        ]
    )
    loop = ToolLoop(backend.stream, USER, Runner(), private=True, limits=ToolLimits(max_rounds=1))
    chunks = await collect(loop)
    assert chunks[-1] == FinishReason("stop") and loop.rounds == 1 and "Fine." in chunks


# -- errors, limits, usage ---------------------------------------------------------------------


async def test_failures_and_long_results_go_back_to_the_model_capped() -> None:
    backend = Backend(
        [
            [
                *openai_call(0, "c1", "weather", '{"city": "Oslo"}'),
                *openai_call(1, "c2", "add", "{}"),
                FinishReason("tool_calls"),
            ],
            ["Sorry.", FinishReason("stop")],
        ]
    )

    def answer(name: str, arguments: str) -> Any:
        if name == "add":
            return failure(Outcome.TIMED_OUT, "the tool did not answer within 30 s")
        return "x" * 5000

    loop = ToolLoop(
        backend.stream,
        USER,
        Runner(answer=answer),
        private=True,
        limits=ToolLimits(result_chars=1000),
    )
    chunks = await collect(loop)
    ended = {c.call_id: c for c in chunks if isinstance(c, ToolEnded)}
    assert ended["c2"].outcome is Outcome.TIMED_OUT
    assert ended["c2"].detail == "the tool did not answer within 30 s"
    results = [m["content"] for m in backend.requests[1][0] if m["role"] == "tool"]
    assert len(results[0]) <= 1000 and "[cut: the result had 5,000 characters" in results[0]
    assert results[1] == "Error: the tool did not answer within 30 s"


async def test_a_bug_below_a_call_becomes_a_failed_result_not_a_lost_answer() -> None:
    def answer(name: str, arguments: str) -> Any:
        raise KeyError("bug")

    backend = Backend(
        [
            [*openai_call(0, "c1", "add", "{}"), FinishReason("tool_calls")],
            ["Hm.", FinishReason("stop")],
        ]
    )
    chunks = await collect(ToolLoop(backend.stream, USER, Runner(answer=answer), private=True))
    (ended,) = [c for c in chunks if isinstance(c, ToolEnded)]
    assert ended.outcome is Outcome.FAILED and chunks[-1] == FinishReason("stop")


async def test_usage_of_every_request_is_summed_once_before_the_finish() -> None:
    backend = Backend(
        [
            [*openai_call(0, "c1", "add", "{}"), FinishReason("tool_calls"), Usage(100, 10)],
            ["ok", FinishReason("stop"), Usage(150, 5, estimated=True)],
        ]
    )
    chunks = await collect(ToolLoop(backend.stream, USER, Runner(), private=True))
    assert chunks[-2:] == [Usage(250, 15, estimated=True), FinishReason("stop")]
    assert sum(isinstance(c, Usage) for c in chunks) == 1


async def test_group_chats_ask_for_group_tools_and_call_as_a_group() -> None:
    backend = Backend(
        [
            [*openai_call(0, "c1", "add", "{}"), FinishReason("tool_calls")],
            ["ok", FinishReason("stop")],
        ]
    )
    runner = Runner()
    await collect(ToolLoop(backend.stream, USER, runner, private=False))
    assert runner.offered_private == [False] and runner.calls[0][3] is False


async def test_repeated_call_ids_across_rounds_are_made_unique() -> None:
    backend = Backend(
        [
            [*openai_call(0, "call_0", "add", "{}"), FinishReason("tool_calls")],
            [*openai_call(0, "call_0", "add", "{}"), FinishReason("tool_calls")],
            ["ok", FinishReason("stop")],
        ]
    )
    chunks = await collect(ToolLoop(backend.stream, USER, Runner(), private=True))
    started = [c.call_id for c in chunks if isinstance(c, ToolStarted)]
    assert started[0] == "call_0" and started[1] != "call_0"
    last = backend.requests[-1][0]
    assert [m["tool_call_id"] for m in last if m["role"] == "tool"] == started


# -- stopping ------------------------------------------------------------------------------


async def test_stopping_the_answer_cancels_the_running_calls() -> None:
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def answer(name: str, arguments: str) -> str:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return ""

    backend = Backend(
        [
            [
                *openai_call(0, "c1", "add", "{}"),
                *openai_call(1, "c2", "add", "{}"),
                FinishReason("tool_calls"),
            ]
        ]
    )
    loop = ToolLoop(backend.stream, USER, Runner(answer=answer), private=True)
    seen: list[LoopChunk] = []

    async def consume() -> None:
        async with contextlib.aclosing(loop.run()) as chunks:
            async for chunk in chunks:
                seen.append(chunk)

    consumer = asyncio.create_task(consume())
    async with asyncio.timeout(10):
        await started.wait()
    consumer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await consumer
    assert cancelled.is_set()
    assert not [t for t in asyncio.all_tasks() if t.get_name().startswith("tool call")]
    assert [type(c) for c in seen] == [ToolStarted, ToolStarted]


# -- history ---------------------------------------------------------------------------------


async def test_history_keeps_the_answer_and_a_bounded_summary_of_the_calls() -> None:
    calls = [
        *(
            c
            for n in range(30)
            for c in openai_call(n, f"c{n}", "weather", json.dumps({"city": f"City {n}"}))
        )
    ]
    backend = Backend(
        [[*calls, FinishReason("tool_calls")], ["Thirty forecasts.", FinishReason("stop")]]
    )
    loop = ToolLoop(backend.stream, USER, Runner(answer=lambda n, a: "rain " * 200), private=True)
    await collect(loop)
    kept = loop.history_text()
    assert kept.startswith("Thirty forecasts.\n\n[Tools called for this answer")
    assert len(loop.summary()) <= ToolLimits().summary_chars
    assert '- weather: "City 0" → rain rain' in kept and "more calls" in kept
    assert kept.endswith("]")


async def test_a_summary_names_failed_calls() -> None:
    backend = Backend(
        [
            [*openai_call(0, "c1", "add", "{}"), FinishReason("tool_calls")],
            ["no", FinishReason("stop")],
        ]
    )
    runner = Runner(answer=lambda n, a: failure(Outcome.UNAVAILABLE, "the server is down"))
    loop = ToolLoop(backend.stream, USER, runner, private=True)
    await collect(loop)
    assert loop.summary() == "- add → unavailable: Error: the server is down"


# -- any script --------------------------------------------------------------------------------

Script = list[tuple[list[str], list[str], str]]


@st.composite
def scripts(draw: st.DrawFn) -> Script:
    """Turns of a model: the text pieces it writes, then the tools it calls (none in the last
    turn), in a random server's shape."""
    words = st.text(alphabet="ab \n", min_size=1, max_size=6).filter(str.strip)
    names = st.sampled_from(["weather", "add", "files__read"])
    turns = [
        (
            draw(st.lists(words, max_size=3)),
            draw(st.lists(names, min_size=1, max_size=3)),
            draw(st.sampled_from(list(SHAPES))),
        )
        for _ in range(draw(st.integers(0, 4)))
    ]
    return [*turns, (draw(st.lists(words, max_size=3)), [], "openai")]


@given(scripts(), st.integers(1, 3))
@examples(100)
@example([(["a\n "], ["weather"], "openai"), (["a"], [], "openai")], 1)
def test_any_script_keeps_text_and_calls_in_the_order_they_happened(
    script: Script, max_rounds: int
) -> None:
    def turn(number: int) -> list[Chunk]:
        texts, calls, shape = script[min(number, len(script) - 1)]
        make, finish = SHAPES[shape]
        pieces = [c for i, n in enumerate(calls) for c in make(i, f"c{number}_{i}", n, "{}")]
        return [*texts, *pieces, FinishReason(finish if calls else "stop")]

    backend = Backend(turn)
    limits = ToolLimits(max_rounds=max_rounds)
    loop = ToolLoop(backend.stream, USER, Runner(), private=True, limits=limits)
    order: list[tuple[int, int]] = []  # (turn, 0 text / 1 its calls' events), as yielded

    async def run() -> list[LoopChunk]:
        chunks = []
        async with contextlib.aclosing(loop.run()) as stream:
            async for chunk in stream:
                chunks.append(chunk)
                if isinstance(chunk, str) and chunk.strip("\n"):
                    order.append((len(backend.requests) - 1, 0))
                elif isinstance(chunk, ToolStarted | ToolEnded):
                    order.append((int(chunk.call_id[1:].split("_")[0]), 1))
        return chunks

    chunks = asyncio.run(run())
    rounds = min(len(script) - 1, max_rounds)
    assert (loop.rounds, loop.cut_short) == (rounds, len(script) - 1 > max_rounds)
    assert len(backend.requests) == rounds + 1 + loop.cut_short
    assert order == sorted(order)  # a turn's text, then its calls, then the next turn
    texts = ["".join(script[min(n, len(script) - 1)][0]) for n in range(len(backend.requests))]
    expected = ""
    for text in filter(None, texts):
        if expected:
            expected += "\n" * max(0, 2 - expected[len(expected.rstrip()) :].count("\n"))
        expected += text
    assert "".join(c for c in chunks if isinstance(c, str)) == loop.answer == expected
    started = [c.tool for c in chunks if isinstance(c, ToolStarted)]
    called = [n for _, calls, _ in script[:rounds] for n in calls]
    assert started == [n.replace("files__", "") for n in called]
    assert chunks[-1] == FinishReason("stop")
