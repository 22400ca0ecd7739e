"""The delivery plan alone, driven by Hypothesis through arbitrary events, faults and clocks.

A small model of a chat plays Telegram: it applies each write the plan asks for, or fails it
the way Telegram does (a lost response after the write landed, a 5xx before it did, refused
formatting, a page Telegram counts longer, a message the user deleted, a chat that refuses
drafts). Whatever happens, the plan must keep Telegram's limits, never send an edit that
changes nothing (unless a lost write left it unsure), and, once the stream has ended and
Telegram behaves, finish with the chat showing each page of the whole answer exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from bot import texts
from bot.plan import (
    AnswerPlan,
    AnswerState,
    Ending,
    Fault,
    Form,
    Op,
    PageState,
    PlanError,
    Write,
)
from bot.render import MESSAGE_LIMIT, Rendered, render, utf16_len
from tests.support.properties import examples

WORD = st.text(alphabet=st.sampled_from("abcxyz019АБжя😀🇺é\u0301"), min_size=1, max_size=12)
MARKUP = st.sampled_from(
    [" ", " ", "\n", "\n\n", "**", "_", "`", "\n```py\n", "\n```\n", "\n# ", "\n- ", "[",
     "](https://example.com/x)", "\n| a | b |\n|---|---|\n| 1 | 2 |\n", "<", "List<String>",
     "\\", "\t", "\u3000"]
)  # fmt: skip
CHUNK = st.one_of(
    st.lists(st.one_of(WORD, MARKUP), min_size=1, max_size=30).map("".join),
    st.tuples(
        st.lists(st.one_of(WORD, MARKUP), min_size=5, max_size=40), st.integers(20, 200)
    ).map(lambda drawn: "".join(drawn[0]) * drawn[1]),  # a burst: thousands of characters
)
FAULTS = st.sampled_from(
    ["ok", "ok", "ok", "ok", "lost", "failed", "entities", "too_long", "deleted", "rejected",
     "no_drafts"]
)  # fmt: skip


@dataclass
class Message:
    shown: Rendered
    unsure: bool = False  # a write landed whose response was lost: the plan cannot know


@dataclass
class FakeChat:
    """What the chat shows; message ids grow like Telegram's."""

    messages: dict[int, Message] = field(default_factory=dict)
    drafts: dict[int, Rendered] = field(default_factory=dict)
    next_id: int = 100

    def live(self) -> list[str]:
        return [message.shown.text for _, message in sorted(self.messages.items())]


