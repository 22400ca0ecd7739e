"""The delivery plan of one answer: what the chat must end up showing, and the next write.

Pure, like a sans-I/O protocol (h11): no network, no asyncio, no clock of its own. The
delivery (bot/delivery/) feeds it the stream's events (`add_text`, `add_reasoning`, `end`,
`stop`, ...) and the outcome of every Telegram call (`succeeded`, `failed`), and asks one
question, `next_write(now)`: the one call that brings the chat closest to the answer, or None.

States have names. The answer is STREAMING until its stream ends, then ENDED; it is
`finished` once every page shows its final text, or ABANDONED when Telegram made delivery
impossible (the chat refuses the bot, or it kept failing). Each page, one Telegram message,
is in a `PageState`; the outcome of a write is turned into a `PageEvent` and the page moves
as `PAGE_TRANSITIONS` says. A write outcome that is illegal for the page's state (say, an
edit of a page that has no message) raises `PlanError`: it is a bug in the caller.

Queries (`finished`, `visible`, `priority`, `wake_at`, `next_write`) never change state. They
may extend the layout memo (where the text is cut into pages, a pure function of the text and
the page limits) and the rendering caches; neither is observable.

Pages: an answer longer than one message continues in new messages (Telegram's limit is 4,096
UTF-16 units). Pages are completed strictly in order, so a page that Telegram says is too long
can always be cut again without reordering what the chat shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

from bot import texts
from bot.priority import Priority
from bot.render import (
    MESSAGE_LIMIT,
    Cut,
    Rendered,
    cut_page,
    join,
    render,
    thoughts_block,
    utf16_len,
    visible,
)
from bot.tool_record import TOOLS_LIMIT, ToolRecord

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
DRAFTS_PER_ANSWER = 1000
"""Draft ids an answer may use (one per page): answer n uses n*1000+1 ... n*1000+1000."""
_WINDOW = 3
"""Render at most this many page limits of an over-long open page to decide where to cut."""
_GROWTH = 3
"""UTF-16 units one character of Markdown may become when rendered, tables aside (an astral
character is 2; a thematic break's 3 characters become 8)."""
_SWEEP = visible("…")
"""The text a probe for a copy of a page thrown away edits in (the copy is deleted next)."""


class PlanError(Exception):
    """An event the plan's state does not allow: a bug in whoever drives the plan."""


class Op(StrEnum):
    """Telegram calls the plan asks for."""

    SEND = "sendMessage"
    EDIT = "editMessageText"
    DRAFT = "sendMessageDraft"
    PROBE = "editMessageText?"  # the lost content on a candidate id: "not modified" = it landed
    DELETE = "deleteMessage"  # a message that must go: a second copy, a page no longer needed


class Fault(StrEnum):
    """How a Telegram call failed, as far as the plan cares (bot/delivery/faults.py decides)."""

    NOT_MODIFIED = "not modified"
    TOO_LONG = "too long"
    ENTITIES = "entities refused"
    MESSAGE_GONE = "message gone"
    NO_DRAFTS = "drafts unavailable"
    MIGRATED = "chat migrated"
    TRANSIENT = "transient"
    REJECTED = "rejected"
    FORBIDDEN = "forbidden"


_CONCLUSIVE = frozenset({Fault.NOT_MODIFIED, Fault.MESSAGE_GONE, Fault.MIGRATED})
"""A probe refused so says whether the id holds a copy of ours (MIGRATED: the old group is
read-only, there is nothing to clean up in it)."""


class Ending(StrEnum):
    """Why the stream ended."""

    COMPLETE = "complete"
    LENGTH = "length"  # the model's token limit cut the answer
    FAILED = "failed"  # the backend failed (before or after some text)
    TIMED_OUT = "timed out"  # BACKEND_MAX_ANSWER_SECONDS passed
    STOPPED = "stopped"  # the user pressed stop or sent /reset
    SHUTDOWN = "shutdown"  # the process is stopping


class AnswerState(StrEnum):
    """Where the answer as a whole stands."""

    STREAMING = "streaming"  # the stream is open: text may still come
    ENDED = "ended"  # the stream ended; pages may still be due
    ABANDONED = "abandoned"  # Telegram made showing it impossible; nothing more is written


class PageState(StrEnum):
    """Where one page (one Telegram message) stands."""

    UNSENT = "unsent"  # no message shows it (a draft it had is gone)
    DRAFTED = "drafted"  # a draft shows it (private chats); no message yet
    SENT = "sent"  # a message shows it, perhaps an older text of it
    PROBING = "probing"  # sent after a send whose response was lost: ids are checked for a copy


class PageEvent(StrEnum):
    """What the outcome of a write means for its page."""

    DRAFT_SHOWN = "draft shown"
    DRAFTS_REFUSED = "drafts refused"
    SENT = "sent"
    SENT_AFTER_LOSS = "sent after a lost send"
    SEND_LOST = "send lost"  # no answer: it may or may not have landed
    EDITED = "edited"  # or "not modified": it shows the text
    MESSAGE_GONE = "message gone"  # the user deleted it
    MOVED = "chat moved"  # the group became a supergroup; the old messages are read-only
    COPY_FOUND = "copy found"  # a lost send did land: it becomes the page's message
    LAST_COPY_FOUND = "last copy found"
    NO_COPY = "no copy"  # that candidate id is not a copy of ours
    PROBES_DONE = "probes done"
    REFORMED = "reformed"  # too long, or formatting refused: the page changes form, not place
    REPLACED = "replaced"  # Telegram refuses to edit it: the message goes, a fresh one comes
    RETRY = "retry"  # a transient failure: the same write again after a backoff


def _transitions() -> dict[PageState, dict[PageEvent, PageState]]:
    S, E = PageState, PageEvent  # short names: the table reads as one
    return {
        S.UNSENT: {
            E.DRAFT_SHOWN: S.DRAFTED,
            E.DRAFTS_REFUSED: S.UNSENT,
            E.SENT: S.SENT,
            E.SENT_AFTER_LOSS: S.PROBING,
            E.SEND_LOST: S.UNSENT,
            E.MOVED: S.UNSENT,
            E.REFORMED: S.UNSENT,
            E.RETRY: S.UNSENT,
        },
        S.DRAFTED: {
            E.DRAFT_SHOWN: S.DRAFTED,
            E.DRAFTS_REFUSED: S.DRAFTED,  # the draft shown stays until it expires
            E.SENT: S.SENT,
            E.SENT_AFTER_LOSS: S.PROBING,
            E.SEND_LOST: S.DRAFTED,
            E.MOVED: S.DRAFTED,
            E.REFORMED: S.DRAFTED,
            E.RETRY: S.DRAFTED,
        },
        S.SENT: {
            E.EDITED: S.SENT,
            E.MESSAGE_GONE: S.UNSENT,
            E.MOVED: S.UNSENT,
            E.REFORMED: S.SENT,
            E.REPLACED: S.UNSENT,
            E.RETRY: S.SENT,
        },
        S.PROBING: {
            E.COPY_FOUND: S.PROBING,
            E.LAST_COPY_FOUND: S.SENT,
            E.NO_COPY: S.PROBING,
            E.PROBES_DONE: S.SENT,
            E.MESSAGE_GONE: S.UNSENT,  # an earlier page was sent anew: sent again after it
            E.REFORMED: S.PROBING,
            E.RETRY: S.PROBING,
        },
    }


PAGE_TRANSITIONS = _transitions()
"""Every legal move of a page; anything else is a PlanError."""
WRITES_IN: dict[PageState, frozenset[Op]] = {
    PageState.UNSENT: frozenset({Op.SEND, Op.DRAFT}),
    PageState.DRAFTED: frozenset({Op.SEND, Op.DRAFT}),
    PageState.SENT: frozenset({Op.EDIT}),
    PageState.PROBING: frozenset({Op.PROBE}),
}
"""The writes a page in each state can have asked for (DELETE belongs to no page)."""


class Form(IntEnum):
    """How a page is shown; Telegram refusing one form moves it to the next."""

    FULL = 0
    NO_LINKS = 1
    PLAIN = 2  # no formatting at all
    NOTE = 3  # Telegram refused every form: a note stands in its place


@dataclass(frozen=True, slots=True)
class Note:
    """A sentence of the bot's own shown under the answer (say, that the picture could not
    be read), beside whatever notice the ending brings."""

    text: str


@dataclass(frozen=True, slots=True)
class _Fit:
    """The open page fitted at the last layout, `room` units under its limit, when the text
    was `text_length` characters long."""

    pages: int
    text_length: int
    room: int


@dataclass(frozen=True, slots=True)
class Write:
    """One Telegram call to make. `page` indexes the plan's pages of `generation` (a layout
    that was thrown away, when earlier text turned out to be thoughts, has an older one)."""

    op: Op
    page: int
    content: Rendered | None = None
    message_id: int | None = None
    draft_id: int | None = None
    reply: bool = False
    generation: int = 0


@dataclass(eq=False, slots=True)
class _Page:
    """One message of the answer: where it stands with Telegram, and (memo) where its text is.

    A page the layout memo adds has only default delivery fields: it is UNSENT, exactly as
    if it did not exist yet, so extending the memo is not a change of state."""

    # where it stands
    state: PageState = PageState.UNSENT
    message_id: int | None = None
    shown: Rendered | None = None  # what the message (or the draft) shows now
    shown_at: float = 0.0
    form: Form = Form.FULL
    rejected: int = 0
    after_id: int | None = None  # the last message id known before a lost send of this page
    lost_sends: int = 0
    probes: list[int] = field(default_factory=list)
    plain_probes: bool = False  # Telegram refused a probe's formatting: probe without it
    copies_found: int = 0
    # where its text is (the layout memo)
    start: int = 0  # where this page's text starts in the answer
    reopen: str = ""  # restarts what the cut before this page interrupted (a code fence)
    markdown: str | None = None  # None while this is the open (last) page
    body: Rendered | None = None  # the rendered markdown of a frozen page
    content: tuple[object, Rendered] | None = None  # (what it depends on, content)


@dataclass(slots=True)
class AnswerPlan:
    """Everything about one answer's delivery that does not need I/O to decide.

    `drafts`: stream the open page as a draft (sendMessageDraft, private chats) and persist
    each page with sendMessage; otherwise send the first text and then edit it.
    `plain`: show the text as it is (the bot's own sentences), not as Markdown.
    `after_id`: the id of the message being answered, the newest id known before the answer.
    `header`: shown at the top of the first page, above the thoughts, from the first write on
    (what the bot heard in a voice note); never part of `text`, so never in history.
    """

    lang: str = texts.DEFAULT_LANGUAGE
    drafts: bool = False
    plain: bool = False
    show_reasoning: bool = True
    after_id: int | None = None
    first_draft_id: int = 1
    replaces: tuple[int, ...] = ()
    """Message ids of an earlier answer this one takes the place of (the user edited the
    question): its pages are edited in place, page by page; those left over are deleted."""
    header: Rendered | None = None
    reasoning: str = ""
    state: AnswerState = AnswerState.STREAMING
    ending: Ending | None = None
    reason: str = ""  # the backend's failure kind for FAILED (BackendError.reason)
    stop_note: str | None = None
    pages: list[_Page] = field(default_factory=lambda: [_Page()])
    doomed: list[int] = field(default_factory=list)  # message ids to delete, oldest first
    failures: int = 0
    not_before: float = 0.0
    generation: int = 0
    tools: ToolRecord = field(default_factory=ToolRecord)
    """The model's tool calls, shown above the answer (never part of its text)."""
    _parts: list[str] = field(default_factory=list)
    _length: int = 0  # len(self.text), kept without joining the parts
    _notes: list[str] = field(default_factory=list)
    _notice: str | None = None
    _limits: dict[int, int] = field(default_factory=dict)
    _open: tuple[str, Rendered] | None = None
    _fit: _Fit | None = None
    _version: int = 0
    _spare: list[int] = field(default_factory=list)
    """Message ids no page took yet: of `replaces`, or of pages cut again (`_shrink`)."""
    _spare_shown: dict[int, Rendered] = field(default_factory=dict)
    """What a spare message shows, where the plan knows it (so no edit repeats it)."""
    sweeps: list[int] = field(default_factory=list)
    """Message ids that may hold a copy of a page thrown away (`thinking_closed`) whose
    sendMessage response was lost: each is probed, and a copy found is deleted."""
    _sweeps_refused: set[int] = field(default_factory=set)
    """Swept ids whose probe Telegram refused once for a reason that proves nothing."""

    def __post_init__(self) -> None:
        self._spare = list(self.replaces)
        self._reuse(self.pages[0])

    # --- events of the stream ----------------------------------------------------------

    def add_text(self, text: str) -> None:
        """A chunk of the answer arrived (dropped once the stream ended: stopped answers)."""
        if text and self.state is AnswerState.STREAMING:
            self._parts.append(text)
            self._length += len(text)
            self._version += 1

    def add_reasoning(self, text: str) -> None:
        """A chunk of the model's thinking arrived (shown collapsed, never kept in history)."""
        if text and self.state is AnswerState.STREAMING:
            self.reasoning += text
            self._version += 1
            self._fit = None  # thoughts take room from the first page

    def add_note(self, text: str) -> None:
        """A note of our own for under the answer (shown once the answer ends)."""
        if text and self.state is AnswerState.STREAMING:
            self._notes.append(text)

    def tool_started(self, call_id: str, preview: str) -> None:
        """The model called a tool (`preview`: the call on one short line); shown at once."""
        if self.state is AnswerState.STREAMING:
            self.tools.started(call_id, preview)
            self._fit = None  # the tool record takes room from the first page

    def tool_ended(self, call_id: str, outcome: str, detail: str = "") -> None:
        """A tool call ended: `outcome` is one of bot.tools.events.Outcome's values."""
        if self.state is AnswerState.STREAMING:
            self.tools.ended(call_id, outcome, detail)
            self._fit = None

    def tools_cut_short(self, rounds: int) -> None:
        """The model wanted more than `rounds` rounds of calls: a note says it was stopped."""
        self.add_note(texts.t(self.lang, "tools_cut_short", rounds=rounds))

    def thinking_closed(self) -> None:
        """The answer so far was the model's thinking (a `</think>` whose opening tag the chat
        template wrote): it moves into the thoughts; pages after the first are deleted."""
        if self.state is not AnswerState.STREAMING or not self._parts:
            return
        self.reasoning += self.text
        self._parts.clear()
        self._length = 0
        for page in self.pages[1:]:
            if page.message_id is not None:
                self.doomed.append(page.message_id)
            self._sweep_lost(page)
        first = self.pages[0]
        first.start, first.reopen = 0, ""
        first.markdown, first.body, first.content = None, None, None
        del self.pages[1:]
        self._limits = {k: v for k, v in self._limits.items() if k == 0}
        self._open = self._fit = None
        self.generation += 1
        self._version += 1

    def _sweep_lost(self, page: _Page) -> None:
        """`page` is thrown away: a send of it whose response was lost may have landed (no
        page will probe for it now), so the ids it could have taken are probed and cleared."""
        candidates = list(page.probes)
        if page.state in (PageState.UNSENT, PageState.DRAFTED) and page.lost_sends:
            # No later send bounds it: the ids right after the last one known before it.
            low = (page.after_id if page.after_id is not None else self.after_id or 0) + 1
            candidates = list(range(low, low + MAX_PROBES))
        ours = {p.message_id for p in self.pages} | set(self.doomed) | set(self.sweeps)
        self.sweeps.extend(c for c in candidates if c not in ours)
        page.probes = []

    def end(self, ending: Ending, reason: str = "") -> None:
        """The stream ended; `reason` names the backend failure for Ending.FAILED."""
        if self.state is AnswerState.STREAMING:
            self.state, self.ending, self.reason = AnswerState.ENDED, ending, reason
            self._settle()

    def stop(self, ending: Ending, note: str | None = None) -> None:
        """The user (or shutdown) ended the answer; `note` replaces the default notice."""
        if self.state is AnswerState.STREAMING:
            self.state, self.ending, self.stop_note = AnswerState.ENDED, ending, note
            self._settle()

    def abandon(self) -> None:
        """Nothing more can be shown (the writer failed for a reason the plan cannot know)."""
        self.state = AnswerState.ABANDONED

    @property
    def text(self) -> str:
        """The answer as the model wrote it so far (what history keeps)."""
        if len(self._parts) > 1:
            self._parts[:] = ["".join(self._parts)]  # a memo of the join: same value
        return self._parts[0] if self._parts else ""

    # --- queries -----------------------------------------------------------------------

    @property
    def ended(self) -> bool:
        return self.state is not AnswerState.STREAMING

    @property
    def gave_up(self) -> bool:
        return self.state is AnswerState.ABANDONED

    @property
    def finished(self) -> bool:
        """Nothing is left to write: every page shows its final text, or delivery gave up."""
        if self.state is AnswerState.ABANDONED:
            return True
        if self.state is AnswerState.STREAMING or self.doomed or self.sweeps:
            return False
        self._layout()
        return all(self._page_done(index) for index in range(len(self.pages)))

    @property
    def visible(self) -> bool:
        """Something of the answer is on screen (a message or a draft)."""
        # Page 0 alone first: asked at every grant (see `priority`).
        return self.pages[0].shown is not None or any(p.shown is not None for p in self.pages)

    def priority(self) -> int:
        """For the write budget, asked at grant time: finals and continuations first."""
        if self.ended or self.doomed or self.sweeps:
            return Priority.FINAL
        if self._may_have_outgrown():
            self._layout()
        if len(self.pages) > 1:
            if any(not self._page_done(index) for index in range(len(self.pages) - 1)):
                return Priority.FINAL  # a finished page still shows less than its text
            if self.pages[-1].shown is None:
                return Priority.FINAL  # a continuation message
        return Priority.EDIT if self.visible else Priority.FIRST

    def next_write(self, now: float) -> Write | None:
        """The one call that brings the chat closest to the answer now, or None."""
        if self.state is AnswerState.ABANDONED or now < self.not_before:
            return None
        if self.doomed:
            return Write(Op.DELETE, -1, message_id=self.doomed[0], generation=self.generation)
        if self.sweeps:  # any edit that lands (or "not modified") proves a copy of ours
            return Write(Op.PROBE, -1, _SWEEP, message_id=self.sweeps[0])
        self._layout()
        last = len(self.pages) - 1
        for index, page in enumerate(self.pages):
            final = self.ended or index < last
            if page.state is PageState.PROBING:
                # The newest text on a candidate id: "not modified", or an edit that went
                # through, both mean the lost send did land there.
                probe = page.shown.without() if page.plain_probes and page.shown else page.shown
                return self._write(Op.PROBE, index, probe, message_id=page.probes[0])
            content = self._content(index)
            if content.empty:
                if final:
                    continue
                return None
            if page.state is PageState.SENT:
                if content != page.shown:
                    return self._write(Op.EDIT, index, content, message_id=page.message_id)
                if not final:
                    return None
                continue
            if self.drafts and not final:
                stale = now >= page.shown_at + DRAFT_REFRESH  # the same sum as wake_at's
                if content != page.shown or stale:
                    draft_id = self.first_draft_id + index
                    return self._write(Op.DRAFT, index, content, draft_id=draft_id)
                return None
            reply = not any(earlier.message_id is not None for earlier in self.pages[:index])
            return self._write(Op.SEND, index, content, reply=reply)
        return None

    def wake_at(self, now: float) -> float | None:
        """When `next_write` may have something to do without any new input."""
        moments = []
        if self.not_before > now:
            moments.append(self.not_before)
        page = self.pages[-1]
        if self.drafts and not self.ended and page.state is PageState.DRAFTED:
            moments.append(page.shown_at + DRAFT_REFRESH)
        return min(moments) if moments else None

    def page_texts(self) -> list[str]:
        """What each page must show in the end (for checks: the chat shows exactly these)."""
        self._layout()
        return [self._content(index).text for index in range(len(self.pages))]

    def message_ids(self) -> list[int]:
        return [page.message_id for page in self.pages if page.message_id is not None]

    def _write(
        self,
        op: Op,
        index: int,
        content: Rendered | None,
        *,
        message_id: int | None = None,
        draft_id: int | None = None,
        reply: bool = False,
    ) -> Write:
        return Write(op, index, content, message_id, draft_id, reply, self.generation)

    # --- events: outcomes of writes ----------------------------------------------------

    def succeeded(self, write: Write, now: float, message_id: int | None = None) -> None:
        """Telegram executed `write`; `message_id` is the new message of a SEND."""
        self.failures = 0
        if write.op is Op.DELETE:
            self._forget_doomed(write)
            return
        if write.op is Op.PROBE and write.page == -1:
            self._swept(write, copy=True)
            return
        page = self._page_of(write, message_id)
        if page is None:
            return
        if write.op is Op.DRAFT:
            page.shown, page.shown_at = write.content, now
            self._move(page, PageEvent.DRAFT_SHOWN)
        elif write.op is Op.SEND:
            page.message_id, page.shown, page.shown_at = message_id, write.content, now
            event = PageEvent.SENT
            if message_id is not None and page.lost_sends:
                # A lost send that landed took an id between the last one we knew and this
                # one (ids grow in a chat); unknown floor: the ids just below.
                low = page.after_id + 1 if page.after_id is not None else message_id - MAX_PROBES
                page.probes = list(range(max(1, low), message_id))[:MAX_PROBES]
                if page.probes:
                    event = PageEvent.SENT_AFTER_LOSS
            if message_id is not None:
                self.after_id = max(self.after_id or 0, message_id)
            self._move(page, event)
        elif write.op is Op.EDIT:
            page.shown, page.shown_at = write.content, now
            self._move(page, PageEvent.EDITED)
        else:  # PROBE: it overwrote a copy of ours, the same as "not modified"
            self._move(page, self._copy_found(page, write))

    def failed(self, write: Write, now: float, fault: Fault) -> None:
        """Telegram refused or did not answer `write`."""
        if fault is Fault.FORBIDDEN:
            self.state = AnswerState.ABANDONED  # the chat does not take the bot's messages
            return
        if write.op is Op.DELETE:
            if fault is Fault.TRANSIENT:
                self._backoff(now)
            else:
                self._forget_doomed(write)  # it is gone, or it cannot be deleted: move on
            return
        if write.op is Op.PROBE and write.page == -1:
            if fault is Fault.TRANSIENT:
                self._backoff(now)
            elif fault not in _CONCLUSIVE and write.message_id not in self._sweeps_refused:
                # As for a page's probe: one refusal of unknown reason proves nothing, so
                # the id is probed once more (after the other sweeps) before it counts as
                # not ours; a copy left standing would show the page twice.
                assert write.message_id is not None  # a PROBE has an id
                self._sweeps_refused.add(write.message_id)
                self.sweeps.remove(write.message_id)
                self.sweeps.append(write.message_id)
            else:  # only "not modified" proves a copy; the rest: not ours, or gone
                self._swept(write, copy=fault is Fault.NOT_MODIFIED)
            return
        page = self._page_of(write, None)
        if page is None:
            return
        if fault is Fault.TRANSIENT:
            if write.op is Op.SEND:
                page.lost_sends += 1  # it may have been sent: look for a copy later
                if page.lost_sends == 1:
                    page.after_id = self.after_id
            self._backoff(now)
            self._move(page, PageEvent.SEND_LOST if write.op is Op.SEND else PageEvent.RETRY)
        elif write.op is Op.PROBE:
            self._move(page, self._probe_failed(page, write, fault))
        elif fault is Fault.NO_DRAFTS:
            self.drafts = False
            self._move(page, PageEvent.DRAFTS_REFUSED)
        elif fault is Fault.MIGRATED:
            self.after_id = None
            if write.op is Op.EDIT:
                page.message_id, page.shown = None, None  # the old group is read-only now
            self._move(page, PageEvent.MOVED)
        elif write.op is Op.EDIT and fault in (Fault.NOT_MODIFIED, Fault.MESSAGE_GONE):
            if fault is Fault.NOT_MODIFIED:
                page.shown = write.content  # it already shows this (a lost edit got through)
                self._move(page, PageEvent.EDITED)
            else:
                page.message_id, page.shown = None, None  # deleted by the user: send anew
                self._move(page, PageEvent.MESSAGE_GONE)
                self._resend_after(write.page)
        elif fault is Fault.TOO_LONG:
            self._shrink(write.page)
            self._move(page, PageEvent.REFORMED)
        elif fault is Fault.ENTITIES and page.form < Form.PLAIN:
            page.form = Form.PLAIN if self.plain else Form(page.form + 1)
            self._move(page, PageEvent.REFORMED)
        else:  # REJECTED, or a refusal that makes no sense for this call
            self._move(page, self._reject(page))

    def _resend_after(self, index: int) -> None:
        """Page `index` is sent anew, so it would land below the pages after it: their
        messages are deleted and they are sent again after it, keeping the answer in order."""
        for later in self.pages[index + 1 :]:
            if later.lost_sends:
                # A copy a lost send left would sit above the page sent anew: it is looked
                # for to be deleted, never to be kept as the page.
                self._sweep_lost(later)
                later.lost_sends, later.copies_found, later.after_id = 0, 0, None
            if later.state in (PageState.SENT, PageState.PROBING) and later.message_id:
                self.doomed.append(later.message_id)
                later.message_id, later.shown = None, None
                self._move(later, PageEvent.MESSAGE_GONE)

    def _page_of(self, write: Write, message_id: int | None) -> _Page | None:
        """The page `write` was for; None for a page of a layout thrown away since (then a
        message it created is deleted)."""
        if write.generation != self.generation:
            if message_id is not None:
                self.doomed.append(message_id)
            return None
        if not 0 <= write.page < len(self.pages):
            raise PlanError(f"{write.op} for page {write.page}, which does not exist")
        page = self.pages[write.page]
        if write.op not in WRITES_IN[page.state]:
            raise PlanError(f"{write.op} outcome for a page that is {page.state}")
        return page

    @staticmethod
    def _move(page: _Page, event: PageEvent) -> None:
        moves = PAGE_TRANSITIONS[page.state]
        if event not in moves:
            raise PlanError(f"{event} is not possible for a page that is {page.state}")
        page.state = moves[event]

    def _swept(self, write: Write, *, copy: bool) -> None:
        if write.message_id not in self.sweeps:
            raise PlanError(f"probe outcome for {write.message_id}, never swept")
        self.sweeps.remove(write.message_id)
        self._sweeps_refused.discard(write.message_id)
        if copy:
            self.doomed.append(write.message_id)

    def _forget_doomed(self, write: Write) -> None:
        if write.message_id not in self.doomed:
            raise PlanError(f"deleteMessage outcome for {write.message_id}, never doomed")
        self.doomed.remove(write.message_id)

    def _backoff(self, now: float) -> None:
        self.failures += 1
        if self.failures > MAX_FAILURES:
            self.state = AnswerState.ABANDONED
        self.not_before = now + min(0.5 * 2 ** (self.failures - 1), 30.0)

    def _probe_failed(self, page: _Page, write: Write, fault: Fault) -> PageEvent:
        """Only "not modified" proves a copy, and only "not found" or "can't be edited"
        proves there is none; after any other refusal the probe is tried again plainer."""
        if fault is Fault.NOT_MODIFIED:
            return self._copy_found(page, write)
        if fault is Fault.MIGRATED:
            page.probes.clear()  # the old group is read-only: nothing to clean up there
            return PageEvent.PROBES_DONE
        if fault is not Fault.MESSAGE_GONE and not page.plain_probes:
            page.plain_probes = True
            return PageEvent.REFORMED
        page.probes.remove(write.message_id)  # type: ignore[arg-type]  # PROBE has an id
        page.plain_probes = False  # each id gets its own plainer try: a refusal at one id
        # (not ours, say) must not make the first refusal at the next one final
        return PageEvent.NO_COPY if page.probes else PageEvent.PROBES_DONE

    def _copy_found(self, page: _Page, write: Write) -> PageEvent:
        """A send whose response was lost did land: keep that message, delete the later copy."""
        assert write.message_id is not None
        page.probes.remove(write.message_id)
        if page.message_id is not None:
            self.doomed.append(page.message_id)
        page.message_id, page.shown = write.message_id, write.content
        page.copies_found += 1
        if page.copies_found >= page.lost_sends or not page.probes:
            page.probes.clear()
            return PageEvent.LAST_COPY_FOUND
        return PageEvent.COPY_FOUND

    def _reject(self, page: _Page) -> PageEvent:
        """Telegram refused a page for a reason we do not know: plainer, fresh, then a note."""
        page.rejected += 1
        if page.form < Form.PLAIN:
            page.form = Form.PLAIN
        elif page.message_id is not None and page.form is not Form.NOTE:
            self.doomed.append(page.message_id)  # replace the message Telegram won't edit
            page.message_id, page.shown = None, None
            self._resend_after(self.pages.index(page))
            if page.rejected > 2:
                page.form = Form.NOTE
            return PageEvent.REPLACED if page.state is PageState.SENT else PageEvent.REFORMED
        elif page.form is not Form.NOTE:
            page.form = Form.NOTE
        else:
            self.state = AnswerState.ABANDONED
        return PageEvent.REFORMED

    def _shrink(self, index: int) -> None:
        """Telegram counts this page longer than we do: cut it again, smaller."""
        page = self.pages[index]
        limit = self._limits.get(index, MESSAGE_LIMIT)
        self._limits[index] = max(MIN_PAGE, min(limit - 64, int(self._content(index).size * 0.9)))
        self._fit = None
        if page.markdown is None and not self.ended:
            return  # the open page is cut by _layout with the new limit
        # Reopen the layout from this page. Later pages may have messages already (this page
        # is edited again at the end, with the notice or the tool record): each goes back to
        # be taken, and edited, by the pages cut anew, and one no page takes is deleted; a
        # send whose response was lost is swept for a copy.
        later = self.pages[index + 1 :]
        for p in later:
            self._sweep_lost(p)
        for p in reversed(later):
            if p.message_id is not None:
                self._spare.insert(0, p.message_id)
                if p.shown is not None:
                    self._spare_shown[p.message_id] = p.shown
        del self.pages[index + 1 :]
        page.markdown, page.body, page.content = None, None, None
        self._open = None
        if self.ended:
            self._settle()

    # --- an earlier answer's messages (`replaces`) ---------------------------------------

    def _reuse(self, page: _Page) -> _Page:
        """A new page takes the next spare message, if one is left: it is SENT (a message
        shows it), with what it shows where known, so its first write is an edit."""
        if self._spare and page.state is PageState.UNSENT and page.message_id is None:
            page.message_id, page.state = self._spare.pop(0), PageState.SENT
            page.shown = self._spare_shown.pop(page.message_id, None)
        return page

    def _doom_spare(self) -> None:
        """The answer ended shorter than the one it replaces: the rest of that goes."""
        self.doomed.extend(self._spare)
        self._spare.clear()
        self._spare_shown.clear()

    # --- layout (a memo of where the text is cut into pages) ---------------------------

    def _may_have_outgrown(self) -> bool:
        """Whether the text that came since the last layout may overflow the open page.

        The budget asks every waiting answer's priority at every grant (30 a second, up to
        thousands of waiters), and a layout renders the whole open page: this check costs
        nothing. A table that one wide row pads past the limit escapes it, and then one write
        is ranked an edit instead of a continuation; `next_write` always lays out exactly."""
        fit = self._fit  # forgotten by the events that change a page's limit
        if fit is None or fit.pages != len(self.pages):
            return True
        grown = self._length - fit.text_length
        return grown < 0 or grown * _GROWTH > fit.room

    def _layout(self) -> None:
        """Cut the open page while it renders longer than its limit."""
        while True:
            index = len(self.pages) - 1
            page = self.pages[index]
            markdown = page.reopen + self.text[page.start :]
            limit = self._body_limit(index)
            room = self._room(markdown, limit)
            if room is not None:
                self._fit = _Fit(len(self.pages), self._length, room)
                return
            cut = cut_page(markdown, limit, plain=self.plain)
            page.markdown, page.content = cut.head, None
            start = page.start + max(0, cut.at - len(page.reopen))
            if start <= page.start:
                # The cut fell inside the markup this page reopens (an escape, a fence): take
                # one character of the text so that each page moves on (or this never ends).
                cut = Cut(markdown[: len(page.reopen) + 1], len(page.reopen) + 1)
                page.markdown, start = cut.head, page.start + 1
            self.pages.append(self._reuse(_Page(start=start, reopen=cut.reopen)))

    def _room(self, markdown: str, limit: int) -> int | None:
        """UTF-16 units the open page's `markdown` leaves under `limit`; None if it overflows."""
        # No shortcut on the markdown's own length: rendering may more than double it (a
        # table pads every cell to its column's widest, a thematic break becomes a line).
        window = markdown[: limit * _WINDOW]
        if len(window) == len(markdown):
            size = self._render_open(markdown).size
        elif self._render(window).size > limit:
            return None
        else:
            size = self._render(markdown).size
        return limit - size if size <= limit else None

    def _render_open(self, markdown: str) -> Rendered:
        """The open page's markdown rendered, memoised per text (`_body` shares the memo)."""
        if self._open is None or self._open[0] != markdown:
            self._open = (markdown, self._render(markdown))
        return self._open[1]

    def _body_limit(self, index: int) -> int:
        limit = self._limits.get(index, MESSAGE_LIMIT)
        if index == 0 and self._thoughts() is not None:
            limit -= THOUGHTS_LIMIT + 64  # the header, the ellipsis and the separator
        if index == 0 and self.header is not None:
            limit -= self.header.size + 2  # 2: the separator
        if index == 0 and self.tools:
            limit -= TOOLS_LIMIT + 64
        return max(MIN_PAGE // 2, limit)

    def _settle(self) -> None:
        """The stream ended: choose the notice shown under the answer; a notice that does not
        fit on the last page gets a message of its own."""
        self._layout()
        notices = [*self._notes, self._choose_notice()]
        self._notice = "\n".join(notice for notice in notices if notice) or None
        self._version += 1
        if self._notice is None:
            self._doom_spare()
            return
        index = len(self.pages) - 1
        page = self.pages[index]
        if self._content(index).size > self._limits.get(index, MESSAGE_LIMIT):
            page.markdown, page.content = page.reopen + self.text[page.start :], None
            self.pages.append(self._reuse(_Page(start=len(self.text))))
        self._doom_spare()

    def _choose_notice(self) -> str | None:
        lang = self.lang
        shown = any(not self._body(index).empty for index in range(len(self.pages)))
        if self.ending in (Ending.STOPPED, Ending.SHUTDOWN):
            if self.stop_note:
                return self.stop_note
            return None if shown else texts.t(lang, "stopped")
        if self.ending is Ending.FAILED:
            if self.reason == "misconfigured":  # trying again cannot help: say who acts
                return texts.t(lang, "misconfigured")
            why = texts.reason(lang, self.reason)
            return texts.t(lang, "interrupted" if shown else "failed", reason=why)
        if self.ending is Ending.TIMED_OUT:
            return texts.t(lang, "too_slow_cut" if shown else "too_slow")
        if self.ending is Ending.LENGTH:
            if shown:
                return texts.t(lang, "length_cut")
            if self.reasoning.strip():
                return texts.t(lang, "length_thinking")
        return None if shown else texts.t(lang, "failed", reason=texts.reason(lang, "empty"))

    def _page_done(self, index: int) -> bool:
        page = self.pages[index]
        if page.state is PageState.PROBING:
            return False
        content = self._content(index)
        if content.empty:
            return True
        return page.state is PageState.SENT and page.shown == content

    # --- rendering (memos) -------------------------------------------------------------

    def _render(self, markdown: str) -> Rendered:
        return render(markdown, plain=self.plain)

    def _body(self, index: int) -> Rendered:
        """The page's own text rendered; a frozen page's once, the open page's per version."""
        page = self.pages[index]
        if page.markdown is not None:
            if page.body is None:
                page.body = self._render(page.markdown)
            return page.body
        return self._render_open(page.reopen + self.text[page.start :])

    def _thoughts(self, room: int = THOUGHTS_LIMIT + 64) -> Rendered | None:
        """The collapsed thoughts shown above the answer within `room` UTF-16 units (thoughts
        that came after the first page was cut get what is left of it), or None."""
        if not self.reasoning.strip() or self.plain:
            return None
        thinking = not self.text.strip() and not self.ended
        header = texts.t(self.lang, "thinking" if thinking else "thoughts")
        if not self.show_reasoning:
            return visible(header) if thinking and utf16_len(header) <= room else None
        budget = min(THOUGHTS_LIMIT, room - utf16_len(header) - 1)
        if budget < 16:
            return visible(header) if utf16_len(header) <= room else None
        return thoughts_block(header, self.reasoning.strip(), budget)

    def _content(self, index: int) -> Rendered:
        """What page `index` must show: thoughts, its text, the notice; in its form."""
        page = self.pages[index]
        last = index == len(self.pages) - 1
        key = (
            self._version if page.markdown is None else None,
            page.form,
            self._notice if last else None,
            (len(self.reasoning), bool(self._parts), self.ended, self.tools.version)
            if index == 0
            else None,
        )
        if page.content is not None and page.content[0] == key:
            return page.content[1]
        parts: list[Rendered] = []
        if page.form is Form.NOTE:
            parts.append(visible(texts.t(self.lang, "part_refused")))
        else:
            parts.append(self._body(index))
        if last and self._notice:
            parts.append(visible(self._notice))
        content = join(parts)
        if index == 0:
            room = self._limits.get(0, MESSAGE_LIMIT) - content.size - 2  # 2: the separator
            if self.header is not None:
                room -= self.header.size + 2
            calls = self.tools.block(self.lang, live=not self.ended, room=room)
            if calls is not None:
                content = join([calls, content])
                room -= calls.size + 2
            thoughts = self._thoughts(room)
            if thoughts is not None:
                content = join([thoughts, content])
            if self.header is not None:
                content = join([self.header, content])
        if page.form is Form.NO_LINKS:
            content = content.without("text_link")
        elif page.form >= Form.PLAIN:
            content = content.without()
        page.content = (key, content)
        return content
