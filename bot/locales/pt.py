"""The bot's sentences in Portuguese (Brazilian, as most of Telegram's Portuguese speakers
write it); bot/locales/en.py is the reference."""

from __future__ import annotations

from typing import Final

TEXTS: Final[dict[str, str]] = {
    "start": (
        "Oi, {name}! Sou um bot de conversa: me escreva qualquer coisa e eu respondo aqui mesmo, "
        "mostrando o texto enquanto ele é gerado. Eu me lembro da nossa conversa; /reset recomeça "
        "e /help explica mais."
    ),
    "help": (
        "Me mande uma mensagem e eu respondo, mostrando a resposta enquanto ela é escrita.\n\n"
        "Comandos:\n"
        "/start – saudação\n"
        "/help – esta ajuda\n"
        "/reset – esquecer nossa conversa (e parar uma resposta em andamento)\n"
        "/retry – fazer sua última pergunta de novo, respondida ou não\n"
        "/system – mostrar as instruções do modelo neste chat; /system <texto> define as "
        "instruções (em grupos, só administradores), /system reset volta ao padrão\n\n"
        "Responda a qualquer mensagem (ou cite parte dela) e eu vejo a que você respondeu. Mande "
        "uma imagem com uma pergunta na legenda e eu olho para ela, se o modelo enxergar imagens. "
        "Um modelo que pensa antes mostra seus pensamentos recolhidos acima da resposta.\n\n"
        "Em grupos eu respondo quando você me menciona (@{username}) ou responde a uma das minhas "
        "mensagens, também na legenda de uma imagem; cada grupo tem uma conversa compartilhada, e "
        "eu vejo quem escreveu o quê."
    ),
    "reset": "Pronto: esqueci nossa conversa. Vamos recomeçar.",
    "nothing_to_retry": "Ainda não há nada para repetir: primeiro me mande uma mensagem.",
    "text_only": "Só consigo ler texto e imagens. Escreva sua pergunta em texto, por favor.",
    "picture_unseen": "ℹ️ Este modelo não enxerga imagens, então respondi só ao texto.",
    "picture_too_big": (
        "ℹ️ A imagem tem mais de 20 MB, o máximo que um bot pode baixar, então respondi só ao "
        "texto."
    ),
    "picture_unreadable": "ℹ️ Não consegui ler a imagem, então respondi só ao texto.",
    "system_show": "Instruções do modelo neste chat:\n\n{prompt}",
    "system_default": "Este chat usa as instruções padrão do modelo:\n\n{prompt}",
    "system_none": (
        "Este chat não tem instruções para o modelo. Defina algumas com /system <texto>."
    ),
    "system_set": "Pronto: de agora em diante o modelo segue estas instruções neste chat.",
    "system_cleared": "Pronto: este chat voltou a usar as instruções padrão.",
    "system_admins_only": "Só os administradores do grupo podem mudar as instruções dele.",
    "failed": "Desculpe, não consegui obter uma resposta: {reason}. Tente de novo daqui a pouco.",
    "interrupted": "⚠️ A resposta foi interrompida: {reason}.",
    "stopped": "⏹ Parado.",
    "shutdown": (
        "⚠️ A resposta foi interrompida: o bot está reiniciando. Pergunte de novo, por favor."
    ),
    "reason_empty": "o modelo retornou uma resposta vazia",
    "too_slow": (
        "Desculpe, o modelo demorou demais para responder (mais do que este bot permite). Tente "
        "de novo ou peça algo mais curto."
    ),
    "too_slow_cut": "⚠️ A resposta foi cortada: o modelo demorou mais do que este bot permite.",
    "length_cut": "✂️ O limite de tamanho do modelo cortou esta resposta.",
    "length_thinking": (
        "Desculpe, o modelo atingiu o limite de tamanho ainda pensando, antes de conseguir "
        "responder. Pergunte de novo, talvez algo menor."
    ),
    "part_refused": "⚠️ O Telegram se recusou a mostrar esta parte da resposta.",
    "second_attempt": (
        "↻ O servidor do bot que respondia a isto parou antes de terminar; esta é uma segunda "
        "tentativa."
    ),
    "database_lost": (
        "⚠️ A resposta foi interrompida: o bot perdeu a conexão com o banco de dados. Ele "
        "responde de novo assim que a conexão voltar."
    ),
    "thinking": "💭 Pensando…",
    "thoughts": "💭 Pensamentos",
    "reason_unavailable": "o serviço do modelo está indisponível",
    "reason_timeout": "o serviço do modelo não respondeu a tempo",
    "reason_rejected": "o serviço do modelo recusou o pedido",
    "reason_failed": "o serviço do modelo falhou",
    "not_allowed": (
        "Desculpe, este bot é privado. Peça ao dono que libere seu ID de usuário {user_id}."
    ),
    "rate_limited": (
        "Você está mandando mensagens rápido demais. Espere {seconds} s e tente de novo."
    ),
    "too_long": (
        "Sua mensagem tem {length} {length:caractere|caracteres}; o limite é {limit}. Encurte-a, "
        "por favor."
    ),
    "cmd_start": "Saudação e o que o bot faz",
    "cmd_help": "Como usar o bot",
    "cmd_reset": "Esquecer a conversa",
    "cmd_retry": "Fazer a última pergunta de novo",
    "cmd_system": "Ver ou definir as instruções do modelo",
}
