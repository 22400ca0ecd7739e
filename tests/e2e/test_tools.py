"""Tools end to end: the real bot polling the local Bot API, an OpenAI-compatible backend whose
model calls tools (tests/servers/tool_backend.py), and the test MCP server (written with the
SDK) as a real stdio subprocess started from MCP_CONFIG.

What the user sees is asserted: the live line of each call in drafts (private) and in edits
(group), its outcome, the record folded above the final answer, a stopped call, and /tools.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot import texts
from tests.conftest import BotFactory
from tests.e2e.test_groups import mention
from tests.e2e.test_meaning import png
from tests.servers.telegram import FakeTelegram
from tests.servers.tool_backend import ToolBackend
from tests.support.mcp import stdio_entry

CHAT = 1001
GROUP = -100123
TIMEOUT = 1.5
"""TOOL_TIMEOUT here: `hang` keeps its live line on screen this long, then times out."""
START = 60.0
"""Seconds for the MCP server to start (importing the SDK is slow on a busy machine)."""

Plan = list[tuple[str, dict[str, Any]]]


def write_config(path: Path, **servers: dict[str, Any]) -> Path:
    path.write_text(json.dumps({"mcpServers": servers}), encoding="utf-8")
    return path


@pytest.fixture
def tool_bot(bot: BotFactory, tmp_path: Path) -> Callable[..., Any]:
    """`async with tool_bot(plan) as (dispatcher, backend):` the bot answering with the tool
    backend (its model calls `plan`) and the test MCP server, once the server is up."""

    @contextlib.asynccontextmanager
    async def run(plan: Plan, **overrides: Any) -> AsyncIterator[tuple[Any, ToolBackend]]:
        config = write_config(tmp_path / "mcp.json", local=stdio_entry())
        async with ToolBackend(plan) as backend:
            settings = {
                "backend": "openai",
                "openai_base_url": backend.url,
                "mcp_config": str(config),
                "tool_timeout": TIMEOUT,
                **overrides,
            }
            async with bot(**settings) as dispatcher:
                await wait_up(dispatcher)
                yield dispatcher, backend

    return run


async def wait_up(dispatcher: Any, *names: str) -> None:
    """Until the named servers (all, when none named) are connected."""
    servers = dispatcher["tool_servers"]
    async with asyncio.timeout(START):
        while not all(
            s.state.value == "up" for s in servers.status() if not names or s.name in names
        ):
            await asyncio.sleep(0.05)


async def test_private_drafts_show_each_call_live_then_the_record_above_the_answer(
    telegram: FakeTelegram, tool_bot: Callable[..., Any]
) -> None:
    plan: Plan = [("weather", {"city": "Oslo"}), ("hang", {})]
    async with tool_bot(plan, stream_mode="auto") as (_, backend):
        telegram.add_message(CHAT, "Weather in Oslo?")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1, timeout=30)
        final = telegram.visible_texts(CHAT)[0]
        telegram.add_message(CHAT, "And tomorrow?")
        await backend_requests(backend, 3)
    live = '🔧 weather: "Oslo" — done\n🔧 hang…'
    assert f"draft:{live}" in telegram.timeline(CHAT), telegram.timeline(CHAT)
    timed_out = "timed out: the tool did not answer within 1.5 s, so the call was cancelled"
    assert final == (
        f'🔧 Tools\nweather: "Oslo" — done\nhang — {timed_out}\n\n'
        f"Results: Oslo: 5 °C, light rain; Error: the tool did not answer within 1.5 s, so "
        f"the call was cancelled"
    )
    message = telegram.bot_messages(CHAT)[0]
    folded = [e for e in message.entities if e["type"] == "expandable_blockquote"]
    assert folded and folded[0]["offset"] == len("🔧 Tools\n") + 1  # 🔧 is 2 UTF-16 units
    first, with_results, follow_up = backend.requests[:3]
    assert [t["function"]["name"] for t in first["tools"]][:3] == ["add", "echo", "weather"]
    assert [m["role"] for m in with_results["messages"]][-3:] == ["assistant", "tool", "tool"]
    # The next turn's history: the answer and a short summary of the calls, never the record.
    kept = follow_up["messages"][-2]
    assert kept["role"] == "assistant"
    assert kept["content"].startswith("Results: Oslo: 5 °C")
    assert '- weather: "Oslo" → Oslo: 5 °C, light rain' in kept["content"]
    assert "🔧" not in json.dumps(follow_up["messages"], ensure_ascii=False)


async def test_a_picture_question_is_offered_the_tools_too(
    telegram: FakeTelegram, tool_bot: Callable[..., Any]
) -> None:
    """A photo with a question goes to the model with the picture and the tools: the model
    may look something up about what it sees."""
    plan: Plan = [("weather", {"city": "Oslo"})]
    async with tool_bot(plan) as (_, backend):
        telegram.add_photo(CHAT, png(), caption="What is the weather where this was taken?")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1, timeout=30)
    first, with_results = backend.requests[:2]
    assert "weather" in [tool["function"]["name"] for tool in first["tools"]]
    for request in (first, with_results):  # the picture stays in the tool round's prompt
        asked = next(m for m in request["messages"] if m["role"] == "user")["content"]
        assert [part["type"] for part in asked] == ["text", "image_url"]
    (final,) = telegram.visible_texts(CHAT)
    assert final.startswith('🔧 Tools\nweather: "Oslo" — done\n\nResults: Oslo: 5 °C')


async def test_group_edits_show_a_failing_tools_outcome_line(
    telegram: FakeTelegram, tool_bot: Callable[..., Any]
) -> None:
    plan: Plan = [("fail", {"message": "no such city"}), ("hang", {})]
    async with tool_bot(plan) as _:
        text = "@test_bot weather in Atlantis?"
        telegram.add_message(GROUP, text, first_name="Alice", entities=mention(text))
        await telegram.wait_for(lambda: len(telegram.visible_texts(GROUP)) == 1, timeout=30)
    said = "Error executing tool fail: no such city"  # the SDK wraps the tool's message
    live = f'🔧 fail: "no such city" — failed: {said}\n🔧 hang…'
    assert live in telegram.timeline(GROUP), telegram.timeline(GROUP)
    assert not telegram.calls_for("sendMessageDraft"), "groups stream by edits"
    final = telegram.visible_texts(GROUP)[0]
    assert final.startswith(f'🔧 Tools\nfail: "no such city" — failed: {said}\nhang — ')
    assert final.endswith(
        f"Results: Error: {said}; Error: the tool did not answer "
        "within 1.5 s, so the call was cancelled"
    )


@pytest.mark.parametrize("how", ["stop button", "/reset"])
async def test_stopping_during_a_slow_tool_cancels_the_call_on_the_server(
    telegram: FakeTelegram, tool_bot: Callable[..., Any], tmp_path: Path, how: str
) -> None:
    mark = tmp_path / "stall.txt"
    plan: Plan = [("stall", {"path": str(mark)})]
    async with tool_bot(plan, stream_mode="auto", tool_timeout=120) as (_, backend):
        telegram.add_message(CHAT, "Look it up")
        await wait_file(mark, "started")
        await telegram.wait_for(lambda: any(telegram.drafts(CHAT).values()))
        if how == "stop button":
            telegram.add_stopped_generation(CHAT, next(iter(telegram.drafts(CHAT))))
        else:
            telegram.add_message(CHAT, "/reset")
        await wait_file(mark, "cancelled")
        await telegram.wait_for(lambda: bool(telegram.visible_texts(CHAT)))
        answered = telegram.visible_texts(CHAT)[0]
    assert len(backend.requests) == 1, "the model was asked on after a stopped call"
    assert answered.startswith("🔧 Tools\nstall: ")
    assert "— cancelled" in answered
    assert answered.endswith("⏹ Stopped.")


async def test_tools_command_lists_tools_and_down_servers_and_hides_private_ones_in_groups(
    telegram: FakeTelegram, bot: BotFactory, tmp_path: Path
) -> None:
    dead = {"command": sys.executable, "args": ["-c", "import sys; sys.exit(3)"]}
    config = write_config(
        tmp_path / "mcp.json",
        local=stdio_entry(TOOL_PREFIX="x_"),
        dead=dead,
        mine={**stdio_entry(TOOL_PREFIX="p_"), "private_only": True, "tools": ["p_add"]},
    )
    settings = {"backend": "openai", "openai_base_url": "http://127.0.0.1:9/v1"}
    async with bot(mcp_config=str(config), **settings) as dispatcher:
        await wait_up(dispatcher, "local", "mine")
        servers = dispatcher["tool_servers"]
        async with asyncio.timeout(START):
            while not servers.status()[1].error:
                await asyncio.sleep(0.05)
        telegram.add_message(CHAT, "/tools")
        telegram.add_message(GROUP, "/tools@test_bot")
        await telegram.wait_for(lambda: bool(telegram.visible_texts(GROUP)), timeout=30)
        await telegram.wait_for(lambda: bool(telegram.visible_texts(CHAT)), timeout=30)
    private, group = telegram.visible_texts(CHAT)[0], telegram.visible_texts(GROUP)[0]
    lines = private.splitlines()
    assert lines[0] == "Tools the model can use in this chat:"
    assert lines[1].startswith("✅ local: x_add, x_echo, x_weather")
    assert lines[2].startswith("⚠️ dead: down (")
    assert lines[2].endswith("); retrying")
    assert lines[3] == "✅ mine: p_add"
    assert group.splitlines() == lines[:3]


async def test_cromicle_backend_offers_no_tools(
    telegram: FakeTelegram, bot: BotFactory, tmp_path: Path
) -> None:
    config = write_config(tmp_path / "mcp.json", local=stdio_entry())
    async with bot(mcp_config=str(config)) as dispatcher:
        assert dispatcher["tool_servers"] is None
        telegram.add_message(CHAT, "/tools")
        await telegram.wait_for(lambda: bool(telegram.visible_texts(CHAT)))
    assert telegram.visible_texts(CHAT) == [
        "The model cannot call tools here: its backend has no tool calling."
    ]


async def backend_requests(backend: ToolBackend, count: int) -> None:
    async with asyncio.timeout(30):
        while len(backend.requests) < count:
            await asyncio.sleep(0.02)


def says(path: Path, word: str) -> bool:
    """Whether the `stall` tool's file starts with `word` (`started`, `cancelled`)."""
    return path.exists() and path.read_text(encoding="utf-8").startswith(word)


