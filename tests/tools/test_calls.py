"""The pure parts of tool calls: assembling streamed pieces, checking arguments, reading
results, capping them, previews and the names offered to the model."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from mcp.types import (
    AudioContent,
    BlobResourceContents,
    CallToolResult,
    EmbeddedResource,
    ImageContent,
    ResourceLink,
    TextContent,
    TextResourceContents,
)

from bot.providers.base import ToolCallDelta
from bot.tools.calls import (
    ToolCall,
    ToolCallAssembler,
    cap,
    parse_arguments,
    preview,
)
from bot.tools.errors import ArgumentsError
from bot.tools.events import PREVIEW_CHARS, Outcome
from bot.tools.results import read_result
from bot.tools.specs import NAME_SHAPE, ToolSpec, openai_name
from tests.support.properties import examples

# -- assembling the pieces ------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """One call as a server streams it: the whole call, and how it is cut into pieces."""

    index: int
    id: str | None
    name: str
    arguments: str
    cuts: tuple[int, ...]
    style: str

    def pieces(self) -> list[ToolCallDelta]:
        """The call's pieces in the shape `style` names (recorded from the servers' docs and
        issue threads: see the module docstring of tests/tools/test_loop.py)."""
        bounds = sorted({c % (len(self.arguments) + 1) for c in self.cuts})
        parts = [self.arguments[a:b] for a, b in zip([0, *bounds], [*bounds, None], strict=True)]
        parts = [part for part in parts if part] or [""]
        i, call_id, name = self.index, self.id, self.name
        if self.style == "whole":  # Ollama, vmlx: the whole call in one piece
            return [ToolCallDelta(i, call_id, name, self.arguments)]
        if self.style == "openai":  # id and name first with empty arguments, then the pieces
            return [
                ToolCallDelta(i, call_id, name, ""),
                *(ToolCallDelta(i, None, None, p) for p in parts),
            ]
        if self.style == "llama.cpp":  # id and name with the first argument piece
            first, *rest = parts
            return [
                ToolCallDelta(i, call_id, name, first),
                *(ToolCallDelta(i, None, None, p) for p in rest),
            ]
        if self.style == "vllm-repeat":  # the last piece repeats id and name (vLLM #44098)
            *head, last = parts
            return [
                ToolCallDelta(i, call_id, name, ""),
                *(ToolCallDelta(i, None, None, p) for p in head),
                ToolCallDelta(i, call_id, name, last),
            ]
        # "old llama.cpp": the name in every piece, no id at the call's level
        return [ToolCallDelta(i, None, name, p) for p in parts]


argument_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
STYLES = ("whole", "openai", "llama.cpp", "vllm-repeat", "old llama.cpp")


@st.composite
def turns(draw: st.DrawFn) -> list[Sent]:
    count = draw(st.integers(1, 4))
    reuse_index = draw(st.booleans())  # servers that number every call 0
    calls = []
    for n in range(count):
        style = draw(st.sampled_from(STYLES[:-1] if reuse_index else STYLES))
        # On a reused index, a call is told apart by a new id, or by a whole call after a
        # complete one.
        has_id = style != "old llama.cpp" and (
            (reuse_index and style != "whole") or draw(st.booleans())
        )
        calls.append(
            Sent(
                index=0 if reuse_index else n,
                id=f"call_{n}" if has_id else None,
                name=draw(st.sampled_from(["add", "weather", "search-web", "get_time_now"])),
                arguments=json.dumps(
                    draw(st.dictionaries(st.text(max_size=6), argument_values, max_size=3)),
                    ensure_ascii=draw(st.booleans()),
                ),
                cuts=tuple(draw(st.lists(st.integers(0, 200), max_size=6))),
                style=style,
            )
        )
    return calls


def interleave(calls: list[Sent], seed: int) -> list[ToolCallDelta]:
    """Every call's pieces in order, the calls mixed at random (calls sharing an index one
    after the other: their pieces cannot be told apart otherwise)."""
    queues = [call.pieces() for call in calls]
    if len({call.index for call in calls}) < len(calls):
        return [piece for queue in queues for piece in queue]
    chooser = random.Random(seed)
    mixed = []
    while any(queues):
        queue = chooser.choice([q for q in queues if q])
        mixed.append(queue.pop(0))
    return mixed


@given(turns(), st.integers(0, 2**32))
@examples(300)
@example(  # whole calls all numbered 0, without ids: each piece after a complete one is new
    [Sent(0, "call_0", "add", "{}", (), "whole"), Sent(0, None, "add", "{}", (), "whole")], 0
)
@example(  # an id after a complete call without one starts another call
    [Sent(0, None, "add", "{}", (), "whole"), Sent(0, "call_3", "add", "{}", (), "openai")], 0
)
@example(  # the same, where the id comes back with the last piece (vLLM)
    [Sent(0, None, "add", "{}", (), "whole"), Sent(0, "call_3", "add", "{}", (), "vllm-repeat")],
    0,
)
def test_any_split_and_interleaving_of_the_pieces_gives_the_same_calls(
    calls: list[Sent], seed: int
) -> None:
    assembler = ToolCallAssembler(new_id=iter(f"made_{n}" for n in range(100)).__next__)
    for piece in interleave(calls, seed):
        assembler.add(piece)
    assembled = assembler.calls()
    assert [(c.name, c.arguments) for c in assembled] == [(c.name, c.arguments) for c in calls]
    assert [json.loads(c.arguments) for c in assembled] == [json.loads(c.arguments) for c in calls]
    for sent, call in zip(calls, assembled, strict=True):
        assert call.id == sent.id if sent.id else call.id.startswith("made_")
    assert len({call.id for call in assembled}) == len(assembled)


def test_an_id_used_in_an_earlier_round_or_twice_in_a_turn_is_replaced() -> None:
    assembler = ToolCallAssembler(new_id=iter(["fresh_1", "fresh_2"]).__next__)
    assembler.add(ToolCallDelta(0, "call_0", "add", "{}"))
    assembler.add(ToolCallDelta(1, "call_1", "add", "{}"))
    assembler.add(ToolCallDelta(2, "call_1", "echo", "{}"))
    assert [c.id for c in assembler.calls(taken={"call_0"})] == ["fresh_1", "call_1", "fresh_2"]


def test_made_up_ids_look_like_openai_ones_and_differ() -> None:
    assembler = ToolCallAssembler()
    for index in range(50):
        assembler.add(ToolCallDelta(index, None, "add", "{}"))
    ids = [call.id for call in assembler.calls()]
    assert len(set(ids)) == 50 and all(i.startswith("call_") for i in ids)


def test_a_call_message_carries_the_arguments_or_an_empty_object_when_they_are_broken() -> None:
    assert ToolCall("c", "add", '{"a": 1}').message() == {
        "id": "c",
        "type": "function",
        "function": {"name": "add", "arguments": '{"a": 1}'},
    }
    assert ToolCall("c", "add", '{"a": ').message()["function"]["arguments"] == "{}"
    assert ToolCall("c", "add", "[1]").message()["function"]["arguments"] == "{}"


# -- arguments ---------------------------------------------------------------------------

ADD = {
    "type": "object",
    "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
    "required": ["a", "b"],
}


@pytest.mark.parametrize("text", ["", "  ", "null", "{}"])
def test_no_arguments_is_an_empty_object(text: str) -> None:
    assert parse_arguments(text, {"type": "object", "properties": {}}) == {}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"a": 1,', "not valid JSON (Expecting property name enclosed in double quotes"),
        ("[1, 2]", "must be a JSON object, not array"),
        ('"hi"', "must be a JSON object, not str"),
        ('{"a": 1}', "do not match the tool's input schema: 'b' is a required property"),
        ('{"a": "one", "b": 2}', "input schema: at a: 'one' is not of type 'integer'"),
    ],
)
def test_bad_arguments_are_explained_for_the_model(text: str, words: str) -> None:
    with pytest.raises(ArgumentsError) as error:
        parse_arguments(text, ADD)
    assert words in str(error.value)
    assert error.value.reason == "invalid_arguments"


def test_a_schema_that_is_itself_invalid_is_not_held_against_the_model() -> None:
    assert parse_arguments('{"a": 1}', {"type": "no such type"}) == {"a": 1}


# -- results -------------------------------------------------------------------------------

PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgAAACAAFUok9dAAAAAElFTkSuQmCC"


def result(
    *content: Any, structured: dict[str, Any] | None = None, error: bool = False
) -> CallToolResult:
    return CallToolResult(content=list(content), structured_content=structured, is_error=error)


def text(value: str) -> TextContent:
    return TextContent(type="text", text=value)


def test_text_blocks_reach_the_model_whole() -> None:
    read = read_result(result(text("Oslo: 5 °C"), text("rain later")))
    assert (read.outcome, read.text, read.detail) == (
        Outcome.DONE,
        "Oslo: 5 °C\nrain later",
        "20 characters",
    )


def test_everything_that_is_not_text_is_one_line_saying_what_it_was() -> None:
    read = read_result(
        result(
            text("here"),
            ImageContent(type="image", data=PIXEL, mime_type="image/png"),
            AudioContent(type="audio", data="UklGRg==", mime_type="audio/wav"),
            EmbeddedResource(
                type="resource",
                resource=TextResourceContents(
                    uri="file:///a.txt", mime_type="text/plain", text="abc"
                ),
            ),
            EmbeddedResource(
                type="resource",
                resource=BlobResourceContents(uri="file:///b.bin", blob="AAAA"),
            ),
            ResourceLink(type="resource_link", name="report", uri="https://example.org/r"),
        )
    )
    assert read.text.splitlines() == [
        "here",
        "[image: image/png, 66 bytes — not shown to the model]",
        "[audio: audio/wav, 4 bytes — not shown to the model]",
        "[resource file:///a.txt: text/plain, 3 characters]",
        "[resource file:///b.bin: unknown type, 3 bytes]",
        "[link to resource report: https://example.org/r]",
    ]
    assert read.detail == "4 characters, 1 image, 1 audio, 2 resources, 1 link"


def test_structured_content_is_the_text_when_there_is_none_and_named_when_not_mirrored() -> None:
    alone = read_result(result(structured={"city": "Oslo", "celsius": 5}))
    assert json.loads(alone.text) == {"city": "Oslo", "celsius": 5}
    mirrored = read_result(result(text('{"city": "Oslo"}'), structured={"city": "Oslo"}))
    assert mirrored.text == '{"city": "Oslo"}'
    wrapped = read_result(result(text("42"), structured={"result": "42"}))
    assert wrapped.text == "42"
    beside = read_result(result(text("sunny"), structured={"city": "Oslo", "celsius": 5}))
    assert beside.text == "sunny\n[structured content with keys: city, celsius]"


def test_an_error_result_fails_and_the_model_reads_why() -> None:
    read = read_result(result(text("quota exceeded"), error=True))
    assert (read.outcome, read.text, read.detail) == (
        Outcome.FAILED,
        "Error: quota exceeded",
        "quota exceeded",
    )
    assert read_result(result(error=True)).text.startswith("Error: the tool reported an error")


def test_an_empty_result_says_so() -> None:
    assert read_result(result()).text == "(the tool returned nothing)"


@given(st.text(min_size=1, max_size=40), st.integers(0, 6000), st.integers(200, 2500))
@examples(200)
def test_a_capped_result_fits_keeps_its_start_and_says_where_it_was_cut(
    unit: str, length: int, limit: int
) -> None:
    value = (unit * (length // len(unit) + 1))[:length]
    capped = cap(value, limit)
    assert len(capped) <= limit
    if len(value) <= limit:
        assert capped == value
    else:
        kept = capped[: capped.index("\n[cut: ")]
        assert value.startswith(kept)
        assert (
            f"the result had {len(value):,} characters; the first {len(kept):,} are shown"
            in capped
        )


# -- previews and names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tool", "arguments", "shown"),
    [
        ("search", '{"query": "weather in Oslo"}', 'search: "weather in Oslo"'),
        ("add", '{"a": 1, "b": 2}', "add: a=1, b=2"),
        ("pid", "", "pid"),
        ("pid", "{}", "pid"),
        ("echo", '{"text": "two\\nlines"}', 'echo: "two\\nlines"'),
        ("add", '{"a": 1,', 'add: {"a": 1,'),
        ("note", '{"items": [1, 2]}', "note: [1,2]"),
    ],
)
def test_a_preview_is_the_call_on_one_line(tool: str, arguments: str, shown: str) -> None:
    assert preview(tool, arguments) == shown


@given(st.text(max_size=20), st.text(max_size=400))
@examples(200)
def test_a_preview_is_always_one_short_line(tool: str, arguments: str) -> None:
    line = preview(tool, arguments)
    assert len(line) <= PREVIEW_CHARS and "\n" not in line


@given(st.text(max_size=80), st.text(max_size=80), st.sets(st.text(max_size=70), max_size=5))
@examples(300)
@example("files", "read", {"read", "files__read"})
def test_every_name_is_valid_for_openai_and_new(server: str, tool: str, taken: set[str]) -> None:
    name = openai_name(server, tool, taken)
    assert NAME_SHAPE.match(name) and name not in taken
    if NAME_SHAPE.match(tool) and tool not in taken:
        assert name == tool


def test_a_clashing_name_gets_the_server_in_front() -> None:
    assert openai_name("files", "read", {"read"}) == "files__read"
    assert openai_name("my files", "read.file", set()) == "my_files__read_file"
    assert openai_name("a", "read", {"read", "a__read"}) == "a__read_2"
    long = openai_name("s" * 40, "t" * 40, {"t" * 40})
    assert len(long) == 64 and long == openai_name("s" * 40, "t" * 40, {"t" * 40})
    assert long.startswith("s" * 40 + "__" + "t" * 13 + "_")


def test_a_spec_becomes_an_openai_tool_with_an_object_schema() -> None:
    spec = ToolSpec("pid", "a", "pid", "The process id.", {})
    assert spec.openai() == {
        "type": "function",
        "function": {
            "name": "pid",
            "parameters": {"type": "object", "properties": {}},
            "description": "The process id.",
        },
    }
    assert "description" not in ToolSpec("x", "a", "x", "", ADD).openai()["function"]
    assert (
        ToolSpec("x", "a", "x", "d" * 5000, ADD).openai()["function"]["description"] == "d" * 1024
    )
