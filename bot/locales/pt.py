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
        "instruções (em grupos, só administradores), /system reset volta ao padrão\n"
        "/model – escolher o modelo deste chat; /mode – escolher uma persona\n"
        "/usage – os tokens que você usou hoje e neste mês\n"
        "/tools – as ferramentas que o modelo pode usar neste chat\n\n"
        "Responda a qualquer mensagem (ou cite parte dela) e eu vejo a que você respondeu. Mande "
        "uma imagem com uma pergunta na legenda e eu olho para ela, se o modelo enxergar imagens. "
        "Um modelo que pensa antes mostra seus pensamentos recolhidos acima da resposta.\n\n"
        "Em grupos eu respondo quando você me menciona (@{username}) ou responde a uma das minhas "
        "mensagens, também na legenda de uma imagem; cada grupo tem uma conversa compartilhada, e "
        "eu vejo quem escreveu o quê."
    ),
    "reset": "Pronto: esqueci nossa conversa. Vamos recomeçar.",
    "nothing_to_retry": "Ainda não há nada para repetir: primeiro me mande uma mensagem.",
    "text_only": (
        "Só consigo ler texto, imagens, mensagens de voz, áudio, vídeos e arquivos (texto, PDF, "
        "Word). Escreva sua pergunta em texto, por favor."
    ),
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
        "⚠️ A resposta foi interrompida: o bot perdeu a conexão com o banco de dados. Ele responde "
        "de novo assim que a conexão voltar."
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
    "cmd_model": "Escolher o modelo deste chat",
    "cmd_mode": "Escolher uma persona para este chat",
    "cmd_usage": "Tokens que você usou hoje e neste mês",
    "model_current": "Modelo deste chat: {model}. Toque em outro para trocar.",
    "model_chosen": "Pronto: este chat agora usa {model}.",
    "model_default": "Pronto: este chat voltou a usar o modelo padrão, {model}.",
    "model_unknown": "O modelo {name} não é oferecido aqui. Escolha um destes:",
    "model_gone": "Esse modelo não é mais oferecido. Escolha um destes:",
    "model_more": "Há mais {count} {count:modelo|modelos}: troque com /model NOME.",
    "model_admins_only": "Só os administradores do grupo podem mudar o modelo dele.",
    "mode_current": "Persona deste chat: {persona}. Toque em outra para trocar.",
    "mode_none": "Este chat não tem persona. Toque em uma para escolher:",
    "mode_chosen": "Pronto: {persona} de agora em diante neste chat.",
    "mode_chosen_model": "Pronto: {persona} de agora em diante neste chat, com o modelo {model}.",
    "mode_cleared": "Pronto: sem persona; este chat voltou a usar as instruções padrão.",
    "mode_unknown": "Não existe a persona {name}. Escolha uma destas:",
    "mode_admins_only": "Só os administradores do grupo podem mudar a persona dele.",
    "usage": "Seus tokens\nHoje: {today}\nEste mês: {month}",
    "usage_estimated": "Destes, {tokens} são estimados a partir dos caracteres.",
    "usage_limits": "Seus limites: {daily} por dia, {monthly} por mês (UTC).",
    "usage_no_limits": "Você não tem limites.",
    "usage_unlimited": "nenhum",
    "usage_failed": "Desculpe, não dá para ler seu consumo agora. Tente de novo mais tarde.",
    "budget_daily": (
        "Você usou todo o seu limite diário de {limit} {limit:token|tokens}. Ele renova em "
        "{resets}."
    ),
    "budget_monthly": (
        "Você usou todo o seu limite mensal de {limit} {limit:token|tokens}. Ele renova em "
        "{resets}."
    ),
    "stats_admins_only": "/stats é só para os administradores do bot.",
    "stats_days": "Tokens (respostas) por dia, UTC:",
    "stats_models": "Por modelo, nestes 7 dias:",
    "stats_users": "Principais usuários (id: tokens), nestes 7 dias:",
    "picture_unseen_alone": (
        "ℹ️ Este modelo não enxerga imagens. Faça sua pergunta sobre ela em texto, por favor."
    ),
    "picture_too_big_alone": (
        "ℹ️ A imagem tem mais de 20 MB, o máximo que um bot pode baixar, então não consigo vê-la. "
        "Mande uma menor ou faça sua pergunta em texto."
    ),
    "picture_unreadable_alone": (
        "ℹ️ Não consegui ler a imagem. Mande de novo ou faça sua pergunta em texto."
    ),
    "misconfigured": (
        "Desculpe, não consigo responder: o bot está mal configurado (o serviço do modelo recusa "
        "as configurações do bot). Quem administra o bot já foi avisado; tentar de novo não vai "
        "adiantar até que isso seja corrigido."
    ),
    "heard": "🎙 Eu ouvi:",
    "speech_off": (
        "🎙 Mensagens de voz estão desativadas neste bot. Escreva sua pergunta, por favor."
    ),
    "speech_not_configured": (
        "🎙 Mensagens de voz não estão configuradas neste bot (sem conversão de fala em texto). "
        "Escreva sua pergunta, por favor."
    ),
    "speech_too_long": (
        "🎙 Esta gravação tem {seconds} s; transcrevo até {limit} s (MAX_VOICE_SECONDS). Mande uma "
        "mais curta, por favor."
    ),
    "speech_undecodable": (
        "🎙 Não consegui decodificar este áudio. Grave ou mande de novo, por favor."
    ),
    "speech_silence": "🎙 Não ouvi nenhuma palavra nesta gravação.",
    "speech_unreachable": (
        "🎙 O servidor de fala em texto está inacessível, então não consegui transcrever isto. "
        "Tente de novo mais tarde."
    ),
    "speech_unauthorized": (
        "🎙 O servidor de fala em texto recusou a chave deste bot, então não consegui transcrever "
        "isto."
    ),
    "speech_too_big": "🎙 Esta gravação é grande demais para o servidor de fala em texto.",
    "speech_busy": (
        "🎙 O servidor de fala em texto está ocupado (pedidos demais). Tente de novo daqui a pouco."
    ),
    "speech_server_error": (
        "🎙 O servidor de fala em texto falhou (um erro do servidor). Tente de novo mais tarde."
    ),
    "speech_timeout": (
        "🎙 O servidor de fala em texto não respondeu a tempo. Tente de novo mais tarde."
    ),
    "speech_rejected": "🎙 O servidor de fala em texto recusou esta gravação.",
    "download_too_big": (
        "📎 Este arquivo tem mais de {limit}, o máximo que um bot pode baixar, então não consegui "
        "lê-lo."
    ),
    "download_too_big_unknown": (
        "📎 Este arquivo é maior do que um bot pode baixar, então não consegui lê-lo."
    ),
    "download_unreadable": (
        "📎 Não consegui baixar este arquivo do Telegram. Mande de novo, por favor."
    ),
    "document_unsupported": "📎 Não consigo ler este tipo de arquivo. Eu leio {supported}.",
    "document_binary": (
        "📎 Este arquivo não parece ser texto, então não consigo lê-lo. Eu leio {supported}."
    ),
    "document_encrypted": "📎 Este PDF é protegido por senha, então não consigo lê-lo.",
    "document_broken": "📎 Este arquivo está danificado, então não consigo lê-lo.",
    "document_scanned": (
        "📎 Este PDF não tem camada de texto (é uma digitalização), e ainda não consigo ler texto "
        "em imagens."
    ),
    "document_empty": "📎 Não há texto neste arquivo.",
    "document_too_big": "📎 Descompactado, este arquivo passa do que consigo ler.",
    "document_cut": (
        "✂️ O arquivo é longo: li os primeiros {kept} dos seus {total} caracteres "
        "(MAX_DOCUMENT_CHARS)."
    ),
    "tools": "🔧 Ferramentas",
    "tool_running": "🔧 {call}…",
    "tool_ended": "🔧 {call} — {outcome}",
    "tool_recorded": "{call} — {outcome}",
    "tools_earlier": "… {count} {count:anterior|anteriores}",
    "tool_done": "concluída",
    "tool_failed": "falhou",
    "tool_timed_out": "tempo esgotado",
    "tool_invalid_arguments": "argumentos inválidos",
    "tool_unknown_tool": "ferramenta inexistente",
    "tool_invalid_result": "resultado inválido",
    "tool_unavailable": "servidor indisponível",
    "tool_cancelled": "cancelada",
    "tools_cut_short": (
        "ℹ️ O modelo queria mais de {rounds} {rounds:rodada|rodadas} de chamadas de ferramentas, o "
        "máximo que este bot permite; respondeu com o que tinha."
    ),
    "tools_list": "Ferramentas que o modelo pode usar neste chat:",
    "tools_none": "O modelo não tem ferramentas neste chat.",
    "tools_not_offered": (
        "Aqui o modelo não pode chamar ferramentas: o backend dele não oferece chamadas de "
        "ferramentas."
    ),
    "tools_server_up": "✅ {name}: {tools}",
    "tools_server_empty": "✅ {name}: nenhuma ferramenta",
    "tools_server_down": "⚠️ {name}: fora do ar ({error}); tentando de novo",
    "cmd_tools": "Ferramentas que o modelo pode usar",
    "picture_too_big_some": (
        "ℹ️ Deixei de fora uma imagem com mais de 20 MB, o máximo que um bot pode baixar; respondi "
        "com as outras."
    ),
    "picture_unreadable_some": "ℹ️ Não consegui ler uma das imagens, então respondi com as outras.",
}
