"""The backend's stream -> the plan's events, for one answer.

Whatever the stream does (ends, fails, stalls past BACKEND_MAX_ANSWER_SECONDS, raises a bug),
the plan hears exactly one ending, so the writer always knows when it is done. The stream is
closed here, once, whatever happens (its HTTP response is released).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from contextlib import aclosing

from bot.delivery.answer import RunningAnswer
from bot.plan import Ending, Note
from bot.providers.base import (
    BackendError,
    BackendTimeout,
    Chunk,
    FinishReason,
    Reasoning,
    ThinkingClosed,
)

log = logging.getLogger(__name__)

Stream = AsyncGenerator[Chunk | Note, None]
"""What an answer is made of: the backend's chunks, and notes of the bot's own."""


async def read(answer: RunningAnswer, chunks: Stream, max_seconds: float) -> None:
    """Feed `chunks` to the answer's plan until the stream ends, fails or runs out of time."""
    plan = answer.plan
    loop = asyncio.get_running_loop()
    ending = Ending.COMPLETE
    deadline = asyncio.timeout(max_seconds)
    try:
        async with deadline, aclosing(chunks):
            async for chunk in chunks:
                if isinstance(chunk, str):
                    if answer.first_chunk is None:
                        answer.first_chunk = loop.time()
                    plan.add_text(chunk)
                elif isinstance(chunk, Reasoning):
                    if answer.first_chunk is None:
                        answer.first_chunk = loop.time()
                    plan.add_reasoning(chunk.text)
                elif isinstance(chunk, FinishReason):
                    if chunk.reason == "length":
                        ending = Ending.LENGTH
                    continue
                elif isinstance(chunk, Note):
                    plan.add_note(chunk.text)
                    continue
                elif isinstance(chunk, ThinkingClosed):
                    plan.thinking_closed()
                else:
                    continue  # usage, tool-call pieces: not for the chat
                answer.poke()
        plan.end(ending)
    except TimeoutError:
        if deadline.expired():
            plan.end(Ending.TIMED_OUT)
        else:  # a provider let a bare timeout through
            answer.error = BackendTimeout("the backend timed out")
            plan.end(Ending.FAILED, answer.error.reason)
    except BackendError as exc:
        answer.error = exc
        plan.end(Ending.FAILED, exc.reason)
    except asyncio.CancelledError:
        if not plan.ended:
            raise
    except Exception as exc:  # a provider bug must still end in an honest message
        log.exception("backend stream failed in chat %s", answer.chat_id)
        answer.error = BackendError(f"backend failed: {exc!r}")
        plan.end(Ending.FAILED, answer.error.reason)
    finally:
        answer.poke(urgent=True)
