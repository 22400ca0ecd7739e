"""Delivery benchmark: the real bot process (`python -m bot`) against the local Bot API server
with Telegram's limits switched on, and a local Cromicle server streaming every answer as 60
chunks over 3 seconds, at 1, 100 and 1,000 concurrent chats, private and group.

    python -m bench.streaming                 # all levels (a few minutes)
    python -m bench.streaming --levels 1,100  # quicker
    python -m bench.streaming --bot floor     # the stack's floor (bench/floor_bot.py)

Times are taken on the servers' side (time.monotonic on one machine): when the backend wrote
a chunk, and when the bot's Telegram call arrived.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import sys
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.servers.backends import FakeCromicle, Script
from tests.servers.telegram import Call, FakeTelegram, Limits

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:BENCH-TOKEN"
WRITES = frozenset({"sendMessage", "editMessageText", "sendMessageDraft"})
PROFILE = os.environ.get("BENCH_PROFILE", "")
"""A path: run the bot under cProfile and write its profile there (read it with pstats).
BENCH_VERBOSE=1 shows the bot's own log (WARNING and up)."""
CHUNKS = 60
STREAM_SECONDS = 3.0


def answer_chunks(tag: str) -> list[str]:
    """A distinct answer per chat, so every final text can be checked exactly."""
    return [f"{tag}w{i} " for i in range(CHUNKS - 1)] + [f"{tag}end."]


def script_for(request: dict[str, Any]) -> Script:
    tag = str(request["message"]).split()[-1]
    return Script(chunks=list(answer_chunks(tag)), delay=STREAM_SECONDS / CHUNKS)


@dataclass
class Result:
    kind: str
    chats: int
    first_p50: float
    first_p95: float
    final_p50: float
    final_p95: float
    writes_per_answer: float
    too_many: int
    violations: int
    altered: int
    edits_before_last_first: int
    all_final_after: float
    budget_minimum: float
    last_stream_end: float
    bound_after_ends: float
    cpu_ms_per_answer: float
    peak_rss_mb: float


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


BOTS = {"bot": "bot", "floor": "bench.floor_bot"}
"""What `--bot` may run: the bot itself, or the least a bot on its stack must do per answer."""


