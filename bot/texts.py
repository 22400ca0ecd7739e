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
        "/retry – answer your last message again\n\n"
        "In groups I answer when you mention me (@{username}) or reply to one of my messages; "
        "each group has one shared conversation, and I see who wrote what."
    ),
    "reset": "Done: I forgot our conversation. Let's start over.",
    "nothing_to_retry": "There is nothing to retry yet: send me a message first.",
    "text_only": "I can only read text messages. Please write your question as text.",
    "failed": "Sorry, I could not get an answer: {reason}. Please try again in a moment.",
    "interrupted": "⚠️ The answer was interrupted: {reason}.",
    "stopped": "⏹ Stopped.",
    "shutdown": "⚠️ The answer was interrupted: the bot is restarting. Please ask again.",
    "empty": "the model returned an empty answer",
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
    "thinking": "💭 Thinking…",
    "thoughts": "💭 Thoughts",
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
    "cmd_retry": "Answer the last message again",
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
        "/retry – ответить на ваше последнее сообщение заново\n\n"
        "В группах я отвечаю, когда меня упоминают (@{username}) или отвечают на моё "
        "сообщение; у группы один общий разговор, и я вижу, кто что написал."
    ),
    "reset": "Готово: я забыл наш разговор. Начнём заново.",
    "nothing_to_retry": "Пока нечего повторять: сначала напишите мне сообщение.",
    "text_only": "Я понимаю только текстовые сообщения. Напишите, пожалуйста, вопрос текстом.",
    "failed": "Извините, не удалось получить ответ: {reason}. Попробуйте ещё раз чуть позже.",
    "interrupted": "⚠️ Ответ прерван: {reason}.",
    "stopped": "⏹ Остановлено.",
    "shutdown": "⚠️ Ответ прерван: бот перезапускается. Спросите, пожалуйста, ещё раз.",
    "empty": "модель вернула пустой ответ",
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
    "thinking": "💭 Размышляю…",
    "thoughts": "💭 Размышления",
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
    "cmd_retry": "Ответить на последнее сообщение заново",
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