async def wait_file(path: Path, word: str) -> None:
    async with asyncio.timeout(START):
        while not says(path, word):
            await asyncio.sleep(0.02)


async def test_three_rounds_of_calls_then_the_answer(
    telegram: FakeTelegram, tool_bot: Callable[..., Any]
) -> None:
    plan: Plan = [("add", {"a": 1, "b": 2})]
    async with tool_bot(plan, max_tool_rounds=5) as (_, backend):
        backend.rounds = 3
        telegram.add_message(CHAT, "Add it up three times")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1, timeout=30)
    assert len(backend.requests) == 4  # three rounds of calls, then the answer
    final = telegram.visible_texts(CHAT)[0]
    assert final.count("add: a=1, b=2 — done") == 3, final
    assert final.endswith("Results: 3; 3; 3")


async def test_a_model_that_never_stops_calling_is_cut_at_max_tool_rounds_with_a_note(
    telegram: FakeTelegram, tool_bot: Callable[..., Any]
) -> None:
    plan: Plan = [("echo", {"text": "again"})]
    async with tool_bot(plan, max_tool_rounds=2) as (_, backend):
        backend.rounds = 1000
        telegram.add_message(CHAT, "Loop forever")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1, timeout=30)
    assert len(backend.requests) == 4  # two rounds, the round that was cut, then no tools
    assert "tools" not in backend.requests[-1]
    assert "Tool limit reached" in json.dumps(backend.requests[-1]["messages"])
    final = telegram.visible_texts(CHAT)[0]
    assert final.count("echo") == 2, final
    assert final.endswith(texts.t("en", "tools_cut_short", rounds=2)), final


