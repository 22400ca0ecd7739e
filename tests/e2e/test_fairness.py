"""Fairness inside a group: one member's flood of mentions does not hold up everyone else."""

from __future__ import annotations

from tests.conftest import BotFactory
from tests.e2e.test_groups import GROUP, mention
from tests.servers.backends import FakeCromicle, Script
from tests.servers.telegram import FakeTelegram


async def test_a_flooding_member_gets_five_answers_and_one_note_and_another_member_goes_next(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    cromicle.set_default(Script(chunks=["an ", "answer ", "that ", "takes ", "time"], delay=0.1))
    async with bot(rate_limit_per_minute=5):
        for n in range(9):
            text = f"@test_bot flood {n}"
            telegram.add_message(
                GROUP, text, first_name="Mallory", user_id=7, entities=mention(text)
            )
        await cromicle.wait_for_requests(1)
        text = "@test_bot my turn?"
        telegram.add_message(GROUP, text, first_name="Bob", user_id=8, entities=mention(text))
        await cromicle.wait_for_requests(6, timeout=30)
        await telegram.wait_for(lambda: len(telegram.visible_texts(GROUP)) == 7, timeout=30)
    # The question of each request is its prompt's last user line.
    prompts = [
        [line for line in r.json["message"].splitlines() if not line.startswith("Assistant:")][
            -1
        ].removeprefix("User: ")
        for r in cromicle.requests
    ]
    # The answer in progress finishes; Bob's question is next, not after the whole backlog.
    assert prompts.index("Bob: my turn?") <= 2, prompts
    assert sorted(p for p in prompts if p.startswith("Mallory")) == [
        f"Mallory: flood {n}" for n in range(5)
    ]
    notes = [t for t in telegram.visible_texts(GROUP) if "too fast" in t]
    assert len(notes) == 1, telegram.visible_texts(GROUP)
