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
        "grupos, solo los administradores), /system reset vuelve a las predeterminadas\n"
        "/model – elegir el modelo de este chat; /mode – elegir una persona\n"
        "/usage – los tokens que usaste hoy y este mes\n"
        "/tools – las herramientas que el modelo puede usar en este chat\n\n"
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
    "text_only": (
        "Solo puedo leer texto, imágenes, mensajes de voz, audio, vídeos y archivos (texto, PDF, "
        "Word). Escribe tu pregunta como texto, por favor."
    ),
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
        "⚠️ La respuesta se interrumpió: el bot se está reiniciando. Vuelve a preguntar, por favor."
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
    "cmd_model": "Elegir el modelo de este chat",
    "cmd_mode": "Elegir una persona para este chat",
    "cmd_usage": "Tokens que usaste hoy y este mes",
    "model_current": "Modelo de este chat: {model}. Toca otro para cambiarlo.",
    "model_chosen": "Hecho: este chat usa ahora {model}.",
    "model_default": "Hecho: este chat vuelve a usar el modelo predeterminado, {model}.",
    "model_unknown": "El modelo {name} no se ofrece aquí. Elige uno de estos:",
    "model_gone": "Ese modelo ya no se ofrece. Elige uno de estos:",
    "model_more": "Se ofrecen {count} {count:modelo|modelos} más: cambia con /model NOMBRE.",
    "model_admins_only": "Solo los administradores del grupo pueden cambiar su modelo.",
    "mode_current": "Persona de este chat: {persona}. Toca otra para cambiarla.",
    "mode_none": "Este chat no tiene persona. Toca una para elegirla:",
    "mode_chosen": "Hecho: {persona} a partir de ahora en este chat.",
    "mode_chosen_model": "Hecho: {persona} a partir de ahora en este chat, con el modelo {model}.",
    "mode_cleared": (
        "Hecho: sin persona; este chat vuelve a usar las instrucciones predeterminadas."
    ),
    "mode_unknown": "No existe la persona {name}. Elige una de estas:",
    "mode_admins_only": "Solo los administradores del grupo pueden cambiar su persona.",
    "usage": "Tus tokens\nHoy: {today}\nEste mes: {month}",
    "usage_estimated": "De ellos, {tokens} están estimados a partir de los caracteres.",
    "usage_limits": "Tus límites: {daily} al día, {monthly} al mes (UTC).",
    "usage_no_limits": "No tienes límites.",
    "usage_unlimited": "ninguno",
    "usage_failed": "Lo siento, ahora mismo no se puede leer tu consumo. Inténtalo más tarde.",
    "budget_daily": (
        "Has agotado tu límite diario de {limit} {limit:token|tokens}. Se renueva el {resets}."
    ),
    "budget_monthly": (
        "Has agotado tu límite mensual de {limit} {limit:token|tokens}. Se renueva el {resets}."
    ),
    "stats_admins_only": "/stats es solo para los administradores del bot.",
    "stats_days": "Tokens (respuestas) por día, UTC:",
    "stats_models": "Por modelo, estos 7 días:",
    "stats_users": "Usuarios principales (id: tokens), estos 7 días:",
    "picture_unseen_alone": (
        "ℹ️ Este modelo no puede ver imágenes. Haz tu pregunta sobre ella por texto, por favor."
    ),
    "picture_too_big_alone": (
        "ℹ️ La imagen pesa más de 20 MB, el máximo que un bot puede descargar, así que no puedo "
        "verla. Envía una más pequeña o haz tu pregunta por texto."
    ),
    "picture_unreadable_alone": (
        "ℹ️ No pude leer la imagen. Envíala de nuevo o haz tu pregunta por texto."
    ),
    "misconfigured": (
        "Lo siento, no puedo responder: el bot está mal configurado (su servicio de modelo "
        "rechaza la configuración del bot). Ya se avisó a quien lo administra; volver a "
        "intentarlo no servirá hasta que lo arregle."
    ),
    "heard": "🎙 Escuché:",
    "speech_off": (
        "🎙 Los mensajes de voz están desactivados en este bot. Escribe tu pregunta, por favor."
    ),
    "speech_not_configured": (
        "🎙 Los mensajes de voz no están configurados en este bot (no hay conversión de voz a "
        "texto). Escribe tu pregunta, por favor."
    ),
    "speech_too_long": (
        "🎙 Esta grabación dura {seconds} s; transcribo hasta {limit} s (MAX_VOICE_SECONDS). Envía "
        "una más corta, por favor."
    ),
    "speech_undecodable": (
        "🎙 No pude decodificar este audio. Grábalo o envíalo de nuevo, por favor."
    ),
    "speech_silence": "🎙 No oí ninguna palabra en esta grabación.",
    "speech_unreachable": (
        "🎙 No se puede contactar con el servidor de voz a texto, así que no pude transcribir "
        "esto. Inténtalo más tarde."
    ),
    "speech_unauthorized": (
        "🎙 El servidor de voz a texto rechazó la clave de este bot, así que no pude transcribir "
        "esto."
    ),
    "speech_too_big": "🎙 Esta grabación es demasiado grande para el servidor de voz a texto.",
    "speech_busy": (
        "🎙 El servidor de voz a texto está ocupado (demasiadas solicitudes). Inténtalo de nuevo "
        "en un momento."
    ),
    "speech_server_error": (
        "🎙 El servidor de voz a texto falló (un error del servidor). Inténtalo más tarde."
    ),
    "speech_timeout": "🎙 El servidor de voz a texto no respondió a tiempo. Inténtalo más tarde.",
    "speech_rejected": "🎙 El servidor de voz a texto rechazó esta grabación.",
    "download_too_big": (
        "📎 Este archivo pesa más de {limit}, el máximo que un bot puede descargar, así que no "
        "pude leerlo."
    ),
    "download_too_big_unknown": (
        "📎 Este archivo pesa más de lo que un bot puede descargar, así que no pude leerlo."
    ),
    "download_unreadable": (
        "📎 No pude descargar este archivo de Telegram. Envíalo de nuevo, por favor."
    ),
    "document_unsupported": "📎 No puedo leer este tipo de archivo. Leo {supported}.",
    "document_binary": (
        "📎 Este archivo no parece texto, así que no puedo leerlo. Leo {supported}."
    ),
    "document_encrypted": "📎 Este PDF está protegido con contraseña, así que no puedo leerlo.",
    "document_broken": "📎 Este archivo está dañado, así que no puedo leerlo.",
    "document_scanned": (
        "📎 Este PDF no tiene capa de texto (es un escaneo) y todavía no sé leer texto en "
        "imágenes."
    ),
    "document_empty": "📎 Este archivo no tiene texto.",
    "document_too_big": "📎 Descomprimido, este archivo ocupa más de lo que puedo leer.",
    "document_cut": (
        "✂️ El archivo es largo: leí los primeros {kept} de sus {total} caracteres "
        "(MAX_DOCUMENT_CHARS)."
    ),
    "tools": "🔧 Herramientas",
    "tool_running": "🔧 {call}…",
    "tool_ended": "🔧 {call} — {outcome}",
    "tool_recorded": "{call} — {outcome}",
    "tools_earlier": "… {count} {count:anterior|anteriores}",
    "tool_done": "hecho",
    "tool_failed": "falló",
    "tool_timed_out": "tiempo agotado",
    "tool_invalid_arguments": "argumentos no válidos",
    "tool_unknown_tool": "no existe esa herramienta",
    "tool_invalid_result": "resultado no válido",
    "tool_unavailable": "servidor no disponible",
    "tool_cancelled": "cancelada",
    "tools_cut_short": (
        "ℹ️ El modelo quería más de {rounds} {rounds:ronda|rondas} de llamadas a herramientas, el "
        "máximo que permite este bot; respondió con lo que tenía."
    ),
    "tools_list": "Herramientas que el modelo puede usar en este chat:",
    "tools_none": "El modelo no tiene herramientas en este chat.",
    "tools_not_offered": (
        "Aquí el modelo no puede usar herramientas: su backend no admite llamadas a herramientas."
    ),
    "tools_server_up": "✅ {name}: {tools}",
    "tools_server_empty": "✅ {name}: sin herramientas",
    "tools_server_down": "⚠️ {name}: caído ({error}); reintentando",
    "cmd_tools": "Herramientas que el modelo puede usar",
    "picture_too_big_some": (
        "ℹ️ Dejé fuera una imagen de más de 20 MB, el máximo que un bot puede descargar; respondí "
        "con las demás."
    ),
    "picture_unreadable_some": (
        "ℹ️ No pude leer una de las imágenes, así que respondí con las demás."
    ),
}