class PlanMachine(RuleBasedStateMachine):
    """Arbitrary stream events, clocks and Telegram outcomes against one plan."""

    def __init__(self) -> None:
        super().__init__()
        self.plan = AnswerPlan()
        self.chat = FakeChat()
        self.now = 0.0
        self.steps_after_end = 0
        self.refused_probes: dict[int, int] = {}  # message id: probes of it Telegram refused

    @initialize(drafts=st.booleans(), plain=st.booleans(), reasoning=st.booleans())
    def start(self, drafts: bool, plain: bool, reasoning: bool) -> None:
        self.plan = AnswerPlan(drafts=drafts, plain=plain, show_reasoning=reasoning, after_id=99)

    # --- the stream ---------------------------------------------------------------------

    @rule(chunk=CHUNK)
    def text(self, chunk: str) -> None:
        self.plan.add_text(chunk)

    @rule(chunk=WORD)
    def thinking(self, chunk: str) -> None:
        self.plan.add_reasoning(chunk + " ")

    @rule()
    def thinking_closed(self) -> None:
        self.plan.thinking_closed()

    @rule(call=st.integers(0, 30), preview=WORD)
    def tool_started(self, call: int, preview: str) -> None:
        self.plan.tool_started(f"call_{call}", preview * 7)  # up to 84 characters, as real

    @rule(call=st.integers(0, 30), outcome=st.sampled_from(["done", "failed", "timed_out"]))
    def tool_ended(self, call: int, outcome: str) -> None:
        self.plan.tool_ended(f"call_{call}", outcome, "why " * 30)

    @rule(ending=st.sampled_from(list(Ending)), stopped=st.booleans())
    def end(self, ending: Ending, stopped: bool) -> None:
        if stopped:
            self.plan.stop(Ending.STOPPED, None)
        else:
            self.plan.end(ending, "unavailable")

    @rule(seconds=st.sampled_from([0.001, 0.3, 1.0, 5.0, 25.0]))
    def wait(self, seconds: float) -> None:
        self.now += seconds

    # --- Telegram -----------------------------------------------------------------------

    @precondition(lambda self: not self.plan.finished)
    @rule(fault=FAULTS)
    def write(self, fault: str) -> None:
        plan = self.plan
        first = plan.next_write(self.now)
        assert plan.next_write(self.now) == first, "asking twice gave another answer"
        if first is None:
            wake = plan.wake_at(self.now)
            self.now = wake if wake is not None else self.now + 1.0
            return
        self.check_write(first)
        self.perform(first, fault)

    def check_write(self, write: Write) -> None:
        if write.op is Op.DELETE:
            assert write.message_id is not None
            return
        content = write.content
        assert content is not None and not content.empty, "an empty message"
        assert content.size <= MESSAGE_LIMIT, f"{content.size} UTF-16 units"
        if write.op is Op.EDIT:
            message = self.chat.messages.get(write.message_id or 0)
            if message is not None and not message.unsure:
                assert message.shown != content, "an edit that changes nothing"

    def refuse(self, write: Write) -> None:
        if write.op is Op.PROBE and write.message_id is not None:
            count = self.refused_probes.get(write.message_id, 0)
            self.refused_probes[write.message_id] = count + 1

    def perform(self, write: Write, fault: str) -> None:
        plan, chat, now = self.plan, self.chat, self.now
        if fault == "failed":
            plan.failed(write, now, Fault.TRANSIENT)
            return
        if write.op is Op.DELETE:
            chat.messages.pop(write.message_id or 0, None)
            plan.succeeded(write, now)
            return
        assert write.content is not None
        if fault == "entities" and write.content.entities:
            self.refuse(write)
            plan.failed(write, now, Fault.ENTITIES)
            return
        if fault == "too_long" and write.content.size > 3000:
            self.refuse(write)
            plan.failed(write, now, Fault.TOO_LONG)
            return
        if fault == "rejected":
            self.refuse(write)
            plan.failed(write, now, Fault.REJECTED)
            return
        if write.op is Op.DRAFT:
            if fault == "no_drafts":
                plan.failed(write, now, Fault.NO_DRAFTS)
                return
            chat.drafts[write.draft_id or 0] = write.content
            plan.succeeded(write, now)
            return
        if write.op is Op.SEND:
            chat.next_id += 1
            chat.messages[chat.next_id] = Message(write.content, unsure=fault == "lost")
            if fault == "lost":
                plan.failed(write, now, Fault.TRANSIENT)
            else:
                plan.succeeded(write, now, chat.next_id)
            return
        # EDIT or PROBE
        message_id = write.message_id or 0
        if fault == "deleted":
            chat.messages.pop(message_id, None)
        message = chat.messages.get(message_id)
        if message is None:
            plan.failed(write, now, Fault.MESSAGE_GONE)
        elif message.shown == write.content:
            message.unsure = False
            plan.failed(write, now, Fault.NOT_MODIFIED)
        else:
            message.shown = write.content
            message.unsure = fault == "lost"
            if fault == "lost":
                plan.failed(write, now, Fault.TRANSIENT)
            else:
                plan.succeeded(write, now)

    # --- invariants ---------------------------------------------------------------------

    @invariant()
    def queries_change_nothing(self) -> None:
        plan = self.plan
        before = (plan.state, [page.state for page in plan.pages], list(plan.doomed))
        _ = (plan.finished, plan.visible, plan.priority(), plan.wake_at(self.now))
        after = (plan.state, [page.state for page in plan.pages[: len(before[1])]], plan.doomed)
        assert after == before

    def teardown(self) -> None:
        """End the stream, let Telegram behave, and look at the chat."""
        plan = self.plan
        plan.end(Ending.COMPLETE)
        for _ in range(2000):
            if plan.finished:
                break
            write = plan.next_write(self.now)
            if write is None:
                self.now = plan.wake_at(self.now) or self.now + 1.0
                continue
            self.check_write(write)
            self.perform(write, "ok")
        assert plan.finished, "the plan never finished"
        if plan.state is AnswerState.ABANDONED:
            return  # Telegram refused every form of a page, or kept failing: it gave up
        pages = [text for text in plan.page_texts() if text]
        # A probe refused twice (the plainer retry too) is taken as "not a copy of ours": the
        # plan cannot tell Telegram refusing our copy from a message that is not ours, so a
        # copy that stays there is the documented cost, not a page shown twice.
        kept = set(plan.message_ids())
        live = [
            message.shown.text
            for message_id, message in sorted(self.chat.messages.items())
            if message_id in kept or self.refused_probes.get(message_id, 0) < 2
        ]
        assert live == pages, "the chat does not show each page exactly once"
        assert pages, "silence: no text and no notice"
        shown = alnum("".join(pages))
        body = alnum(render(plan.text, plain=plan.plain).text)
        if any(page.form is Form.NOTE for page in plan.pages):
            # Telegram refused every form of a page (REJECTED twice): by design a note stands
            # in for that page's text, so only the other pages' text must all be there.
            assert texts.t(plan.lang, "part_refused") in "".join(pages)
            body = alnum(
                "".join(
                    render(page.markdown or page.reopen + plan.text[page.start :],
                           plain=plan.plain).text
                    for page in plan.pages
                    if page.form is not Form.NOTE
                )
            )  # fmt: skip
        it = iter(shown)
        found = sum(1 for _ in (char for char in body if char in it))
        assert found == len(body), f"missing from {body[found : found + 40]!r}"
        assert all(page.state is PageState.SENT or not text
                   for page, text in zip(plan.pages, plan.page_texts(), strict=True))  # fmt: skip


