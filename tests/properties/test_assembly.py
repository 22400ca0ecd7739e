"""bot/assembly.py over arbitrary arrivals: every message ends in exactly one question, in
order, albums whole and pastes joined, nothing delayed that need not be, memory bounded."""

from __future__ import annotations

from dataclasses import dataclass, replace

from hypothesis import example, given
from hypothesis import strategies as st

from bot.assembly import MAX_ALBUM, Assembly, Batch, Kind
from tests.support.properties import examples

QUIET, WINDOW, NEAR = 1.0, 2.0, 100


@dataclass(frozen=True)
class Arrival:
    n: int
    chat: int
    user: int
    gap: float  # seconds since the previous arrival
    group: str | None
    size: int
    kind: Kind


arrivals = st.lists(
    st.builds(
        Arrival,
        n=st.just(0),
        chat=st.sampled_from([1, 1, 2]),
        user=st.sampled_from([1, 1, 2]),
        gap=st.sampled_from([0.0, 0.0, 0.1, 0.5, 1.5, 3.0]),
        group=st.sampled_from([None, None, None, "a", "b"]),
        size=st.sampled_from([0, 10, 99, 100, 150]),
        kind=st.sampled_from([Kind.TEXT, Kind.TEXT, Kind.SINGLE]),
    ),
    max_size=40,
).map(lambda items: [replace(item, n=n) for n, item in enumerate(items)])


def run(items: list[Arrival], max_pending: int = 1000) -> tuple[list[Batch[Arrival]], int]:
    """Feed the arrivals, closing due batches between them; every closed batch in order."""
    assembly = Assembly[Arrival](
        quiet=QUIET, window=WINDOW, near_limit=NEAR, max_pending=max_pending
    )
    now, closed, most = 0.0, list[Batch[Arrival]](), 0
    for item in items:
        now += item.gap
        closed += assembly.close_due(now)
        placed = assembly.offer(
            item,
            chat=item.chat,
            user=item.user,
            now=now,
            group=item.group,
            size=item.size,
            kind=item.kind,
        )
        if placed.leader:
            assert placed.batch.items == [item]
        else:
            assert placed.batch.items[-1] is item
        closed += placed.closed
        most = max(most, len(assembly))
    closed += assembly.close_due(now + 10 * WINDOW)
    assert len(assembly) == 0 and assembly.wake_at() is None
    return closed, most


@examples(300)
@given(arrivals)
def test_every_message_is_in_exactly_one_question(items: list[Arrival]) -> None:
    closed, _ = run(items)
    seen = [item.n for batch in closed for item in batch.items]
    assert sorted(seen) == [item.n for item in items]
    assert len({id(batch) for batch in closed}) == len(closed)


A_PASTE_THEN_TWO_SHORT_TEXTS = [
    Arrival(0, 1, 1, 0.0, None, 150, Kind.TEXT),
    Arrival(1, 1, 1, 0.0, None, 10, Kind.TEXT),
    Arrival(2, 1, 1, 0.0, None, 10, Kind.TEXT),
]


@examples(300)
@example(A_PASTE_THEN_TWO_SHORT_TEXTS)
@given(arrivals)
def test_a_question_holds_one_senders_messages_of_one_kind_in_order(items: list[Arrival]) -> None:
    closed, _ = run(items)
    for batch in closed:
        assert len({(i.chat, i.user) for i in batch.items}) == 1
        assert [i.n for i in batch.items] == sorted(i.n for i in batch.items)
        assert len({i.group for i in batch.items}) == 1
        if batch.kind is Kind.ALBUM:
            assert len(batch.items) <= MAX_ALBUM
        elif len(batch.items) > 1:  # a paste: every part but the last was near the limit
            assert batch.kind is Kind.TEXT
            assert all(i.size >= NEAR for i in batch.items[:-1])
            assert all(part.gap <= WINDOW for part in batch.items[1:])


@examples(300)
@given(arrivals)
def test_a_senders_questions_keep_their_order(items: list[Arrival]) -> None:
    closed, _ = run(items)
    for sender in {(i.chat, i.user) for i in items}:
        firsts = [b.items[0].n for b in closed if (b.chat, b.user) == sender]
        assert firsts == sorted(firsts)


@given(arrivals)
def test_short_texts_and_single_messages_are_never_delayed(items: list[Arrival]) -> None:
    assembly = Assembly[Arrival](quiet=QUIET, window=WINDOW, near_limit=NEAR)
    for item in items:
        placed = assembly.offer(
            item,
            chat=item.chat,
            user=item.user,
            now=0.0,
            group=item.group,
            size=item.size,
            kind=item.kind,
        )
        starts_alone = placed.leader and item.group is None
        if starts_alone and (item.kind is Kind.SINGLE or item.size < NEAR):
            assert placed.batch.closed and placed.batch in placed.closed


@given(arrivals, st.integers(1, 3))
def test_memory_is_bounded(items: list[Arrival], max_pending: int) -> None:
    _, most = run(items, max_pending)
    assert most <= max_pending


def test_a_full_album_closes_at_once() -> None:
    assembly = Assembly[int](quiet=QUIET)
    placed = [assembly.offer(n, chat=1, user=1, now=0.0, group="g") for n in range(MAX_ALBUM)]
    assert placed[-1].batch.closed and placed[-1].batch.items == list(range(MAX_ALBUM))
    assert not any(p.closed for p in placed[:-1])
