"""Replica benchmark: the bot's replica mode (REDIS_URL) against one process, same load.

    python -m bench.replicas                  # 100 and 1,000 chats (several minutes)
    python -m bench.replicas --quick          # 100 chats only
    python -m bench.replicas --levels 100,1000 --setups memory,redis,replicas --replicas 3

At each level (N concurrent private chats, one question each) three setups run, each from a
fresh local Bot API server (`tests/servers/telegram/`, FakeTelegram with Telegram-like
`Limits`: 1 write/s per private chat with a burst of 3, 30 writes/s for the whole bot), a fresh
local Cromicle server streaming every answer as 60 chunks over 3 s (as `bench.streaming`), and,
with REDIS_URL, a fresh real redis-server (`tests/support/redis_server.py`):

- memory:   1 `python -m bot` process, no REDIS_URL;
- redis:    1 `python -m bot` process with REDIS_URL;
- replicas: 3 `python -m bot` processes with REDIS_URL, sharing the one redis-server.

Every setup runs in webhook mode (WEBHOOK_URL set, listening on 127.0.0.1), the one-process
setups too, so the intake is the same for all: the benchmark is the load balancer, takes each
update from the fake (`add_message`, `take_updates`) and posts it to `/hook` with the secret
header, round-robin over the processes, at most 40 posts in flight (Telegram's default
`max_connections`). Nothing polls.

All processes use one token on one FakeTelegram, whose global bucket is per server: the 30
writes/s apply to the replicas together, so replicas that overspent it would draw 429s.

Figures: time from the first post to the last final text on screen (the issue's target is the
replicas within 1.2x of one process), first text from its update's post (p50, p95), every final
text checked exactly (`altered`), 429s and calls made during a `retry_after`; CPU of every bot
process and of redis-server (/proc/<pid>/stat utime+stime, from the first post until the last
final plus one settling second) per answer; Redis commands per answer: `total_commands_processed`
from `INFO` before and after (the benchmark's own INFO taken out), so one EVALSHA or each command
in a pipeline counts as one; the idle rate (leases, health checks) is measured over a few seconds
before the load and shown too. Redis counts the commands a script runs (redis.call inside
EVALSHA) as commands too, so these are commands, not round trips; the breakdown by command is
printed under the tables. redis-server 7.0 keeps no per-client command count: with several
processes the figure per process is the total divided by the processes.

The bot logs at WARNING into a file per process; the warnings and errors are counted and the
distinct ones printed under the tables. BENCH_KEEP_LOGS=1 keeps the log directory.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import redis.asyncio as redis

from bench.streaming import (
    ROOT,
    TOKEN,
    WRITES,
    Result,
    answer_chunks,
    cpu_seconds,
    measure,
    peak_rss_mb,
    percentile,
    script_for,
)
from bot.replicas.shards import GROUP, SHARDS, shard_of, stream_key
from tests.servers.backends import FakeCromicle
from tests.servers.telegram import FakeTelegram, Limits
from tests.support.process import base_env, free_port, webhook_env
from tests.support.redis_server import RedisServer

SECRET = "b" * 40
IN_FLIGHT = 40
"""Posts to the webhooks at once (Telegram's default max_connections)."""
IDLE_SECONDS = 3.0
SETTLE_SECONDS = 1.0
STALLED_SECONDS = 60.0
"""Finals still missing, and no Bot API call for this long: the level ends without them."""


@dataclass(frozen=True)
class Setup:
    key: str
    label: str
    processes: int
    redis: bool


@dataclass
class Outcome:
    setup: Setup
    base: Result
    first_post_p50: float  # ms, from the update's post to its first text on screen
    first_post_p95: float
    cpu_ms_per_answer: float  # all bot processes together
    cpu_ms_per_process: list[float]  # per answer, each process
    redis_cpu_ms_per_answer: float
    commands_per_answer: float
    commands_net_per_answer: float  # with the idle rate over the window taken out
    idle_commands_per_s: float
    top_commands: list[tuple[str, float]]  # per answer
    chats_per_replica: list[int]
    backend_requests: int
    posts_refused: int
    unanswered: list[int]  # chats with no text of the bot at all
    left_pending: int  # updates still taken but not acknowledged in Redis at the end
    wrong: list[int]  # chats whose text on screen is not exactly the answer
    commit: str
    warnings: Counter[str] = field(default_factory=Counter)
    exit_codes: list[int | None] = field(default_factory=list)


class Fleet:
    """The bot processes in webhook mode; the benchmark posts their updates."""

    def __init__(self, http: aiohttp.ClientSession) -> None:
        self.http = http
        self.processes: list[asyncio.subprocess.Process] = []
        self.ports: list[int] = []
        self.logs: list[Path] = []
        self.refused = 0
        self._gate = asyncio.Semaphore(IN_FLIGHT)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]

    async def health(self, index: int) -> dict[str, Any]:
        url = f"http://127.0.0.1:{self.ports[index]}/healthz"
        async with self.http.get(url) as answer:
            data: dict[str, Any] = await answer.json()
            return data

    async def post(self, update: dict[str, Any], index: int) -> float:
        """Post one update as Telegram would, retrying (as Telegram does) what is refused;
        when it was first sent (a slot among the posts in flight taken)."""
        url = f"http://127.0.0.1:{self.ports[index % len(self.ports)]}/hook"
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with self._gate:
            sent = time.monotonic()
            for _ in range(5):
                with contextlib.suppress(aiohttp.ClientError):
                    async with self.http.post(url, json=update, headers=headers) as answer:
                        if answer.status == 200:
                            return sent
                self.refused += 1
                await asyncio.sleep(1)
        return sent


