"""The delivery plan alone: pure decisions, driven by hand with a clock that we move."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from bot import plan as plan_module
from bot import texts
from bot.plan import AnswerPlan, Ending, Fault, Op, Write
from bot.priority import Priority
from bot.render import MESSAGE_LIMIT, Rendered, render

LONG = "\n\n".join(f"Paragraph {n}: " + "lorem ipsum dolor sit amet " * 20 for n in range(20))


@dataclass
class Chat:
    """What a chat shows, updated by the writes a test applies; ids as Telegram assigns them."""

    messages: dict[int, Rendered] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    drafts: dict[int, Rendered] = field(default_factory=dict)
    next_id: int = 100

    def apply(self, plan: AnswerPlan, write: Write, now: float) -> None:
        if write.op is Op.SEND:
            assert write.content is not None
            self.next_id += 1
            self.messages[self.next_id] = write.content
            plan.succeeded(write, now, self.next_id)
        elif write.op in (Op.EDIT, Op.PROBE):
            assert write.message_id is not None and write.content is not None
            if write.message_id not in self.messages or write.message_id in self.deleted:
                plan.failed(write, now, Fault.MESSAGE_GONE)
            elif self.messages[write.message_id] == write.content:
                plan.failed(write, now, Fault.NOT_MODIFIED)
            else:
                self.messages[write.message_id] = write.content
                plan.succeeded(write, now)
        elif write.op is Op.DRAFT:
            assert write.draft_id is not None and write.content is not None
            self.drafts[write.draft_id] = write.content
            plan.succeeded(write, now)
        else:
            assert write.message_id is not None
            self.deleted.add(write.message_id)
            plan.succeeded(write, now)

    def shown(self) -> list[str]:
        return [m.text for i, m in sorted(self.messages.items()) if i not in self.deleted]


def run(plan: AnswerPlan, chat: Chat, now: float = 0.0, limit: int = 200) -> list[Write]:
    """Apply writes until the plan has none; return them."""
    writes: list[Write] = []
    for _ in range(limit):
        write = plan.next_write(now)
        if write is None:
            return writes
        writes.append(write)
        chat.apply(plan, write, now)
    raise AssertionError("the plan did not settle")


def pages_of(markdown: str) -> list[str]:
    plan = AnswerPlan()
    plan.add_text(markdown)
    plan.end(Ending.COMPLETE)
    chat = Chat()
    run(plan, chat)
    assert plan.finished
    return chat.shown()


def test_a_long_answer_that_arrived_at_once_is_sent_page_by_page_to_the_end() -> None:
    plan = AnswerPlan()
    plan.add_text(LONG)
    assert not plan.finished
    chat = Chat()
    first = plan.next_write(0.0)  # one write while it streams: the first page
    assert first is not None
    chat.apply(plan, first, 0.0)
    plan.end(Ending.COMPLETE)
    assert not plan.finished, "the stream ended but pages are still due"
    run(plan, chat)
    assert plan.finished
    shown = chat.shown()
    assert len(shown) >= 3
    assert all(len(text) <= MESSAGE_LIMIT for text in shown)
    assert "\n\n".join(shown) == render(LONG).text


def test_finished_only_when_every_page_shows_its_final_text() -> None:
    plan = AnswerPlan()
    plan.add_text("Hello")
    chat = Chat()
    run(plan, chat)
    plan.add_text(" world")
    plan.end(Ending.COMPLETE)
    assert not plan.finished
    writes = run(plan, chat)
    assert [w.op for w in writes] == [Op.EDIT]
    assert plan.finished and chat.shown() == ["Hello world"]


def test_trailing_whitespace_never_causes_an_edit() -> None:
    plan = AnswerPlan()
    plan.add_text("Hello")
    chat = Chat()
    run(plan, chat)
    plan.add_text("  \u3000\n")
    assert plan.next_write(1.0) is None


def test_drafts_stream_the_open_page_and_messages_persist_each_page() -> None:
    plan = AnswerPlan(drafts=True, first_draft_id=7)
    plan.add_text("Partial")
    chat = Chat()
    writes = run(plan, chat)
    assert [(w.op, w.draft_id) for w in writes] == [(Op.DRAFT, 7)]
    plan.add_text(" text")
    plan.end(Ending.COMPLETE)
    writes = run(plan, chat)
    assert [w.op for w in writes] == [Op.SEND]
    assert chat.shown() == ["Partial text"]


def test_a_silent_model_gets_its_draft_shown_again_every_20_s() -> None:
    plan = AnswerPlan(drafts=True)
    plan.add_text("Thinking")
    chat = Chat()
    run(plan, chat, now=0.0)
    assert plan.wake_at(1.0) == plan_module.DRAFT_REFRESH
    assert plan.next_write(plan_module.DRAFT_REFRESH - 0.01) is None
    again = plan.next_write(plan_module.DRAFT_REFRESH)
    assert again is not None and again.op is Op.DRAFT


def test_priority_finals_then_firsts_then_edits() -> None:
    plan = AnswerPlan()
    assert plan.priority() == Priority.FIRST
    plan.add_text("x")
    run(plan, Chat())
    assert plan.priority() == Priority.EDIT
    plan.add_text(LONG)  # pages 1.. are now due: a continuation outranks edits
    assert plan.priority() == Priority.FINAL
    other = AnswerPlan()
    other.end(Ending.COMPLETE)
    assert other.priority() == Priority.FINAL


def test_priority_renders_nothing_while_the_text_cannot_have_outgrown_its_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The budget asks every waiting answer's priority at every grant (thousands of times a
    second under load): a chunk that cannot fill the page must not re-render it."""
    renders = 0
    real = render

    def counted(markdown: str, **options: bool) -> Rendered:
        nonlocal renders
        renders += 1
        return real(markdown, **options)

    monkeypatch.setattr(plan_module, "render", counted)
    plan = AnswerPlan()
    plan.add_text("Hello")
    run(plan, Chat())
    before = renders
    for _ in range(300):
        plan.add_text(" word")
        assert plan.priority() == Priority.EDIT
    assert renders - before <= 3
    plan.add_text(LONG)
    assert plan.priority() == Priority.FINAL  # now it may have: laid out, a continuation


