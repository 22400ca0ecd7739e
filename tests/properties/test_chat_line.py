"""ChatLine: one turn at a time, round-robin between the users who wait, each user's own
questions in order, and a question given up while waiting never holds the line."""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque

from hypothesis import example, given
from hypothesis import strategies as st

from bot.lines import ChatLine
from tests.support.properties import examples

USERS = st.integers(min_value=1, max_value=4)
# Each question: who asks, and whether they give up while waiting.
QUESTIONS = st.lists(st.tuples(USERS, st.booleans()), min_size=1, max_size=30)


def round_robin(questions: list[tuple[int, bool]]) -> list[int]:
    """The order the line must serve waiting questions (indexes), written the plain way: the
    user who has waited longest for a turn goes next, then to the back of the line. All ask
    before anyone gives up, so a user keeps their place while any question of theirs waits."""
    line: OrderedDict[int, deque[int]] = OrderedDict()
    for index, (user, _) in enumerate(questions):
        line.setdefault(user, deque()).append(index)
    for index, (user, gives_up) in enumerate(questions):
        if gives_up:
            line[user].remove(index)
            if not line[user]:
                del line[user]
    served: list[int] = []
    while line:
        user, queue = next(iter(line.items()))
        served.append(queue.popleft())
        if queue:
            line.move_to_end(user)
        else:
            del line[user]
    return served


@examples(200)
@given(QUESTIONS)
@example([(1, False), (1, False), (1, False), (2, False)])  # a flood, then another member
@example([(1, True), (2, False), (1, False)])
def test_waiting_questions_are_served_round_robin_and_in_order_per_user(
    questions: list[tuple[int, bool]],
) -> None:
    served: list[int] = []

    async def scenario() -> None:
        line = ChatLine()
        release = asyncio.Event()

        async def first() -> None:
            async with line.turn(0):
                await release.wait()

        async def ask(index: int, user: int) -> None:
            async with line.turn(user):
                served.append(index)
                await asyncio.sleep(0)

        holder = asyncio.create_task(first())
        await asyncio.sleep(0)
        tasks = []
        for index, (user, _) in enumerate(questions):
            tasks.append(asyncio.create_task(ask(index, user)))
            await asyncio.sleep(0)  # lined up in arrival order
        for task, (_, gives_up) in zip(tasks, questions, strict=True):
            if gives_up:
                task.cancel()
        release.set()
        await asyncio.wait_for(asyncio.gather(holder, *tasks, return_exceptions=True), 5)
        assert not line.busy, "the line is free once everyone was served or gave up"

    asyncio.run(scenario())
    assert served == round_robin(questions)


async def test_another_members_question_comes_right_after_the_answer_in_progress() -> None:
    line = ChatLine()
    order: list[str] = []
    release = asyncio.Event()

    async def ask(name: str, user: int, hold: bool = False) -> None:
        async with line.turn(user):
            order.append(name)
            if hold:
                await release.wait()

    tasks = [asyncio.create_task(ask("flood0", 1, hold=True))]
    await asyncio.sleep(0)
    for n in range(1, 5):
        tasks.append(asyncio.create_task(ask(f"flood{n}", 1)))
        await asyncio.sleep(0)
    tasks.append(asyncio.create_task(ask("bob", 2)))
    await asyncio.sleep(0)
    release.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 5)
    assert order[:3] == ["flood0", "flood1", "bob"]
