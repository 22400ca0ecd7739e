"""The monitoring files agree with the code: the dashboard queries only metrics `Metrics` has,
the Prometheus config is valid and scrapes the port compose gives the bot, and (where the
prometheus binary is installed) a real Prometheus scraping the bot's /metrics answers every
dashboard query."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml

from bot.metrics import Metrics, serve_metrics
from bot.providers.base import Usage
from tests.support.process import free_port

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboard.json"
PROMETHEUS = ROOT / "deploy" / "prometheus.yml"
COMPOSE = ROOT / "docker-compose.yml"


def recorded() -> Metrics:
    """A Metrics with one of everything, so that every series exists."""
    metrics = Metrics(known_model=lambda name: name == "gpt-4o")
    metrics.answer_ended("complete", 0.8, 4.0)
    metrics.answer_ended("failed", None, 0.2)
    metrics.tokens("gpt-4o", Usage(100, 50))
    metrics.tokens("gpt-4o", Usage(10, 5, estimated=True))
    metrics.telegram_call("sendMessage", "ok")
    metrics.telegram_call("sendMessage", "retry_after")
    metrics.retry_after(2)
    metrics.backend_request("openai", "ok")
    metrics.set_in_progress(1)
    metrics.set_queued(2)
    metrics.set_shards(16)
    return metrics


def exposed(metrics: Metrics) -> set[str]:
    return {sample.name for family in metrics.registry.collect() for sample in family.samples}


def queries() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    found = []
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            found.append(target["expr"])
    return found


def test_every_metric_the_dashboard_queries_exists() -> None:
    names = exposed(recorded())
    used = {name for query in queries() for name in re.findall(r"\bbot_[a-z_]+", query)}
    assert used and used <= names, used - names
    families = {name.removesuffix("_total") for name in names if name.endswith("_total")}
    families |= {n for n in names if not n.endswith(("_created", "_bucket", "_sum", "_count"))}
    for family in ("bot_answers", "bot_model_tokens", "bot_telegram_requests",
                   "bot_telegram_retry_after", "bot_telegram_retry_after_seconds",
                   "bot_backend_requests", "bot_answers_in_progress", "bot_questions_queued",
                   "bot_shards_held"):  # fmt: skip
        assert family in families
        assert any(family in query for query in queries()), f"{family} is on no panel"
    assert any("bot_answer_first_text_seconds_bucket" in q for q in queries())
    assert any("bot_answer_duration_seconds_bucket" in q for q in queries())


def test_the_dashboard_is_portable_and_laid_out() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24
        if panel["type"] != "row":
            assert panel["datasource"]["uid"] == "${datasource}"  # any Prometheus, on import
    assert dashboard["templating"]["list"][0]["query"] == "prometheus"


def test_prometheus_scrapes_the_port_compose_gives_the_bot() -> None:
    config = yaml.safe_load(PROMETHEUS.read_text())
    (job,) = config["scrape_configs"]
    (discovery,) = job["dns_sd_configs"]
    compose = yaml.safe_load(COMPOSE.read_text())
    bot = compose["services"]["bot"]["environment"]
    assert bot["METRICS_PORT"] == f"${{METRICS_PORT:-{discovery['port']}}}"
    assert bot["METRICS_HOST"] == "${METRICS_HOST:-0.0.0.0}"
    assert discovery["names"] == ["bot"] and job["metrics_path"] == "/metrics"
    for name in ("prometheus", "grafana"):
        service = compose["services"][name]
        assert service["profiles"] == ["metrics"]
        for port in service["ports"]:
            assert port.startswith("127.0.0.1:")  # never published beyond this host
        for volume in service["volumes"]:
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), source
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "location = /metrics" in nginx  # the public webhook proxy does not pass it on


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed")
def test_promtool_accepts_the_config() -> None:
    done = subprocess.run(
        ["promtool", "check", "config", str(PROMETHEUS)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@contextlib.asynccontextmanager
async def prometheus(target: str, directory: Path) -> AsyncIterator[str]:
    """A real Prometheus on 127.0.0.1 scraping `target` every second; yields its API base."""
    port = free_port()
    config = directory / "prometheus.yml"
    config.write_text(
        json.dumps(
            {
                "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                "scrape_configs": [{"job_name": "bot", "static_configs": [{"targets": [target]}]}],
            }
        )
    )
    binary = shutil.which("prometheus")
    assert binary is not None
    process = await asyncio.create_subprocess_exec(
        binary,
        f"--config.file={config}",
        f"--storage.tsdb.path={directory / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        yield f"http://127.0.0.1:{port}/api/v1"
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 30)


async def query(http: aiohttp.ClientSession, api: str, expr: str) -> dict[str, Any]:
    async with http.get(f"{api}/query", params={"query": expr}) as response:
        answer: dict[str, Any] = await response.json()
        return answer


@pytest.mark.skipif(
    shutil.which("prometheus") is None, reason="prometheus is not installed (apt: prometheus)"
)
async def test_a_real_prometheus_answers_every_dashboard_query(tmp_path: Path) -> None:
    metrics = recorded()
    server = await serve_metrics(metrics, "127.0.0.1", 0)
    async with (
        server,
        prometheus(f"127.0.0.1:{server.port}", tmp_path) as api,
        aiohttp.ClientSession() as http,
    ):
        async with asyncio.timeout(60):
            while True:  # rate() needs two scrapes that differ: keep answering meanwhile
                metrics.answer_ended("complete", 0.3, 2.0)
                with contextlib.suppress(aiohttp.ClientError):
                    answer = await query(http, api, "count_over_time(bot_answers_total[1m])")
                    if any(float(r["value"][1]) >= 3 for r in answer["data"]["result"]):
                        break
                await asyncio.sleep(0.5)
        for expr in queries():
            promql = expr.replace("$__rate_interval", "1m").replace("$__range", "5m")
            answer = await query(http, api, promql)
            assert answer["status"] == "success", (expr, answer)
            assert answer["data"]["result"], f"no data for {expr}"
        endings = await query(http, api, "sum by (ending) (rate(bot_answers_total[1m]))")
        assert {r["metric"]["ending"] for r in endings["data"]["result"]} >= {"complete"}
