"""An answer that takes the place of an earlier one (the user edited the question): whatever
the two lengths, the chat ends up showing exactly the new answer's pages, in the earlier
answer's messages first, with no message left over and none sent that could be edited."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.plan import AnswerPlan, Ending, Op
from tests.support.properties import examples
from tests.unit.test_plan import Chat, run

WORDS = st.sampled_from(["alpha ", "beta ", "gamma\n", "delta. ", "**bold** ", "\n\n"])
TEXT = st.lists(WORDS, max_size=3000).map("".join)


def earlier(chat: Chat, text: str) -> list[int]:
    """Deliver `text` as the earlier answer; its message ids."""
    plan = AnswerPlan()
    plan.add_text(text)
    plan.end(Ending.COMPLETE)
    run(plan, chat)
    assert plan.finished
    return plan.message_ids()


@examples(60)
@given(TEXT, TEXT, st.sampled_from([Ending.COMPLETE, Ending.FAILED, Ending.STOPPED]))
def test_the_new_answer_replaces_the_old_in_place(old: str, new: str, ending: Ending) -> None:
    chat = Chat()
    old_ids = earlier(chat, old)
    plan = AnswerPlan(replaces=tuple(old_ids))
    plan.add_text(new)
    writes = run(plan, chat)  # streaming: pages so far
    plan.end(ending, "unavailable")
    writes += run(plan, chat)
    assert plan.finished
    assert chat.shown() == plan.page_texts()  # exactly the new answer, nothing of the old
    ids = plan.message_ids()
    kept = min(len(ids), len(old_ids))
    assert ids[:kept] == old_ids[:kept]  # the earlier messages, in order, first
    assert chat.deleted == set(old_ids[kept:])  # the rest of the old answer is gone
    sends = [w for w in writes if w.op is Op.SEND]
    assert len(sends) == max(0, len(ids) - len(old_ids))  # new messages only for more pages


def test_a_shorter_answer_edits_the_first_message_and_deletes_the_rest() -> None:
    chat = Chat()
    old_ids = earlier(chat, "word " * 2000)
    assert len(old_ids) == 3
    plan = AnswerPlan(replaces=tuple(old_ids))
    plan.add_text("Short now.")
    plan.end(Ending.COMPLETE)
    writes = run(plan, chat)
    assert [(w.op, w.message_id) for w in writes] == [
        (Op.DELETE, old_ids[1]),
        (Op.DELETE, old_ids[2]),
        (Op.EDIT, old_ids[0]),
    ]
    assert chat.shown() == ["Short now."]
