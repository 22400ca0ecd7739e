"""Every sentence the bot writes itself, per language. A new language is one more dictionary."""

from __future__ import annotations

from typing import Final

DEFAULT_LANGUAGE: Final = "en"

_EN: Final[dict[str, str]] = {
    "start": (
        "Hi, {name}! I am a chat bot: write me anything and I will answer as the text is "
        "generated, right here in the chat. I remember our conversation; /reset starts over, "
        "/help tells more."
    ),
    "help": (
        "Write me a message and I answer it, streaming the reply as it is written.\n\n"
        "Commands:\n"
        "/start – greeting\n"
        "/help – this help\n"
        "/reset – forget our conversation (and stop an answer in progress)\n"
        "/retry – ask your last question again, answered or not\n"
        "/system – show this chat's instructions for the model; /system <text> sets them "
        "(group admins only), /system reset goes back to the default\n"
        "/tools – the tools the model can use in this chat\n\n"
        "Reply to any message (or quote part of it) and I see what you replied to. Send a "
        "picture, with a question in its caption, and I look at it if the model can see "
        "pictures. A model that thinks first shows its thoughts folded above the answer.\n\n"
        "In groups I answer when you mention me (@{username}) or reply to one of my messages, "
        "also in a picture's caption; each group has one shared conversation, and I see who "
        "wrote what."
    ),
    "reset": "Done: I forgot our conversation. Let's start over.",
    "nothing_to_retry": "There is nothing to retry yet: send me a message first.",
    "text_only": "I can read text and pictures only. Please write your question as text.",
    "picture_unseen": "ℹ️ This model cannot see pictures, so I answered the text only.",
    "picture_too_big": (
        "ℹ️ The picture is larger than 20 MB, the most a bot may download, so I answered the "
        "text only."
    ),
    "picture_unreadable": "ℹ️ I could not read the picture, so I answered the text only.",
    "system_show": "This chat's instructions for the model:\n\n{prompt}",
    "system_default": "This chat uses the default instructions for the model:\n\n{prompt}",
    "system_none": ("This chat has no instructions for the model. Set some with /system <text>."),
    "system_set": "Done: the model follows these instructions in this chat from now on.",
    "system_cleared": "Done: this chat uses the default instructions again.",
    "system_admins_only": "Only the group's administrators can change its instructions.",
    "failed": "Sorry, I could not get an answer: {reason}. Please try again in a moment.",
    "interrupted": "⚠️ The answer was interrupted: {reason}.",
    "stopped": "⏹ Stopped.",
    "shutdown": "⚠️ The answer was interrupted: the bot is restarting. Please ask again.",
    "reason_empty": "the model returned an empty answer",
    "too_slow": (
        "Sorry, the model took too long to answer (longer than this bot allows). Please try "
        "again, or ask for something shorter."
    ),
    "too_slow_cut": "⚠️ The answer was cut: the model took longer than this bot allows.",
    "length_cut": "✂️ The model's length limit cut this answer short.",
    "length_thinking": (
        "Sorry, the model reached its length limit while still thinking, before it could "
        "answer. Please ask again, perhaps for something smaller."
    ),
    "part_refused": "⚠️ Telegram refused to show this part of the answer.",
    "second_attempt": (
        "↻ The bot server answering this stopped before it finished; this is a second try."
    ),
    "database_lost": (
        "⚠️ The answer was interrupted: the bot lost its connection to its database. It will "
        "answer again as soon as the connection is back."
    ),
    "thinking": "💭 Thinking…",
    "thoughts": "💭 Thoughts",
    "tools": "🔧 Tools",
    "tool_running": "🔧 {call}…",
    "tool_ended": "🔧 {call} — {outcome}",
    "tool_recorded": "{call} — {outcome}",
    "tools_earlier": "… {count} earlier",
    "tool_done": "done",
    "tool_failed": "failed",
    "tool_timed_out": "timed out",
    "tool_invalid_arguments": "invalid arguments",
    "tool_unknown_tool": "no such tool",
    "tool_invalid_result": "invalid result",
    "tool_unavailable": "server unavailable",
    "tool_cancelled": "cancelled",
    "tools_cut_short": (
        "ℹ️ The model wanted more than {rounds} rounds of tool calls, the most this bot allows; "
        "it answered with what it had."
    ),
    "tools_list": "Tools the model can use in this chat:",
    "tools_none": "The model has no tools in this chat.",
    "tools_not_offered": "The model cannot call tools here: its backend has no tool calling.",
    "tools_server_up": "✅ {name}: {tools}",
    "tools_server_empty": "✅ {name}: no tools",
    "tools_server_down": "⚠️ {name}: down ({error}); retrying",
    "cmd_tools": "Tools the model can use",
    "reason_unavailable": "the model service is unavailable",
    "reason_timeout": "the model service did not respond in time",
    "reason_rejected": "the model service rejected the request",
    "reason_failed": "the model service failed",
    "not_allowed": ("Sorry, this bot is private. Ask its owner to allow your user id {user_id}."),
    "rate_limited": "You are sending messages too fast. Please wait {seconds} s and try again.",
    "too_long": (
        "Your message is {length} characters long; the limit is {limit}. Please shorten it."
    ),
    "cmd_start": "Greeting and what the bot does",
    "cmd_help": "How to use the bot",
    "cmd_reset": "Forget the conversation",
    "cmd_retry": "Ask the last question again",
    "cmd_system": "Show or set the model's instructions",
}

