"""The real bot with other backends: OpenAI-compatible SSE, and a failover chain."""

from __future__ import annotations

from tests.conftest import BotFactory
from tests.servers.backends import FakeCromicle, FakeOpenAI, Script, echo_answer
from tests.servers.telegram import FakeTelegram

CHAT = 1001


async def test_openai_backend_streams_with_real_role_tagged_history(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    openai_server.push(Script(chunks=["Hel", "lo ", "😀"], delay=0.2))
    async with bot(
        backend="openai",
        openai_base_url=openai_server.url,
        openai_api_key="sk-test",
        model="llama3",
        system_prompt="Be kind.",
    ):
        telegram.add_message(CHAT, "hi")
        await telegram.wait_for(lambda: telegram.visible_texts(CHAT) == ["Hello 😀"])
        telegram.add_message(CHAT, "more")
        await openai_server.wait_for_requests(2)
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
    body = openai_server.requests[1].json
    assert body["model"] == "llama3" and body["stream"] is True
    assert body["messages"] == [
        {"role": "system", "content": "Be kind."},
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "Hello 😀"},
        {"role": "user", "content": "more"},
    ]
    assert openai_server.requests[0].headers["authorization"] == "Bearer sk-test"
    assert telegram.visible_texts(CHAT)[1] == echo_answer("more")


async def test_chain_moves_on_when_the_first_backend_is_down(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot(
        backend="openai,cromicle",
        openai_base_url="http://127.0.0.1:9/v1",
        backend_retries=1,
    ):
        telegram.add_message(CHAT, "anyone there?")
        await telegram.wait_for(
            lambda: telegram.visible_texts(CHAT) == [echo_answer("anyone there?")]
        )
    assert len(cromicle.requests) == 1


async def test_chain_names_the_last_failure_when_all_are_down(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    cromicle.push(Script(status=401, error_body="bad token"))
    async with bot(backend="openai,cromicle", openai_base_url="http://127.0.0.1:9/v1"):
        telegram.add_message(CHAT, "x")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
    assert "rejected" in telegram.visible_texts(CHAT)[0]


async def test_openai_error_event_mid_stream_keeps_the_partial_text(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    openai_server.push(Script(chunks=["Some", " words"], sse_error="overloaded", delay=0.1))
    async with bot(backend="openai", openai_base_url=openai_server.url):
        telegram.add_message(CHAT, "x")
        await telegram.wait_for(lambda: "interrupted" in "".join(telegram.visible_texts(CHAT)))
    assert telegram.visible_texts(CHAT) == [
        "Some words\n\n⚠️ The answer was interrupted: the model service is unavailable."
    ]
