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
        "(group admins only), /system reset goes back to the default\n\n"
        "Reply to any message (or quote part of it) and I see what you replied to. Send a "
        "picture, with a question in its caption, and I look at it if the model can see "
        "pictures. Send a voice message and I answer what I hear; send a file (text, PDF, "
        "Word) with a question in its caption and I read it. A model that thinks first shows "
        "its thoughts folded above the answer.\n\n"
        "In groups I answer when you mention me (@{username}) or reply to one of my messages, "
        "also in a picture's caption; each group has one shared conversation, and I see who "
        "wrote what."
    ),
    "reset": "Done: I forgot our conversation. Let's start over.",
    "nothing_to_retry": "There is nothing to retry yet: send me a message first.",
    "text_only": (
        "I can read text, pictures, voice messages, audio, videos and files (text, PDF, Word) "
        "only. Please write your question as text."
    ),
    "picture_unseen": "ℹ️ This model cannot see pictures, so I answered the text only.",
    "picture_too_big": (
        "ℹ️ The picture is larger than 20 MB, the most a bot may download, so I answered the "
        "text only."
    ),
    "picture_unreadable": "ℹ️ I could not read the picture, so I answered the text only.",
    "heard": "🎙 I heard:",
    "speech_off": "🎙 Voice messages are switched off on this bot. Please write your question.",
    "speech_not_configured": (
        "🎙 Voice messages are not set up on this bot (no speech-to-text). Please write your "
        "question."
    ),
    "speech_too_long": (
        "🎙 This recording is {seconds} s long; I transcribe up to {limit} s "
        "(MAX_VOICE_SECONDS). Please send a shorter one."
    ),
    "speech_undecodable": "🎙 I could not decode this audio. Please record or send it again.",
    "speech_silence": "🎙 I could not hear any words in this recording.",
    "speech_unreachable": (
        "🎙 The speech-to-text server is unreachable, so I could not transcribe this. Please "
        "try again later."
    ),
    "speech_unauthorized": (
        "🎙 The speech-to-text server refused this bot's key, so I could not transcribe this."
    ),
    "speech_too_big": "🎙 This recording is too large for the speech-to-text server.",
    "speech_busy": (
        "🎙 The speech-to-text server is busy (too many requests). Please try again in a moment."
    ),
    "speech_server_error": (
        "🎙 The speech-to-text server failed (a server error). Please try again later."
    ),
    "speech_timeout": (
        "🎙 The speech-to-text server did not answer in time. Please try again later."
    ),
    "speech_rejected": "🎙 The speech-to-text server refused this recording.",
    "download_too_big": (
        "📎 This file is larger than {limit}, the most a bot may download, so I could not read it."
    ),
    "download_too_big_unknown": (
        "📎 This file is larger than a bot may download, so I could not read it."
    ),
    "download_unreadable": "📎 I could not download this file from Telegram. Please resend it.",
    "document_unsupported": "📎 I cannot read this type of file. I read {supported}.",
    "document_binary": (
        "📎 This file does not look like text, so I cannot read it. I read {supported}."
    ),
    "document_encrypted": "📎 This PDF is protected with a password, so I cannot read it.",
    "document_broken": "📎 This file is damaged, so I cannot read it.",
    "document_scanned": (
        "📎 This PDF has no text layer (it is a scan), and I cannot read text in pictures yet."
    ),
    "document_empty": "📎 There is no text in this file.",
    "document_too_big": "📎 This file unpacks to more than I can read.",
    "document_cut": (
        "✂️ The file is long: I read its first {kept} of {total} characters (MAX_DOCUMENT_CHARS)."
    ),
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
        "только админы), /system reset возвращает указания по умолчанию\n\n"
        "Ответьте на любое сообщение (или процитируйте его часть), и я увижу, на что вы "
        "отвечаете. Пришлите картинку с вопросом в подписи, и я посмотрю на неё, если модель "
        "умеет видеть. Пришлите голосовое, и я отвечу на то, что услышал; пришлите файл "
        "(текст, PDF, Word) с вопросом в подписи, и я его прочитаю. Модель, которая сначала "
        "размышляет, показывает размышления свёрнутыми "
        "над ответом.\n\n"
        "В группах я отвечаю, когда меня упоминают (@{username}) или отвечают на моё "
        "сообщение, в том числе в подписи к картинке; у группы один общий разговор, и я вижу, "
        "кто что написал."
    ),
    "reset": "Готово: я забыл наш разговор. Начнём заново.",
    "nothing_to_retry": "Пока нечего повторять: сначала напишите мне сообщение.",
    "text_only": (
        "Я понимаю только текст, картинки, голосовые, аудио, видео и файлы (текст, PDF, Word). "
        "Напишите, пожалуйста, вопрос текстом."
    ),
    "picture_unseen": "ℹ️ Эта модель не видит картинок, поэтому я ответил только на текст.",
    "picture_too_big": (
        "ℹ️ Картинка больше 20 МБ — больше, чем бот может скачать, поэтому я ответил только "
        "на текст."
    ),
    "picture_unreadable": "ℹ️ Не удалось прочитать картинку, поэтому я ответил только на текст.",
    "heard": "🎙 Я услышал:",
    "speech_off": "🎙 Голосовые сообщения в этом боте выключены. Напишите, пожалуйста, вопрос.",
    "speech_not_configured": (
        "🎙 Голосовые сообщения в этом боте не настроены (нет распознавания речи). Напишите, "
        "пожалуйста, вопрос."
    ),
    "speech_too_long": (
        "🎙 Эта запись длится {seconds} с; я распознаю не больше {limit} с "
        "(MAX_VOICE_SECONDS). Пришлите, пожалуйста, запись покороче."
    ),
    "speech_undecodable": "🎙 Не удалось декодировать это аудио. Запишите или пришлите его заново.",
    "speech_silence": "🎙 Я не расслышал в этой записи ни одного слова.",
    "speech_unreachable": (
        "🎙 Сервер распознавания речи недоступен, поэтому я не смог расшифровать запись. "
        "Попробуйте позже."
    ),
    "speech_unauthorized": (
        "🎙 Сервер распознавания речи отклонил ключ бота, поэтому я не смог расшифровать запись."
    ),
    "speech_too_big": "🎙 Запись слишком велика для сервера распознавания речи.",
    "speech_busy": (
        "🎙 Сервер распознавания речи перегружен (слишком много запросов). Попробуйте чуть позже."
    ),
    "speech_server_error": (
        "🎙 Сервер распознавания речи дал сбой (ошибка сервера). Попробуйте позже."
    ),
    "speech_timeout": "🎙 Сервер распознавания речи не ответил вовремя. Попробуйте позже.",
    "speech_rejected": "🎙 Сервер распознавания речи отклонил эту запись.",
    "download_too_big": (
        "📎 Файл больше {limit} — больше, чем бот может скачать, поэтому я не смог его прочитать."
    ),
    "download_too_big_unknown": (
        "📎 Файл больше, чем бот может скачать, поэтому я не смог его прочитать."
    ),
    "download_unreadable": (
        "📎 Не удалось скачать файл из Telegram. Пришлите его, пожалуйста, ещё раз."
    ),
    "document_unsupported": "📎 Такие файлы я не читаю. Я читаю: {supported}.",
    "document_binary": (
        "📎 Этот файл не похож на текст, я не могу его прочитать. Я читаю: {supported}."
    ),
    "document_encrypted": "📎 Этот PDF защищён паролем, поэтому я не могу его прочитать.",
    "document_broken": "📎 Файл повреждён, поэтому я не могу его прочитать.",
    "document_scanned": (
        "📎 В этом PDF нет текстового слоя (это скан), а текст на картинках я пока не читаю."
    ),
    "document_empty": "📎 В этом файле нет текста.",
    "document_too_big": "📎 Файл распаковывается в больший объём, чем я могу прочитать.",
    "document_cut": (
        "✂️ Файл длинный: я прочитал первые {kept} из {total} символов (MAX_DOCUMENT_CHARS)."
    ),
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