def test_not_modified_means_it_already_shows_that() -> None:
    plan = AnswerPlan()
    plan.add_text("abc")
    chat = Chat()
    run(plan, chat)
    plan.add_text("d")
    plan.end(Ending.COMPLETE)
    write = plan.next_write(0.0)
    assert write is not None and write.op is Op.EDIT
    plan.failed(write, 0.0, Fault.NOT_MODIFIED)  # a lost edit got through
    assert plan.finished


def test_too_long_cuts_that_page_smaller_and_nothing_is_lost() -> None:
    plan = AnswerPlan()
    plan.add_text(LONG)
    plan.end(Ending.COMPLETE)
    chat = Chat()
    first = plan.next_write(0.0)
    assert first is not None and first.content is not None
    plan.failed(first, 0.0, Fault.TOO_LONG)
    again = plan.next_write(0.0)
    assert again is not None and again.content is not None
    assert again.content.size < first.content.size
    run(plan, chat)
    assert plan.finished
    assert "".join(chat.shown()).replace("\n", "") == render(LONG).text.replace("\n", "")


def test_a_refused_link_costs_only_the_links_and_drafts_stay_on() -> None:
    plan = AnswerPlan(drafts=True)
    plan.add_text("**Note:** see [the guide](https://example.com/guide)")
    write = plan.next_write(0.0)
    assert write is not None and write.content is not None
    assert {e.type for e in write.content.entities} == {"bold", "text_link"}
    plan.failed(write, 0.0, Fault.ENTITIES)
    assert plan.drafts
    write = plan.next_write(0.0)
    assert write is not None and write.content is not None
    assert write.content.text == "Note: see the guide"
    assert {e.type for e in write.content.entities} == {"bold"}
    plan.failed(write, 0.0, Fault.ENTITIES)
    write = plan.next_write(0.0)
    assert write is not None and write.content is not None
    assert write.content == Rendered("Note: see the guide")


