"""Text chunks -> Telegram messages, for every answer of the process.

    registry.py  Delivery: the answers running now, stop / interrupt / drain, `deliver`, `say`
    answer.py    one answer on its way (ReplyTarget, RunningAnswer, DeliveryReport)
    reader.py    the backend's stream -> the plan's events, timeouts and errors included
    writer.py    the thin loop: plan -> write budget -> Telegram -> plan
    calls.py     the Bot API call for one write
    faults.py    what a failed call means (pure: exception -> Verdict), the table of recoveries
    memory.py    what outlives an answer: moved chats, chats without drafts, own message ids

The decisions are in bot/plan.py (pure) and bot/pacing.py (the write budget).
"""

from bot.delivery.answer import DeliveryReport, ReplyTarget
from bot.delivery.registry import SHUTDOWN_LAST_WORD, Delivery

__all__ = ["SHUTDOWN_LAST_WORD", "Delivery", "DeliveryReport", "ReplyTarget"]
