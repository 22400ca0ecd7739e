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
        "/model – choose this chat's model; /mode – choose a persona\n"
        "/usage – the tokens you used today and this month\n\n"
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
    "cmd_model": "Choose the model for this chat",
    "cmd_mode": "Choose a persona for this chat",
    "cmd_usage": "Tokens you used today and this month",
    "model_current": "Model for this chat: {model}. Tap another to switch.",
    "model_chosen": "Done: this chat now uses {model}.",
    "model_default": "Done: this chat uses the default model, {model}, again.",
    "model_unknown": "The model {name} is not offered here. Choose one of these:",
    "model_gone": "That model is no longer offered. Choose one of these:",
    "model_more": "{count} more models are offered: switch with /model NAME.",
    "model_admins_only": "Only the group's administrators can change its model.",
    "mode_current": "Persona for this chat: {persona}. Tap another to switch.",
    "mode_none": "This chat has no persona. Tap one to choose it:",
    "mode_chosen": "Done: {persona} from now on in this chat.",
    "mode_chosen_model": "Done: {persona} from now on in this chat, with the model {model}.",
    "mode_cleared": "Done: no persona; this chat uses the default instructions again.",
    "mode_unknown": "There is no persona {name}. Choose one of these:",
    "mode_admins_only": "Only the group's administrators can change its persona.",
    "usage": "Your tokens\nToday: {today}\nThis month: {month}",
    "usage_estimated": "Of these, {tokens} are estimated from characters.",
    "usage_limits": "Your limits: {daily} a day, {monthly} a month (UTC).",
    "usage_no_limits": "You have no limits.",
    "usage_unlimited": "none",
    "usage_failed": "Sorry, your usage cannot be read right now. Please try again later.",
    "budget_daily": ("You have used your daily limit of {limit} tokens. It resets at {resets}."),
    "budget_monthly": (
        "You have used your monthly limit of {limit} tokens. It resets at {resets}."
    ),
    "stats_admins_only": "/stats is for the bot's administrators only.",
    "stats_days": "Tokens (answers) by day, UTC:",
    "stats_models": "By model, these 7 days:",
    "stats_users": "Top users (id: tokens), these 7 days:",
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
        "/model – выбрать модель этого чата; /mode – выбрать персону\n"
        "/usage – сколько токенов вы потратили сегодня и за месяц\n\n"
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
    "cmd_model": "Выбрать модель для этого чата",
    "cmd_mode": "Выбрать персону для этого чата",
    "cmd_usage": "Сколько токенов вы потратили сегодня и за месяц",
    "model_current": "Модель этого чата: {model}. Нажмите другую, чтобы сменить.",
    "model_chosen": "Готово: теперь в этом чате модель {model}.",
    "model_default": "Готово: в этом чате снова модель по умолчанию, {model}.",
    "model_unknown": "Модели {name} здесь нет. Выберите одну из этих:",
    "model_gone": "Этой модели больше нет. Выберите одну из этих:",
    "model_more": "Есть ещё {count} моделей: выберите командой /model НАЗВАНИЕ.",
    "model_admins_only": "Менять модель группы могут только её администраторы.",
    "mode_current": "Персона этого чата: {persona}. Нажмите другую, чтобы сменить.",
    "mode_none": "У этого чата нет персоны. Нажмите, чтобы выбрать:",
    "mode_chosen": "Готово: теперь в этом чате {persona}.",
    "mode_chosen_model": "Готово: теперь в этом чате {persona}, с моделью {model}.",
    "mode_cleared": "Готово: персоны нет, в этом чате снова указания по умолчанию.",
    "mode_unknown": "Персоны {name} нет. Выберите одну из этих:",
    "mode_admins_only": "Менять персону группы могут только её администраторы.",
    "usage": "Ваши токены\nСегодня: {today}\nЗа этот месяц: {month}",
    "usage_estimated": "Из них {tokens} оценены по числу символов.",
    "usage_limits": "Ваши лимиты: {daily} в день, {monthly} в месяц (UTC).",
    "usage_no_limits": "У вас нет лимитов.",
    "usage_unlimited": "нет",
    "usage_failed": "Не удалось прочитать ваш расход. Попробуйте позже.",
    "budget_daily": "Вы израсходовали дневной лимит в {limit} токенов. Он обновится {resets}.",
    "budget_monthly": (
        "Вы израсходовали месячный лимит в {limit} токенов. Он обновится {resets}."
    ),
    "stats_admins_only": "/stats доступна только администраторам бота.",
    "stats_days": "Токены (ответы) по дням, UTC:",
    "stats_models": "По моделям за эти 7 дней:",
    "stats_users": "Самые активные (id: токены) за эти 7 дней:",
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
