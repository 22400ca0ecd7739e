"""The user's Telegram `language_code` (an IETF tag: `en`, `pt-br`, `zh-hans`) as a hint.

It is the language of the user's app, not necessarily of what they say or send, so it only
ever guides (a transcription hint, a tie-break between text encodings), never decides alone.
"""

from __future__ import annotations

import re


def language_hint(code: str | None) -> str | None:
    """The tag's primary language subtag in lower case (ISO 639: `pt-BR` -> `pt`), or None."""
    primary = (code or "").split("-")[0].strip().lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None
