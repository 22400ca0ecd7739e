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
        "fest (in Gruppen nur Admins), /system reset stellt die Standardanweisungen wieder her\n"
        "/model – das Modell dieses Chats wählen; /mode – eine Persona wählen\n"
        "/usage – deine Tokens heute und in diesem Monat\n"
        "/tools – die Werkzeuge, die das Modell in diesem Chat nutzen kann\n\n"
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
    "text_only": (
        "Ich kann nur Text, Bilder, Sprachnachrichten, Audio, Videos und Dateien (Text, PDF, "
        "Word) lesen. Bitte schreib deine Frage als Text."
    ),
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
    "cmd_model": "Das Modell für diesen Chat wählen",
    "cmd_mode": "Eine Persona für diesen Chat wählen",
    "cmd_usage": "Deine Tokens heute und in diesem Monat",
    "model_current": "Modell in diesem Chat: {model}. Tippe auf ein anderes, um zu wechseln.",
    "model_chosen": "Erledigt: Dieser Chat nutzt jetzt {model}.",
    "model_default": "Erledigt: Dieser Chat nutzt wieder das Standardmodell, {model}.",
    "model_unknown": "Das Modell {name} wird hier nicht angeboten. Wähle eines von diesen:",
    "model_gone": "Dieses Modell wird nicht mehr angeboten. Wähle eines von diesen:",
    "model_more": (
        "{count} {count:weiteres Modell wird|weitere Modelle werden} angeboten: Wechsle mit "
        "/model NAME."
    ),
    "model_admins_only": "Nur die Administratoren der Gruppe können ihr Modell ändern.",
    "mode_current": "Persona in diesem Chat: {persona}. Tippe auf eine andere, um zu wechseln.",
    "mode_none": "Dieser Chat hat keine Persona. Tippe auf eine, um sie zu wählen:",
    "mode_chosen": "Erledigt: ab jetzt {persona} in diesem Chat.",
    "mode_chosen_model": "Erledigt: ab jetzt {persona} in diesem Chat, mit dem Modell {model}.",
    "mode_cleared": "Erledigt: keine Persona; dieser Chat nutzt wieder die Standardanweisungen.",
    "mode_unknown": "Es gibt keine Persona {name}. Wähle eine von diesen:",
    "mode_admins_only": "Nur die Administratoren der Gruppe können ihre Persona ändern.",
    "usage": "Deine Tokens\nHeute: {today}\nDiesen Monat: {month}",
    "usage_estimated": "Davon sind {tokens} anhand der Zeichen geschätzt.",
    "usage_limits": "Deine Limits: {daily} pro Tag, {monthly} pro Monat (UTC).",
    "usage_no_limits": "Du hast keine Limits.",
    "usage_unlimited": "keins",
    "usage_failed": (
        "Entschuldigung, dein Verbrauch lässt sich gerade nicht lesen. Bitte versuch es später "
        "noch einmal."
    ),
    "budget_daily": (
        "Du hast dein Tageslimit von {limit} {limit:Token|Tokens} aufgebraucht. Es wird am "
        "{resets} zurückgesetzt."
    ),
    "budget_monthly": (
        "Du hast dein Monatslimit von {limit} {limit:Token|Tokens} aufgebraucht. Es wird am "
        "{resets} zurückgesetzt."
    ),
    "stats_admins_only": "/stats ist nur für die Administratoren des Bots.",
    "stats_days": "Tokens (Antworten) pro Tag, UTC:",
    "stats_models": "Nach Modell, in diesen 7 Tagen:",
    "stats_users": "Top-Nutzer (ID: Tokens), in diesen 7 Tagen:",
    "picture_unseen_alone": (
        "ℹ️ Dieses Modell kann keine Bilder sehen. Bitte stell deine Frage dazu als Text."
    ),
    "picture_too_big_alone": (
        "ℹ️ Das Bild ist größer als 20 MB, das Maximum, das ein Bot herunterladen darf, deshalb "
        "kann ich es mir nicht ansehen. Bitte schick ein kleineres oder stell deine Frage als "
        "Text."
    ),
    "picture_unreadable_alone": (
        "ℹ️ Ich konnte das Bild nicht lesen. Bitte schick es noch einmal oder stell deine Frage "
        "als Text."
    ),
    "misconfigured": (
        "Entschuldigung, ich kann nicht antworten: Der Bot ist falsch eingerichtet (sein "
        "Modelldienst lehnt die Einstellungen des Bots ab). Der Betreiber des Bots ist "
        "informiert; ein neuer Versuch hilft erst, wenn er das behoben hat."
    ),
    "heard": "🎙 Ich habe gehört:",
    "speech_off": (
        "🎙 Sprachnachrichten sind bei diesem Bot ausgeschaltet. Bitte schreib deine Frage."
    ),
    "speech_not_configured": (
        "🎙 Sprachnachrichten sind bei diesem Bot nicht eingerichtet (keine Spracherkennung). "
        "Bitte schreib deine Frage."
    ),
    "speech_too_long": (
        "🎙 Diese Aufnahme ist {seconds} s lang; ich transkribiere bis zu {limit} s "
        "(MAX_VOICE_SECONDS). Bitte schick eine kürzere."
    ),
    "speech_undecodable": (
        "🎙 Ich konnte dieses Audio nicht dekodieren. Bitte nimm es neu auf oder schick es noch "
        "einmal."
    ),
    "speech_silence": "🎙 Ich konnte in dieser Aufnahme keine Wörter hören.",
    "speech_unreachable": (
        "🎙 Der Spracherkennungsserver ist nicht erreichbar, deshalb konnte ich das nicht "
        "transkribieren. Bitte versuch es später noch einmal."
    ),
    "speech_unauthorized": (
        "🎙 Der Spracherkennungsserver hat den Schlüssel dieses Bots abgelehnt, deshalb konnte ich "
        "das nicht transkribieren."
    ),
    "speech_too_big": "🎙 Diese Aufnahme ist zu groß für den Spracherkennungsserver.",
    "speech_busy": (
        "🎙 Der Spracherkennungsserver ist ausgelastet (zu viele Anfragen). Bitte versuch es "
        "gleich noch einmal."
    ),
    "speech_server_error": (
        "🎙 Der Spracherkennungsserver ist ausgefallen (ein Serverfehler). Bitte versuch es später "
        "noch einmal."
    ),
    "speech_timeout": (
        "🎙 Der Spracherkennungsserver hat nicht rechtzeitig geantwortet. Bitte versuch es später "
        "noch einmal."
    ),
    "speech_rejected": "🎙 Der Spracherkennungsserver hat diese Aufnahme abgelehnt.",
    "download_too_big": (
        "📎 Diese Datei ist größer als {limit}, das Maximum, das ein Bot herunterladen darf, "
        "deshalb konnte ich sie nicht lesen."
    ),
    "download_too_big_unknown": (
        "📎 Diese Datei ist größer, als ein Bot herunterladen darf, deshalb konnte ich sie nicht "
        "lesen."
    ),
    "download_unreadable": (
        "📎 Ich konnte diese Datei nicht von Telegram herunterladen. Bitte schick sie noch einmal."
    ),
    "document_unsupported": "📎 Diesen Dateityp kann ich nicht lesen. Ich lese {supported}.",
    "document_binary": (
        "📎 Diese Datei sieht nicht nach Text aus, deshalb kann ich sie nicht lesen. Ich lese "
        "{supported}."
    ),
    "document_encrypted": (
        "📎 Dieses PDF ist mit einem Passwort geschützt, deshalb kann ich es nicht lesen."
    ),
    "document_broken": "📎 Diese Datei ist beschädigt, deshalb kann ich sie nicht lesen.",
    "document_scanned": (
        "📎 Dieses PDF hat keine Textebene (es ist ein Scan), und Text in Bildern kann ich noch "
        "nicht lesen."
    ),
    "document_empty": "📎 In dieser Datei steht kein Text.",
    "document_too_big": "📎 Entpackt ist diese Datei größer, als ich lesen kann.",
    "document_cut": (
        "✂️ Die Datei ist lang: Ich habe die ersten {kept} von {total} Zeichen gelesen "
        "(MAX_DOCUMENT_CHARS)."
    ),
    "tools": "🔧 Werkzeuge",
    "tool_running": "🔧 {call}…",
    "tool_ended": "🔧 {call} — {outcome}",
    "tool_recorded": "{call} — {outcome}",
    "tools_earlier": "… {count} {count:früherer|frühere}",
    "tool_done": "erledigt",
    "tool_failed": "fehlgeschlagen",
    "tool_timed_out": "Zeit überschritten",
    "tool_invalid_arguments": "ungültige Argumente",
    "tool_unknown_tool": "kein solches Werkzeug",
    "tool_invalid_result": "ungültiges Ergebnis",
    "tool_unavailable": "Server nicht erreichbar",
    "tool_cancelled": "abgebrochen",
    "tools_cut_short": (
        "ℹ️ Das Modell wollte mehr als {rounds} {rounds:Runde|Runden} Werkzeugaufrufe, das "
        "Maximum, das dieser Bot erlaubt; es hat mit dem geantwortet, was es hatte."
    ),
    "tools_list": "Werkzeuge, die das Modell in diesem Chat nutzen kann:",
    "tools_none": "Das Modell hat in diesem Chat keine Werkzeuge.",
    "tools_not_offered": (
        "Das Modell kann hier keine Werkzeuge aufrufen: Sein Backend unterstützt keine "
        "Werkzeugaufrufe."
    ),
    "tools_server_up": "✅ {name}: {tools}",
    "tools_server_empty": "✅ {name}: keine Werkzeuge",
    "tools_server_down": "⚠️ {name}: nicht erreichbar ({error}); neuer Versuch läuft",
    "cmd_tools": "Werkzeuge, die das Modell nutzen kann",
    "picture_too_big_some": (
        "ℹ️ Ein Bild über 20 MB, dem Maximum, das ein Bot herunterladen darf, blieb außen vor; ich "
        "habe mit den anderen geantwortet."
    ),
    "picture_unreadable_some": (
        "ℹ️ Eines der Bilder konnte ich nicht lesen, deshalb habe ich mit den anderen geantwortet."
    ),
}
