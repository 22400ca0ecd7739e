"""The tool calls shown above an answer (bot/tool_record.py and the plan around it), on plain
values: arbitrary call events, rooms and languages."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot import texts
from bot.plan import AnswerPlan, Ending
from bot.render import utf16_len
from bot.tool_record import TOOLS_LIMIT, ToolRecord
from tests.support.properties import examples

OUTCOMES = [
    "done",
    "failed",
    "timed_out",
    "invalid_arguments",
    "unknown_tool",
    "invalid_result",
    "unavailable",
]
PREVIEW = st.text(alphabet=st.sampled_from('ab "=:,😀é'), min_size=1, max_size=80).map(
    lambda text: "x" + text.strip()
)
EVENT = st.one_of(
    st.tuples(st.just("start"), st.integers(0, 12), PREVIEW),
    st.tuples(st.just("end"), st.integers(0, 12), st.sampled_from(OUTCOMES)),
)


def record_of(events: list[tuple[str, int, str]]) -> tuple[ToolRecord, dict[str, str | None]]:
    """The record after `events`, and what each call should show: None while running."""
    record, expected = ToolRecord(), dict[str, str | None]()
    for kind, number, value in events:
        call = f"call_{number}"
        if kind == "start":
            record.started(call, value)
            expected.setdefault(call, None)
        else:
            record.ended(call, value, "because")
            if expected.get(call) is None:
                expected[call] = value
    return record, expected


@given(st.lists(EVENT, max_size=40), st.sampled_from(["en", "ru"]))
@examples(300)
def test_one_line_per_call_in_start_order_running_ones_live_only(
    events: list[tuple[str, int, str]], lang: str
) -> None:
    record, expected = record_of(events)
    live, final = record.lines(lang, live=True), record.lines(lang, live=False)
    assert len(live) == len(final) == len(expected)
    for line, ended, outcome in zip(live, final, expected.values(), strict=True):
        if outcome is None:
            assert line.startswith("🔧 ") and line.endswith("…")
            assert ended.endswith(" — " + texts.t(lang, "tool_cancelled"))
        else:
            said = texts.t(lang, f"tool_{outcome}")
            assert f" — {said}" in line and f" — {said}" in ended
            assert ("because" in ended) == (outcome != "done")
            assert not ended.startswith("🔧")


@given(st.lists(EVENT, min_size=1, max_size=40), st.integers(0, 3000), st.booleans())
@examples(300)
def test_the_block_fits_its_room_and_keeps_the_newest_calls(
    events: list[tuple[str, int, str]], room: int, live: bool
) -> None:
    record, expected = record_of(events)
    block = record.block("en", live=live, room=room)
    if not expected:
        assert block is None
        return
    lines = record.lines("en", live=live)
    if block is None:
        need = (0 if live else utf16_len(texts.t("en", "tools")) + 1) + utf16_len(lines[-1]) + 1
        if len(lines) > 1:  # the newest line, and the line counting the others
            need += utf16_len(texts.t("en", "tools_earlier", count=len(lines) - 1)) + 1
        assert need > min(room, TOOLS_LIMIT), "the newest call would have fitted"
        return
    assert block.size <= min(room, TOOLS_LIMIT)
    body = block.text.split("\n")
    if not live:
        assert body.pop(0) == texts.t("en", "tools")
    shown = [line for line in body if line in lines]
    assert shown == lines[len(lines) - len(shown) :], "not the newest, or out of order"
    left = len(lines) - len(shown)
    if left:
        assert body[0] == texts.t("en", "tools_earlier", count=left)
    quotes = [e for e in block.entities if "blockquote" in e.type]
    assert len(quotes) == 1
    assert quotes[0].type == ("blockquote" if live else "expandable_blockquote")
    assert quotes[0].offset + quotes[0].length == block.size


def test_the_plan_shows_calls_live_then_folds_them_and_never_counts_them_as_the_answer() -> None:
    plan = AnswerPlan(drafts=True)
    plan.add_text("Let me look.")
    plan.tool_started("a", 'search: "Oslo"')
    plan.tool_started("b", "add: a=1, b=2")
    plan.tool_ended("a", "done", "120 characters")
    first = plan.next_write(0.0)
    assert first is not None and first.content is not None
    assert first.content.text == ('🔧 search: "Oslo" — done\n🔧 add: a=1, b=2…\n\nLet me look.')
    plan.add_text(" It is 5 °C.")
    plan.stop(Ending.STOPPED)
    assert plan.text == "Let me look. It is 5 °C."
    assert plan.page_texts() == [
        '🔧 Tools\nsearch: "Oslo" — done\nadd: a=1, b=2 — cancelled\n\nLet me look. It is 5 °C.'
    ]


def test_an_answer_of_tool_calls_only_is_no_answer() -> None:
    plan = AnswerPlan()
    plan.tool_started("a", "pid")
    plan.tool_ended("a", "done")
    plan.tools_cut_short(5)
    plan.end(Ending.COMPLETE)
    page = plan.page_texts()[0]
    assert page.startswith("🔧 Tools\npid — done\n\n")
    assert texts.t("en", "tools_cut_short", rounds=5) in page
    assert texts.t("en", "failed", reason=texts.reason("en", "empty")) in page
    assert plan.text == ""
