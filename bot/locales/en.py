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
        "admins only), /system reset goes back to the default\n"
        "/model – choose this chat's model; /mode – choose a persona\n"
        "/usage – your tokens today and this month\n"
        "/tools – the tools the model can use in this chat\n\n"
        "Reply to any message (or quote part of it) and I see what you replied to. Send a "
        "picture, with a question in its caption, and I look at it if the model can see pictures. "
        "Send a voice message and I answer what I hear; send a file (text, PDF, Word) with a "
        "question in its caption and I read it. A model that thinks first shows its thoughts "
        "folded above the answer.\n\n"
        "In groups I answer when you mention me (@{username}) or reply to one of my messages, "
        "also in a picture's caption; each group has one shared conversation, and I see who wrote "
        "what."
    ),
    "reset": "Done: I forgot our conversation. Let's start over.",
    "nothing_to_retry": "There is nothing to retry yet: send me a message first.",
    "text_only": (
        "I can read text, pictures, voice messages, audio, videos and files (text, PDF, Word) "
        "only. Please write your question as text."
    ),
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
    "budget_daily": "You have used your daily limit of {limit} tokens. It resets at {resets}.",
    "budget_monthly": "You have used your monthly limit of {limit} tokens. It resets at {resets}.",
    "stats_admins_only": "/stats is for the bot's administrators only.",
    "stats_days": "Tokens (answers) by day, UTC:",
    "stats_models": "By model, these 7 days:",
    "stats_users": "Top users (id: tokens), these 7 days:",
    "picture_unseen_alone": (
        "ℹ️ This model cannot see pictures. Please ask your question about it in text."
    ),
    "picture_too_big_alone": (
        "ℹ️ The picture is larger than 20 MB, the most a bot may download, so I cannot look at it. "
        "Please send a smaller one, or ask your question in text."
    ),
    "picture_unreadable_alone": (
        "ℹ️ I could not read the picture. Please send it again, or ask your question in text."
    ),
    "misconfigured": (
        "Sorry, I cannot answer: the bot is misconfigured (its model service refuses the bot's "
        "settings). The bot's operator has been told; trying again will not help until they fix "
        "it."
    ),
    "heard": "🎙 I heard:",
    "speech_off": "🎙 Voice messages are switched off on this bot. Please write your question.",
    "speech_not_configured": (
        "🎙 Voice messages are not set up on this bot (no speech-to-text). Please write your "
        "question."
    ),
    "speech_too_long": (
        "🎙 This recording is {seconds} s long; I transcribe up to {limit} s (MAX_VOICE_SECONDS). "
        "Please send a shorter one."
    ),
    "speech_undecodable": "🎙 I could not decode this audio. Please record or send it again.",
    "speech_silence": "🎙 I could not hear any words in this recording.",
    "speech_unreachable": (
        "🎙 The speech-to-text server is unreachable, so I could not transcribe this. Please try "
        "again later."
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
        "ℹ️ The model wanted more than {rounds} rounds of tool calls, the most this bot allows; it "
        "answered with what it had."
    ),
    "tools_list": "Tools the model can use in this chat:",
    "tools_none": "The model has no tools in this chat.",
    "tools_not_offered": "The model cannot call tools here: its backend has no tool calling.",
    "tools_server_up": "✅ {name}: {tools}",
    "tools_server_empty": "✅ {name}: no tools",
    "tools_server_down": "⚠️ {name}: down ({error}); retrying",
    "cmd_tools": "Tools the model can use",
    "picture_too_big_some": (
        "ℹ️ A picture larger than 20 MB, the most a bot may download, was left out; I answered "
        "with the others."
    ),
    "picture_unreadable_some": (
        "ℹ️ I could not read one of the pictures, so I answered with the others."
    ),
}
