"""What the tool loop tells the display, between the answer's chunks: a call started, a call
ended (and how), the rounds were cut short. The delivery renders them; their words live in
the texts table, not here."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.providers.base import Chunk


class Outcome(StrEnum):
    """How one tool call ended. Every outcome but DONE also went to the model as an error
    result it can react to (try again, use another tool, or say what failed)."""

    DONE = "done"
    FAILED = "failed"
    """The tool raised, returned `isError`, or the server refused the call."""
    TIMED_OUT = "timed_out"
    """No answer within the timeout; the call was cancelled on the server."""
    INVALID_ARGUMENTS = "invalid_arguments"
    """The model's arguments were not JSON, or did not match the tool's input schema."""
    UNKNOWN_TOOL = "unknown_tool"
    """The model named a tool this chat does not have."""
    INVALID_RESULT = "invalid_result"
    """The server answered with something that is not a valid tool result."""
    UNAVAILABLE = "unavailable"
    """The server is down, or died during the call (it is being restarted)."""
    CANCELLED = "cancelled"
    """The answer was stopped (the stop button, /reset) while the call ran. The loop cannot
    yield anything once its consumer is cancelled, so the loop never yields this: it is the
    outcome the display gives a ToolStarted that never got its ToolEnded."""


@dataclass(frozen=True, slots=True)
class ToolStarted:
    """The model called a tool and the call is running.

    `preview` is one short line (at most PREVIEW_CHARS) for the display, such as
    `search: "weather in Oslo"`; `server` is empty for a tool that does not exist."""

    call_id: str
    server: str
    tool: str
    preview: str


@dataclass(frozen=True, slots=True)
class ToolEnded:
    """A call ended: its outcome, a one-line detail (what came back, or what went wrong, at
    most DETAIL_CHARS), and how long it took in seconds."""

    call_id: str
    outcome: Outcome
    detail: str
    seconds: float


@dataclass(frozen=True, slots=True)
class ToolsCutShort:
    """The model wanted more tools after MAX_TOOL_ROUNDS rounds; it was asked to answer with
    what it had instead, and the answer that follows was written without them."""

    rounds: int


ToolEvent = ToolStarted | ToolEnded | ToolsCutShort
LoopChunk = Chunk | ToolEvent
"""What the tool loop yields: the backend's chunks (text, Reasoning, Usage, the final
FinishReason...) and the display's tool events, in the order they happened."""

PREVIEW_CHARS = 80
DETAIL_CHARS = 120