async def test_a_killed_stdio_server_is_restarted_for_the_next_call(
    telegram: FakeTelegram, tool_bot: Callable[..., Any]
) -> None:
    plan: Plan = [("pid", {})]
    async with tool_bot(plan, tool_timeout=START) as (dispatcher, _):
        telegram.add_message(CHAT, "Which process?")
        await telegram.wait_for(lambda: "Results: " in "".join(telegram.visible_texts(CHAT)))
        first = int(telegram.visible_texts(CHAT)[0].rsplit("Results: ", 1)[1])
        os.kill(first, signal.SIGKILL)
        servers = dispatcher["tool_servers"]
        async with asyncio.timeout(START):  # the loss is noticed...
            while all(s.state.value == "up" for s in servers.status()):
                await asyncio.sleep(0.05)
        await wait_up(dispatcher)  # ...and the server started again, by itself
        telegram.add_message(CHAT, "And now?")
        await telegram.wait_for(
            lambda: (
                len(telegram.visible_texts(CHAT)) == 2
                and "Results: " in telegram.visible_texts(CHAT)[1]
            ),
            timeout=START,
        )
    second = telegram.visible_texts(CHAT)[1]
    assert second.rsplit("Results: ", 1)[1].isdigit(), second
    assert int(second.rsplit("Results: ", 1)[1]) != first
