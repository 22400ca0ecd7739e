"""The bot's sentences in Italian; bot/locales/en.py is the reference."""

from __future__ import annotations

from typing import Final

TEXTS: Final[dict[str, str]] = {
    "start": (
        "Ciao, {name}! Sono un chatbot: scrivimi qualsiasi cosa e ti risponderò proprio qui, "
        "mostrando il testo mentre viene generato. Ricordo la nostra conversazione; /reset "
        "ricomincia da capo, /help ti dice di più."
    ),
    "help": (
        "Scrivimi un messaggio e ti rispondo, mostrando la risposta mentre viene scritta.\n\n"
        "Comandi:\n"
        "/start – saluto\n"
        "/help – questo aiuto\n"
        "/reset – dimentica la nostra conversazione (e ferma una risposta in corso)\n"
        "/retry – rifà la tua ultima domanda, con o senza risposta\n"
        "/system – mostra le istruzioni del modello in questa chat; /system <testo> le imposta "
        "(nei gruppi solo gli amministratori), /system reset torna a quelle predefinite\n\n"
        "Rispondi a qualsiasi messaggio (o citane una parte) e vedo a cosa hai risposto. Manda "
        "un'immagine con una domanda nella didascalia e la guardo, se il modello può vedere le "
        "immagini. Un modello che prima ragiona mostra i suoi pensieri ripiegati sopra la "
        "risposta.\n\n"
        "Nei gruppi rispondo quando mi menzioni (@{username}) o rispondi a uno dei miei messaggi, "
        "anche nella didascalia di un'immagine; ogni gruppo ha un'unica conversazione condivisa e "
        "vedo chi ha scritto cosa."
    ),
    "reset": "Fatto: ho dimenticato la nostra conversazione. Ricominciamo da capo.",
    "nothing_to_retry": "Non c'è ancora niente da riprovare: prima mandami un messaggio.",
    "text_only": "So leggere solo testo e immagini. Scrivi la tua domanda come testo, per favore.",
    "picture_unseen": "ℹ️ Questo modello non vede le immagini, quindi ho risposto solo al testo.",
    "picture_too_big": (
        "ℹ️ L'immagine supera i 20 MB, il massimo che un bot può scaricare, quindi ho risposto "
        "solo al testo."
    ),
    "picture_unreadable": (
        "ℹ️ Non sono riuscito a leggere l'immagine, quindi ho risposto solo al testo."
    ),
    "system_show": "Le istruzioni del modello in questa chat:\n\n{prompt}",
    "system_default": "Questa chat usa le istruzioni predefinite del modello:\n\n{prompt}",
    "system_none": "Questa chat non ha istruzioni per il modello. Impostale con /system <testo>.",
    "system_set": "Fatto: d'ora in poi il modello segue queste istruzioni in questa chat.",
    "system_cleared": "Fatto: questa chat usa di nuovo le istruzioni predefinite.",
    "system_admins_only": "Solo gli amministratori del gruppo possono cambiarne le istruzioni.",
    "failed": (
        "Scusa, non sono riuscito a ottenere una risposta: {reason}. Riprova tra un momento."
    ),
    "interrupted": "⚠️ La risposta è stata interrotta: {reason}.",
    "stopped": "⏹ Interrotto.",
    "shutdown": (
        "⚠️ La risposta è stata interrotta: il bot si sta riavviando. Rifai la domanda, per "
        "favore."
    ),
    "reason_empty": "il modello ha restituito una risposta vuota",
    "too_slow": (
        "Scusa, il modello ci ha messo troppo a rispondere (più di quanto questo bot consenta). "
        "Riprova o chiedi qualcosa di più breve."
    ),
    "too_slow_cut": (
        "⚠️ La risposta è stata tagliata: il modello ci ha messo più di quanto questo bot "
        "consenta."
    ),
    "length_cut": "✂️ Il limite di lunghezza del modello ha troncato questa risposta.",
    "length_thinking": (
        "Scusa, il modello ha raggiunto il suo limite di lunghezza mentre stava ancora "
        "ragionando, prima di poter rispondere. Chiedi di nuovo, magari qualcosa di più piccolo."
    ),
    "part_refused": "⚠️ Telegram ha rifiutato di mostrare questa parte della risposta.",
    "second_attempt": (
        "↻ Il server del bot che stava rispondendo si è fermato prima di finire; questo è un "
        "secondo tentativo."
    ),
    "database_lost": (
        "⚠️ La risposta è stata interrotta: il bot ha perso la connessione al suo database. "
        "Risponderà di nuovo appena la connessione tornerà."
    ),
    "thinking": "💭 Sto pensando…",
    "thoughts": "💭 Ragionamento",
    "reason_unavailable": "il servizio del modello non è disponibile",
    "reason_timeout": "il servizio del modello non ha risposto in tempo",
    "reason_rejected": "il servizio del modello ha rifiutato la richiesta",
    "reason_failed": "il servizio del modello ha avuto un errore",
    "not_allowed": (
        "Scusa, questo bot è privato. Chiedi al suo proprietario di autorizzare il tuo ID utente "
        "{user_id}."
    ),
    "rate_limited": "Stai mandando messaggi troppo in fretta. Aspetta {seconds} s e riprova.",
    "too_long": (
        "Il tuo messaggio è lungo {length} {length:carattere|caratteri}; il limite è {limit}. "
        "Accorcialo, per favore."
    ),
    "cmd_start": "Saluto e cosa fa il bot",
    "cmd_help": "Come usare il bot",
    "cmd_reset": "Dimentica la conversazione",
    "cmd_retry": "Rifai l'ultima domanda",
    "cmd_system": "Mostra o imposta le istruzioni del modello",
}
