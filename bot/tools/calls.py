"""The model's tool calls and what goes back to it, as pure functions: assemble the streamed
pieces into calls, check their arguments, turn a tool's result into text, cap it.

No I/O here, so every rule is tested on plain values (the assembler over every split and
interleaving of the pieces).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonschema import exceptions as schema_errors
from jsonschema import validators

from bot.providers.base import ToolCallDelta
from bot.tools.errors import ArgumentsError
from bot.tools.events import DETAIL_CHARS, PREVIEW_CHARS, Outcome


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One complete call: its id (the server's, or one made up when it sent none), the tool's
    name as the model wrote it, and the arguments as the JSON text the model wrote."""

    id: str
    name: str
    arguments: str

    def message(self) -> dict[str, Any]:
        """The call as it goes back in the assistant message's `tool_calls`.

        Arguments that are not a JSON object are sent as `{}`: some servers parse the
        history's arguments and would reject the next request, and the tool's result
        already tells the model what was wrong with them."""
        try:
            valid = isinstance(json.loads(self.arguments), dict)
        except ValueError:
            valid = False
        arguments = self.arguments if valid else "{}"
        return {
            "id": self.id,
            "type": "function",
            "function": {"name": self.name, "arguments": arguments},
        }


def new_call_id() -> str:
    """An id for a call the server sent without one (OpenAI's `call_` shape)."""
    return f"call_{secrets.token_hex(8)}"


@dataclass(slots=True)
class _Pending:
    index: int
    id: str | None = None
    name: str = ""
    arguments: list[str] = field(default_factory=list)


def _starts_another(current: _Pending, delta: ToolCallDelta) -> bool:
    """Whether `delta`, sent on the index of `current`, is the first piece of another call:
    it has another id, or it names a tool (or brings an id) after `current` was complete."""
    if delta.id and current.id:
        return delta.id != current.id
    if not (delta.id or (delta.name and delta.arguments)) or not current.arguments:
        return False
    try:
        json.loads("".join(current.arguments))
    except ValueError:
        return False
    return bool(current.name)


class ToolCallAssembler:
    """Collects `ToolCallDelta` pieces of one model turn into whole calls.

    What servers send, and how it is read:
    - calls are told apart by `index`; pieces of several calls may interleave;
    - `id` and `name` usually come in a call's first piece only (OpenAI, vLLM, llama.cpp);
      vLLM may repeat them in a later piece, and older llama.cpp repeats the name in every
      piece: the first name a call gets is its name, later ones are ignored;
    - `arguments` is a JSON text split anywhere across pieces, or whole in one piece;
    - a piece whose `id` differs from its index's call, or that brings an id, or a name with
      arguments, after that call's arguments were complete, starts a new call on that index
      (servers that number every call 0);
    - a call without an id, or with the id of an earlier call, gets a new id.
    """

    def __init__(self, new_id: Callable[[], str] = new_call_id) -> None:
        self._new_id = new_id
        self._calls: list[_Pending] = []
        self._open: dict[int, _Pending] = {}

    def add(self, delta: ToolCallDelta) -> None:
        current = self._open.get(delta.index)
        if current is None or _starts_another(current, delta):
            current = _Pending(index=delta.index)
            self._calls.append(current)
            self._open[delta.index] = current
        if delta.id and current.id is None:
            current.id = delta.id
        if delta.name and not current.name:
            current.name = delta.name
        if delta.arguments:
            current.arguments.append(delta.arguments)

    def calls(self, taken: Iterable[str] = ()) -> list[ToolCall]:
        """The calls so far, ordered by index (then by arrival within an index); ids already
        in `taken` (earlier rounds' calls) or repeated are replaced by new ones."""
        seen = set(taken)
        calls = []
        ordered = sorted(enumerate(self._calls), key=lambda item: (item[1].index, item[0]))
        for _, pending in ordered:
            call_id = pending.id
            while not call_id or call_id in seen:
                call_id = self._new_id()
            seen.add(call_id)
            calls.append(ToolCall(call_id, pending.name.strip(), "".join(pending.arguments)))
        return calls

    def __bool__(self) -> bool:
        return bool(self._calls)


def parse_arguments(text: str, schema: Mapping[str, Any] | None) -> dict[str, Any]:
    """The arguments as an object, checked against the tool's input `schema` (JSON Schema).

    An empty text (some servers send none for a tool without parameters) is `{}`. A schema
    that is itself invalid is not used: the server still checks what it receives."""
    stripped = text.strip()
    if not stripped or stripped == "null":
        value: Any = {}
    else:
        try:
            value = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ArgumentsError(
                f"the arguments are not valid JSON ({exc.msg} at character {exc.pos})"
            ) from None
    if not isinstance(value, dict):
        kind = type(value).__name__.replace("dict", "object").replace("list", "array")
        raise ArgumentsError(f"the arguments must be a JSON object, not {kind}")
    if schema:
        problem = schema_problem(value, schema)
        if problem:
            raise ArgumentsError(f"the arguments do not match the tool's input schema: {problem}")
    return value


def schema_problem(value: Any, schema: Mapping[str, Any]) -> str:
    """The most relevant reason `value` does not match `schema`, or "" when it does (or when
    the schema itself is not valid JSON Schema)."""
    document = dict(schema)
    checker = validators.validator_for(document, default=validators.Draft202012Validator)
    try:
        checker.check_schema(document)
    except schema_errors.SchemaError:
        return ""
    error = schema_errors.best_match(checker(document).iter_errors(value))
    if error is None:
        return ""
    where = "/".join(str(part) for part in error.absolute_path)
    return f"at {where}: {error.message}" if where else error.message


@dataclass(frozen=True, slots=True)
class ToolResult:
    """How a call ended: the outcome, the text the model reads next (uncapped: the loop caps
    it at TOOL_RESULT_CHARS), a one-line detail for the display, and the seconds it took."""

    outcome: Outcome
    text: str
    detail: str
    seconds: float = 0.0


def failure(outcome: Outcome, reason: str, *, seconds: float = 0.0) -> ToolResult:
    """A call that did not succeed: the model reads `Error: reason`, the display the reason."""
    return ToolResult(outcome, f"Error: {reason}", one_line(reason, DETAIL_CHARS), seconds)


def cap(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, saying so at the end where it was cut."""
    if len(text) <= limit:
        return text
    note = f"\n[cut: the result had {len(text):,} characters; the first {{kept:,}} are shown]"
    kept = max(0, limit - len(note.format(kept=limit)))
    return text[:kept] + note.format(kept=kept)


def one_line(text: str, limit: int) -> str:
    """`text` on one line (whitespace runs become one space), at most `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def preview(tool: str, arguments: str) -> str:
    """The call on one short line for the display: `search: "weather in Oslo"`, or
    `add: a=1, b=2`; arguments that are not a JSON object are shown as written."""
    try:
        value = json.loads(arguments) if arguments.strip() else {}
    except ValueError:
        value = arguments
    if isinstance(value, dict):
        shown = (
            [_short(v) for v in value.values()]
            if len(value) == 1
            else [f"{k}={_short(v)}" for k, v in value.items()]
        )
        rendered = ", ".join(shown)
    else:
        rendered = arguments
    return one_line(f"{tool}: {rendered}" if rendered else tool, PREVIEW_CHARS)


def _short(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
