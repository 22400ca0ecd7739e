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
        "défaut\n\n"
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
        "Je ne lis que le texte et les images. Merci d'écrire votre question sous forme de texte."
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
    "shutdown": (
        "⚠️ La réponse a été interrompue : le bot redémarre. Merci de reposer la question."
    ),
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
}