@contextlib.asynccontextmanager
async def fleet(
    telegram: FakeTelegram,
    cromicle: FakeCromicle,
    redis_url: str | None,
    count: int,
    workdir: Path,
) -> AsyncIterator[Fleet]:
    group = Fleet(aiohttp.ClientSession())
    try:
        for index in range(count):
            port = free_port()
            extra = {"REDIS_URL": redis_url} if redis_url else {}
            env = base_env(
                telegram,
                cromicle,
                BOT_TOKEN=TOKEN,
                STREAM_MODE="auto",
                PRIVATE_CHAT_INTERVAL="1.0",
                LOG_LEVEL="WARNING",
                RATE_LIMIT_PER_MINUTE="0",
                BACKEND_TIMEOUT="300",
                SHUTDOWN_GRACE="3",
                HEARTBEAT_FILE=str(workdir / f"heartbeat-{index}"),
                PYTHONPATH=str(ROOT),
                **webhook_env(port, SECRET),
                **extra,
            )
            log = workdir / f"bot-{index}.log"
            with log.open("wb") as sink:
                process = await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "bot",
                    env=env,
                    cwd=workdir,
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=sink,
                    stderr=sink,
                )
            group.processes.append(process)
            group.ports.append(port)
            group.logs.append(log)
        await ready(group, telegram, replicated=redis_url is not None)
        yield group
    finally:
        await asyncio.gather(*(stop(p) for p in group.processes))
        await group.http.close()


async def ready(group: Fleet, telegram: FakeTelegram, *, replicated: bool) -> None:
    """Every process serving its webhook; with Redis, all shards held and shared out."""
    async with asyncio.timeout(90):
        while True:
            for process, log in zip(group.processes, group.logs, strict=True):
                if process.returncode is not None:
                    raise RuntimeError(f"a bot exited ({process.returncode}): {log.read_text()}")
            try:
                states = [await group.health(i) for i in range(len(group.ports))]
            except (aiohttp.ClientError, ValueError):
                states = []
            if states and telegram.webhook is not None:
                held = [len(s.get("shards", [])) for s in states]
                if not replicated or (sum(held) == SHARDS and min(held) > 0):
                    return
            await asyncio.sleep(0.2)


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), 60)
    except TimeoutError:
        process.kill()
        await process.wait()


async def redis_snapshot(client: redis.Redis | None) -> dict[str, Any]:
    if client is None:
        return {}
    info: dict[str, Any] = await client.info("all")
    return info


def command_delta(before: dict[str, Any], after: dict[str, Any]) -> tuple[int, Counter[str]]:
    """Commands the bots sent between two `INFO all`: the total, and by command."""
    if not before:
        return 0, Counter()
    by_command: Counter[str] = Counter()
    for key, value in after.items():
        if key.startswith("cmdstat_") and isinstance(value, dict):
            old = before.get(key, {}).get("calls", 0)
            by_command[key.removeprefix("cmdstat_")] = int(value["calls"]) - int(old)
    ours = by_command.pop("info", 0)
    total = int(after["total_commands_processed"]) - int(before["total_commands_processed"])
    return total - ours, +by_command


async def pending_in_redis(client: redis.Redis | None) -> int:
    """Updates read from the shard streams but not acknowledged (XPENDING), all shards."""
    if client is None:
        return 0
    total = 0
    for shard in range(SHARDS):
        with contextlib.suppress(redis.ResponseError):  # a stream never written
            summary: Any = await client.xpending(stream_key(shard), GROUP)
            total += int(summary["pending"])
    return total


