"""The bot's sentences in English, the reference: every other language has exactly these keys,
with the same placeholders. How to add a sentence: bot/texts.py."""

from __future__ import annotations

from typing import Final

TEXTS: Final[dict[str, str]] = {
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
        "/system – show this chat's instructions for the model; /system <text> sets them (group "
        "admins only), /system reset goes back to the default\n\n"
        "Reply to any message (or quote part of it) and I see what you replied to. Send a "
        "picture, with a question in its caption, and I look at it if the model can see pictures. "
        "A model that thinks first shows its thoughts folded above the answer.\n\n"
        "In groups I answer when you mention me (@{username}) or reply to one of my messages, "
        "also in a picture's caption; each group has one shared conversation, and I see who wrote "
        "what."
    ),
    "reset": "Done: I forgot our conversation. Let's start over.",
    "nothing_to_retry": "There is nothing to retry yet: send me a message first.",
    "text_only": "I can read text and pictures only. Please write your question as text.",
    "picture_unseen": "ℹ️ This model cannot see pictures, so I answered the text only.",
    "picture_too_big": (
        "ℹ️ The picture is larger than 20 MB, the most a bot may download, so I answered the text "
        "only."
    ),
    "picture_unreadable": "ℹ️ I could not read the picture, so I answered the text only.",
    "system_show": "This chat's instructions for the model:\n\n{prompt}",
    "system_default": "This chat uses the default instructions for the model:\n\n{prompt}",
    "system_none": "This chat has no instructions for the model. Set some with /system <text>.",
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
        "Sorry, the model reached its length limit while still thinking, before it could answer. "
        "Please ask again, perhaps for something smaller."
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
    "not_allowed": "Sorry, this bot is private. Ask its owner to allow your user id {user_id}.",
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