async def spawn_bot(
    telegram: FakeTelegram, cromicle: FakeCromicle, module: str = "bot", **settings: str
) -> asyncio.subprocess.Process:
    """`python -m <module>` against the local servers, with `settings` on top of the bench's
    own (BENCH_PROFILE runs it under cProfile; BENCH_VERBOSE=1 shows its log)."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "VIRTUAL_ENV")}
    env.update(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=telegram.base_url,
        CROMICLE_URL=cromicle.url,
        LOG_LEVEL="WARNING",
        RATE_LIMIT_PER_MINUTE="0",
        PYTHONPATH=str(ROOT),
    )
    env.update(settings)
    profile = ["-m", "cProfile", "-o", PROFILE] if PROFILE else []
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *profile,
        "-m",
        module,
        env=env,
        cwd="/",
        stdin=asyncio.subprocess.DEVNULL,
        stderr=None if os.environ.get("BENCH_VERBOSE") else asyncio.subprocess.DEVNULL,
    )


@contextlib.asynccontextmanager
async def bot_process(
    telegram: FakeTelegram, cromicle: FakeCromicle, module: str
) -> AsyncIterator[int]:
    process = await spawn_bot(
        telegram, cromicle, module, BACKEND_TIMEOUT="300", STREAM_MODE="auto"
    )
    try:
        await telegram.wait_for(lambda: bool(telegram.calls_for("getUpdates")), timeout=60)
        yield process.pid
    finally:
        if process.returncode is None:
            process.terminate()
        await asyncio.wait_for(process.wait(), 60)


async def run_level(kind: str, chats: int, module: str = "bot") -> Result:
    telegram = FakeTelegram(token=TOKEN, limits=Limits())
    cromicle = FakeCromicle(script_for)
    await telegram.start()
    await cromicle.start()
    try:
        async with bot_process(telegram, cromicle, module) as pid:
            ids = (
                [n + 1 for n in range(chats)]
                if kind == "private"
                else [-(n + 1) for n in range(chats)]
            )
            expected = {chat: "".join(answer_chunks(f"q{abs(chat)}")) for chat in ids}
            cpu_before = cpu_seconds(pid)
            started = time.monotonic()
            for chat in ids:
                if kind == "private":
                    telegram.add_message(chat, f"q{abs(chat)}")
                else:
                    text = f"@test_bot q{abs(chat)}"
                    mention = [{"type": "mention", "offset": 0, "length": 9}]
                    telegram.add_message(chat, text, entities=mention)
            pending = set(ids)
            deadline = started + 120 + chats * 0.5
            while pending and time.monotonic() < deadline:
                await asyncio.sleep(0.25)
                pending = {c for c in pending if telegram.visible_texts(c) != [expected[c]]}
            cpu = cpu_seconds(pid) - cpu_before
            rss = peak_rss_mb(pid)
        return measure(kind, telegram, cromicle, expected, started, cpu, rss)
    finally:
        await cromicle.close()
        await telegram.close()


def measure(
    kind: str,
    telegram: FakeTelegram,
    cromicle: FakeCromicle,
    expected: dict[int, str],
    started: float,
    cpu: float,
    rss: float,
) -> Result:
    by_chat: dict[int, list[Call]] = defaultdict(list)
    for call in telegram.calls:
        if call.method in WRITES and call.chat_id is not None:
            by_chat[call.chat_id].append(call)
    chunk_times = {}
    for request in cromicle.requests:
        tag = str(request.json["message"]).split()[-1]
        chunk_times[int(tag[1:])] = request.chunk_times
    firsts, finals, ends, first_ats = [], [], [], []
    stream_ends = sorted(times[-1] - started for times in chunk_times.values() if times)
    writes = 0
    for chat, text in expected.items():
        calls = by_chat.get(chat, [])
        writes += len(calls)
        times = chunk_times.get(abs(chat))
        ok = [c for c in calls if c.ok]
        if not ok or not times:
            continue
        first_ats.append(ok[0].at)
        firsts.append(ok[0].at - times[0])
        done = [c for c in ok if c.method != "sendMessageDraft" and c.params.get("text") == text]
        if done:
            finals.append(done[-1].at - times[-1])
            ends.append(done[-1].at)
    last_first = max(first_ats, default=started)
    edits_early = 0
    for chat, calls in by_chat.items():
        ok = [c for c in calls if c.ok]
        for call in ok[1:]:
            final = call.params.get("text") == expected.get(chat)
            if not final and call.at < last_first:
                edits_early += 1
    altered = sum(1 for chat, text in expected.items() if telegram.visible_texts(chat) != [text])
    n = len(expected)
    return Result(
        kind=kind,
        chats=n,
        first_p50=percentile(firsts, 0.5) * 1000,
        first_p95=percentile(firsts, 0.95) * 1000,
        final_p50=percentile(finals, 0.5) * 1000,
        final_p95=percentile(finals, 0.95) * 1000,
        writes_per_answer=writes / n,
        too_many=telegram.too_many_requests,
        violations=telegram.retry_after_violations,
        altered=altered,
        edits_before_last_first=edits_early,
        all_final_after=(max(ends) - started) if ends else float("nan"),
        budget_minimum=n / 30,
        last_stream_end=stream_ends[-1] if stream_ends else float("nan"),
        bound_after_ends=bound_after(stream_ends, rate=30.0),
        cpu_ms_per_answer=cpu * 1000 / n,
        peak_rss_mb=rss,
    )


def bound_after(stream_ends: list[float], rate: float) -> float:
    """The earliest moment every final could be on screen: one write per answer, none before
    its answer ended, `rate` writes a second for the whole bot. With the answers ending at
    e_1 <= ... <= e_n, the last n - k + 1 finals cannot start before e_k: the bound is the
    largest e_k + (n - k + 1) / rate."""
    n = len(stream_ends)
    return max((end + (n - k) / rate for k, end in enumerate(stream_ends)), default=float("nan"))


def table(results: list[Result]) -> str:
    head = (
        "| chats | kind | first text p50 / p95 (ms) | final text p50 / p95 (ms) | writes/answer "
        "| 429s | retry_after violations | altered | edits before last first "
        "| all final (s) | n/30 bound (s) | last answer ended (s) | bound after the ends (s) "
        "| CPU ms/answer | peak RSS (MB) |"
    )
    rows = [head, "|" + "---|" * 15]
    for r in results:
        rows.append(
            f"| {r.chats} | {r.kind} | {r.first_p50:.1f} / {r.first_p95:.1f} "
            f"| {r.final_p50:.1f} / {r.final_p95:.1f} | {r.writes_per_answer:.2f} | {r.too_many} "
            f"| {r.violations} | {r.altered} | {r.edits_before_last_first} "
            f"| {r.all_final_after:.1f} | {r.budget_minimum:.1f} | {r.last_stream_end:.1f} "
            f"| {r.bound_after_ends:.1f} | {r.cpu_ms_per_answer:.1f} "
            f"| {r.peak_rss_mb:.0f} |"
        )
    return "\n".join(rows)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levels", default="1,100,1000")
    parser.add_argument("--kinds", default="private,group")
    parser.add_argument("--bot", choices=sorted(BOTS), default="bot")
    args = parser.parse_args()
    results = []
    for level in (int(x) for x in args.levels.split(",")):
        for kind in args.kinds.split(","):
            result = await run_level(kind, level, BOTS[args.bot])
            print(table([result]).splitlines()[-1], flush=True)
            results.append(result)
    print()
    python = platform.python_version()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {python}")
    print(table(results))


if __name__ == "__main__":
    asyncio.run(main())
