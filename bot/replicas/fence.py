"""The lease an update is being handled under, for the writes that must not outlive it."""

from __future__ import annotations

from contextvars import ContextVar

FENCE: ContextVar[tuple[str, str] | None] = ContextVar("FENCE", default=None)
"""(lease key, token) of the shard whose update this task handles; None outside one."""
