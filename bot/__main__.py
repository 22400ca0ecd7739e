"""`python -m bot` runs the bot; `python -m bot check` checks the configuration and backends."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import resource
import sys

from bot.app import run
from bot.check import run_checks
from bot.config import SettingsError, load_settings
from bot.logs import setup_logging
from bot.session import TokenRejected
from bot.startup import StartRefused

USAGE = "usage: python -m bot [run | check]"

EXIT_STOPPED = 0
"""Stopped by SIGTERM or SIGINT, after the answers in progress ended."""
EXIT_CONFIGURATION = 2
"""A setting is missing or invalid, or the Bot API refused one for good at start (a 4xx)."""
EXIT_TOKEN_REJECTED = 3
"""Telegram rejected BOT_TOKEN (401), at start or later: restarting cannot help."""

log = logging.getLogger("bot")


def _raise_file_limit() -> None:
    """Each chat being answered holds a backend stream open: allow more than 1024 sockets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "run"
    if command in ("-h", "--help"):
        print(USAGE)
        return 0
    if command not in ("run", "check"):
        print(USAGE, file=sys.stderr)
        return 2
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return EXIT_CONFIGURATION
    secrets = [settings.bot_token.get_secret_value()]
    if settings.openai_api_key is not None:
        secrets.append(settings.openai_api_key.get_secret_value())
    setup_logging(settings.log_level, secrets)
    if command == "check":
        try:
            return asyncio.run(run_checks(settings))
        except Exception as exc:  # `check` is for troubleshooting: a line, never a traceback
            print(f"✗ check failed: {type(exc).__name__}: {exc}", flush=True)
            return 1
    _raise_file_limit()
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run(settings))
    except TokenRejected as exc:
        log.error("%s", exc)
        return EXIT_TOKEN_REJECTED
    except StartRefused as exc:
        log.error("Configuration error: %s.", exc)
        return EXIT_CONFIGURATION
    return EXIT_STOPPED


if __name__ == "__main__":
    sys.exit(main())
