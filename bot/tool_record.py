"""The tool calls of one answer as the chat shows them, above the answer: pure, like the plan.

While the answer streams, each call is a line the user watches, `🔧 search: "Oslo"…` until it
ends, then `🔧 search: "Oslo" — done` (or failed, timed out... with the reason). Once the
answer has ended the lines become a compact record folded in an expandable quote under a
"🔧 Tools" header, the way thoughts are shown. The record is never part of the answer's text:
history does not keep it and the model never reads it (bot/tools/loop.py tells the model
what it needs).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot import texts
from bot.render import Entity, Rendered, utf16_len, visible

TOOLS_LIMIT = 1000
"""UTF-16 units the tool lines may take above the answer (the newest lines are kept)."""
CANCELLED = "cancelled"
"""The outcome of a call that never ended: the answer was stopped (or cut) while it ran."""


@dataclass(slots=True)
class _Call:
    preview: str
    outcome: str | None = None
    detail: str = ""


@dataclass(slots=True)
class ToolRecord:
    """The calls of one answer, in the order they started; `version` changes with each event
    (the plan's render cache keys on it)."""

    calls: dict[str, _Call] = field(default_factory=dict)
    version: int = 0

    def started(self, call_id: str, preview: str) -> None:
        """A call began (a repeated id is the same call: the first preview stays)."""
        if call_id not in self.calls:
            self.calls[call_id] = _Call(preview)
            self.version += 1

    def ended(self, call_id: str, outcome: str, detail: str = "") -> None:
        """A call ended with `outcome` (bot.tools.events.Outcome's values); `detail` says
        why, for an outcome other than `done`. An end without a start is shown all the same."""
        call = self.calls.setdefault(call_id, _Call(call_id))
        if call.outcome is None:
            call.outcome, call.detail = outcome, detail
            self.version += 1

    def __bool__(self) -> bool:
        return bool(self.calls)

    def lines(self, lang: str, *, live: bool) -> list[str]:
        """One line per call: running ones end in "…" (live) or count as cancelled (after the
        answer ended), ended ones say how."""
        lines = []
        for call in self.calls.values():
            if call.outcome is None and live:
                lines.append(texts.t(lang, "tool_running", call=call.preview))
                continue
            outcome = call.outcome or CANCELLED
            key = f"tool_{outcome}"
            said = texts.t(lang, key if key in _KNOWN else "tool_failed")
            if outcome != "done" and call.detail:
                said = f"{said}: {call.detail}"
            line = "tool_ended" if live else "tool_recorded"
            lines.append(texts.t(lang, line, call=call.preview, outcome=said))
        return lines

    def block(self, lang: str, *, live: bool, room: int) -> Rendered | None:
        """The calls within `room` UTF-16 units (at most TOOLS_LIMIT): live, the lines in a
        quote; afterwards, a bold header over an expandable quote. The newest lines are kept,
        under a line counting the ones left out; None when nothing fits or no call ran."""
        if not self.calls:
            return None
        room = min(room, TOOLS_LIMIT)
        header = "" if live else texts.t(lang, "tools")
        lines = self.lines(lang, live=live)
        used = utf16_len(header) + 1 if header else 0
        kept: list[str] = []  # newest first
        for line in reversed(lines):
            if used + utf16_len(line) + 1 > room:
                break
            kept.append(line)
            used += utf16_len(line) + 1
        left = len(lines) - len(kept)
        if left:
            more = texts.t(lang, "tools_earlier", count=left)
            while kept and used + utf16_len(more) + 1 > room:
                used -= utf16_len(kept.pop()) + 1
                left += 1
                more = texts.t(lang, "tools_earlier", count=left)
            kept.append(more)
        if left == len(lines):
            return None  # not even the newest call fits
        kept.reverse()
        body = visible("\n".join(kept))
        if body.empty:
            return None
        if not header:
            return visible(body.text, (Entity("blockquote", 0, body.size),))
        head = visible(header)
        start = head.size + 1
        folded = Entity("expandable_blockquote", start, body.size)
        entities = (Entity("bold", 0, head.size), folded)
        return visible(f"{head.text}\n{body.text}", entities)


_KNOWN = frozenset(
    f"tool_{outcome}"
    for outcome in (
        "done",
        "failed",
        "timed_out",
        "invalid_arguments",
        "unknown_tool",
        "invalid_result",
        "unavailable",
        CANCELLED,
    )
)
