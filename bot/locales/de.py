"""The bot's sentences in German; bot/locales/en.py is the reference."""

from __future__ import annotations

from typing import Final

TEXTS: Final[dict[str, str]] = {
    "start": (
        "Hallo, {name}! Ich bin ein Chatbot: Schreib mir irgendetwas, und ich antworte direkt "
        "hier im Chat, während der Text entsteht. Ich merke mir unser Gespräch; /reset fängt neu "
        "an, /help erzählt mehr."
    ),
    "help": (
        "Schreib mir eine Nachricht, und ich antworte darauf – du siehst die Antwort, während sie "
        "entsteht.\n\n"
        "Befehle:\n"
        "/start – Begrüßung\n"
        "/help – diese Hilfe\n"
        "/reset – unser Gespräch vergessen (und eine laufende Antwort stoppen)\n"
        "/retry – deine letzte Frage noch einmal stellen, ob beantwortet oder nicht\n"
        "/system – die Anweisungen für das Modell in diesem Chat zeigen; /system <Text> legt sie "
        "fest (in Gruppen nur Admins), /system reset stellt die Standardanweisungen wieder her\n\n"
        "Antworte auf eine beliebige Nachricht (oder zitiere einen Teil davon), und ich sehe, "
        "worauf du antwortest. Schick ein Bild mit einer Frage in der Bildunterschrift, und ich "
        "sehe es mir an, wenn das Modell Bilder sehen kann. Ein Modell, das erst nachdenkt, zeigt "
        "seine Gedanken eingeklappt über der Antwort.\n\n"
        "In Gruppen antworte ich, wenn du mich erwähnst (@{username}) oder auf eine meiner "
        "Nachrichten antwortest, auch in einer Bildunterschrift; jede Gruppe hat ein gemeinsames "
        "Gespräch, und ich sehe, wer was geschrieben hat."
    ),
    "reset": "Erledigt: Ich habe unser Gespräch vergessen. Fangen wir neu an.",
    "nothing_to_retry": "Noch gibt es nichts zu wiederholen: Schick mir zuerst eine Nachricht.",
    "text_only": "Ich kann nur Text und Bilder lesen. Bitte schreib deine Frage als Text.",
    "picture_unseen": (
        "ℹ️ Dieses Modell kann keine Bilder sehen, deshalb habe ich nur auf den Text geantwortet."
    ),
    "picture_too_big": (
        "ℹ️ Das Bild ist größer als 20 MB, das Maximum, das ein Bot herunterladen darf, deshalb "
        "habe ich nur auf den Text geantwortet."
    ),
    "picture_unreadable": (
        "ℹ️ Ich konnte das Bild nicht lesen, deshalb habe ich nur auf den Text geantwortet."
    ),
    "system_show": "Die Anweisungen für das Modell in diesem Chat:\n\n{prompt}",
    "system_default": "Dieser Chat nutzt die Standardanweisungen für das Modell:\n\n{prompt}",
    "system_none": (
        "Dieser Chat hat keine Anweisungen für das Modell. Leg welche fest mit /system <Text>."
    ),
    "system_set": "Erledigt: Das Modell folgt in diesem Chat ab jetzt diesen Anweisungen.",
    "system_cleared": "Erledigt: Dieser Chat nutzt wieder die Standardanweisungen.",
    "system_admins_only": "Nur die Administratoren der Gruppe können ihre Anweisungen ändern.",
    "failed": (
        "Entschuldigung, ich konnte keine Antwort bekommen: {reason}. Bitte versuch es gleich "
        "noch einmal."
    ),
    "interrupted": "⚠️ Die Antwort wurde unterbrochen: {reason}.",
    "stopped": "⏹ Gestoppt.",
    "shutdown": "⚠️ Die Antwort wurde unterbrochen: Der Bot startet neu. Bitte frag noch einmal.",
    "reason_empty": "das Modell hat eine leere Antwort geliefert",
    "too_slow": (
        "Entschuldigung, das Modell hat zu lange für die Antwort gebraucht (länger, als dieser "
        "Bot erlaubt). Bitte versuch es noch einmal oder frag nach etwas Kürzerem."
    ),
    "too_slow_cut": (
        "⚠️ Die Antwort wurde abgeschnitten: Das Modell hat länger gebraucht, als dieser Bot "
        "erlaubt."
    ),
    "length_cut": "✂️ Das Längenlimit des Modells hat diese Antwort abgeschnitten.",
    "length_thinking": (
        "Entschuldigung, das Modell hat sein Längenlimit erreicht, während es noch nachdachte, "
        "bevor es antworten konnte. Bitte frag noch einmal, vielleicht nach etwas Kleinerem."
    ),
    "part_refused": "⚠️ Telegram hat es abgelehnt, diesen Teil der Antwort anzuzeigen.",
    "second_attempt": (
        "↻ Der Bot-Server, der hierauf antwortete, hat vor dem Ende aufgehört; dies ist ein "
        "zweiter Versuch."
    ),
    "database_lost": (
        "⚠️ Die Antwort wurde unterbrochen: Der Bot hat die Verbindung zu seiner Datenbank "
        "verloren. Er antwortet erneut, sobald die Verbindung wieder steht."
    ),
    "thinking": "💭 Denke nach…",
    "thoughts": "💭 Gedanken",
    "reason_unavailable": "der Modelldienst ist nicht erreichbar",
    "reason_timeout": "der Modelldienst hat nicht rechtzeitig geantwortet",
    "reason_rejected": "der Modelldienst hat die Anfrage abgelehnt",
    "reason_failed": "der Modelldienst ist ausgefallen",
    "not_allowed": (
        "Entschuldigung, dieser Bot ist privat. Bitte seinen Besitzer, deine Nutzer-ID {user_id} "
        "freizuschalten."
    ),
    "rate_limited": (
        "Du schreibst zu schnell. Bitte warte {seconds} s und versuch es dann noch einmal."
    ),
    "too_long": (
        "Deine Nachricht ist {length} {length:Zeichen|Zeichen} lang; erlaubt sind {limit}. Bitte "
        "kürze sie."
    ),
    "cmd_start": "Begrüßung und was der Bot kann",
    "cmd_help": "So benutzt du den Bot",
    "cmd_reset": "Das Gespräch vergessen",
    "cmd_retry": "Die letzte Frage noch einmal stellen",
    "cmd_system": "Anweisungen für das Modell zeigen oder festlegen",
}