def test_a_lost_send_is_found_and_its_later_copy_deleted() -> None:
    plan = AnswerPlan(after_id=100)
    plan.add_text("Answer")
    plan.end(Ending.COMPLETE)
    chat = Chat()
    write = plan.next_write(0.0)
    assert write is not None
    chat.next_id += 1
    chat.messages[chat.next_id] = write.content  # type: ignore[assignment]  # it landed...
    plan.failed(write, 0.0, Fault.TRANSIENT)  # ...but the response was lost
    chat.next_id += 1  # somebody else wrote in between
    chat.messages[chat.next_id] = Rendered("a user's message")
    assert plan.next_write(0.1) is None  # backing off
    run(plan, chat, now=1.0)
    assert plan.finished
    assert chat.shown() == ["Answer", "a user's message"], "two copies of the page"


def test_a_lost_copy_of_a_later_page_never_stands_above_the_first_page_sent_anew() -> None:
    """Page 1's send landed but its response was lost; then the user deleted page 0. Page 0
    goes again, below that copy: the copy is deleted and page 1 goes again after page 0,
    not kept above it (the state machine found it)."""
    plan = AnswerPlan(after_id=100)
    plan.tool_started("call_0", "lookup()")
    plan.tool_ended("call_0", "done")  # the tool record above page 0 is edited at the end
    plan.add_text(LONG)
    chat = Chat()
    first = plan.next_write(0.0)
    assert first is not None and first.op is Op.SEND and first.page == 0
    chat.apply(plan, first, 0.0)
    second = plan.next_write(0.0)
    assert second is not None and second.op is Op.SEND and second.page == 1
    chat.next_id += 1
    chat.messages[chat.next_id] = second.content  # type: ignore[assignment]  # it landed...
    plan.failed(second, 0.0, Fault.TRANSIENT)  # ...but the response was lost
    chat.deleted.add(101)  # the user deleted page 0
    plan.end(Ending.COMPLETE)
    run(plan, chat, now=10.0)
    assert plan.finished
    assert chat.shown() == plan.page_texts(), "pages out of order, or one shown twice"
    assert LONG.split()[-1] in chat.shown()[-1]


def test_transient_failures_back_off_reset_on_success_and_give_up_at_last() -> None:
    plan = AnswerPlan()
    plan.add_text("x")
    plan.end(Ending.COMPLETE)
    now = 0.0
    for attempt in range(plan_module.MAX_FAILURES):
        write = plan.next_write(now)
        assert write is not None, attempt
        plan.failed(write, now, Fault.TRANSIENT)
        assert plan.next_write(now) is None
        now = plan.wake_at(now) or now
    assert not plan.gave_up
    write = plan.next_write(now)
    assert write is not None
    plan.succeeded(write, now, 1)
    assert plan.failures == 0
    other = AnswerPlan()
    other.add_text("y")
    other.end(Ending.COMPLETE)
    now = 0.0
    for _ in range(plan_module.MAX_FAILURES + 1):
        write = other.next_write(now)
        assert write is not None
        other.failed(write, now, Fault.TRANSIENT)
        now = other.wake_at(now) or now
    assert other.gave_up and other.finished


def test_isolated_failures_never_add_up() -> None:
    plan = AnswerPlan()
    chat = Chat()
    now = 0.0
    for index in range(50):
        plan.add_text(f"word {index} ")
        write = plan.next_write(now)
        assert write is not None
        if index % 5 == 4:
            plan.failed(write, now, Fault.TRANSIENT)
            assert plan.not_before - now <= 0.5
            now = plan.not_before
        else:
            chat.apply(plan, write, now)
        now += 1.0
    assert not plan.gave_up


def notice_of(
    ending: Ending, text: str = "", thinking: str = "", reason: str = "", stop: bool = False
) -> list[str]:
    """What the chat shows for an answer of `text` (and `thinking`) that ended so."""
    plan = AnswerPlan()
    plan.add_reasoning(thinking)
    plan.add_text(text)
    if stop:
        plan.stop(ending, "")
    else:
        plan.end(ending, reason)
    chat = Chat()
    run(plan, chat)
    assert plan.finished
    return chat.shown()


