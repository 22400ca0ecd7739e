"""Every answer reaches the user whole: the real `python -m bot` process against the local
Bot API server, with fast long streams and each Bot API fault the delivery table names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.render import MESSAGE_LIMIT, render, utf16_len
from tests.servers.backends import FakeCromicle, Script
from tests.servers.telegram import FakeTelegram, Limits
from tests.support.process import base_env, start_bot

PRIVATE, GROUP, SUPERGROUP = 1001, -2002, -1003003

SENTENCE = "lorem ipsum dolor sit amet, consectetur. "
PARAGRAPHS = [f"Paragraph {n}: " + SENTENCE * 9 for n in range(24)]
TEN_K = "\n\n".join(PARAGRAPHS)[:10_000]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pieces(text: str, count: int) -> list[str]:
    size = -(-len(text) // count)
    return [text[i : i + size] for i in range(0, len(text), size)]


def whole(telegram: FakeTelegram, chat: int, answer: str) -> bool:
    return squash("".join(telegram.visible_texts(chat))) == squash(render(answer).text)


async def run_answer(
    telegram: FakeTelegram,
    cromicle: FakeCromicle,
    workdir: Path,
    chat: int,
    answer: str,
    *,
    timeout: float = 60,
    **env: str,
) -> list[str]:
    """Ask once, wait until the chat shows the whole answer, stop the bot; the chat's texts."""
    bot = await start_bot(base_env(telegram, cromicle, **env), workdir)
    try:
        if chat < 0:
            telegram.add_message(chat, "@test_bot tell me everything", entities=MENTION)
        else:
            telegram.add_message(chat, "tell me everything")
        await telegram.wait_for(lambda: whole(telegram, chat, answer), timeout=timeout)
    finally:
        assert await bot.stop() == 0
    shown = telegram.visible_texts(chat)
    assert all(0 < utf16_len(text) <= MESSAGE_LIMIT for text in shown)
    assert telegram.retry_after_violations == 0
    assert telegram.not_modified_unexplained == 0
    assert telegram.too_many_requests == 0
    return shown


MENTION = [{"type": "mention", "offset": 0, "length": 9}]


@pytest.mark.parametrize(
    ("chat", "mode"),
    [(PRIVATE, "auto"), (PRIVATE, "edit"), (GROUP, "edit")],
    ids=["private-drafts", "private-edits", "group"],
)
async def test_a_10000_character_answer_streamed_in_a_quarter_second_arrives_whole(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path, chat: int, mode: str
) -> None:
    telegram.limits = Limits()  # Telegram's own flood limits: the bot must stay under them
    cromicle.push(Script(chunks=pieces(TEN_K, 25), delay=0.01))
    shown = await run_answer(
        telegram,
        cromicle,
        workdir,
        chat,
        TEN_K,
        STREAM_MODE=mode,
        PRIVATE_CHAT_INTERVAL="1.0",
        GROUP_CHAT_INTERVAL="3.3",
    )
    assert len(shown) == 3
    if mode == "auto":
        assert telegram.calls_for("sendMessageDraft", chat)
        assert telegram.open_drafts(chat) == {}


async def test_a_100000_character_answer_arrives_whole(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    answer = "\n\n".join(PARAGRAPHS * 4)
    answer = (answer * (100_000 // len(answer) + 1))[:100_000]
    cromicle.push(Script(chunks=[answer]))
    shown = await run_answer(telegram, cromicle, workdir, PRIVATE, answer)
    assert len(shown) >= 25


async def test_drafts_missing_on_an_older_bot_api_server_fall_back_to_messages(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    telegram.drafts_mode = "missing"
    cromicle.push(Script(chunks=pieces(TEN_K, 10), delay=0.02))
    await run_answer(telegram, cromicle, workdir, PRIVATE, TEN_K, STREAM_MODE="auto")
    assert len(telegram.calls_for("sendMessageDraft")) == 1  # found out once, for the process


async def test_a_proxy_answering_502_with_html_is_retried_and_the_answer_is_exact(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    telegram.fail_next("sendMessage", error_code=502, html=True, count=2)
    cromicle.push(Script(chunks=pieces(TEN_K, 5)))
    shown = await run_answer(telegram, cromicle, workdir, PRIVATE, TEN_K)
    assert len(shown) == 3
    assert [c.status for c in telegram.calls_for("sendMessage")][:3] == [502, 502, 200]


async def test_when_telegram_counts_a_page_longer_it_is_cut_smaller(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    telegram.max_text_units = 3000  # our count and Telegram's disagree
    cromicle.push(Script(chunks=[TEN_K]))
    shown = await run_answer(telegram, cromicle, workdir, PRIVATE, TEN_K)
    assert all(utf16_len(text) <= 3000 for text in shown)
    assert telegram.too_long_refusals >= 1


async def test_a_group_upgraded_mid_answer_gets_the_rest_in_the_supergroup(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    gate_open = False

    async def gate(position: int) -> None:
        if position == 3:
            await telegram.wait_for(lambda: bool(telegram.visible_texts(GROUP)), timeout=30)
            telegram.migrate_chat(GROUP, SUPERGROUP)
            nonlocal gate_open
            gate_open = True

    chunks = pieces(TEN_K, 6)
    cromicle.push(Script(chunks=chunks, gate=gate))
    cromicle.push(Script(chunks=["Second answer, in the supergroup."]))
    bot = await start_bot(base_env(telegram, cromicle), workdir)
    try:
        telegram.add_message(GROUP, "@test_bot tell me", entities=MENTION)

        whole = squash(render(TEN_K).text)

        def delivered() -> bool:
            # The old group is read-only once upgraded: what it showed stays there (the first
            # page, whole or as far as it had come), and the supergroup gets everything from
            # that page on, so nothing is missing whichever moment the upgrade came.
            old = squash("".join(telegram.visible_texts(GROUP)))
            new = squash("".join(telegram.visible_texts(SUPERGROUP)))
            return (
                bool(new)
                and whole.startswith(old)
                and whole.endswith(new)
                and (len(old) + len(new) >= len(whole))
            )

        await telegram.wait_for(delivered, timeout=60)
        assert gate_open
        assert len(telegram.visible_texts(GROUP)) == 1, "one message in the old group"
        telegram.add_message(SUPERGROUP, "@test_bot and now?", entities=MENTION)
        await telegram.wait_for(
            lambda: "Second answer" in "".join(telegram.visible_texts(SUPERGROUP)), timeout=30
        )
    finally:
        assert await bot.stop() == 0


async def test_a_lost_response_never_shows_a_page_twice(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    telegram.lose_next("sendMessage", count=2)  # Telegram sent them; the bot never heard
    cromicle.push(Script(chunks=[TEN_K]))
    shown = await run_answer(telegram, cromicle, workdir, PRIVATE, TEN_K)
    assert len(shown) == len(set(shown)) == 3
    assert len(telegram.lost_calls) == 2
