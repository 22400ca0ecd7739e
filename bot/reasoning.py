"""Thinking written inline: models that reason (DeepSeek-R1 and its distills, QwQ, Qwen3)
behind servers that do not split it out start their answer with `<think>…</think>`."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

from bot.plan import Note
from bot.providers.base import Chunk, Reasoning

OPEN = "<think>"
CLOSE = "</think>"


async def split_thinking(
    chunks: AsyncGenerator[Chunk | Note, None],
) -> AsyncGenerator[Chunk | Note, None]:
    """Pass `chunks` through, turning a leading `<think>…</think>` into `Reasoning`.

    Tags may arrive split across chunks; only a `<think>` at the very start (after
    whitespace) counts, so an answer that merely mentions the tag is left alone.
    """
    state = "start"
    pending = ""
    async with aclosing(chunks):
        async for chunk in chunks:
            if not isinstance(chunk, str):
                yield chunk
                continue
            pending += chunk
            if state == "start":
                lead = pending.lstrip()
                if lead.startswith(OPEN):
                    state, pending = "thinking", lead[len(OPEN) :]
                elif OPEN.startswith(lead):
                    continue  # "", "<", "<th"...: not decided yet
                else:
                    state = "answer"
            if state == "thinking":
                end = pending.find(CLOSE)
                if end >= 0:
                    if pending[:end]:
                        yield Reasoning(pending[:end])
                    state, pending = "after", pending[end + len(CLOSE) :]
                else:
                    keep = _partial_suffix(pending, CLOSE)
                    if len(pending) > keep:
                        yield Reasoning(pending[: len(pending) - keep])
                        pending = pending[len(pending) - keep :]
                    continue
            if state == "after":  # the blank lines between the thoughts and the answer
                pending = pending.lstrip("\n")
                if not pending:
                    continue
                state = "answer"
            if state == "answer" and pending:
                yield pending
                pending = ""
    if pending:
        yield Reasoning(pending) if state == "thinking" else pending


def _partial_suffix(text: str, tag: str) -> int:
    """Length of the longest end of `text` that could be the start of `tag`."""
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if tag.startswith(text[-size:]):
            return size
    return 0
