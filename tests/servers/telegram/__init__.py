"""An in-process fake of the Telegram Bot API for end-to-end tests and benchmarks.

Why a real HTTP server: the bot under test talks to Telegram through aiogram's own
``AiohttpSession`` (multipart bodies, JSON-encoded fields, error classification), and the
benchmark runs the bot as a subprocess. Mocking inside the process would skip exactly the
layers that break in production, so this serves ``{base}/bot{token}/{method}`` on 127.0.0.1
and answers like Telegram does where a bot's behaviour depends on it. One module per idea:

- ``server``   HTTP, method dispatch, the :class:`FakeTelegram` tests use and what they inspect
- ``text``     Telegram's text rules: UTF-16 lengths, cleaning and trimming, entities, links
- ``writes``   the bot's sends, edits, drafts and deletions, and what they left on screen
- ``messages`` what users do: messages, photos, documents, edits, "stop", blocks, admins
- ``updates``  the update queue and long polling
- ``limits``   flood control: token buckets and 429 with retry_after
- ``faults``   injected errors, lost answers and slow calls
- ``files``    users' files, getFile and downloads (20 MB limit)
- ``chats``    the chats, users, members and messages both sides read
- ``errors``   the error type and Telegram's exact error texts
- ``params``   decoding a call's form, JSON or query parameters
- ``changes``  the wake-up signal for waiters (long polls, ``wait_for``)

Each module's docstring says what of Telegram it imitates and what it does not.
"""

from tests.servers.telegram.chats import BotMessage
from tests.servers.telegram.limits import Limits
from tests.servers.telegram.messages import UserMessageOptions
from tests.servers.telegram.server import Call, DraftsMode, FakeTelegram, Reply
from tests.servers.telegram.text import telegram_normalise, utf16_len

__all__ = [
    "BotMessage",
    "Call",
    "DraftsMode",
    "FakeTelegram",
    "Limits",
    "Reply",
    "UserMessageOptions",
    "telegram_normalise",
    "utf16_len",
]
