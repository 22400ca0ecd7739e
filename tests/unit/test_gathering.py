"""The waiting half of the assembly: one update answers the question, the other parts return
only after it was answered (so a replica acknowledges them only then)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram.types import Message

from bot.gathering import Gathering


def message(message_id: int, **extra: Any) -> Message:
    return Message.model_validate(
        {
            "message_id": message_id,
            "date": 0,
            "chat": {"id": 1, "type": "private"},
            "from": {"id": 1, "is_bot": False, "first_name": "A"},
            **extra,
        }
    )


async def test_the_first_part_answers_the_album_and_the_others_wait_for_it() -> None:
    gathering = Gathering(quiet=0.05)
    answering, release = asyncio.Event(), asyncio.Event()
    finished: list[int] = []
    lined_up: list[int] = []

    async def handle(part: Message) -> None:
        async with gathering.gather(
            part, chat=(1, None), user=1, lined_up=lambda: lined_up.append(part.message_id)
        ) as parts:
            if parts is not None:
                assert [p.message_id for p in parts] == [1, 2, 3]
                answering.set()
                await release.wait()
        finished.append(part.message_id)

    album = [message(n, media_group_id="g", photo=[]) for n in (1, 2, 3)]
    tasks = [asyncio.create_task(handle(part)) for part in album]
    await asyncio.wait_for(answering.wait(), 5)
    assert lined_up == [1, 2, 3]  # every part let the chat's next update start at once
    await asyncio.sleep(0)
    assert finished == []  # no part is done while the question is being answered
    release.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 5)
    assert sorted(finished) == [1, 2, 3]
    assert len(gathering.assembly) == 0


async def test_a_short_text_is_answered_at_once() -> None:
    gathering = Gathering(quiet=60, window=60)
    async with asyncio.timeout(1):
        async with gathering.gather(message(1, text="hi"), chat=(1, None), user=1) as parts:
            assert parts is not None and parts[0].text == "hi"


async def test_a_short_text_is_not_lined_up_by_the_gathering() -> None:
    """Nothing can join a short text, so the chat's next update must wait until the chat's
    line takes it (lined up there): let go here, the next update could overtake it on its
    way (with replicas, a round trip to Redis) and be answered first."""
    gathering = Gathering(quiet=0.05)
    lined_up: list[int] = []
    short = message(1, text="hello")
    async with gathering.gather(
        short, chat=(1, None), user=1, lined_up=lambda: lined_up.append(1)
    ) as parts:
        assert parts is not None and [p.message_id for p in parts] == [1]
    assert lined_up == []