def alnum(text: str) -> str:
    return "".join(char for char in text if char.isalnum())


TestPlanMachine = PlanMachine.TestCase
TestPlanMachine.settings = examples(120)


def test_an_outcome_the_page_cannot_have_raises() -> None:
    plan = AnswerPlan()
    plan.add_text("Hello")
    write = plan.next_write(0.0)
    assert write is not None and write.op is Op.SEND
    try:
        plan.succeeded(Write(Op.EDIT, 0, write.content, message_id=5), 0.0)
    except PlanError as exc:
        assert "unsent" in str(exc)
    else:
        raise AssertionError("an edit outcome for a page without a message was accepted")
    try:
        plan.succeeded(Write(Op.DELETE, -1, message_id=7), 0.0)
    except PlanError as exc:
        assert "never doomed" in str(exc)
    else:
        raise AssertionError("a delete of a message the plan never asked to delete")


def test_a_page_of_exactly_the_limit_is_one_message_and_one_unit_more_is_two() -> None:
    for size, pages in ((MESSAGE_LIMIT, 1), (MESSAGE_LIMIT + 1, 2)):
        text = "😀" * (size // 2) + "x" * (size % 2)
        assert utf16_len(text) == size
        plan = AnswerPlan(plain=True)
        plan.add_text(text)
        plan.end(Ending.COMPLETE)
        assert len([t for t in plan.page_texts() if t]) == pages, size
        assert texts.t("en", "length_cut") not in "".join(plan.page_texts())


# --- fixed sequences: what the machine found once, kept so it stays fixed ----------------


def lost_page_thrown_away() -> PlanMachine:
    """Two pages, the second's send lands but its response is lost, then `</think>` makes the
    whole text thoughts: the page is thrown away and its candidate ids are swept."""
    machine = PlanMachine()
    machine.start(drafts=False, plain=True, reasoning=False)
    machine.text("x" * 5000)
    machine.write("ok")
    machine.write("lost")
    machine.thinking_closed()
    return machine


def test_a_lost_send_of_a_page_that_turned_into_thoughts_is_found_and_deleted() -> None:
    """No page is left to probe for the lost copy, which once stayed in the chat as a second
    message."""
    lost_page_thrown_away().teardown()


def test_one_refusal_of_a_sweep_probe_is_not_taken_as_proof_that_the_copy_is_not_ours() -> None:
    """As above, but Telegram refuses the first probe of the swept id for a reason that says
    nothing (found at PROPERTY_SCALE=10): the plan once dropped the id at once, leaving the
    lost copy in the chat beside the page sent anew."""
    machine = lost_page_thrown_away()
    machine.wait(1.0)  # past the back-off after the lost send
    probe = machine.plan.next_write(machine.now)
    assert probe is not None and probe.op is Op.PROBE and probe.message_id == 102
    machine.write("rejected")
    machine.teardown()


def test_a_page_telegram_refused_twice_may_show_the_note_in_place_of_its_text() -> None:
    """Two refusals of unknown reason turn a page into the refusal note (by design, see
    tests/unit/test_plan.py); the machine's model once counted that as text lost."""
    machine = PlanMachine()
    machine.start(drafts=True, plain=True, reasoning=False)
    machine.text("c9List<String>9")
    machine.write("rejected")
    machine.write("rejected")
    machine.teardown()


def test_a_table_that_renders_more_than_twice_its_length_is_still_cut_into_pages() -> None:
    """1,129 units of markdown render to 10,814: a table pads every row to its widest. The
    plan took a text under half the limit as fitting and sent it as one message."""
    text = "| a | b |\n|---|---|\n| " + "x" * 100 + " | y |\n" + "| 1 | 2 |\n" * 100
    assert render(text).size > 2 * MESSAGE_LIMIT > 2 * utf16_len(text)
    machine = PlanMachine()
    machine.start(drafts=False, plain=False, reasoning=False)
    machine.text(text)
    machine.teardown()


def test_a_refused_probe_at_one_id_leaves_the_next_id_its_plainer_try() -> None:
    """A lost send landed at 101; the second send is 102, so 100 and 101 are probed. Telegram
    refused the probe at 100 (its plainer try spent) and then the first probe at 101: that was
    taken as "no copy", and the copy at 101 stayed beside 102."""
    machine = PlanMachine()
    machine.start(drafts=False, plain=True, reasoning=False)
    machine.text("0c0😀xé")
    # The first "ok" only waits out the backoff after the lost send.
    for fault in ("lost", "ok", "ok", "rejected", "ok", "rejected"):
        machine.write(fault)
    machine.teardown()


def test_a_copy_whose_probe_telegram_refused_twice_may_stay() -> None:
    """The lost send landed at 101 and both probes of 101 were refused: the plan takes that
    as "not ours" by design; the model once called the copy left there a page shown twice."""
    machine = PlanMachine()
    machine.start(drafts=False, plain=False, reasoning=False)
    machine.text("0")
    for fault in ("lost", "ok", "ok", "ok", "rejected", "rejected"):
        machine.write(fault)
    assert machine.refused_probes == {101: 2}
    machine.teardown()


def _two_pages_then_final_edit(machine: PlanMachine) -> None:
    """Two pages sent while streaming (a tool record on page 0), then the end: page 0 is
    edited once more, for the ending, after page 1 already has its message."""
    machine.start(drafts=False, plain=False, reasoning=False)
    machine.text("00")
    machine.tool_ended(0, "done")
    machine.text("0" * 3048)
    machine.write("ok")
    machine.text("00")
    machine.write("ok")
    machine.end(Ending.COMPLETE, stopped=False)
    assert len(machine.chat.messages) == 2


def test_a_first_page_telegram_calls_too_long_at_the_end_keeps_the_second_in_place() -> None:
    """Cutting the layout again after page 0's final edit was called too long threw page 1
    away with its message still in the chat: the same text showed twice."""
    machine = PlanMachine()
    _two_pages_then_final_edit(machine)
    machine.write("too_long")
    machine.teardown()


@pytest.mark.parametrize("faults", [("deleted",), ("rejected", "rejected")])
def test_a_first_page_sent_anew_comes_before_the_pages_after_it(faults: tuple[str, ...]) -> None:
    """Page 0's message was deleted by the user (or Telegram refused to edit it twice) after
    page 1 was sent: page 0 was sent anew below page 1, so the answer read out of order."""
    machine = PlanMachine()
    _two_pages_then_final_edit(machine)
    for fault in faults:
        machine.write(fault)
    machine.teardown()


def test_a_table_widened_by_its_last_row_is_cut_and_every_page_moves_on() -> None:
    """One table (no blank line ends it) whose last row pads every row to 100 columns: the
    cut shrank to a single character, then to nothing past an escape it reopened, and the
    layout appended empty pages for ever (CI hung on it)."""
    text = "0000" + "0000\n| a | b |\n|---|---|\n| 1 | 2 |\n" * 20 + "0" * 100
    machine = PlanMachine()
    machine.start(drafts=False, plain=False, reasoning=False)
    machine.text(text)
    machine.teardown()
    assert len(machine.plan.pages) <= 4
