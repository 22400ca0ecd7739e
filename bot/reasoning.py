"""Thinking written inline: models that reason (DeepSeek-R1 and its distills, QwQ, Qwen3)
behind servers that do not split it out put their thoughts in `<think>…</think>`.

Two shapes reach the bot:
- the answer starts with `<think>` (after whitespace): the text up to `</think>` is thinking;
- the chat template already wrote `<think>` into the prompt (DeepSeek-R1 style), so the stream
  starts inside the thoughts and only `</think>` appears: everything before it was thinking.
  The text before it has been streamed as answer text by then; `ThinkingClosed` tells the
  consumer to move it into the thoughts.

The rule for a `</think>` without an opener (the second shape): it closes template-opened
thoughts only if (1) it is the first `</think>` outside Markdown code, (2) no `<think>` came
before it anywhere in the text, and (3) the server had not already sent thinking of its own
(`Reasoning`). So a model that writes about the tags (in code spans or fences, or after
showing an opening tag) is left alone, and an answer with one bare `</think>` in prose is
read as closed thoughts: that is what R1-style templates produce. Code is followed the way
Markdown opens it: a run of backticks opens code, a run of the same length closes it; a stray
backtick therefore keeps every later tag a mention (the safe side: nothing is hidden). Only
the first closing tag counts; later ones are answer text.

After a closing tag the blank lines before the answer are dropped. A text that could still
become a tag is held back until it is known (a lone `<` is never shown and then taken back):
never more than the tag's length (plus, at the very start, the whitespace before a possible
`<think>`), released as text once it cannot be a tag, and at the end of the stream or before
a `FinishReason` at the latest.
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator
from contextlib import aclosing
from enum import Enum

from bot.plan import Note
from bot.providers.base import Chunk, FinishReason, Reasoning, ThinkingClosed

OPEN = "<think>"
CLOSE = "</think>"

Piece = str | Reasoning | ThinkingClosed
"""What the splitter makes of answer text."""


class Phase(Enum):
    """Where the splitter is in the text."""

    START = "start"
    """Only whitespace and maybe the beginning of `<think>` so far: nothing shown yet."""
    THINKING = "thinking"
    """Inside `<think>…`: text is thinking until `</think>`."""
    ANSWER = "answer"
    """Answer text, watched for a `</think>` that closes template-opened thoughts."""
    AFTER = "after"
    """Right after a closing tag: blank lines are dropped until the answer starts."""
    PLAIN = "plain"
    """Decided: the rest is answer text, tags or not."""


class ThinkingSplitter:
    """Sans-I/O core of `split_thinking`: answer text in (`feed`), pieces out.

    `pending` is the text held back because it may still become a tag (plus, at the start,
    the whitespace before it); `len(pending.lstrip()) < len(CLOSE)` always holds.
    """

    def __init__(self) -> None:
        self.phase = Phase.START
        self.pending = ""
        self._close_possible = True
        """False once the text showed a `<think>` or the server sent thinking itself."""
        self._code_run = 0
        """Length of the backtick run that opened the Markdown code we are in (0: none)."""
        self._run = 0
        """Length of the backtick run ending at the last character scanned."""
        self._window = ""
        """The last characters scanned (as long as CLOSE), to see tags across chunks."""

    def feed(self, text: str) -> list[Piece]:
        """Consume answer text; return what can be shown or filed now, in order."""
        out: list[Piece] = []
        self._step(text, out)
        return out

    def server_thinking(self) -> list[Piece]:
        """The server sent thinking of its own: a later bare `</think>` is only a mention.

        Returns text held back for that reason alone, now known to be answer text.
        """
        self._close_possible = False
        if self.phase is Phase.ANSWER:
            self.phase = Phase.PLAIN
            return self._release()
        return []

    def end(self) -> list[Piece]:
        """The text is over (end of stream, or a finish reason): release what was held."""
        if self.phase is Phase.THINKING:
            held, self.pending = self.pending, ""
            return [Reasoning(held)] if held else []
        if self.phase is Phase.AFTER:
            self.pending = ""
            return []
        return self._release()

    # --- the phases -----------------------------------------------------------------------

    def _step(self, text: str, out: list[Piece]) -> None:
        while text:
            if self.phase is Phase.START:
                text = self._start(text, out)
            elif self.phase is Phase.THINKING:
                text = self._thinking(text, out)
            elif self.phase is Phase.ANSWER:
                text = self._answer(text, out)
            elif self.phase is Phase.AFTER:
                text = text.lstrip("\n")
                if text:
                    self.phase = Phase.PLAIN
            else:
                out.append(text)
                text = ""

    def _start(self, text: str, out: list[Piece]) -> str:
        self.pending += text
        lead = self.pending.lstrip()
        if lead.startswith(OPEN):
            self.phase, self.pending = Phase.THINKING, ""
            self._close_possible = False
            return lead[len(OPEN) :]
        if OPEN.startswith(lead):
            return ""  # "", "<", "<th"...: not decided yet
        self.phase = Phase.ANSWER if self._close_possible else Phase.PLAIN
        rest, self.pending = self.pending, ""
        return rest

    def _thinking(self, text: str, out: list[Piece]) -> str:
        self.pending += text
        end = self.pending.find(CLOSE)
        if end >= 0:
            if end:
                out.append(Reasoning(self.pending[:end]))
            rest = self.pending[end + len(CLOSE) :]
            self.phase, self.pending = Phase.AFTER, ""
            return rest
        keep = _partial_suffix(self.pending, CLOSE)
        if len(self.pending) > keep:
            out.append(Reasoning(self.pending[: len(self.pending) - keep]))
            self.pending = self.pending[len(self.pending) - keep :]
        return ""

    def _answer(self, text: str, out: list[Piece]) -> str:
        """Scan answer text for the first `</think>` outside code, and any `<think>`.

        Only backtick runs (code opens and closes) and `>` (a tag may end there) can change
        anything, so the scan jumps between them: the ordinary text between costs one short
        slice, not a Python step per character (this runs on every chunk of every answer).
        """
        if not self.pending and _MAY_MATTER.search(text) is None:
            # The common chunk: no backtick, no tag can start or end in it. Only the window
            # moves (a run of backticks before it ends here).
            self._plain(text[-len(CLOSE) :])
            out.append(text)
            return ""
        last = 0
        for match in _MARKS.finditer(text):
            start = match.start()
            if start > last:
                self._plain(text[max(last, start - len(CLOSE)) : start])
            last = match.end()
            if text[start] == "`":
                self._run += last - start
                continue
            self._plain(">")
            if self._window.endswith(OPEN):
                # The answer talks about the tags: nothing in it closes thoughts.
                self.phase = Phase.PLAIN
                out.extend(self._release())
                return text
            if self._code_run == 0 and self._window.endswith(CLOSE):
                before = (self.pending + text[:last])[: -len(CLOSE)]
                self.pending = ""
                if before:
                    out.append(before)
                out.append(ThinkingClosed())
                self.phase = Phase.AFTER
                self._close_possible = False
                return text[last:]
        if len(text) > last:
            self._plain(text[max(last, len(text) - len(CLOSE)) :])
        shown = self.pending + text
        keep = 0 if self._code_run else _partial_suffix(shown, CLOSE)
        if len(shown) > keep:
            out.append(shown[: len(shown) - keep])
        self.pending = shown[len(shown) - keep :]
        return ""

    def _plain(self, chars: str) -> None:
        """Characters other than backticks (at least one; the last few suffice): the first
        ends a backtick run, which opens or closes code (fences are runs of three), and they
        slide through the window in which tags are seen across chunks."""
        if self._run:
            if self._code_run == 0:
                self._code_run = self._run
            elif self._run == self._code_run:
                self._code_run = 0
            self._run = 0
        self._window = (self._window + chars)[-len(CLOSE) :]

    def _release(self) -> list[Piece]:
        held, self.pending = self.pending, ""
        return [held] if held else []


async def split_thinking(
    chunks: AsyncGenerator[Chunk | Note, None],
) -> AsyncGenerator[Chunk | Note, None]:
    """Pass `chunks` through, turning inline thinking into `Reasoning` (and `ThinkingClosed`
    where the template opened it); see the module docstring for the rules.

    Other chunks pass at once; held-back text is released before a `FinishReason`, so the
    answer is whole when the finish arrives. Closing this generator closes `chunks`, so a
    stopped answer releases the backend's connection at once.
    """
    splitter = ThinkingSplitter()
    async with aclosing(chunks):
        async for chunk in chunks:
            if isinstance(chunk, str):
                for piece in splitter.feed(chunk):
                    yield piece
                continue
            if isinstance(chunk, Reasoning):
                for piece in splitter.server_thinking():
                    yield piece
            elif isinstance(chunk, FinishReason):
                for piece in splitter.end():
                    yield piece
            yield chunk
    for piece in splitter.end():
        yield piece


_MARKS = re.compile(r"`+|>")
"""What can change the scan's state: a run of backticks, or the end of a possible tag."""
_MAY_MATTER = re.compile(r"[`<>]")
"""A chunk without these passes through the answer phase unchanged and holds nothing back."""


def _partial_suffix(text: str, tag: str) -> int:
    """Length of the longest end of `text` that could be the start of `tag`."""
    if tag[0] not in text[-(len(tag) - 1) :]:
        return 0  # every candidate end starts with the tag's first character
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if tag.startswith(text[-size:]):
            return size
    return 0