def first_texts_from_post(telegram: FakeTelegram, posted: dict[int, float]) -> list[float]:
    firsts: dict[int, float] = {}
    for call in telegram.calls:
        chat = call.chat_id
        if call.method in WRITES and call.ok and chat in posted and chat not in firsts:
            firsts[chat] = call.at - posted[chat]
    return list(firsts.values())


def problems(logs: list[Path]) -> Counter[str]:
    """WARNING and worse lines of the bot logs, without their timestamps and numbers."""
    seen: Counter[str] = Counter()
    for log in logs:
        for line in log.read_text(errors="replace").splitlines():
            match = re.match(r"\S+ \S+ (WARNING|ERROR|CRITICAL) (.*)", line)
            if match is not None:
                text = re.sub(r"\d+", "N", match[2])[:160]
                seen[f"{match[1]} {text}"] += 1
            elif line.startswith("Traceback"):
                seen["Traceback"] += 1
    return seen


async def run_setup(setup: Setup, chats: int, workdir: Path) -> Outcome:
    commit = revision()
    telegram = FakeTelegram(token=TOKEN, limits=Limits())
    cromicle = FakeCromicle(script_for)
    server = RedisServer(workdir / "redis") if setup.redis else None
    client: redis.Redis | None = None
    await telegram.start()
    await cromicle.start()
    try:
        if server is not None:
            await server.start()
            client = redis.Redis.from_url(server.url)
        async with fleet(
            telegram, cromicle, server.url if server else None, setup.processes, workdir
        ) as group:
            idle_before = await redis_snapshot(client)
            if client is not None:
                await asyncio.sleep(IDLE_SECONDS)
            idle_after = await redis_snapshot(client)
            idle, _ = command_delta(idle_before, idle_after)
            idle_rate = idle / IDLE_SECONDS

            ids = [n + 1 for n in range(chats)]
            expected = {chat: "".join(answer_chunks(f"q{chat}")) for chat in ids}
            for chat in ids:
                telegram.add_message(chat, f"q{chat}")
            updates = telegram.take_updates()
            chat_of = [int(u["message"]["chat"]["id"]) for u in updates]
            posted: dict[int, float] = {}

            async def post(index: int) -> None:
                posted[chat_of[index]] = await group.post(updates[index], index)

            redis_pid = server.process.pid if server is not None and server.process else None
            cpu_before = [cpu_seconds(pid) for pid in group.pids]
            redis_cpu_before = cpu_seconds(redis_pid) if redis_pid else 0.0
            before = await redis_snapshot(client)
            started = time.monotonic()
            await asyncio.gather(*(post(i) for i in range(len(updates))))
            pending = set(ids)
            deadline = started + 120 + chats * 0.5
            calls, quiet_since = 0, time.monotonic()
            while pending and time.monotonic() < deadline:
                await asyncio.sleep(0.25)
                pending = {c for c in pending if telegram.visible_texts(c) != [expected[c]]}
                if len(telegram.calls) != calls:
                    calls, quiet_since = len(telegram.calls), time.monotonic()
                elif time.monotonic() - quiet_since > STALLED_SECONDS:
                    break  # no Bot API call for a while: what is missing will not come
            await asyncio.sleep(SETTLE_SECONDS)
            window = time.monotonic() - started
            after = await redis_snapshot(client)
            left_pending = await pending_in_redis(client)
            cpu = [cpu_seconds(pid) - b for pid, b in zip(group.pids, cpu_before, strict=True)]
            redis_cpu = (cpu_seconds(redis_pid) - redis_cpu_before) if redis_pid else 0.0
            rss = max(peak_rss_mb(pid) for pid in group.pids)
            shards: list[list[int]] = []
            for index in range(setup.processes):
                with contextlib.suppress(aiohttp.ClientError, ValueError):
                    shards.append(list((await group.health(index)).get("shards", [])))
        exits = [p.returncode for p in group.processes]
        base = measure("private", telegram, cromicle, expected, started, sum(cpu), rss)
        commands, by_command = command_delta(before, after)
        firsts = first_texts_from_post(telegram, posted)
        per_replica = [sum(1 for c in ids if shard_of(c) in held) for held in shards]
        n = len(ids)
        return Outcome(
            setup=setup,
            base=base,
            first_post_p50=percentile(firsts, 0.5) * 1000,
            first_post_p95=percentile(firsts, 0.95) * 1000,
            cpu_ms_per_answer=sum(cpu) * 1000 / n,
            cpu_ms_per_process=[c * 1000 / n for c in cpu],
            redis_cpu_ms_per_answer=redis_cpu * 1000 / n,
            commands_per_answer=commands / n,
            commands_net_per_answer=(commands - idle_rate * window) / n,
            idle_commands_per_s=idle_rate,
            top_commands=[(name, calls / n) for name, calls in by_command.most_common(8)],
            chats_per_replica=per_replica if setup.redis else [n],
            backend_requests=len(cromicle.requests),
            unanswered=[c for c in ids if not telegram.visible_texts(c)],
            wrong=[c for c in ids if telegram.visible_texts(c) not in ([], [expected[c]])],
            commit=commit,
            left_pending=left_pending,
            posts_refused=group.refused,
            warnings=problems(group.logs),
            exit_codes=exits,
        )
    finally:
        if client is not None:
            await client.aclose()
        if server is not None:
            await server.stop()
        await cromicle.close()
        await telegram.close()


