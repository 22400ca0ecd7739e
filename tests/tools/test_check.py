"""`python -m bot check` reports each MCP server as the start log does, never with a secret."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.servers.backends import FakeCromicle
from tests.servers.telegram import FakeTelegram
from tests.support.mcp import stdio_entry
from tests.support.process import base_env, free_port, run_to_end

TOKEN = "talker-token-0042"
HEADER = "Bearer header-token-0042"


async def test_check_reports_each_mcp_server_and_hides_its_secrets(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    config = workdir / "mcp.json"
    port = free_port()
    config.write_text(
        json.dumps(
            {
                "mcpServers": {
                    "local": stdio_entry(SECRET=TOKEN),
                    "web": {
                        "url": f"http://127.0.0.1:{port}/mcp",
                        "headers": {"Authorization": HEADER},
                    },
                    "talker": {
                        "command": sys.executable,
                        "args": [
                            "-c",
                            "import os, sys; sys.exit('token ' + os.environ['T'] + ' refused')",
                        ],
                        "env": {"T": TOKEN},
                    },
                }
            }
        )
    )
    env = base_env(telegram, cromicle, MCP_CONFIG=str(config))
    code, out, err = await run_to_end(env, workdir, "check")
    assert code == 1, out + err
    lines = [line.rsplit(" (", 1)[0] for line in out.splitlines() if "MCP server" in line]
    assert lines == [
        f'✓ MCP server "local" (stdio: {sys.executable}): 17 tools',
        f'✗ MCP server "web" (http: http://127.0.0.1:{port}/mcp): not connected: cannot connect '
        f"to http://127.0.0.1:{port}/mcp: All connection attempts failed",
        f'✗ MCP server "talker" (stdio: {sys.executable}): not connected: the server exited '
        "(its last words: token <redacted> refused)",
    ]
    assert "✓ backend cromicle: answered" in out
    assert TOKEN not in out + err and "header-token-0042" not in out + err
