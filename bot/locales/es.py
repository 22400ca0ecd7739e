"""The bot's sentences in Spanish; bot/locales/en.py is the reference."""

from __future__ import annotations

from typing import Final

TEXTS: Final[dict[str, str]] = {
    "start": (
        "¡Hola, {name}! Soy un bot de chat: escríbeme lo que quieras y te responderé aquí mismo, "
        "mostrando el texto a medida que se genera. Recuerdo nuestra conversación; /reset empieza "
        "de nuevo y /help te cuenta más."
    ),
    "help": (
        "Escríbeme un mensaje y te respondo, mostrando la respuesta a medida que se escribe.\n\n"
        "Comandos:\n"
        "/start – saludo\n"
        "/help – esta ayuda\n"
        "/reset – olvidar nuestra conversación (y detener una respuesta en curso)\n"
        "/retry – volver a hacer tu última pregunta, tenga respuesta o no\n"
        "/system – ver las instrucciones del modelo en este chat; /system <texto> las cambia (en "
        "grupos, solo los administradores), /system reset vuelve a las predeterminadas\n\n"
        "Responde a cualquier mensaje (o cita una parte) y veré a qué respondes. Envía una imagen "
        "con una pregunta en el pie de foto y la miraré si el modelo puede ver imágenes. Un "
        "modelo que piensa antes de responder muestra sus pensamientos plegados encima de la "
        "respuesta.\n\n"
        "En los grupos respondo cuando me mencionas (@{username}) o respondes a uno de mis "
        "mensajes, también en el pie de una imagen; cada grupo tiene una sola conversación "
        "compartida y veo quién escribió qué."
    ),
    "reset": "Hecho: he olvidado nuestra conversación. Empecemos de nuevo.",
    "nothing_to_retry": "Todavía no hay nada que repetir: primero envíame un mensaje.",
    "text_only": "Solo puedo leer texto e imágenes. Escribe tu pregunta como texto, por favor.",
    "picture_unseen": "ℹ️ Este modelo no puede ver imágenes, así que solo respondí al texto.",
    "picture_too_big": (
        "ℹ️ La imagen pesa más de 20 MB, el máximo que un bot puede descargar, así que solo "
        "respondí al texto."
    ),
    "picture_unreadable": "ℹ️ No pude leer la imagen, así que solo respondí al texto.",
    "system_show": "Instrucciones del modelo en este chat:\n\n{prompt}",
    "system_default": "Este chat usa las instrucciones predeterminadas del modelo:\n\n{prompt}",
    "system_none": (
        "Este chat no tiene instrucciones para el modelo. Puedes ponerle algunas con /system "
        "<texto>."
    ),
    "system_set": "Hecho: a partir de ahora el modelo sigue estas instrucciones en este chat.",
    "system_cleared": "Hecho: este chat vuelve a usar las instrucciones predeterminadas.",
    "system_admins_only": "Solo los administradores del grupo pueden cambiar sus instrucciones.",
    "failed": (
        "Lo siento, no pude obtener una respuesta: {reason}. Inténtalo de nuevo en un momento."
    ),
    "interrupted": "⚠️ La respuesta se interrumpió: {reason}.",
    "stopped": "⏹ Detenido.",
    "shutdown": (
        "⚠️ La respuesta se interrumpió: el bot se está reiniciando. Vuelve a preguntar, por "
        "favor."
    ),
    "reason_empty": "el modelo devolvió una respuesta vacía",
    "too_slow": (
        "Lo siento, el modelo tardó demasiado en responder (más de lo que este bot permite). "
        "Inténtalo de nuevo o pide algo más corto."
    ),
    "too_slow_cut": "⚠️ La respuesta se cortó: el modelo tardó más de lo que este bot permite.",
    "length_cut": "✂️ El límite de longitud del modelo cortó esta respuesta.",
    "length_thinking": (
        "Lo siento, el modelo alcanzó su límite de longitud mientras aún pensaba, antes de poder "
        "responder. Vuelve a preguntar, quizá por algo más pequeño."
    ),
    "part_refused": "⚠️ Telegram se negó a mostrar esta parte de la respuesta.",
    "second_attempt": (
        "↻ El servidor del bot que respondía a esto se detuvo antes de terminar; este es un "
        "segundo intento."
    ),
    "database_lost": (
        "⚠️ La respuesta se interrumpió: el bot perdió la conexión con su base de datos. "
        "Responderá de nuevo en cuanto vuelva la conexión."
    ),
    "thinking": "💭 Pensando…",
    "thoughts": "💭 Pensamientos",
    "reason_unavailable": "el servicio del modelo no está disponible",
    "reason_timeout": "el servicio del modelo no respondió a tiempo",
    "reason_rejected": "el servicio del modelo rechazó la solicitud",
    "reason_failed": "el servicio del modelo falló",
    "not_allowed": (
        "Lo siento, este bot es privado. Pide a su dueño que autorice tu ID de usuario {user_id}."
    ),
    "rate_limited": (
        "Estás enviando mensajes demasiado rápido. Espera {seconds} s y vuelve a intentarlo."
    ),
    "too_long": (
        "Tu mensaje tiene {length} {length:carácter|caracteres}; el límite es {limit}. Acórtalo, "
        "por favor."
    ),
    "cmd_start": "Saludo y qué hace el bot",
    "cmd_help": "Cómo usar el bot",
    "cmd_reset": "Olvidar la conversación",
    "cmd_retry": "Volver a hacer la última pregunta",
    "cmd_system": "Ver o cambiar las instrucciones del modelo",
}