def fmt(value: float, digits: int = 1, unit: str = "") -> str:
    return "n/a" if math.isnan(value) else f"{value:.{digits}f}{unit}"


def main_table(outcomes: list[Outcome]) -> str:
    reference = {o.base.chats: o for o in outcomes if o.setup.key == "memory"}
    head = (
        "| chats | setup | last final (s) | vs memory x1 | first text from post p50 / p95 (ms) "
        "| final after last chunk p50 / p95 (ms) | writes/answer | 429s | retry_after violations "
        "| finals not exact (none shown) | backend requests | bot CPU ms/answer (all processes) "
        "| CPU ms/answer per process | redis-server CPU ms/answer | Redis commands/answer "
        "| net of idle | idle commands/s | chats per process | log warnings |"
    )
    rows = [head, "|" + "---|" * 19]
    for o in outcomes:
        r = o.base
        ref = reference.get(r.chats)
        ratio = r.all_final_after / ref.base.all_final_after if ref else float("nan")
        redis_cells = (
            f"{fmt(o.redis_cpu_ms_per_answer)} | {fmt(o.commands_per_answer)} "
            f"| {fmt(o.commands_net_per_answer)} | {fmt(o.idle_commands_per_s)}"
            if o.setup.redis
            else "- | - | - | -"
        )
        rows.append(
            f"| {r.chats} | {o.setup.label} | {fmt(r.all_final_after)}{'*' if r.altered else ''} "
            f"| {fmt(ratio, 2, 'x')} "
            f"| {fmt(o.first_post_p50)} / {fmt(o.first_post_p95)} "
            f"| {fmt(r.final_p50)} / {fmt(r.final_p95)} | {r.writes_per_answer:.2f} "
            f"| {r.too_many} | {r.violations} | {r.altered} ({len(o.unanswered)}) "
            f"| {o.backend_requests} "
            f"| {fmt(o.cpu_ms_per_answer)} "
            f"| {' / '.join(fmt(c) for c in o.cpu_ms_per_process)} | {redis_cells} "
            f"| {' / '.join(str(c) for c in o.chats_per_replica)} "
            f"| {sum(o.warnings.values())} |"
        )
    return "\n".join(rows)


def one_replica_table(outcomes: list[Outcome]) -> str:
    rows = [
        "| chats | bot CPU ms/answer, memory / Redis | Redis / memory "
        "| first text p50 (ms), memory / Redis | first text p95 (ms), memory / Redis "
        "| last final (s), memory / Redis |",
        "|---|---|---|---|---|---|",
    ]
    for chats in sorted({o.base.chats for o in outcomes}):
        pair = {o.setup.key: o for o in outcomes if o.base.chats == chats}
        memory, store = pair.get("memory"), pair.get("redis")
        if memory is None or store is None:
            continue
        rows.append(
            f"| {chats} | {fmt(memory.cpu_ms_per_answer)} / {fmt(store.cpu_ms_per_answer)} "
            f"| {fmt(store.cpu_ms_per_answer / memory.cpu_ms_per_answer, 2, 'x')} "
            f"| {fmt(memory.first_post_p50)} / {fmt(store.first_post_p50)} "
            f"| {fmt(memory.first_post_p95)} / {fmt(store.first_post_p95)} "
            f"| {fmt(memory.base.all_final_after)} / {fmt(store.base.all_final_after)} |"
        )
    return "\n".join(rows)


