"""The tool-call loop: between the backend and the delivery, it runs the model's tool calls and
asks the model to go on, until the model answers without calling a tool.

    loop = ToolLoop(stream, messages, servers, private=True, limits=ToolLimits(...))
    async with contextlib.aclosing(loop.run()) as chunks:
        async for chunk in chunks:   # str, Reasoning, Usage, FinishReason, ThinkingClosed,
            ...                      # ToolStarted, ToolEnded, ToolsCutShort
    history.add_assistant(loop.history_text())

`stream(messages, tools)` starts one backend request and yields its chunks; `tools` is the list
of OpenAI tool entries, or None for a request without tools. Without any tool to offer, the loop
passes one request through unchanged.

What the user sees, in order: the text the model streams (text it writes before a tool call is
part of the answer, and stays where it was written), then for each call a ToolStarted and, as
each ends, a ToolEnded, then the text of the next turn (after a paragraph break), and so on.
The calls of one turn run at the same time. A turn is one backend request; a round is one
turn's calls. Reasoning and ThinkingClosed pass through as each request sends them (a
ThinkingClosed in a later turn concerns that turn's text only). After MAX_TOOL_ROUNDS rounds,
a model that calls tools again is not obeyed: the loop yields ToolsCutShort and makes one more
request, without tools, asking it to answer with what it has.

History. The loop keeps the full exchange (the assistant turns with `tool_calls`, the `tool`
results) only while it runs. Afterwards `history_text()` is what the chat's history should keep
as the assistant's turn: the answer the user saw, followed, when tools ran, by a bracketed
summary of the calls and the start of each result (at most `summary_chars` characters in all).
Why not the raw tool messages: the history is plain role/content turns cut by characters and
count, and a `tool` message cut away from its assistant `tool_calls` (or the other way round)
makes OpenAI-compatible servers reject every later request; results may be 20,000 characters
each, which would push the conversation itself out of HISTORY_MAX_CHARS; and a failover backend
without tools (Cromicle) reads plain text only. Why not the answer alone: a follow-up question
("and tomorrow?", "where did that number come from?") needs to know what was looked up, and the
summary says it in a few hundred characters, without calling the tools again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.providers.base import Chunk, FinishReason, Message, Messages, ToolCallDelta, Usage
from bot.tools.calls import (
    ToolCall,
    ToolCallAssembler,
    ToolResult,
    cap,
    failure,
    one_line,
    preview,
)
from bot.tools.events import LoopChunk, Outcome, ToolEnded, ToolsCutShort, ToolStarted
from bot.tools.specs import ToolSpec

log = logging.getLogger(__name__)

StreamRequest = Callable[[Messages, Sequence[Mapping[str, Any]] | None], AsyncIterator[Chunk]]
"""Starts one backend request: the conversation, and the tools to offer (None: none)."""

CUT_SHORT_NOTE = (
    "[Tool limit reached: you have used tools for {rounds} rounds, the most allowed for one "
    "answer. Do not call tools now; answer the question with the information you already have, "
    "and say briefly if something could not be looked up.]"
)
"""The note the model gets, as a user turn (some chat templates refuse a system message
anywhere but first), for the last request of a loop that was cut short."""


class ToolRunner(Protocol):
    """What the loop needs of the MCP servers (ToolServers is one)."""

    def tools(self, private: bool) -> list[ToolSpec]: ...

    async def call(
        self,
        name: str,
        arguments: str,
        *,
        timeout: float,  # noqa: ASYNC109 (the protocol of ToolServers.call)
        private: bool = True,
    ) -> ToolResult: ...


@dataclass(frozen=True, slots=True)
class ToolLimits:
    """The settings the loop obeys."""

    timeout: float = 30.0
    """TOOL_TIMEOUT: seconds per call (a server's own `timeout` wins)."""
    result_chars: int = 20_000
    """TOOL_RESULT_CHARS: longest result the model reads, in characters."""
    max_rounds: int = 5
    """MAX_TOOL_ROUNDS: rounds of calls before the model must answer."""
    summary_chars: int = 2_000
    """Longest summary of the calls kept in history (see the module docstring)."""
    summary_result_chars: int = 300
    """How much of each result that summary keeps."""


@dataclass(slots=True)
class _Record:
    """One call, for the history summary."""

    preview: str
    outcome: Outcome
    text: str


@dataclass(slots=True)
class _Turn:
    """What one backend request brought."""

    text: list[str] = field(default_factory=list)
    calls: ToolCallAssembler = field(default_factory=ToolCallAssembler)
    finish: FinishReason | None = None


class ToolLoop:
    """One answer with tools: iterate `run()`, then read `history_text()`.

    `private` says whether the chat is private (servers marked `private_only` are offered in
    private chats only)."""

    def __init__(
        self,
        stream: StreamRequest,
        messages: Messages,
        servers: ToolRunner,
        *,
        private: bool,
        limits: ToolLimits | None = None,
    ) -> None:
        self._stream = stream
        self._messages: list[Message] = list(messages)
        self._servers = servers
        self._private = private
        self._limits = limits or ToolLimits()
        self._answer: list[str] = []
        self._records: list[_Record] = []
        self._ids: set[str] = set()
        self._usage: list[Usage] = []
        self.rounds = 0
        """Rounds of calls run so far."""
        self.cut_short = False
        """Whether the model wanted more rounds than MAX_TOOL_ROUNDS."""

    @property
    def answer(self) -> str:
        """The answer's text as the user saw it (all turns, with the breaks between them)."""
        return "".join(self._answer)

    @property
    def messages(self) -> list[Message]:
        """The whole exchange so far, tool turns included (for tests and debugging; history
        keeps history_text() instead)."""
        return list(self._messages)

    def summary(self) -> str:
        """The calls made and the start of each result, at most `summary_chars` characters;
        empty when no tool ran."""
        if not self._records:
            return ""
        limits = self._limits
        lines: list[str] = []
        used = 0
        for position, record in enumerate(self._records):
            result = one_line(record.text, limits.summary_result_chars)
            status = "" if record.outcome is Outcome.DONE else f"{record.outcome.value}: "
            line = f"- {record.preview} → {status}{result}"
            if used + len(line) > limits.summary_chars - 30:
                left = len(self._records) - position
                lines.append(f"- … and {left} more call{'s' if left > 1 else ''}")
                break
            lines.append(line)
            used += len(line) + 1
        return "\n".join(lines)

    def history_text(self) -> str:
        """What the chat's history keeps as this assistant turn (see the module docstring)."""
        summary = self.summary()
        if not summary:
            return self.answer
        note = "[Tools called for this answer, for later questions (not shown to the user):\n"
        return f"{self.answer}\n\n{note}{summary}]".lstrip()

    async def run(self) -> AsyncGenerator[LoopChunk, None]:
        """The answer's chunks and the tool events, in order; ends with the last request's
        FinishReason (after one Usage summing every request's, when the server reported any)."""
        specs = self._servers.tools(self._private)
        offered = [spec.openai() for spec in specs] or None
        finish: FinishReason | None = None
        while True:
            tools = None if self.cut_short else offered
            turn = _Turn()
            async for chunk in self._request(turn, tools):
                yield chunk
            finish = turn.finish
            calls = turn.calls.calls(self._ids) if tools is not None else []
            if not calls:
                break
            if self.rounds >= self._limits.max_rounds:
                self._cut_short(turn)
                yield ToolsCutShort(self.rounds)
                continue
            self.rounds += 1
            self._ids.update(call.id for call in calls)
            self._messages.append(
                {
                    "role": "assistant",
                    "content": "".join(turn.text),
                    "tool_calls": [call.message() for call in calls],
                }
            )
            async for event in self._run_calls(calls, specs):
                yield event
        if self._usage:
            yield Usage(
                prompt_tokens=sum(u.prompt_tokens for u in self._usage),
                completion_tokens=sum(u.completion_tokens for u in self._usage),
                estimated=any(u.estimated for u in self._usage),
            )
        if finish is not None:
            # "tool_calls" with no call left to run (a request without tools, or no pieces):
            # from the user's side the answer ended normally.
            yield FinishReason("stop") if finish.reason == "tool_calls" else finish

    async def _request(
        self, turn: _Turn, tools: Sequence[Mapping[str, Any]] | None
    ) -> AsyncGenerator[Chunk, None]:
        """One backend request: text and thinking pass through at once (text after a paragraph
        break when an earlier turn wrote some), tool-call pieces are collected, the finish
        reason and usage are kept for the end."""
        stream = self._stream(self._messages, tools)
        try:
            async for chunk in stream:
                if isinstance(chunk, ToolCallDelta):
                    turn.calls.add(chunk)
                elif isinstance(chunk, FinishReason):
                    turn.finish = chunk
                elif isinstance(chunk, Usage):
                    self._usage.append(chunk)
                elif isinstance(chunk, str):
                    if not chunk:
                        continue
                    if not turn.text and self._answer:
                        gap = _paragraph_break(self.answer)
                        if gap:
                            self._answer.append(gap)
                            yield gap
                    turn.text.append(chunk)
                    self._answer.append(chunk)
                    yield chunk
                else:
                    yield chunk
        finally:
            close = getattr(stream, "aclose", None)
            if close is not None:
                await close()

    def _cut_short(self, turn: _Turn) -> None:
        """The model called tools past the limit: keep what it wrote, drop the calls (a
        `tool_calls` turn without results would be refused), and ask for the answer."""
        self.cut_short = True
        if turn.text:
            self._messages.append({"role": "assistant", "content": "".join(turn.text)})
        note = CUT_SHORT_NOTE.format(rounds=self.rounds)
        self._messages.append({"role": "user", "content": note})

    async def _run_calls(
        self, calls: list[ToolCall], specs: Sequence[ToolSpec]
    ) -> AsyncGenerator[ToolStarted | ToolEnded, None]:
        """Start every call of the turn at once; report each as it ends; append the results
        in the calls' order. Closing the generator (the answer was stopped) cancels the calls
        still running and waits for them to wind down (the SDK tells each server to stop)."""
        by_name = {spec.name: spec for spec in specs}
        tasks = {
            asyncio.create_task(self._call(call), name=f"tool call {call.id}"): call
            for call in calls
        }
        results: dict[str, ToolResult] = {}
        try:
            for call in calls:
                spec = by_name.get(call.name)
                tool = spec.tool if spec is not None else call.name
                server = spec.server if spec is not None else ""
                yield ToolStarted(call.id, server, tool, preview(tool, call.arguments))
            pending = set(tasks)
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task in sorted(done, key=lambda t: calls.index(tasks[t])):
                    call, result = tasks[task], task.result()
                    results[call.id] = result
                    yield ToolEnded(call.id, result.outcome, result.detail, result.seconds)
        finally:
            running = [task for task in tasks if not task.done()]
            for task in running:
                task.cancel()
            if running:
                await asyncio.shield(asyncio.gather(*running, return_exceptions=True))
        for call in calls:
            result = results[call.id]
            tool = by_name[call.name].tool if call.name in by_name else call.name
            record = _Record(preview(tool, call.arguments), result.outcome, result.text)
            self._records.append(record)
            content = cap(result.text, self._limits.result_chars)
            self._messages.append({"role": "tool", "tool_call_id": call.id, "content": content})

    async def _call(self, call: ToolCall) -> ToolResult:
        """One call; a bug below becomes a failed call the model is told about, not a lost
        answer."""
        try:
            return await self._servers.call(
                call.name, call.arguments, timeout=self._limits.timeout, private=self._private
            )
        except Exception:  # the boundary between one tool call and the answer
            log.exception("tool call %s (%s) failed unexpectedly", call.id, call.name)
            return failure(Outcome.FAILED, "the call failed because of an error in the bot")


def _paragraph_break(answer: str) -> str:
    """What separates a new turn's text from the answer so far: enough newlines for a blank
    line (Markdown counts a line of spaces as blank)."""
    tail = answer[len(answer.rstrip()) :]
    return "\n" * max(0, 2 - tail.count("\n"))
