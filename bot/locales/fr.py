"""The bot's sentences in French; bot/locales/en.py is the reference."""

from __future__ import annotations

from typing import Final

TEXTS: Final[dict[str, str]] = {
    "start": (
        "Bonjour, {name} ! Je suis un chatbot : écrivez-moi ce que vous voulez et je vous réponds "
        "ici même, en affichant le texte au fur et à mesure qu'il est généré. Je me souviens de "
        "notre conversation ; /reset recommence à zéro, /help en dit plus."
    ),
    "help": (
        "Écrivez-moi un message et je vous réponds, en affichant la réponse au fur et à mesure "
        "qu'elle s'écrit.\n\n"
        "Commandes :\n"
        "/start – accueil\n"
        "/help – cette aide\n"
        "/reset – oublier notre conversation (et arrêter une réponse en cours)\n"
        "/retry – reposer votre dernière question, qu'elle ait eu une réponse ou non\n"
        "/system – afficher les instructions du modèle pour ce chat ; /system <texte> les définit "
        "(dans les groupes, administrateurs seulement), /system reset revient à celles par "
        "défaut\n"
        "/model – choisir le modèle de ce chat ; /mode – choisir un persona\n"
        "/usage – vos tokens aujourd'hui et ce mois-ci\n"
        "/tools – les outils que le modèle peut utiliser dans cette discussion\n\n"
        "Répondez à n'importe quel message (ou citez-en une partie) et je vois à quoi vous "
        "répondez. Envoyez une image avec une question en légende, et je la regarde si le modèle "
        "sait voir les images. Un modèle qui réfléchit d'abord affiche ses réflexions repliées "
        "au-dessus de la réponse.\n\n"
        "Dans les groupes, je réponds quand vous me mentionnez (@{username}) ou répondez à l'un "
        "de mes messages, y compris dans la légende d'une image ; chaque groupe a une seule "
        "conversation partagée, et je vois qui a écrit quoi."
    ),
    "reset": "C'est fait : j'ai oublié notre conversation. Reprenons à zéro.",
    "nothing_to_retry": "Il n'y a encore rien à relancer : envoyez-moi d'abord un message.",
    "text_only": (
        "Je ne lis que le texte, les images, les messages vocaux, l'audio, les vidéos et les "
        "fichiers (texte, PDF, Word). Merci d'écrire votre question sous forme de texte."
    ),
    "picture_unseen": "ℹ️ Ce modèle ne voit pas les images, j'ai donc répondu au texte seulement.",
    "picture_too_big": (
        "ℹ️ L'image dépasse 20 Mo, le maximum qu'un bot peut télécharger, j'ai donc répondu au "
        "texte seulement."
    ),
    "picture_unreadable": "ℹ️ Je n'ai pas pu lire l'image, j'ai donc répondu au texte seulement.",
    "system_show": "Les instructions du modèle pour ce chat :\n\n{prompt}",
    "system_default": "Ce chat utilise les instructions par défaut du modèle :\n\n{prompt}",
    "system_none": (
        "Ce chat n'a pas d'instructions pour le modèle. Définissez-en avec /system <texte>."
    ),
    "system_set": "C'est fait : désormais, le modèle suit ces instructions dans ce chat.",
    "system_cleared": "C'est fait : ce chat utilise de nouveau les instructions par défaut.",
    "system_admins_only": "Seuls les administrateurs du groupe peuvent modifier ses instructions.",
    "failed": "Désolé, je n'ai pas pu obtenir de réponse : {reason}. Réessayez dans un instant.",
    "interrupted": "⚠️ La réponse a été interrompue : {reason}.",
    "stopped": "⏹ Arrêté.",
    "shutdown": "⚠️ La réponse a été interrompue : le bot redémarre. Merci de reposer la question.",
    "reason_empty": "le modèle a renvoyé une réponse vide",
    "too_slow": (
        "Désolé, le modèle a mis trop de temps à répondre (plus que ce bot ne le permet). "
        "Réessayez, ou demandez quelque chose de plus court."
    ),
    "too_slow_cut": (
        "⚠️ La réponse a été coupée : le modèle a mis plus de temps que ce bot ne le permet."
    ),
    "length_cut": "✂️ La limite de longueur du modèle a coupé cette réponse.",
    "length_thinking": (
        "Désolé, le modèle a atteint sa limite de longueur alors qu'il réfléchissait encore, "
        "avant de pouvoir répondre. Reposez la question, peut-être pour quelque chose de plus "
        "court."
    ),
    "part_refused": "⚠️ Telegram a refusé d'afficher cette partie de la réponse.",
    "second_attempt": (
        "↻ Le serveur du bot qui répondait s'est arrêté avant la fin ; ceci est un second essai."
    ),
    "database_lost": (
        "⚠️ La réponse a été interrompue : le bot a perdu la connexion à sa base de données. Il "
        "répondra de nouveau dès que la connexion sera rétablie."
    ),
    "thinking": "💭 Réflexion…",
    "thoughts": "💭 Réflexions",
    "reason_unavailable": "le service du modèle est indisponible",
    "reason_timeout": "le service du modèle n'a pas répondu à temps",
    "reason_rejected": "le service du modèle a refusé la requête",
    "reason_failed": "le service du modèle a rencontré une erreur",
    "not_allowed": (
        "Désolé, ce bot est privé. Demandez à son propriétaire d'autoriser votre identifiant "
        "{user_id}."
    ),
    "rate_limited": "Vous envoyez des messages trop vite. Patientez {seconds} s puis réessayez.",
    "too_long": (
        "Votre message fait {length} {length:caractère|caractères} ; la limite est de {limit}. "
        "Merci de le raccourcir."
    ),
    "cmd_start": "Accueil et ce que fait le bot",
    "cmd_help": "Comment utiliser le bot",
    "cmd_reset": "Oublier la conversation",
    "cmd_retry": "Reposer la dernière question",
    "cmd_system": "Voir ou définir les instructions du modèle",
    "cmd_model": "Choisir le modèle de ce chat",
    "cmd_mode": "Choisir un persona pour ce chat",
    "cmd_usage": "Vos tokens aujourd'hui et ce mois-ci",
    "model_current": "Modèle de ce chat : {model}. Touchez-en un autre pour changer.",
    "model_chosen": "C'est fait : ce chat utilise désormais {model}.",
    "model_default": "C'est fait : ce chat utilise de nouveau le modèle par défaut, {model}.",
    "model_unknown": "Le modèle {name} n'est pas proposé ici. Choisissez-en un parmi ceux-ci :",
    "model_gone": "Ce modèle n'est plus proposé. Choisissez-en un parmi ceux-ci :",
    "model_more": (
        "{count} {count:autre modèle est proposé|autres modèles sont proposés} : changez avec "
        "/model NOM."
    ),
    "model_admins_only": "Seuls les administrateurs du groupe peuvent changer son modèle.",
    "mode_current": "Persona de ce chat : {persona}. Touchez-en un autre pour changer.",
    "mode_none": "Ce chat n'a pas de persona. Touchez-en un pour le choisir :",
    "mode_chosen": "C'est fait : {persona} désormais dans ce chat.",
    "mode_chosen_model": "C'est fait : {persona} désormais dans ce chat, avec le modèle {model}.",
    "mode_cleared": (
        "C'est fait : plus de persona ; ce chat utilise de nouveau les instructions par défaut."
    ),
    "mode_unknown": "Il n'y a pas de persona {name}. Choisissez-en un parmi ceux-ci :",
    "mode_admins_only": "Seuls les administrateurs du groupe peuvent changer son persona.",
    "usage": "Vos tokens\nAujourd'hui : {today}\nCe mois-ci : {month}",
    "usage_estimated": "Dont {tokens} estimés d'après le nombre de caractères.",
    "usage_limits": "Vos limites : {daily} par jour, {monthly} par mois (UTC).",
    "usage_no_limits": "Vous n'avez pas de limite.",
    "usage_unlimited": "aucune",
    "usage_failed": (
        "Désolé, votre consommation ne peut pas être lue pour l'instant. Réessayez plus tard."
    ),
    "budget_daily": (
        "Vous avez atteint votre limite quotidienne de {limit} {limit:token|tokens}. Elle sera "
        "remise à zéro le {resets}."
    ),
    "budget_monthly": (
        "Vous avez atteint votre limite mensuelle de {limit} {limit:token|tokens}. Elle sera "
        "remise à zéro le {resets}."
    ),
    "stats_admins_only": "/stats est réservée aux administrateurs du bot.",
    "stats_days": "Tokens (réponses) par jour, UTC :",
    "stats_models": "Par modèle, ces 7 derniers jours :",
    "stats_users": "Principaux utilisateurs (id : tokens), ces 7 derniers jours :",
    "picture_unseen_alone": (
        "ℹ️ Ce modèle ne voit pas les images. Merci de poser votre question à son sujet par écrit."
    ),
    "picture_too_big_alone": (
        "ℹ️ L'image dépasse 20 Mo, le maximum qu'un bot peut télécharger, je ne peux donc pas la "
        "regarder. Envoyez-en une plus petite, ou posez votre question par écrit."
    ),
    "picture_unreadable_alone": (
        "ℹ️ Je n'ai pas pu lire l'image. Renvoyez-la, ou posez votre question par écrit."
    ),
    "misconfigured": (
        "Désolé, je ne peux pas répondre : le bot est mal configuré (son service de modèle refuse "
        "les réglages du bot). Son responsable a été prévenu ; réessayer ne servira à rien tant "
        "que ce n'est pas corrigé."
    ),
    "heard": "🎙 J'ai entendu :",
    "speech_off": (
        "🎙 Les messages vocaux sont désactivés sur ce bot. Merci d'écrire votre question."
    ),
    "speech_not_configured": (
        "🎙 Les messages vocaux ne sont pas configurés sur ce bot (pas de reconnaissance vocale). "
        "Merci d'écrire votre question."
    ),
    "speech_too_long": (
        "🎙 Cet enregistrement dure {seconds} s ; je transcris jusqu'à {limit} s "
        "(MAX_VOICE_SECONDS). Envoyez-en un plus court."
    ),
    "speech_undecodable": "🎙 Je n'ai pas pu décoder cet audio. Enregistrez-le ou renvoyez-le.",
    "speech_silence": "🎙 Je n'ai entendu aucun mot dans cet enregistrement.",
    "speech_unreachable": (
        "🎙 Le serveur de reconnaissance vocale est injoignable, je n'ai donc pas pu transcrire "
        "ceci. Réessayez plus tard."
    ),
    "speech_unauthorized": (
        "🎙 Le serveur de reconnaissance vocale a refusé la clé de ce bot, je n'ai donc pas pu "
        "transcrire ceci."
    ),
    "speech_too_big": (
        "🎙 Cet enregistrement est trop volumineux pour le serveur de reconnaissance vocale."
    ),
    "speech_busy": (
        "🎙 Le serveur de reconnaissance vocale est saturé (trop de requêtes). Réessayez dans un "
        "instant."
    ),
    "speech_server_error": (
        "🎙 Le serveur de reconnaissance vocale a échoué (une erreur du serveur). Réessayez plus "
        "tard."
    ),
    "speech_timeout": (
        "🎙 Le serveur de reconnaissance vocale n'a pas répondu à temps. Réessayez plus tard."
    ),
    "speech_rejected": "🎙 Le serveur de reconnaissance vocale a refusé cet enregistrement.",
    "download_too_big": (
        "📎 Ce fichier dépasse {limit}, le maximum qu'un bot peut télécharger, je n'ai donc pas "
        "pu le lire."
    ),
    "download_too_big_unknown": (
        "📎 Ce fichier dépasse ce qu'un bot peut télécharger, je n'ai donc pas pu le lire."
    ),
    "download_unreadable": (
        "📎 Je n'ai pas pu télécharger ce fichier depuis Telegram. Renvoyez-le, s'il vous plaît."
    ),
    "document_unsupported": "📎 Je ne sais pas lire ce type de fichier. Je lis {supported}.",
    "document_binary": (
        "📎 Ce fichier ne ressemble pas à du texte, je ne peux donc pas le lire. Je lis "
        "{supported}."
    ),
    "document_encrypted": (
        "📎 Ce PDF est protégé par un mot de passe, je ne peux donc pas le lire."
    ),
    "document_broken": "📎 Ce fichier est endommagé, je ne peux donc pas le lire.",
    "document_scanned": (
        "📎 Ce PDF n'a pas de couche texte (c'est un scan), et je ne sais pas encore lire le "
        "texte dans les images."
    ),
    "document_empty": "📎 Ce fichier ne contient aucun texte.",
    "document_too_big": "📎 Une fois décompressé, ce fichier dépasse ce que je peux lire.",
    "document_cut": (
        "✂️ Le fichier est long : j'en ai lu les {kept} premiers caractères sur {total} "
        "(MAX_DOCUMENT_CHARS)."
    ),
    "tools": "🔧 Outils",
    "tool_running": "🔧 {call}…",
    "tool_ended": "🔧 {call} — {outcome}",
    "tool_recorded": "{call} — {outcome}",
    "tools_earlier": "… {count} {count:précédent|précédents}",
    "tool_done": "terminé",
    "tool_failed": "échec",
    "tool_timed_out": "délai dépassé",
    "tool_invalid_arguments": "arguments invalides",
    "tool_unknown_tool": "outil inexistant",
    "tool_invalid_result": "résultat invalide",
    "tool_unavailable": "serveur indisponible",
    "tool_cancelled": "annulé",
    "tools_cut_short": (
        "ℹ️ Le modèle voulait plus de {rounds} {rounds:tour|tours} d'appels d'outils, le maximum "
        "que ce bot autorise ; il a répondu avec ce qu'il avait."
    ),
    "tools_list": "Outils que le modèle peut utiliser dans ce chat :",
    "tools_none": "Le modèle n'a aucun outil dans ce chat.",
    "tools_not_offered": (
        "Le modèle ne peut pas appeler d'outils ici : son backend ne prend pas en charge les "
        "appels d'outils."
    ),
    "tools_server_up": "✅ {name} : {tools}",
    "tools_server_empty": "✅ {name} : aucun outil",
    "tools_server_down": "⚠️ {name} : hors service ({error}) ; nouvelle tentative en cours",
    "cmd_tools": "Outils que le modèle peut utiliser",
    "picture_too_big_some": (
        "ℹ️ Une image de plus de 20 Mo, le maximum qu'un bot peut télécharger, a été laissée de "
        "côté ; j'ai répondu avec les autres."
    ),
    "picture_unreadable_some": (
        "ℹ️ Je n'ai pas pu lire l'une des images, j'ai donc répondu avec les autres."
    ),
}
