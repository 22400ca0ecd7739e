"""Is the bot alive? `python -m bot health`, the image's HEALTHCHECK, answers in both modes.

In webhook mode the process serves GET /healthz. In polling mode there is no port, and a
running process proves little (polling can be stuck, or failing on every call), so every
successful getUpdates touches HEARTBEAT_FILE (`Heartbeat` in bot/session.py); long polls
return at least every 10 s, so a file older than HEARTBEAT_MAX_AGE means polling has stopped
working.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request

from bot.config import Settings

HEARTBEAT_MAX_AGE = 60.0
"""Seconds without a successful getUpdates before polling counts as broken: several long polls
(10 s each) plus aiogram's backoff between failures (up to 5 s)."""


def check_health(settings: Settings, now: float | None = None) -> tuple[bool, str]:
    """Whether the running bot is healthy, and one line saying why (or why not)."""
    if settings.webhook_url is not None:
        host = settings.webhook_host
        if host in ("0.0.0.0", "::", ""):  # listening everywhere: ask over loopback
            host = "127.0.0.1"
        url = f"http://{host}:{settings.webhook_port}/healthz"
        try:
            with urllib.request.urlopen(url, timeout=4) as answer:
                status = answer.status
        except (urllib.error.URLError, OSError) as exc:
            return False, f"webhook server at {url} does not answer: {exc}"
        return status == 200, f"webhook server at {url} answered {status}"
    path = settings.heartbeat_file
    try:
        changed = path.stat().st_mtime
    except OSError:
        return False, f"not polling: {path} is missing (the bot is starting, or stopped)"
    age = (time.time() if now is None else now) - changed
    if age > HEARTBEAT_MAX_AGE:
        return False, f"polling stalled: no successful getUpdates for {age:.0f} s ({path})"
    return True, f"polling: last successful getUpdates {age:.0f} s ago"
