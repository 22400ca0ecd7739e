"""split_thinking for any text cut into any chunks: the same result for every chunking, nothing
lost but the tags (and the blank lines after a closing tag), nothing shown that is taken back,
never more held back than a tag's length. Checked against `reference`, a plain reading of
the rules in bot/reasoning.py over the whole text at once."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from itertools import pairwise

from hypothesis import example, given
from hypothesis import strategies as st

from bot.plan import Note
from bot.providers.base import Chunk, FinishReason, Reasoning, ThinkingClosed, Usage
from bot.reasoning import CLOSE, OPEN, ThinkingSplitter, split_thinking
from tests.support.properties import examples

TOKENS = [OPEN, CLOSE, "<", "</", "</th", "<th", "think", ">", "\n", "\n\n", " ", "a", "Б",
          "🎉", "`", "```", "x"]  # fmt: skip


@dataclass(frozen=True)
class Split:
    """What a consumer ends with: its thoughts, its answer, and whether ThinkingClosed came
    (the consumer then moved the answer text before it into the thoughts)."""

    thoughts: str
    answer: str
    closed: bool


def reference(text: str) -> Split:
    """The rules over the whole text: an opening tag at the very start (after whitespace),
    else the first bare closing tag outside code with no opening tag anywhere before it."""
    lead = text.lstrip()
    if lead.startswith(OPEN):
        inside, tag, after = lead[len(OPEN) :].partition(CLOSE)
        return Split(inside, after.lstrip("\n") if tag else "", False)
    for match in re.finditer(re.escape(CLOSE), text):
        before = text[: match.start()]
        if OPEN in before:
            break
        if not in_code(before):
            return Split(before, text[match.end() :].lstrip("\n"), True)
    return Split("", text, False)


def in_code(before: str) -> bool:
    """Markdown code open at the end of `before`: a run of backticks opens it, a run of the
    same length closes it."""
    opened = 0
    for run in re.findall(r"`+", before):
        if not opened:
            opened = len(run)
        elif len(run) == opened:
            opened = 0
    return opened != 0


def cut(text: str, points: Sequence[int]) -> list[str]:
    bounds = sorted({0, len(text), *(p % (len(text) + 1) for p in points)})
    return [text[a:b] for a, b in pairwise(bounds)]


def consume(pieces: Sequence[object]) -> Split:
    thoughts, answer, closed = "", "", False
    for piece in pieces:
        if isinstance(piece, ThinkingClosed):
            thoughts, answer, closed = thoughts + answer, "", True
        elif isinstance(piece, Reasoning):
            thoughts += piece.text
        elif isinstance(piece, str):
            answer += piece
    return Split(thoughts, answer, closed)


def visible(pieces: Sequence[object]) -> str:
    """Everything shown as it streamed: answer text, thought text, in arrival order."""
    shown = [p if isinstance(p, str) else p.text for p in pieces if isinstance(p, str | Reasoning)]
    return "".join(shown)


texts = st.lists(st.sampled_from(TOKENS), max_size=24).map("".join) | st.text(max_size=40)
points = st.lists(st.integers(min_value=0, max_value=400), max_size=16)


@examples(400)
@given(texts, points)
@example("I should be brief.</think>\n\nHi there!", [3, 20, 21, 25])
@example("  <think>x</think>\n\n\nA", [1, 5, 9])
@example("Use `</think>` like this.", [5, 7])
@example("```\n</think>\n```\n</think>Done", [2, 6])
@example("Hi <", [3])
@example("<thi", [2])
@example("a</think", [4])
def test_any_chunking_gives_the_reference_result(text: str, cuts: list[int]) -> None:
    splitter = ThinkingSplitter()
    pieces: list[object] = []
    shown = ""
    for chunk in cut(text, cuts):
        pieces.extend(splitter.feed(chunk))
        # Never more held back than a tag's length (beyond leading whitespace)...
        assert len(splitter.pending.lstrip()) < len(CLOSE)
        shown = visible(pieces)
    pieces.extend(splitter.end())
    result = consume(pieces)
    assert result == reference(text)
    # ...and what was shown is never taken back: it only grows.
    assert visible(pieces).startswith(shown)
    assert splitter.pending == ""


@examples(300)
@given(texts, points)
def test_nothing_is_lost_but_the_tags_and_the_blank_lines_after_a_close(
    text: str, cuts: list[int]
) -> None:
    splitter = ThinkingSplitter()
    pieces = [piece for chunk in cut(text, cuts) for piece in splitter.feed(chunk)]
    result = consume([*pieces, *splitter.end()])
    if result.closed:
        newlines = text[len(result.thoughts) + len(CLOSE) : len(text) - len(result.answer)]
        assert text == result.thoughts + CLOSE + newlines + result.answer
        assert set(newlines) <= {"\n"} and not result.answer.startswith("\n")
    elif text.lstrip().startswith(OPEN):
        rest = text.lstrip()[len(OPEN) :]
        assert rest.startswith(result.thoughts)
        after = rest[len(result.thoughts) :]
        assert after == "" or (after.startswith(CLOSE) and after.endswith(result.answer))
        assert set(after[len(CLOSE) : len(after) - len(result.answer)]) <= {"\n"}
    else:
        assert (result.thoughts, result.answer) == ("", text)


@examples(200)
@given(texts, points)
def test_a_partial_tag_is_held_only_while_it_can_still_become_one(
    text: str, cuts: list[int]
) -> None:
    splitter = ThinkingSplitter()
    for chunk in cut(text, cuts):
        splitter.feed(chunk)
        held = splitter.pending.lstrip()
        assert held == "" or OPEN.startswith(held) or CLOSE.startswith(held), held


# --- the documented rules, one example each --------------------------------------------------


async def run(chunks: Sequence[Chunk | Note]) -> list[Chunk | Note]:
    async def source() -> AsyncGenerator[Chunk | Note, None]:
        for chunk in chunks:
            yield chunk

    async with asyncio.timeout(5):
        return [piece async for piece in split_thinking(source())]


def split(chunks: Sequence[Chunk | Note]) -> list[Chunk | Note]:
    return asyncio.run(run(chunks))


def test_template_opened_thoughts_close_where_the_tag_is() -> None:
    out = split(["I should", " be brief.</th", "ink>\n", "\nHi", " there!", FinishReason("stop")])
    closing = [ThinkingClosed(), "Hi", " there!", FinishReason("stop")]
    assert out == ["I should", " be brief.", *closing]


def test_a_lone_angle_bracket_waits_until_it_is_known() -> None:
    splitter = ThinkingSplitter()
    assert splitter.feed("1 <") == ["1 "]
    assert splitter.feed(" 2") == ["< 2"]
    assert splitter.feed("</") == []
    assert splitter.end() == ["</"]


def test_held_text_is_released_before_the_finish_reason() -> None:
    assert split(["Cut at </th", FinishReason("length"), Usage(1, 2)]) == [
        "Cut at ",
        "</th",
        FinishReason("length"),
        Usage(1, 2),
    ]


def test_tags_in_code_or_after_an_opening_mention_are_left_alone() -> None:
    for text in [
        "Close it with `</think>`.",
        "```html\n</think>\n```",
        "The pair <think> and </think> wraps thoughts.",
    ]:
        assert consume(split([text])) == Split("", text, False)


def test_thinking_from_the_server_makes_a_bare_close_a_mention() -> None:
    out = split([Reasoning("server thoughts"), "The tag is </think>, see?"])
    assert out == [Reasoning("server thoughts"), "The tag is </think>, see?"]


def test_only_the_first_bare_close_counts() -> None:
    result = consume(split(["plan</think>\n\nAnswer with </think> inside."]))
    assert result == Split("plan", "Answer with </think> inside.", True)


def test_notes_and_other_chunks_pass_through_in_place() -> None:
    out = split(["<think>hm", Note("a note"), "m</think>ok", FinishReason("stop")])
    assert out == [
        Reasoning("hm"),
        Note("a note"),
        Reasoning("m"),
        "ok",
        FinishReason("stop"),
    ]
