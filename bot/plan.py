"""The delivery plan of one answer: what the chat must end up showing, and the next write.

Pure, like a sans-I/O protocol: no network, no asyncio, no clock of its own. The writer
(bot/delivery.py) feeds it the stream's events (`add_text`, `add_reasoning`, `end`, `stop`)
and the outcome of every Telegram call (`succeeded`, `failed`), and asks one question,
`next_write(now)`: the one call that brings the chat closest to the answer, or None. The
plan is `finished` only when every page of the answer is shown exactly as its final text
(or Telegram made that impossible), so a fast stream can never end before its last page.

Pages: an answer longer than one message continues in new messages (Telegram's limit is
4,096 UTF-16 units). Pages are completed strictly in order, so a page that Telegram says is
too long can always be cut again without reordering what the chat shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot import texts
from bot.pacing import Priority
from bot.render import (
    MESSAGE_LIMIT,
    Rendered,
    cut_page,
    join,
    quote_block,
    render,
    tail,
    utf16_len,
    visible,
)

DRAFT_REFRESH = 20.0
"""Seconds; Telegram keeps a draft on screen for about 30 s, so a silent model must not let
it vanish."""
THOUGHTS_LIMIT = 1000
"""UTF-16 units of a reasoning model's thoughts shown above the answer (their tail)."""
MAX_FAILURES = 8
"""Consecutive transient failures (5xx, network) before the plan gives up: ~90 s of backoff."""
MAX_PROBES = 5
"""Message ids checked for a copy of a page whose sendMessage response was lost."""
MIN_PAGE = 256
"""Smallest page limit after Telegram called pages too long (UTF-16 units)."""
_WINDOW = 3
"""Render at most this many page limits of an over-long open page to decide where to cut."""


class Op(StrEnum):
    """Telegram calls the plan asks for."""

    SEND = "sendMessage"
    EDIT = "editMessageText"
    DRAFT = "sendMessageDraft"
    PROBE = "editMessageText?"  # the lost content on a candidate id: "not modified" = it landed
    DELETE = "deleteMessage"  # a second copy of a page


class Fault(StrEnum):
    """How a Telegram call failed, as far as the plan cares (see bot/delivery.py's table)."""

    NOT_MODIFIED = "not modified"
    TOO_LONG = "too long"
    ENTITIES = "entities refused"
    MESSAGE_GONE = "message gone"
    NO_DRAFTS = "drafts unavailable"
    MIGRATED = "chat migrated"
    TRANSIENT = "transient"
    REJECTED = "rejected"
    FORBIDDEN = "forbidden"


class Ending(StrEnum):
    """Why the stream ended."""

    COMPLETE = "complete"
    LENGTH = "length"  # the model's token limit cut the answer
    FAILED = "failed"  # the backend failed (before or after some text)
    TIMED_OUT = "timed out"  # BACKEND_MAX_ANSWER_SECONDS passed
    STOPPED = "stopped"  # the user pressed stop or sent /reset
    SHUTDOWN = "shutdown"  # the process is stopping


@dataclass(frozen=True, slots=True)
class Note:
    """A sentence of the bot's own shown under the answer (say, that the picture could not
    be read), beside whatever notice the ending brings."""

    text: str


@dataclass(frozen=True, slots=True)
class Write:
    """One Telegram call to make. `page` indexes the plan's pages."""

    op: Op
    page: int
    content: Rendered | None = None
    message_id: int | None = None
    draft_id: int | None = None
    reply: bool = False


@dataclass(eq=False, slots=True)
class _Page:
    """One message of the answer. `markdown` is None while this is the open (last) page."""

    start: int  # where this page's text starts in the answer
    reopen: str = ""  # restarts what the cut before this page interrupted (a code fence)
    markdown: str | None = None
    limit: int = MESSAGE_LIMIT
    degrade: int = 0  # 1: without links, 2: without any formatting
    rejected: int = 0
    gone: bool = False  # Telegram refused every form of this page: a note stands in for it
    message_id: int | None = None
    shown: Rendered | None = None  # what the message (or the draft) shows now
    shown_at: float = 0.0
    draft_id: int | None = None
    floor: int | None = None  # the last message id known before a lost send of this page
    lost_sends: int = 0
    probes: list[int] = field(default_factory=list)
    plain_probes: bool = False  # Telegram refused a probe's formatting: probe without it
    copies_found: int = 0
    copies: list[int] = field(default_factory=list)  # message ids to delete
    body: Rendered | None = None  # the rendered markdown of a frozen page
    content: tuple[object, Rendered] | None = None  # (what it depends on, content)


