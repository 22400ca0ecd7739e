"""The errors an input can end in: each has a `reason` key the bot turns into a short note.

`reason` is a stable key (`too_big`, `silence`, `encrypted`...) for the bot's texts table;
`detail` is a sentence for the log and `python -m bot check`, never shown to users and never
holding a secret or the user's text.
"""

from __future__ import annotations


class InputError(Exception):
    """An input the bot cannot turn into a question; `reason` keys the note the user gets."""

    kind = "input"
    """Which family the reason belongs to, so a texts key can be `f"{kind}_{reason}"`."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class DownloadError(InputError):
    """The file could not be fetched from the Bot API.

    Reasons: `too_big` (`limit` holds the largest size in bytes, when known), `unreadable`.
    """

    kind = "download"

    def __init__(
        self,
        reason: str,
        detail: str = "",
        *,
        size: int | None = None,
        limit: int | None = None,
    ) -> None:
        super().__init__(reason, detail)
        self.size = size
        self.limit = limit


class SpeechError(InputError):
    """Speech could not be turned into text.

    Reasons: `off` (STT=off), `not_configured`, `too_long`, `undecodable`, `silence`,
    `unreachable`, `unauthorized` (401/403), `too_big` (413), `busy` (429), `server_error`
    (5xx), `timeout`, `rejected` (another refusal). `too_long` sets `seconds` and `limit`.
    """

    kind = "speech"

    def __init__(
        self,
        reason: str,
        detail: str = "",
        *,
        seconds: float | None = None,
        limit: float | None = None,
    ) -> None:
        super().__init__(reason, detail)
        self.seconds = seconds
        self.limit = limit


class DocumentError(InputError):
    """A document's text could not be read.

    Reasons: `unsupported` (a type not read; the note lists `documents.SUPPORTED`), `binary`
    (named like text but is not), `encrypted`, `broken`, `scanned` (a PDF of images, no text
    layer; no OCR), `empty`, `too_big` (expands past what is read).
    """

    kind = "document"