def notes(outcomes: list[Outcome]) -> list[str]:
    lines = []
    for o in outcomes:
        head = f"{o.base.chats} chats, {o.setup.label}"
        if o.unanswered:
            shown = ", ".join(str(c) for c in o.unanswered[:20])
            lines.append(
                f"- {head}: {len(o.unanswered)} chats got no answer at all (*: the last final"
                f" is over the answered chats only): {shown}"
            )
        if o.left_pending:
            lines.append(
                f"- {head}: {o.left_pending} updates still pending (read, never acknowledged) "
                "in the Redis streams at the end"
            )
        if o.wrong:
            shown = ", ".join(str(c) for c in o.wrong[:20])
            lines.append(
                f"- {head}: {len(o.wrong)} chats show a text that is not the answer: {shown}"
            )
        if o.top_commands:
            top = ", ".join(f"{name} {per:.2f}" for name, per in o.top_commands)
            lines.append(f"- {head}: Redis commands per answer by command: {top}")
        if o.posts_refused:
            lines.append(f"- {head}: {o.posts_refused} webhook posts refused, then retried")
        if any(code not in (0, None) for code in o.exit_codes):
            lines.append(f"- {head}: exit statuses {o.exit_codes}")
        for line, count in o.warnings.most_common(10):
            lines.append(f"- {head}: log x{count}: {line}")
    return lines


def revision() -> str:
    """The bot's code being measured: the commit, and whether the work tree differs from it."""

    def git(*args: str) -> str:
        run = subprocess.run(["git", *args], check=False, cwd=ROOT, capture_output=True, text=True)
        return run.stdout.strip()

    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "bot", "handlers")
    return git("rev-parse", "--short", "HEAD") + (" + uncommitted changes" if dirty else "")


def machine() -> str:
    try:
        version = subprocess.run(
            ["redis-server", "--version"], capture_output=True, text=True, check=False
        ).stdout.split()[2]
    except (OSError, IndexError):
        version = "?"
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = " (" + line.split(":", 1)[1].strip() + ")"
                break
    return (
        f"Machine: {platform.machine()}, {os.cpu_count()} cores{model}, "
        f"Python {platform.python_version()}, redis-server {version.removeprefix('v=')}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levels", default="100,1000", help="concurrent chats, comma-separated")
    parser.add_argument("--quick", action="store_true", help="100 chats only")
    parser.add_argument("--replicas", type=int, default=3, help="processes of the replica setup")
    parser.add_argument("--setups", default="memory,redis,replicas")
    args = parser.parse_args()
    setups = {
        "memory": Setup("memory", "memory x1 (no REDIS_URL)", 1, False),
        "redis": Setup("redis", "Redis x1", 1, True),
        "replicas": Setup("replicas", f"Redis x{args.replicas} replicas", args.replicas, True),
    }
    chosen = [setups[key] for key in args.setups.split(",")]
    levels = [100] if args.quick else [int(x) for x in args.levels.split(",")]
    outcomes: list[Outcome] = []
    logs = Path(tempfile.mkdtemp(prefix="bench-replicas-"))
    try:
        for chats in levels:
            for setup in chosen:
                workdir = logs / f"{chats}-{setup.key}"
                workdir.mkdir()
                outcome = await run_setup(setup, chats, workdir)
                outcomes.append(outcome)
                print(main_table(outcomes).splitlines()[-1], flush=True)
    finally:
        if os.environ.get("BENCH_KEEP_LOGS"):
            print(f"logs: {logs}")
        else:
            shutil.rmtree(logs, ignore_errors=True)
    print()
    print(machine())
    commits = list(dict.fromkeys(o.commit for o in outcomes))
    print(f"Bot code: {', then '.join(commits)}")
    print()
    print(main_table(outcomes))
    print()
    side_by_side = one_replica_table(outcomes)
    if side_by_side.count("\n") > 1:
        print("One process, Redis versus memory (same load, webhook intake):")
        print()
        print(side_by_side)
        print()
    for chats in levels:
        pair = {o.setup.key: o for o in outcomes if o.base.chats == chats}
        if "memory" in pair and "replicas" in pair:
            ratio = pair["replicas"].base.all_final_after / pair["memory"].base.all_final_after
            verdict = "meets" if ratio <= 1.2 else "misses"
            print(
                f"{chats} chats: {pair['replicas'].setup.label} took {ratio:.2f}x the time "
                f"of one process to the last final ({verdict} the 1.2x target)"
            )
    extra = notes(outcomes)
    if extra:
        print()
        print("Notes:")
        print("\n".join(extra))


if __name__ == "__main__":
    asyncio.run(main())
