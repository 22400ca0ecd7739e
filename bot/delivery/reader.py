"""The backend's stream -> the plan's events, for one answer.

The finish reason ends the visible answer at once; the stream is then read on only for a
usage report, which some servers send after it (and some never), so the user never waits
for the bookkeeping.

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
    Usage,
)
from bot.tools.events import ToolEnded, ToolEvent, ToolsCutShort, ToolStarted

log = logging.getLogger(__name__)

Stream = AsyncGenerator[Chunk | Note | ToolEvent, None]
"""What an answer is made of: the backend's chunks, notes of the bot's own, and the tool
loop's events (bot/tools/loop.py)."""


async def read(answer: RunningAnswer, chunks: Stream, max_seconds: float) -> None:
    """Feed `chunks` to the answer's plan until the stream ends, fails or runs out of time."""
    plan = answer.plan
    loop = asyncio.get_running_loop()
    ending = Ending.COMPLETE
    deadline = asyncio.timeout(max_seconds)
    try:
        async with deadline, aclosing(chunks):
            async for chunk in chunks:
                if isinstance(chunk, Usage):
                    answer.usage = chunk
                    continue
                if plan.ended:
                    continue  # after the finish only usage counts
                if isinstance(chunk, str):
                    if answer.first_chunk is None:
                        answer.first_chunk = loop.time()
                    plan.add_text(chunk)
                elif isinstance(chunk, Reasoning):
                    if answer.first_chunk is None:
                        answer.first_chunk = loop.time()
                    plan.add_reasoning(chunk.text)
                elif isinstance(chunk, FinishReason):
                    ending = Ending.LENGTH if chunk.reason == "length" else Ending.COMPLETE
                    plan.end(ending)
                    answer.poke(urgent=True)
                    continue
                elif isinstance(chunk, Note):
                    plan.add_note(chunk.text)
                    continue
                elif isinstance(chunk, ThinkingClosed):
                    plan.thinking_closed()
                elif isinstance(chunk, ToolStarted):
                    plan.tool_started(chunk.call_id, chunk.preview)
                elif isinstance(chunk, ToolEnded):
                    plan.tool_ended(chunk.call_id, chunk.outcome.value, chunk.detail)
                elif isinstance(chunk, ToolsCutShort):
                    plan.tools_cut_short(chunk.rounds)
                    continue
                else:
                    continue  # tool-call pieces: not for the chat
                answer.poke()
        if not plan.ended:
            plan.end(ending)
    except TimeoutError:
        if plan.ended:
            return  # the answer was whole; only its usage report was late
        if deadline.expired():
            plan.end(Ending.TIMED_OUT)
        else:  # a provider let a bare timeout through
            answer.error = BackendTimeout("the backend timed out")
            plan.end(Ending.FAILED, answer.error.reason)
    except BackendError as exc:
        if plan.ended:
            log.debug("chat %s: backend failed after the finish: %s", answer.chat_id, exc.reason)
            return
        answer.error = exc
        plan.end(Ending.FAILED, exc.reason)
    except asyncio.CancelledError:
        if not plan.ended:
            raise
    except Exception as exc:  # a provider bug must still end in an honest message
        if plan.ended:
            log.warning(
                "chat %s: backend stream failed after the finish", answer.chat_id, exc_info=True
            )
            return
        log.exception("backend stream failed in chat %s", answer.chat_id)
        answer.error = BackendError(f"backend failed: {exc!r}")
        plan.end(Ending.FAILED, answer.error.reason)
    finally:
        answer.poke(urgent=True)
