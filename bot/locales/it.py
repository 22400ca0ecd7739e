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
        "(nei gruppi solo gli amministratori), /system reset torna a quelle predefinite\n"
        "/model – scegli il modello di questa chat; /mode – scegli una persona\n"
        "/usage – i token che hai usato oggi e questo mese\n"
        "/tools – gli strumenti che il modello può usare in questa chat\n\n"
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
    "text_only": (
        "So leggere solo testo, immagini, messaggi vocali, audio, video e file (testo, PDF, "
        "Word). Scrivi la tua domanda come testo, per favore."
    ),
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
        "⚠️ La risposta è stata interrotta: il bot si sta riavviando. Rifai la domanda, per favore."
    ),
    "reason_empty": "il modello ha restituito una risposta vuota",
    "too_slow": (
        "Scusa, il modello ci ha messo troppo a rispondere (più di quanto questo bot consenta). "
        "Riprova o chiedi qualcosa di più breve."
    ),
    "too_slow_cut": (
        "⚠️ La risposta è stata tagliata: il modello ci ha messo più di quanto questo bot consenta."
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
    "cmd_model": "Scegli il modello di questa chat",
    "cmd_mode": "Scegli una persona per questa chat",
    "cmd_usage": "I token che hai usato oggi e questo mese",
    "model_current": "Modello di questa chat: {model}. Toccane un altro per cambiarlo.",
    "model_chosen": "Fatto: ora questa chat usa {model}.",
    "model_default": "Fatto: questa chat usa di nuovo il modello predefinito, {model}.",
    "model_unknown": "Il modello {name} non è disponibile qui. Scegline uno tra questi:",
    "model_gone": "Quel modello non è più disponibile. Scegline uno tra questi:",
    "model_more": "Ci sono altri {count} {count:modello|modelli}: cambia con /model NOME.",
    "model_admins_only": "Solo gli amministratori del gruppo possono cambiarne il modello.",
    "mode_current": "Persona di questa chat: {persona}. Toccane un'altra per cambiarla.",
    "mode_none": "Questa chat non ha una persona. Toccane una per sceglierla:",
    "mode_chosen": "Fatto: {persona} d'ora in poi in questa chat.",
    "mode_chosen_model": "Fatto: {persona} d'ora in poi in questa chat, con il modello {model}.",
    "mode_cleared": "Fatto: nessuna persona; questa chat usa di nuovo le istruzioni predefinite.",
    "mode_unknown": "Non esiste la persona {name}. Scegline una tra queste:",
    "mode_admins_only": "Solo gli amministratori del gruppo possono cambiarne la persona.",
    "usage": "I tuoi token\nOggi: {today}\nQuesto mese: {month}",
    "usage_estimated": "Di questi, {tokens} sono stimati dai caratteri.",
    "usage_limits": "I tuoi limiti: {daily} al giorno, {monthly} al mese (UTC).",
    "usage_no_limits": "Non hai limiti.",
    "usage_unlimited": "nessuno",
    "usage_failed": (
        "Scusa, in questo momento non riesco a leggere il tuo consumo. Riprova più tardi."
    ),
    "budget_daily": (
        "Hai esaurito il tuo limite giornaliero di {limit} token. Si azzera il {resets}."
    ),
    "budget_monthly": (
        "Hai esaurito il tuo limite mensile di {limit} token. Si azzera il {resets}."
    ),
    "stats_admins_only": "/stats è riservato agli amministratori del bot.",
    "stats_days": "Token (risposte) per giorno, UTC:",
    "stats_models": "Per modello, in questi 7 giorni:",
    "stats_users": "Utenti principali (id: token), in questi 7 giorni:",
    "picture_unseen_alone": (
        "ℹ️ Questo modello non vede le immagini. Fai la tua domanda sull'immagine come testo, per "
        "favore."
    ),
    "picture_too_big_alone": (
        "ℹ️ L'immagine supera i 20 MB, il massimo che un bot può scaricare, quindi non posso "
        "guardarla. Mandane una più piccola o fai la tua domanda come testo."
    ),
    "picture_unreadable_alone": (
        "ℹ️ Non sono riuscito a leggere l'immagine. Mandala di nuovo o fai la tua domanda come "
        "testo."
    ),
    "misconfigured": (
        "Scusa, non posso rispondere: il bot è configurato male (il suo servizio del modello "
        "rifiuta le impostazioni del bot). Chi gestisce il bot è stato avvisato; riprovare non "
        "servirà finché non lo sistema."
    ),
    "heard": "🎙 Ho sentito:",
    "speech_off": (
        "🎙 I messaggi vocali sono disattivati su questo bot. Scrivi la tua domanda, per favore."
    ),
    "speech_not_configured": (
        "🎙 I messaggi vocali non sono configurati su questo bot (manca il riconoscimento vocale). "
        "Scrivi la tua domanda, per favore."
    ),
    "speech_too_long": (
        "🎙 Questa registrazione dura {seconds} s; trascrivo fino a {limit} s (MAX_VOICE_SECONDS). "
        "Mandane una più breve, per favore."
    ),
    "speech_undecodable": (
        "🎙 Non sono riuscito a decodificare questo audio. Registralo o mandalo di nuovo, per "
        "favore."
    ),
    "speech_silence": "🎙 Non ho sentito nessuna parola in questa registrazione.",
    "speech_unreachable": (
        "🎙 Il server di riconoscimento vocale non è raggiungibile, quindi non ho potuto "
        "trascriverlo. Riprova più tardi."
    ),
    "speech_unauthorized": (
        "🎙 Il server di riconoscimento vocale ha rifiutato la chiave di questo bot, quindi non ho "
        "potuto trascriverlo."
    ),
    "speech_too_big": (
        "🎙 Questa registrazione è troppo grande per il server di riconoscimento vocale."
    ),
    "speech_busy": (
        "🎙 Il server di riconoscimento vocale è occupato (troppe richieste). Riprova tra un "
        "momento."
    ),
    "speech_server_error": (
        "🎙 Il server di riconoscimento vocale ha avuto un errore (errore del server). Riprova più "
        "tardi."
    ),
    "speech_timeout": (
        "🎙 Il server di riconoscimento vocale non ha risposto in tempo. Riprova più tardi."
    ),
    "speech_rejected": "🎙 Il server di riconoscimento vocale ha rifiutato questa registrazione.",
    "download_too_big": (
        "📎 Questo file supera {limit}, il massimo che un bot può scaricare, quindi non ho potuto "
        "leggerlo."
    ),
    "download_too_big_unknown": (
        "📎 Questo file supera quanto un bot può scaricare, quindi non ho potuto leggerlo."
    ),
    "download_unreadable": (
        "📎 Non sono riuscito a scaricare questo file da Telegram. Mandalo di nuovo, per favore."
    ),
    "document_unsupported": "📎 Non so leggere questo tipo di file. Leggo {supported}.",
    "document_binary": (
        "📎 Questo file non sembra testo, quindi non posso leggerlo. Leggo {supported}."
    ),
    "document_encrypted": "📎 Questo PDF è protetto da password, quindi non posso leggerlo.",
    "document_broken": "📎 Questo file è danneggiato, quindi non posso leggerlo.",
    "document_scanned": (
        "📎 Questo PDF non ha un livello di testo (è una scansione) e non so ancora leggere il "
        "testo nelle immagini."
    ),
    "document_empty": "📎 In questo file non c'è testo.",
    "document_too_big": "📎 Decompresso, questo file supera quanto posso leggere.",
    "document_cut": (
        "✂️ Il file è lungo: ho letto i primi {kept} dei suoi {total} caratteri "
        "(MAX_DOCUMENT_CHARS)."
    ),
    "tools": "🔧 Strumenti",
    "tool_running": "🔧 {call}…",
    "tool_ended": "🔧 {call} — {outcome}",
    "tool_recorded": "{call} — {outcome}",
    "tools_earlier": "… {count} {count:precedente|precedenti}",
    "tool_done": "fatto",
    "tool_failed": "non riuscito",
    "tool_timed_out": "tempo scaduto",
    "tool_invalid_arguments": "argomenti non validi",
    "tool_unknown_tool": "strumento inesistente",
    "tool_invalid_result": "risultato non valido",
    "tool_unavailable": "server non disponibile",
    "tool_cancelled": "annullato",
    "tools_cut_short": (
        "ℹ️ Il modello voleva più di {rounds} {rounds:giro|giri} di chiamate agli strumenti, il "
        "massimo che questo bot consente; ha risposto con quello che aveva."
    ),
    "tools_list": "Strumenti che il modello può usare in questa chat:",
    "tools_none": "Il modello non ha strumenti in questa chat.",
    "tools_not_offered": (
        "Qui il modello non può chiamare strumenti: il suo backend non supporta le chiamate agli "
        "strumenti."
    ),
    "tools_server_up": "✅ {name}: {tools}",
    "tools_server_empty": "✅ {name}: nessuno strumento",
    "tools_server_down": "⚠️ {name}: non disponibile ({error}); riprovo",
    "cmd_tools": "Strumenti che il modello può usare",
    "picture_too_big_some": (
        "ℹ️ Ho escluso un'immagine oltre i 20 MB, il massimo che un bot può scaricare; ho risposto "
        "con le altre."
    ),
    "picture_unreadable_some": (
        "ℹ️ Non sono riuscito a leggere una delle immagini, quindi ho risposto con le altre."
    ),
}