_RU: Final[dict[str, str]] = {
    "start": (
        "Привет, {name}! Я чат-бот: напишите мне что угодно, и я отвечу прямо здесь, "
        "показывая текст по мере его создания. Я помню наш разговор; /reset начинает заново, "
        "/help расскажет больше."
    ),
    "help": (
        "Напишите мне сообщение, и я отвечу, показывая ответ по мере его написания.\n\n"
        "Команды:\n"
        "/start – приветствие\n"
        "/help – эта справка\n"
        "/reset – забыть разговор (и остановить текущий ответ)\n"
        "/retry – задать ваш последний вопрос заново, даже если ответа не было\n"
        "/system – показать указания модели в этом чате; /system <текст> задаёт их (в группах "
        "только админы), /system reset возвращает указания по умолчанию\n"
        "/tools – инструменты, которые модель может вызывать в этом чате\n\n"
        "Ответьте на любое сообщение (или процитируйте его часть), и я увижу, на что вы "
        "отвечаете. Пришлите картинку с вопросом в подписи, и я посмотрю на неё, если модель "
        "умеет видеть. Модель, которая сначала размышляет, показывает размышления свёрнутыми "
        "над ответом.\n\n"
        "В группах я отвечаю, когда меня упоминают (@{username}) или отвечают на моё "
        "сообщение, в том числе в подписи к картинке; у группы один общий разговор, и я вижу, "
        "кто что написал."
    ),
    "reset": "Готово: я забыл наш разговор. Начнём заново.",
    "nothing_to_retry": "Пока нечего повторять: сначала напишите мне сообщение.",
    "text_only": "Я понимаю только текст и картинки. Напишите, пожалуйста, вопрос текстом.",
    "picture_unseen": "ℹ️ Эта модель не видит картинок, поэтому я ответил только на текст.",
    "picture_too_big": (
        "ℹ️ Картинка больше 20 МБ — больше, чем бот может скачать, поэтому я ответил только "
        "на текст."
    ),
    "picture_unreadable": "ℹ️ Не удалось прочитать картинку, поэтому я ответил только на текст.",
    "system_show": "Указания модели в этом чате:\n\n{prompt}",
    "system_default": "В этом чате действуют указания по умолчанию:\n\n{prompt}",
    "system_none": "В этом чате нет указаний для модели. Задайте их: /system <текст>.",
    "system_set": "Готово: теперь в этом чате модель следует этим указаниям.",
    "system_cleared": "Готово: в этом чате снова действуют указания по умолчанию.",
    "system_admins_only": "Менять указания в группе могут только её администраторы.",
    "failed": "Извините, не удалось получить ответ: {reason}. Попробуйте ещё раз чуть позже.",
    "interrupted": "⚠️ Ответ прерван: {reason}.",
    "stopped": "⏹ Остановлено.",
    "shutdown": "⚠️ Ответ прерван: бот перезапускается. Спросите, пожалуйста, ещё раз.",
    "reason_empty": "модель вернула пустой ответ",
    "too_slow": (
        "Извините, модель отвечала слишком долго (дольше, чем позволяет бот). Попробуйте "
        "ещё раз или попросите о чём-нибудь покороче."
    ),
    "too_slow_cut": "⚠️ Ответ обрезан: модель отвечала дольше, чем позволяет бот.",
    "length_cut": "✂️ Ответ обрезан ограничением длины модели.",
    "length_thinking": (
        "Извините, модель упёрлась в ограничение длины, ещё размышляя, и не успела ответить. "
        "Спросите ещё раз, возможно, о чём-то поменьше."
    ),
    "part_refused": "⚠️ Telegram отказался показать эту часть ответа.",
    "second_attempt": (
        "↻ Сервер бота, отвечавший на это, остановился, не закончив; это вторая попытка."
    ),
    "database_lost": (
        "⚠️ Ответ прерван: бот потерял связь со своей базой данных. Он ответит снова, как только "
        "связь восстановится."
    ),
    "thinking": "💭 Размышляю…",
    "thoughts": "💭 Размышления",
    "tools": "🔧 Инструменты",
    "tool_running": "🔧 {call}…",
    "tool_ended": "🔧 {call} — {outcome}",
    "tool_recorded": "{call} — {outcome}",
    "tools_earlier": "… ещё {count} раньше",
    "tool_done": "готово",
    "tool_failed": "ошибка",
    "tool_timed_out": "время вышло",
    "tool_invalid_arguments": "неверные аргументы",
    "tool_unknown_tool": "нет такого инструмента",
    "tool_invalid_result": "неверный результат",
    "tool_unavailable": "сервер недоступен",
    "tool_cancelled": "отменено",
    "tools_cut_short": (
        "ℹ️ Модель хотела вызывать инструменты дольше {rounds} раундов — больше, чем позволяет "
        "бот; она ответила с тем, что уже узнала."
    ),
    "tools_list": "Инструменты, доступные модели в этом чате:",
    "tools_none": "В этом чате у модели нет инструментов.",
    "tools_not_offered": "Здесь модель не может вызывать инструменты: её бэкенд этого не умеет.",
    "tools_server_up": "✅ {name}: {tools}",
    "tools_server_empty": "✅ {name}: нет инструментов",
    "tools_server_down": "⚠️ {name}: недоступен ({error}); повторяю попытки",
    "cmd_tools": "Инструменты модели",
    "reason_unavailable": "сервис модели недоступен",
    "reason_timeout": "сервис модели не ответил вовремя",
    "reason_rejected": "сервис модели отклонил запрос",
    "reason_failed": "сервис модели дал сбой",
    "not_allowed": ("Извините, это закрытый бот. Попросите владельца разрешить ваш id {user_id}."),
    "rate_limited": "Вы пишете слишком часто. Подождите {seconds} с и попробуйте снова.",
    "too_long": (
        "В вашем сообщении {length} символов, а можно не больше {limit}. Сократите его, "
        "пожалуйста."
    ),
    "cmd_start": "Приветствие и что умеет бот",
    "cmd_help": "Как пользоваться ботом",
    "cmd_reset": "Забыть разговор",
    "cmd_retry": "Задать последний вопрос заново",
    "cmd_system": "Показать или задать указания модели",
}

LANGUAGES: Final[dict[str, dict[str, str]]] = {"en": _EN, "ru": _RU}


def pick_language(code: str | None) -> str:
    """Telegram sends IETF tags such as `ru` or `en-US`; unknown languages get English."""
    base = (code or "").split("-")[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def t(lang: str, key: str, **values: object) -> str:
    """The sentence `key` in `lang` (English when missing), with `values` filled in."""
    table = LANGUAGES.get(lang, _EN)
    return table.get(key, _EN[key]).format(**values)


def reason(lang: str, kind: str) -> str:
    """A backend error kind (`BackendError.reason`) in words."""
    key = f"reason_{kind}"
    return t(lang, key if key in _EN else "reason_failed")
