"""HistoryStore: system prompt, bounds, retry support, reset epochs, LRU and TTL."""

from __future__ import annotations

from bot.history import HistoryStore


def test_prompt_has_system_first_then_turns_then_the_new_message() -> None:
    store = HistoryStore(system_prompt="Be brief.")
    store.add_exchange((1, None), "hi", "hello")
    assert store.prompt((1, None), "how are you?") == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "hello"},
        {"role": "user", "content": "how are you?"},
    ]


def test_oldest_exchanges_go_first_when_over_the_message_bound() -> None:
    store = HistoryStore(system_prompt="S", max_messages=4)
    for n in range(5):
        store.add_exchange((1, None), f"q{n}", f"a{n}")
    prompt = store.prompt((1, None), "next")
    assert [m["content"] for m in prompt] == ["S", "q3", "a3", "q4", "a4", "next"]


def test_character_bound_trims_but_keeps_the_newest_exchange() -> None:
    store = HistoryStore(max_chars=100)
    store.add_exchange((1, None), "q" * 40, "a" * 40)
    store.add_exchange((1, None), "Q" * 30, "A" * 30)
    assert [m["content"][0] for m in store.prompt((1, None), "x")] == ["Q", "A", "x"]
    store.add_exchange((1, None), "z" * 40, "y" * 500)
    prompt = store.prompt((1, None), "x")
    assert [m["content"][0] for m in prompt] == ["z", "y", "x"]
    assert sum(len(m["content"]) for m in prompt[:2]) == 100  # bounded means bounded
    assert prompt[1]["content"].startswith("y") and prompt[1]["content"].endswith("y")
    assert "[…]" in prompt[1]["content"]


def test_chats_and_topics_are_separate() -> None:
    store = HistoryStore()
    store.add_exchange((1, None), "a", "b")
    store.add_exchange((1, 7), "c", "d")
    assert len(store.prompt((1, None), "x")) == 3
    assert store.prompt((1, 7), "x")[0]["content"] == "c"
    assert store.prompt((2, None), "x") == [{"role": "user", "content": "x"}]


def test_last_exchange_and_drop_for_retry() -> None:
    store = HistoryStore()
    assert store.last_exchange((1, None)) is None
    store.add_exchange((1, None), "q1", "a1")
    store.add_exchange((1, None), "q2", "a2")
    assert store.last_exchange((1, None)) == ("q2", "a2")
    store.drop_last_exchange((1, None))
    assert store.last_exchange((1, None)) == ("q1", "a1")


def test_reset_forgets_and_advances_the_epoch() -> None:
    store = HistoryStore()
    store.add_exchange((1, None), "q", "a")
    epoch = store.chat((1, None)).epoch
    store.reset((1, None))
    assert store.prompt((1, None), "x") == [{"role": "user", "content": "x"}]
    assert store.chat((1, None)).epoch == epoch + 1


def test_store_never_holds_more_than_max_chats() -> None:
    store = HistoryStore(max_chats=1000)
    for chat in range(100_000):
        store.add_exchange((chat, None), "q", "a")
        assert len(store) <= 1000
    assert (99_999, None) in store
    assert (0, None) not in store


def test_least_recently_used_goes_first() -> None:
    store = HistoryStore(max_chats=2)
    store.chat((1, None))
    store.chat((2, None))
    store.chat((1, None))  # 1 is now more recent than 2
    store.chat((3, None))
    assert (1, None) in store
    assert (2, None) not in store


def test_idle_chats_are_forgotten_after_the_ttl() -> None:
    now = [0.0]
    store = HistoryStore(ttl=60, clock=lambda: now[0])
    store.add_exchange((1, None), "q", "a")
    now[0] = 30
    store.chat((2, None))
    now[0] = 61
    store.chat((3, None))
    assert (1, None) not in store
    assert (2, None) in store


async def test_a_chat_mid_answer_is_not_evicted() -> None:
    store = HistoryStore(max_chats=2)
    busy = store.chat((1, None))
    async with busy.line.turn(user=1):
        store.chat((2, None))
        store.chat((3, None))
        store.chat((4, None))
        assert (1, None) in store
        assert len(store) <= 3


def test_an_over_long_newest_exchange_is_shortened_question_last() -> None:
    store = HistoryStore(max_chars=1000)
    store.add_exchange((1, None), "q" * 300, "a" * 30_000)
    turns = store.prompt((1, None), "next")[:-1]
    assert [len(t["content"]) for t in turns] == [300, 700]
    store.add_exchange((2, None), "q" * 5000, "a" * 5000)
    turns = store.prompt((2, None), "next")[:-1]
    assert [len(t["content"]) for t in turns] == [500, 500]


def test_system_prompt_per_chat_survives_reset_and_the_unanswered_question_does_not() -> None:
    store = HistoryStore(system_prompt="Default.")
    store.set_system((1, None), "Be a pirate.")
    store.add_unanswered((1, None), "lost question")
    assert store.unanswered((1, None)) == "lost question"
    store.reset((1, None))
    assert store.prompt((1, None), "x")[0] == {"role": "system", "content": "Be a pirate."}
    assert store.unanswered((1, None)) is None
    assert store.prompt((2, None), "x")[0]["content"] == "Default."
    store.set_system((1, None), None)
    assert store.system((1, None)) == "Default."
