"""Running the real `python -m bot` process against the local servers, for end-to-end tests."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

from tests.servers.backends import FakeCromicle
from tests.servers.telegram import FakeTelegram

TOKEN = "123456:TEST-TOKEN"


def base_env(telegram: FakeTelegram, cromicle: FakeCromicle, **extra: str) -> dict[str, str]:
    """The environment of a bot wired to the local servers, and nothing else of ours."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key in ("PATH", "HOME", "LANG", "SYSTEMROOT", "VIRTUAL_ENV", "PYTHONPATH")
    }
    env.update(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=telegram.base_url,
        CROMICLE_URL=cromicle.url,
        STREAM_MODE="edit",
        PRIVATE_CHAT_INTERVAL="0.05",
        LOG_LEVEL="INFO",
    )
    env.update(extra)
    return env


def webhook_env(port: int, secret: str = "s" * 40) -> dict[str, str]:
    """The settings of webhook mode, listening on 127.0.0.1:`port` at /hook."""
    return {
        "WEBHOOK_URL": "https://bot.example.invalid/hook",
        "WEBHOOK_SECRET": secret,
        "WEBHOOK_HOST": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
        "WEBHOOK_PATH": "/hook",
    }


class BotProcess:
    """A running `python -m bot`; `stop()` signals it and collects its stderr."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.stderr = b""  # the whole log once stopped; the lines read so far before that

    async def log_line(self, text: str, timeout: float = 30) -> str:
        """Read the log until a line containing `text` comes; that line."""
        assert self.process.stderr is not None
        async with asyncio.timeout(timeout):
            while True:
                line = await self.process.stderr.readline()
                if not line:
                    raise AssertionError(f"the bot exited without logging {text!r}")
                self.stderr += line
                if text in line.decode():
                    return line.decode()

    async def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        if self.process.returncode is None:
            self.process.send_signal(sig)
        _, rest = await asyncio.wait_for(self.process.communicate(), timeout)
        self.stderr += rest
        assert self.process.returncode is not None
        return self.process.returncode


async def start_bot(env: dict[str, str], cwd: Path, *args: str) -> BotProcess:
    """Start `python -m bot ARGS` in `cwd` (a directory without a .env) with only `env`."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=env,
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    return BotProcess(process)


async def run_to_end(env: dict[str, str], cwd: Path, *args: str) -> tuple[int, str, str]:
    """Run `python -m bot ARGS` until it exits on its own."""
    bot = await start_bot(env, cwd, *args)
    out, err = await asyncio.wait_for(bot.process.communicate(), 60)
    assert bot.process.returncode is not None
    return bot.process.returncode, out.decode(), err.decode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