@dataclass(slots=True)
class AnswerPlan:
    """Everything about one answer's delivery that does not need I/O to decide.

    `drafts`: stream the open page as a draft (sendMessageDraft, private chats) and persist
    each page with sendMessage; otherwise send the first text and then edit it.
    `plain`: show the text as it is (the bot's own sentences), not as Markdown.
    `floor`: the id of the message being answered, the last id known before the answer.
    """

    lang: str = texts.DEFAULT_LANGUAGE
    drafts: bool = False
    plain: bool = False
    show_reasoning: bool = True
    floor: int | None = None
    first_draft_id: int = 1
    raw: str = ""
    reasoning: str = ""
    ending: Ending | None = None
    reason: str = ""  # the backend's failure kind for FAILED (BackendError.reason)
    stop_note: str | None = None
    pages: list[_Page] = field(default_factory=lambda: [_Page(start=0)])
    failures: int = 0
    not_before: float = 0.0
    gave_up: bool = False
    calls: int = 0
    _parts: list[str] = field(default_factory=list)
    _notes: list[str] = field(default_factory=list)
    _notice: str | None = None
    _settled: bool = False
    _open: tuple[str, Rendered] | None = None
    _version: int = 0
    _draft_ids: int = 0

    # --- the stream --------------------------------------------------------------------

    def add_text(self, text: str) -> None:
        """A chunk of the answer arrived."""
        if text and self.ending is None:
            self._parts.append(text)
            self._version += 1

    def add_reasoning(self, text: str) -> None:
        """A chunk of the model's thinking arrived (shown collapsed, never kept in history)."""
        if text and self.ending is None:
            self.reasoning += text
            self._version += 1

    def add_note(self, text: str) -> None:
        """A note of our own for under the answer (shown once the answer ends)."""
        if text and self.ending is None:
            self._notes.append(text)

    def end(self, ending: Ending, reason: str = "") -> None:
        """The stream ended; `reason` names the backend failure for Ending.FAILED."""
        if self.ending is None:
            self.ending, self.reason = ending, reason
            self._version += 1

    def stop(self, ending: Ending, note: str | None = None) -> None:
        """The user (or shutdown) ended the answer; `note` replaces the default notice."""
        if self.ending is None:
            self.ending, self.stop_note = ending, note
            self._version += 1

    @property
    def text(self) -> str:
        """The answer as the model wrote it so far (what history keeps)."""
        if len(self._parts) > 1:
            self._parts[:] = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""

    # --- what to write -----------------------------------------------------------------

    @property
    def ended(self) -> bool:
        return self.ending is not None

    @property
    def finished(self) -> bool:
        """Nothing is left to write: every page shows its final text, or delivery gave up."""
        if self.gave_up:
            return True
        if not self.ended:
            return False
        self._layout()
        self._settle()
        return all(self._page_done(index) for index in range(len(self.pages)))

    @property
    def visible(self) -> bool:
        """Something of the answer is on screen (a message or a draft)."""
        return any(page.shown is not None for page in self.pages)

    def priority(self) -> int:
        """For the write budget, asked at grant time: finals and continuations first."""
        self._layout()
        if self.ended:
            return Priority.FINAL
        if len(self.pages) > 1:
            if any(not self._page_done(index) for index in range(len(self.pages) - 1)):
                return Priority.FINAL  # a finished page still shows less than its text
            if self.pages[-1].shown is None:
                return Priority.FINAL  # a continuation message
        return Priority.EDIT if self.visible else Priority.FIRST

    def next_write(self, now: float) -> Write | None:
        """The one call that brings the chat closest to the answer now, or None."""
        if self.gave_up or now < self.not_before:
            return None
        self._layout()
        if self.ended:
            self._settle()
        last = len(self.pages) - 1
        for index, page in enumerate(self.pages):
            final = self.ended or index < last
            if page.copies:
                return Write(Op.DELETE, index, message_id=page.copies[0])
            if page.probes:
                # The newest text on a candidate id: "not modified", or an edit that went
                # through, both mean the lost send did land there.
                probe = page.shown.without() if page.plain_probes and page.shown else page.shown
                return Write(Op.PROBE, index, content=probe, message_id=page.probes[0])
            content = self._content(index)
            if content.empty:
                if final:
                    continue
                return None
            if self.drafts and page.message_id is None:
                if final:
                    return self._send(index, content)
                stale = now >= page.shown_at + DRAFT_REFRESH  # the same sum as wake_at's
                if content != page.shown or stale:
                    if page.draft_id is None:
                        page.draft_id = self.first_draft_id + self._draft_ids
                        self._draft_ids += 1
                    return Write(Op.DRAFT, index, content=content, draft_id=page.draft_id)
                return None
            if page.message_id is None:
                return self._send(index, content)
            if content != page.shown:
                return Write(Op.EDIT, index, content=content, message_id=page.message_id)
            if not final:
                return None
        return None

    def wake_at(self, now: float) -> float | None:
        """When `next_write` may have something to do without any new input."""
        moments = []
        if self.not_before > now:
            moments.append(self.not_before)
        page = self.pages[-1]
        if self.drafts and not self.ended and page.message_id is None and page.shown is not None:
            moments.append(page.shown_at + DRAFT_REFRESH)
        return min(moments) if moments else None

    def _send(self, index: int, content: Rendered) -> Write:
        reply = not any(page.message_id is not None for page in self.pages[:index])
        return Write(Op.SEND, index, content=content, reply=reply)

    # --- outcomes of writes ------------------------------------------------------------

    def succeeded(self, write: Write, now: float, message_id: int | None = None) -> None:
        """Telegram executed `write`; `message_id` is the new message of a SEND."""
        self.failures = 0
        self._version += 1
        page = self.pages[write.page]
        if write.op is Op.DELETE:
            page.copies.remove(write.message_id)  # type: ignore[arg-type]
        elif write.op is Op.PROBE:
            self._copy_found(page, write)  # it overwrote a copy of ours: same as "not modified"
        elif write.op is Op.SEND:
            page.message_id, page.shown, page.shown_at = message_id, write.content, now
            if message_id is not None:
                if page.lost_sends:
                    # A lost send that landed took an id between the last one we knew and
                    # this one (ids grow in a chat); unknown floor: the ids just below.
                    low = page.floor + 1 if page.floor is not None else message_id - MAX_PROBES
                    page.probes = list(range(max(1, low), message_id))[:MAX_PROBES]
                self.floor = max(self.floor or 0, message_id)
        else:
            page.shown, page.shown_at = write.content, now

    def failed(self, write: Write, now: float, fault: Fault) -> None:
        """Telegram refused or did not answer `write`."""
        page = self.pages[write.page]
        self._version += 1
        if write.op is Op.PROBE:
            self._probe_failed(page, write, now, fault)
            return
        if write.op is Op.DELETE:
            if fault is Fault.TRANSIENT:
                self._backoff(now)
            else:
                page.copies.remove(write.message_id)  # type: ignore[arg-type]
            return
        if fault is Fault.NOT_MODIFIED:
            page.shown = write.content  # it already shows this (a lost edit got through)
        elif fault is Fault.MESSAGE_GONE:
            page.message_id, page.shown = None, None  # deleted by the user: send it anew
        elif fault is Fault.TOO_LONG:
            self._shrink(write.page)
        elif fault is Fault.ENTITIES:
            if page.degrade < 2:
                page.degrade = 2 if self.plain else page.degrade + 1
            else:
                self._reject(write.page)
        elif fault is Fault.NO_DRAFTS:
            self.drafts = False
        elif fault is Fault.MIGRATED:
            self.floor = None
            if write.op is Op.EDIT:
                page.message_id, page.shown = None, None  # the old group is read-only now
        elif fault is Fault.TRANSIENT:
            if write.op is Op.SEND:
                page.lost_sends += 1  # it may have been sent: look for a copy later
                if page.lost_sends == 1:
                    page.floor = self.floor
            self._backoff(now)
        elif fault is Fault.REJECTED:
            self._reject(write.page)
        else:  # FORBIDDEN: the chat does not take messages from the bot any more
            self.gave_up = True

    def _backoff(self, now: float) -> None:
        self.failures += 1
        if self.failures > MAX_FAILURES:
            self.gave_up = True
        self.not_before = now + min(0.5 * 2 ** (self.failures - 1), 30.0)

    def _probe_failed(self, page: _Page, write: Write, now: float, fault: Fault) -> None:
        """Only "not modified" proves a copy, and only "not found" or "can't be edited"
        proves there is none; after any other refusal the probe is tried again plainer."""
        if fault is Fault.TRANSIENT:
            self._backoff(now)
        elif fault is Fault.NOT_MODIFIED:
            self._copy_found(page, write)
        elif fault is Fault.MESSAGE_GONE:
            page.probes.remove(write.message_id)  # type: ignore[arg-type]
        elif fault is Fault.MIGRATED:
            page.probes.clear()  # the old group is read-only: nothing to clean up there
        elif fault is Fault.FORBIDDEN:
            self.gave_up = True
        elif not page.plain_probes:
            page.plain_probes = True
        else:
            page.probes.remove(write.message_id)  # type: ignore[arg-type]

    def _copy_found(self, page: _Page, write: Write) -> None:
        """A send whose response was lost did land: keep that message, delete the later copy."""
        assert write.message_id is not None
        page.probes.remove(write.message_id)
        if page.message_id is not None:
            page.copies.append(page.message_id)
        page.message_id, page.shown = write.message_id, write.content
        page.copies_found += 1
        if page.copies_found >= page.lost_sends:
            page.probes.clear()

    def _reject(self, index: int) -> None:
        """Telegram refused a page for a reason we do not know: plainer, fresh, then a note."""
        page = self.pages[index]
        page.rejected += 1
        if page.degrade < 2:
            page.degrade = 2
        elif page.message_id is not None and not page.gone:
            page.copies.append(page.message_id)  # replace the message Telegram won't edit
            page.message_id, page.shown = None, None
            page.gone = page.rejected > 2
        elif not page.gone:
            page.gone = True
        else:
            self.gave_up = True

    def _shrink(self, index: int) -> None:
        """Telegram counts this page longer than we do: cut it again, smaller."""
        page = self.pages[index]
        page.limit = max(MIN_PAGE, min(page.limit - 64, int(self._content(index).size * 0.9)))
        if page.markdown is None and not self.ended:
            return  # the open page is cut by _layout with the new limit
        # Reopen the layout from this page: later pages have no message yet (pages are
        # completed in order), so they are simply cut again.
        del self.pages[index + 1 :]
        page.markdown, page.body, page.content = None, None, None
        self._settled, self._notice = False, None

    # --- layout ------------------------------------------------------------------------

    def _layout(self) -> None:
        """Cut the open page while it renders longer than its limit."""
        while True:
            index = len(self.pages) - 1
            page = self.pages[index]
            markdown = page.reopen + self.text[page.start :]
            limit = self._body_limit(index)
            if not self._overflows(markdown, limit):
                return
            cut = cut_page(markdown, limit, plain=self.plain)
            page.markdown, page.content = cut.head, None
            self._version += 1
            start = page.start + max(0, cut.at - len(page.reopen))
            self.pages.append(_Page(start=start, reopen=cut.reopen))

    def _overflows(self, markdown: str, limit: int) -> bool:
        if utf16_len(markdown) * 2 <= limit:
            return False  # rendering never doubles a text (tables pad, headings gain a mark)
        window = markdown[: limit * _WINDOW]
        if self._render(window).size > limit:
            return True
        return len(window) < len(markdown) and self._render(markdown).size > limit

    def _body_limit(self, index: int) -> int:
        limit = self.pages[index].limit
        if index == 0 and self._thoughts() is not None:
            limit -= THOUGHTS_LIMIT + 64  # the header, the ellipsis and the separator
        return max(MIN_PAGE // 2, limit)

    def _settle(self) -> None:
        """The stream ended: choose the notice shown under the answer, once."""
        if self._settled:
            return
        self._settled = True
        self._version += 1
        notices = [*self._notes, self._choose_notice()]
        self._notice = "\n".join(notice for notice in notices if notice) or None
        if self._notice is None:
            return
        index = len(self.pages) - 1
        page = self.pages[index]
        if self._content(index).size > page.limit:
            page.markdown, page.content = page.reopen + self.text[page.start :], None
            self.pages.append(_Page(start=len(self.text)))  # the notice gets its own message
            self._version += 1

    def _choose_notice(self) -> str | None:
        lang = self.lang
        shown = any(not self._body(index).empty for index in range(len(self.pages)))
        if self.ending in (Ending.STOPPED, Ending.SHUTDOWN):
            if self.stop_note:
                return self.stop_note
            return None if shown else texts.t(lang, "stopped")
        if self.ending is Ending.FAILED:
            why = texts.reason(lang, self.reason)
            return texts.t(lang, "interrupted" if shown else "failed", reason=why)
        if self.ending is Ending.TIMED_OUT:
            return texts.t(lang, "too_slow_cut" if shown else "too_slow")
        if self.ending is Ending.LENGTH:
            if shown:
                return texts.t(lang, "length_cut")
            if self.reasoning.strip():
                return texts.t(lang, "length_thinking")
        return None if shown else texts.t(lang, "failed", reason=texts.t(lang, "empty"))

    def _page_done(self, index: int) -> bool:
        page = self.pages[index]
        if page.probes or page.copies:
            return False
        content = self._content(index)
        if content.empty:
            return True
        return page.message_id is not None and page.shown == content

    # --- rendering ---------------------------------------------------------------------

    def _render(self, markdown: str) -> Rendered:
        return render(markdown, plain=self.plain)

    def _body(self, index: int) -> Rendered:
        """The page's own text rendered; a frozen page's once, the open page's per version."""
        page = self.pages[index]
        if page.markdown is not None:
            if page.body is None:
                page.body = self._render(page.markdown)
            return page.body
        markdown = page.reopen + self.text[page.start :]
        if self._open is None or self._open[0] != markdown:
            self._open = (markdown, self._render(markdown))
        return self._open[1]

    def _thoughts(self) -> Rendered | None:
        """The collapsed thoughts shown above the answer, or None."""
        if not self.reasoning.strip() or self.plain:
            return None
        thinking = not self.text.strip() and not self.ended
        header = texts.t(self.lang, "thinking" if thinking else "thoughts")
        if not self.show_reasoning:
            return visible(header) if thinking else None
        return quote_block(header, tail(self.reasoning.strip(), THOUGHTS_LIMIT))

    def _content(self, index: int) -> Rendered:
        """What page `index` must show: thoughts, its text, the notice; degraded if refused."""
        page = self.pages[index]
        last = index == len(self.pages) - 1
        key = (
            self._version if page.markdown is None else None,
            page.degrade,
            page.gone,
            self._notice if last else None,
            (len(self.reasoning), bool(self._parts), self.ended) if index == 0 else None,
        )
        if page.content is not None and page.content[0] == key:
            return page.content[1]
        parts: list[Rendered] = []
        if index == 0:
            thoughts = self._thoughts()
            if thoughts is not None:
                parts.append(thoughts)
        if page.gone:
            parts.append(visible(texts.t(self.lang, "part_refused")))
        else:
            parts.append(self._body(index))
        if last and self._notice:
            parts.append(visible(self._notice))
        content = join(parts)
        if page.degrade == 1:
            content = content.without("text_link")
        elif page.degrade >= 2 or page.gone:
            content = content.without()
        page.content = (key, content)
        return content