def test_true_notices() -> None:
    empty = texts.t("en", "failed", reason=texts.reason("en", "empty"))
    assert notice_of(Ending.COMPLETE) == [empty]
    assert notice_of(Ending.COMPLETE, "  \n") == [empty]
    cut = notice_of(Ending.LENGTH, "Half")
    assert cut == [f"Half\n\n{texts.t('en', 'length_cut')}"]
    thinking = notice_of(Ending.LENGTH, thinking="hmm")
    assert thinking[0].endswith(texts.t("en", "length_thinking"))
    assert "hmm" in thinking[0]
    failed = notice_of(Ending.FAILED, reason="unavailable")
    assert failed == [texts.t("en", "failed", reason=texts.reason("en", "unavailable"))]
    interrupted = notice_of(Ending.FAILED, "Part", reason="timeout")
    assert interrupted == [
        "Part\n\n" + texts.t("en", "interrupted", reason=texts.reason("en", "timeout"))
    ]
    slow = notice_of(Ending.TIMED_OUT, "Some")
    assert slow == [f"Some\n\n{texts.t('en', 'too_slow_cut')}"]
    assert notice_of(Ending.STOPPED, stop=True) == [texts.t("en", "stopped")]
    assert notice_of(Ending.STOPPED, "kept", stop=True) == ["kept"]


def test_a_notice_that_does_not_fit_gets_a_message_of_its_own() -> None:
    full = "x " * 2040
    shown = notice_of(Ending.LENGTH, full)
    assert shown == [render(full).text, texts.t("en", "length_cut")]


def test_thoughts_show_collapsed_above_the_answer_and_never_in_its_text() -> None:
    plan = AnswerPlan()
    plan.add_reasoning("Let me think. " * 300)
    write = plan.next_write(0.0)
    assert write is not None and write.content is not None
    assert write.content.text.startswith(texts.t("en", "thinking"))
    assert any(e.type == "expandable_blockquote" for e in write.content.entities)
    assert write.content.size <= plan_module.THOUGHTS_LIMIT + 64
    plan.add_text("The answer.")
    plan.end(Ending.COMPLETE)
    chat = Chat()
    run(plan, chat)
    assert chat.shown()[-1].startswith(texts.t("en", "thoughts"))
    assert chat.shown()[-1].endswith("The answer.")
    assert plan.text == "The answer."


def test_markdown_in_thoughts_is_rendered_inside_their_quote() -> None:
    plan = AnswerPlan()
    plan.add_reasoning("First **check the units**, then `x = 2`.")
    plan.add_text("Done.")
    plan.end(Ending.COMPLETE)
    write = plan.next_write(0.0)
    assert write is not None and write.content is not None
    shown = write.content
    assert "**" not in shown.text and "`" not in shown.text
    quote = next(e for e in shown.entities if e.type == "expandable_blockquote")
    inside = [
        e.type for e in shown.entities if quote.offset <= e.offset < quote.offset + quote.length
    ]
    assert "bold" in inside and "code" in inside


def test_hidden_thoughts_show_only_that_the_model_thinks() -> None:
    plan = AnswerPlan(show_reasoning=False)
    plan.add_reasoning("secret chain of thought")
    write = plan.next_write(0.0)
    assert write is not None and write.content == Rendered(texts.t("en", "thinking"))
    plan.add_text("Answer")
    plan.end(Ending.COMPLETE)
    chat = Chat()
    run(plan, chat)
    assert chat.shown() == ["Answer"]


def test_forbidden_gives_up_at_once() -> None:
    plan = AnswerPlan()
    plan.add_text("x")
    write = plan.next_write(0.0)
    assert write is not None
    plan.failed(write, 0.0, Fault.FORBIDDEN)
    assert plan.gave_up and plan.finished and plan.next_write(1.0) is None


def test_a_page_telegram_refuses_for_unknown_reasons_ends_in_a_visible_note() -> None:
    plan = AnswerPlan()
    plan.add_text("**x**")
    plan.end(Ending.COMPLETE)
    for _ in range(2):
        write = plan.next_write(0.0)
        assert write is not None
        plan.failed(write, 0.0, Fault.REJECTED)
    chat = Chat()
    run(plan, chat)
    assert chat.shown() == [texts.t("en", "part_refused")]
