"""The fake Bot API server: HTTP on 127.0.0.1, method dispatch, and what tests inspect.

Serves ``{base}/bot{token}/{method}`` and ``{base}/file/bot{token}/{path}`` as Telegram does:
any HTTP verb, form, JSON or query parameters, method names in any case, ``{"ok": ...}``
answers with ``error_code``, ``description`` and ``parameters``. Before a method runs, the
server applies what Telegram applies to every call, in Telegram's order: the token (401),
the method (404), injected faults, a group upgraded to a supergroup (400 with
``migrate_to_chat_id``) and a user who blocked the bot (403); every call is recorded as a
:class:`Call`. Not imitated: the methods a bot like ours does not call (media, payments,
inline mode, stickers, business), the Bot API's local mode and its ``logOut`` consequences.

Request handling is transport-independent: :meth:`FakeTelegram.dispatch` answers one call
with a :class:`Reply`, the HTTP handler is a thin shell over it, and
``tests.servers.inprocess.InProcessSession`` calls it directly (no sockets), so scenarios can
run on an event loop with virtual time. Every time the server reads (arrival, flood buckets,
``retry_after`` deadlines) comes from the ``clock`` passed to the constructor.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from aiohttp import web

from tests.servers.telegram.changes import Changes
from tests.servers.telegram.chats import BotMessage, Chats
from tests.servers.telegram.errors import (
    CONFLICT_WEBHOOK,
    UPGRADED,
    ApiError,
    bad,
    blocked,
    html_error_page,
)
from tests.servers.telegram.faults import FaultInjection, take
from tests.servers.telegram.files import Files
from tests.servers.telegram.limits import FloodControl, Limits
from tests.servers.telegram.messages import UserActions
from tests.servers.telegram.params import (
    chat_id_of,
    decode,
    flag,
    json_param,
    opt_int,
    require_chat,
)
from tests.servers.telegram.updates import Updates
from tests.servers.telegram.writes import Writes

__all__ = ["Call", "DraftsMode", "FakeTelegram", "Reply"]

# How the server treats sendMessageDraft: "refused" is Telegram's 400 for bots without the
# feature, "missing" an older self-hosted Bot API server that does not know the method.
DraftsMode = Literal["ok", "refused", "missing"]
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


@dataclass
class Call:
    """One HTTP request the bot made, kept so tests can assert on what was asked and answered."""

    method: str
    params: dict[str, Any]
    at: float  # the server's clock when the request arrived
    status: int
    description: str | None
    result: Any
    chat_id: int | None
    lost: bool = False  # executed, but the client never got the answer (see lose_next)

    @property
    def ok(self) -> bool:
        """Whether Telegram would have answered ``"ok": true``."""
        return self.status == 200


@dataclass(frozen=True)
class Reply:
    """The answer to one call, as any transport must deliver it.

    ``body`` is exactly what the HTTP server sends (JSON, or an HTML error page), so a
    transport hands it to aiogram's ``check_response`` unchanged.
    """

    status: int
    body: str
    content_type: str = "application/json"
    lost: bool = False  # the call took effect but the answer never reaches the client


@dataclass
class _Described:
    """A successful result that Telegram accompanies with a description (setWebhook etc.)."""

    result: Any
    description: str


@dataclass
class _Method:
    name: str
    handler: Callable[[dict[str, Any], float], Awaitable[Any]]
    write: bool = False
    blockable: bool = False
    migrates: bool = False  # refused with migrate_to_chat_id once the group became a supergroup


def _describe(call: Call) -> str:
    params = json.dumps(call.params, ensure_ascii=False, default=str)
    if len(params) > 200:
        params = params[:197] + "..."
    outcome = "ok" if call.ok else f"{call.status} {call.description}"
    return f"  {call.at:.3f} {call.method} chat={call.chat_id} -> {outcome} {params}"


class FakeTelegram(UserActions, FaultInjection):
    """A Telegram Bot API look-alike served over real HTTP on 127.0.0.1.

    Everything runs on one event loop; the helper methods (``add_message`` etc.) must be
    called from that loop's thread.
    """

    def __init__(
        self,
        *,
        token: str = "123456:TEST-TOKEN",
        bot_id: int = 123456,
        username: str = "test_bot",
        first_name: str = "Test Bot",
        limits: Limits | None = None,
        drafts: DraftsMode = "ok",
        drafts_supported: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``drafts_supported`` is the older spelling: False means ``drafts="refused"``."""
        self.token = token
        self.bot_id = bot_id
        self.username = username
        self.first_name = first_name
        self.drafts_mode: DraftsMode = drafts  # ``drafts(chat_id)`` lists the drafts shown
        if drafts_supported is not None:
            self.drafts_supported = drafts_supported
        self.clock = clock

        self.calls: list[Call] = []
        self.too_many_requests = 0
        self.retry_after_violations = 0
        # Refusals of text the bot built: each one is a bug in how it prepares messages.
        self.empty_text_refusals = 0
        self.too_long_refusals = 0
        self.entity_refusals = 0
        self.webhook: dict[str, Any] | None = None
        self.download_gate: Callable[[], Awaitable[None]] | None = None
        """Awaited before each file download is served: a slow download, held by a test."""
        self.commands: list[dict[str, Any]] = []
        # (json.dumps(scope, sort_keys=True), language_code) -> commands
        self.commands_by_scope: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.callback_answers: list[dict[str, Any]] = []  # answerCallbackQuery calls
        self.internal_errors: list[str] = []  # tracebacks of bugs in this fake (answered 500)
        self._last_commands_key: tuple[str, str] | None = None
        self._calls_by_method: dict[str, list[Call]] = {}
        self._bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
        }

        self._changes = Changes()
        self._flood = FloodControl(limits)
        self._chats = Chats()
        self._files = Files()
        self._updates = Updates(self._changes)
        self._writes = Writes(self._chats, self._flood, self._bot_user)
        self._init_faults()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None

        writes = self._writes
        self._methods: dict[str, _Method] = {
            spec.name.lower(): spec
            for spec in (
                _Method("getMe", self._m_get_me),
                _Method("getUpdates", self._m_get_updates),
                _Method("setWebhook", self._m_set_webhook),
                _Method("deleteWebhook", self._m_delete_webhook),
                _Method("getWebhookInfo", self._m_get_webhook_info),
                _Method("setMyCommands", self._m_set_my_commands),
                _Method("deleteMyCommands", self._m_delete_my_commands),
                _Method("getMyCommands", self._m_get_my_commands),
                _Method("getFile", self._m_get_file),
                _Method("getChatMember", self._m_get_chat_member),
                _Method("getChatAdministrators", self._m_get_chat_administrators),
                _Method("answerCallbackQuery", self._m_answer_callback_query),
                _Method("close", self._m_true),
                _Method("logOut", self._m_true),
                _Method(
                    "sendMessage", writes.send_message, write=True, blockable=True, migrates=True
                ),
                _Method(
                    "editMessageText",
                    writes.edit_message_text,
                    write=True,
                    blockable=True,
                    migrates=True,
                ),
                _Method("sendMessageDraft", writes.send_message_draft, write=True, blockable=True),
                _Method("deleteMessage", writes.delete_message, write=True, migrates=True),
                _Method("sendChatAction", writes.send_chat_action, blockable=True, migrates=True),
            )
        }

    # ------------------------------------------------------------------ settings

    @property
    def drafts_supported(self) -> bool:
        """Whether sendMessageDraft works; setting False means ``drafts_mode = "refused"``."""
        return self.drafts_mode == "ok"

    @drafts_supported.setter
    def drafts_supported(self, supported: bool) -> None:
        self.drafts_mode = "ok" if supported else "refused"

    @property
    def limits(self) -> Limits | None:
        """Flood limits (None: unlimited); a chat's buckets take the limits of its first write."""
        return self._flood.limits

    @limits.setter
    def limits(self, limits: Limits | None) -> None:
        self._flood.limits = limits

    @property
    def max_text_units(self) -> int:
        """Longer texts (UTF-16 units, after cleaning) get "message is too long"; 4096."""
        return self._writes.max_text_units

    @max_text_units.setter
    def max_text_units(self, units: int) -> None:
        self._writes.max_text_units = units

    def revoke_token(self) -> None:
        """The owner revoked the token in @BotFather: every later call with it gets 401."""
        self.token = f"{self.bot_id}:REVOKED-{self._updates.next_id}"

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Bind a random free port on 127.0.0.1 and start serving."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        host, port = runner.addresses[0][:2]
        self._base_url = f"http://{host}:{port}"

    async def close(self) -> None:
        """Release long polls, then stop the server; safe to call twice."""
        self._closing = True
        self._changes.notify()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``; feed to ``TelegramAPIServer.from_base``."""
        if self._base_url is None:
            raise RuntimeError("FakeTelegram.start() has not been awaited")
        return self._base_url

    # ------------------------------------------------------------------ updates

    def add_update(self, update: dict[str, Any]) -> int:
        """Queue a raw update for getUpdates; assigns and returns its update_id."""
        return self._updates.add(update)

    def resend(self, update_id: int) -> None:
        """Deliver an update once more with the same update_id, at the head of the next
        getUpdates answer whatever its offset, as Telegram does when it believes the bot never
        received it (a webhook answer that timed out, a connection lost at the wrong moment)."""
        self._updates.resend(update_id)

    def take_updates(self) -> list[dict[str, Any]]:
        """Remove and return the queued updates: a test posting them to webhooks itself."""
        return self._updates.take()

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed by a getUpdates offset."""
        return len(self._updates)

    @property
    def waiting_polls(self) -> int:
        """getUpdates requests currently parked in a long poll."""
        return self._updates.waiting_polls

    # ------------------------------------------------------------------ what the user sees

    def calls_for(self, method: str, chat_id: int | None = None) -> list[Call]:
        """Calls of one method (case-insensitive), optionally to one chat, in order."""
        calls = self._calls_by_method.get(method.lower(), [])
        if chat_id is None:
            return list(calls)
        return [c for c in calls if c.chat_id == chat_id]

    @property
    def lost_calls(self) -> list[Call]:
        """Calls whose answer never reached the client, in order."""
        return [call for call in self.calls if call.lost]

    def bot_messages(self, chat_id: int) -> list[BotMessage]:
        """Messages the bot sent to a chat, in send order, deleted ones flagged."""
        return list(self._writes.bot_messages.get(chat_id, []))

    def visible_texts(self, chat_id: int) -> list[str]:
        """Current texts of the bot's messages the user can still see."""
        return [m.text for m in self._writes.bot_messages.get(chat_id, []) if not m.deleted]

    def timeline(self, chat_id: int) -> list[str]:
        """Every visible text change in order; drafts are prefixed ``draft:``."""
        return list(self._writes.timeline.get(chat_id, []))

    def drafts(self, chat_id: int) -> dict[int, list[str]]:
        """draft_id -> every text shown in that draft."""
        return {k: list(v) for k, v in self._writes.drafts.get(chat_id, {}).items()}

    def open_drafts(self, chat_id: int) -> dict[int, str]:
        """Drafts still on screen (a sent message or a stop without keep_on_stop clears them)."""
        return self._writes.open_drafts(chat_id)

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """Current Message object (user's or bot's) by id, or None if unknown."""
        stored = self._chats.message(chat_id, message_id)
        return None if stored is None else dict(stored.data)

    @property
    def not_modified_unexplained(self) -> int:
        """Answers "message is not modified" although the client saw (or could know) the
        current text: each one is an edit the bot should have known was useless."""
        return self._writes.not_modified_unexplained

    @property
    def downloads(self) -> list[str]:
        """File paths served by the file URL, in order."""
        return self._files.downloads

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until predicate() holds, re-checking after every call or update change."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            mark = self._changes.mark
            if predicate():
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = "\n".join(_describe(c) for c in self.calls[-20:]) or "  (none)"
                name = getattr(predicate, "__name__", repr(predicate))
                raise TimeoutError(
                    f"condition {name} not met within {timeout}s "
                    f"({len(self._updates)} unconfirmed updates); last calls:\n{recent}"
                )
            await self._changes.wait(mark, remaining)

    # ------------------------------------------------------------------ transports

    async def _not_found(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    async def _download(self, request: web.Request) -> web.Response:
        """``/file/bot{token}/{file_path}``: the bytes of a file getFile described."""
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        if self.download_gate is not None:
            await self.download_gate()
        data = self._files.download(request.match_info["path"])
        if data is None:
            return await self._not_found(request)
        return web.Response(body=data, content_type="application/octet-stream")

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise bad("can't parse JSON request body") from None
                if not isinstance(body, dict):
                    raise bad("JSON request body must be an object")
                raw.update(body)
            elif request.content_type in (
                "multipart/form-data",
                "application/x-www-form-urlencoded",
            ):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, str):
                        raw[key] = value
                    elif isinstance(value, web.FileField):
                        raw[key] = f"<file {value.filename}>"
                    else:
                        raw[key] = bytes(value).decode(errors="replace")
        return decode(raw)

    async def _handle(self, request: web.Request) -> web.Response:
        """HTTP shell over :meth:`_serve`; a lost answer closes the connection unanswered."""
        at = self.clock()
        reply = await self._serve(
            request.match_info["token"],
            request.match_info["method"],
            at,
            lambda: self._read_params(request),
            gone=lambda: request.transport is None or request.transport.is_closing(),
        )
        if reply.lost:
            if request.transport is not None:
                request.transport.close()
            return web.Response()  # never written: the transport is already closed
        return web.Response(text=reply.body, status=reply.status, content_type=reply.content_type)

    async def dispatch(self, token: str, method: str, params: dict[str, Any]) -> Reply:
        """Answer one Bot API call without HTTP.

        ``params`` are the fields an HTTP form would carry (strings, JSON-encoded where aiogram
        encodes them); already-decoded values are accepted too.
        """
        at = self.clock()

        async def read() -> dict[str, Any]:
            return decode(params)

        return await self._serve(token, method, at, read)

    # ------------------------------------------------------------------ dispatch

    def _count_refusal(self, description: str) -> None:
        if "message text is empty" in description:
            self.empty_text_refusals += 1
        elif "message is too long" in description:
            self.too_long_refusals += 1
        elif "can't parse entities" in description:
            self.entity_refusals += 1

    async def _serve(
        self,
        token: str,
        name: str,
        at: float,
        read: Callable[[], Awaitable[dict[str, Any]]],
        gone: Callable[[], bool] | None = None,
    ) -> Reply:
        """Run one call, record it and build the reply every transport sends.

        ``gone`` tells whether the client has hung up (HTTP only), for ``abandoned``.
        """
        spec = self._methods.get(name.lower())
        method = spec.name if spec is not None else name
        params: dict[str, Any] = {}
        chat_id: int | None = None
        status, description, result = 200, None, None
        parameters: dict[str, Any] | None = None
        lost = html = False
        try:
            params = await read()
            chat_id = chat_id_of(params.get("chat_id"))
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            if spec is None:
                raise ApiError(404, "Not Found")
            await self._hold(method.lower(), chat_id, gone, lambda: self._closing)
            lost = take(self._losses, method.lower(), chat_id) is not None
            if spec.write and self._flood.early(chat_id, at):
                self.retry_after_violations += 1
            injected = take(self._injected, method.lower(), chat_id)
            if injected is not None:
                html = injected.html
                raise ApiError(injected.code, injected.description, injected.parameters())
            if method == "sendMessageDraft" and self.drafts_mode == "missing":
                raise ApiError(404, "Not Found")
            if method == "sendMessageDraft" and self.drafts_mode == "refused":
                raise bad("method not available")
            if spec.migrates and chat_id in self._chats.migrated:
                raise ApiError(
                    400, UPGRADED, {"migrate_to_chat_id": self._chats.migrated[chat_id]}
                )
            if spec.blockable and chat_id is not None and chat_id in self._chats.blocked:
                raise blocked(chat_id, self._chats.chat(chat_id).get("type", "supergroup"))
            try:
                result = await spec.handler(params, at)
            except ApiError as exc:
                self._count_refusal(exc.description)
                raise
        except ApiError as exc:
            status, description, parameters = exc.code, exc.description, exc.parameters
        except web.HTTPRequestEntityTooLarge:
            status, description = 413, "Request Entity Too Large"
        except Exception:
            self.internal_errors.append(traceback.format_exc())
            status, description = 500, "Internal Server Error: bug in FakeTelegram"
        if status == 429:
            self.too_many_requests += 1
            retry_after = (parameters or {}).get("retry_after")
            if chat_id is not None and isinstance(retry_after, int):
                self._flood.refused(chat_id, at, retry_after)
        if isinstance(result, _Described):
            result, description = result.result, result.description
        if status == 200 and isinstance(result, dict) and chat_id is not None:
            stored = self._chats.message(chat_id, result.get("message_id", 0))
            if stored is not None:
                stored.changed_by_lost_call = lost
        call = Call(method, params, at, status, description, result, chat_id, lost)
        self.calls.append(call)
        self._calls_by_method.setdefault(method.lower(), []).append(call)
        self._changes.notify()
        if html:
            return Reply(status, html_error_page(status), "text/html", lost)
        if status == 200:
            body: dict[str, Any] = {"ok": True, "result": result}
            if description:
                body["description"] = description
        else:
            body = {"ok": False, "error_code": status, "description": description}
            if parameters:
                body["parameters"] = parameters
        return Reply(status, json.dumps(body), lost=lost)

    # ------------------------------------------------------------------ the bot's own settings

    async def _m_true(self, params: dict[str, Any], at: float) -> Any:
        return True

    async def _m_answer_callback_query(self, params: dict[str, Any], at: float) -> Any:
        """The bot's answer to a tap: kept in ``callback_answers`` (id, text, show_alert)."""
        if not params.get("callback_query_id"):
            raise ApiError(400, "Bad Request: QUERY_ID_INVALID")
        self.callback_answers.append(dict(params))
        return True

    async def _m_get_me(self, params: dict[str, Any], at: float) -> Any:
        return {
            **self._bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _m_get_updates(self, params: dict[str, Any], at: float) -> Any:
        if self.webhook is not None:
            raise ApiError(409, CONFLICT_WEBHOOK)
        offset = opt_int(params, "offset") or 0
        limit = min(max(opt_int(params, "limit") or 100, 1), 100)
        timeout = max(opt_int(params, "timeout") or 0, 0)
        return await self._updates.poll(offset, limit, timeout, lambda: self._closing)

    async def _m_set_webhook(self, params: dict[str, Any], at: float) -> Any:
        url = params.get("url") or ""
        if not isinstance(url, str):
            raise bad("bad webhook: invalid URL")
        if flag(params.get("drop_pending_updates")):
            self._updates.clear()
        if not url:
            self.webhook = None
            return _Described(True, "Webhook was deleted")
        if not url.startswith("https://"):
            raise bad("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = {k: v for k, v in params.items() if k != "drop_pending_updates"}
        return _Described(True, "Webhook was set")

    async def _m_delete_webhook(self, params: dict[str, Any], at: float) -> Any:
        if flag(params.get("drop_pending_updates")):
            self._updates.clear()
        had = self.webhook is not None
        self.webhook = None
        return _Described(True, "Webhook was deleted" if had else "Webhook is already deleted")

    async def _m_get_webhook_info(self, params: dict[str, Any], at: float) -> Any:
        info: dict[str, Any] = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook is not None:
            info["url"] = self.webhook["url"]
            info["max_connections"] = opt_int(self.webhook, "max_connections") or 40
            for key in ("allowed_updates", "ip_address"):
                if key in self.webhook:
                    info[key] = self.webhook[key]
        return info

    def _scope_key(self, params: dict[str, Any]) -> tuple[str, str]:
        scope = json_param(params, "scope", "scope") or {"type": "default"}
        if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
            raise bad("can't parse scope JSON object")
        language = params.get("language_code") or ""
        return json.dumps(scope, sort_keys=True), str(language)

    async def _m_set_my_commands(self, params: dict[str, Any], at: float) -> Any:
        commands = json_param(params, "commands", "commands")
        if not isinstance(commands, list):
            raise bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad("BOT_COMMANDS_TOO_MUCH")
        clean: list[dict[str, Any]] = []
        for cmd in commands:
            if not isinstance(cmd, dict):
                raise bad("can't parse BotCommand JSON object")
            name, desc = cmd.get("command"), cmd.get("description")
            if not isinstance(name, str) or not _COMMAND_RE.fullmatch(name):
                raise bad("BOT_COMMAND_INVALID")
            if not isinstance(desc, str) or not 1 <= len(desc) <= 256:
                raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": name, "description": desc})
        key = self._scope_key(params)
        self.commands_by_scope[key] = clean
        self.commands = clean
        self._last_commands_key = key
        return True

    async def _m_delete_my_commands(self, params: dict[str, Any], at: float) -> Any:
        key = self._scope_key(params)
        self.commands_by_scope.pop(key, None)
        if self._last_commands_key == key:
            self.commands = []
        return True

    async def _m_get_my_commands(self, params: dict[str, Any], at: float) -> Any:
        return list(self.commands_by_scope.get(self._scope_key(params), []))

    async def _m_get_file(self, params: dict[str, Any], at: float) -> Any:
        return self._files.get_file(params.get("file_id"))

    async def _m_get_chat_member(self, params: dict[str, Any], at: float) -> Any:
        chat_id = require_chat(params)
        user_id = opt_int(params, "user_id")
        if user_id is None:
            raise bad("user_id is empty")
        if chat_id > 0 and user_id not in (chat_id, self.bot_id):
            raise bad("user not found")
        return self._chats.member(chat_id, user_id, self._bot_user)

    async def _m_get_chat_administrators(self, params: dict[str, Any], at: float) -> Any:
        chat_id = require_chat(params)
        if chat_id > 0:
            raise bad("there are no administrators in the private chat")
        admins = self._chats.admins(chat_id)
        return [self._chats.member(chat_id, uid, self._bot_user) for uid in admins]
