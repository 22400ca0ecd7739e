"""`python -m bot` runs the bot; `check` checks the configuration and backends; `health` says
whether the running bot is healthy. Exceptions that end the process become exit statuses."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import resource
import sys

from bot.check import run_checks
from bot.config import SettingsError, load_settings
from bot.health import check_health
from bot.logs import setup_logging
from bot.replicas.runtime import StoreUnavailable
from bot.run import run
from bot.session import TokenRejected
from bot.startup import StartRefused

USAGE = "usage: python -m bot [run | check | health]"
HELP = f"""{USAGE}

commands:
  run     answer messages (the default): long polling, or webhook mode when WEBHOOK_URL is set
  check   check the settings, the Bot API and every backend, one line each; exit 0 if all pass
  health  is the running bot healthy? (the Docker HEALTHCHECK); exit 0 if so

Settings are environment variables, or lines in a .env file in the working directory. Each one
is described in docs/settings.md (and in .env.example, with its default).

Exit statuses: 0 stopped (SIGTERM, SIGINT) or all checks passed; 1 a check failed or an
unexpected error; 2 a configuration error; 3 Telegram rejected BOT_TOKEN; 4 Redis (REDIS_URL)
cannot be reached at start."""

EXIT_STOPPED = 0
"""Stopped by SIGTERM or SIGINT, after the answers in progress ended."""
EXIT_CONFIGURATION = 2
"""A setting is missing or invalid, or the Bot API refused one for good at start (a 4xx)."""
EXIT_TOKEN_REJECTED = 3
"""Telegram rejected BOT_TOKEN (401), at start or later: restarting cannot help."""
EXIT_STORE_UNAVAILABLE = 4
"""REDIS_URL is set but Redis cannot be reached at start: restarting helps once it is up."""

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
    if command in ("-h", "--help", "help"):
        print(HELP)
        return 0
    if command not in ("run", "check", "health"):
        print(f"unknown command {command!r}\n{HELP}", file=sys.stderr)
        return EXIT_CONFIGURATION
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return EXIT_CONFIGURATION
    setup_logging(settings.log_level, settings.secrets())
    if command == "health":
        ok, line = check_health(settings)
        print(("✓ " if ok else "✗ ") + line, flush=True)
        return 0 if ok else 1
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
    except StoreUnavailable as exc:
        log.error("%s", exc)
        return EXIT_STORE_UNAVAILABLE
    return EXIT_STOPPED


if __name__ == "__main__":
    sys.exit(main())
