"""The bot's sentences in Turkish; bot/locales/en.py is the reference."""

from __future__ import annotations

from typing import Final

TEXTS: Final[dict[str, str]] = {
    "start": (
        "Merhaba {name}! Ben bir sohbet botuyum: bana istediğinizi yazın, yanıtı oluşturuldukça "
        "tam burada, sohbette göstereyim. Konuşmamızı hatırlarım; /reset baştan başlatır, /help "
        "daha fazlasını anlatır."
    ),
    "help": (
        "Bana bir mesaj yazın, yanıtımı yazıldıkça göstererek cevap vereyim.\n\n"
        "Komutlar:\n"
        "/start – karşılama\n"
        "/help – bu yardım\n"
        "/reset – konuşmamızı unut (ve süren bir yanıtı durdur)\n"
        "/retry – son sorunuzu, yanıtlanmış olsun ya da olmasın, yeniden sor\n"
        "/system – bu sohbette modelin talimatlarını göster; /system <metin> talimatları belirler "
        "(gruplarda yalnızca yöneticiler), /system reset varsayılanlara döner\n"
        "/model – bu sohbetin modelini seç; /mode – bir persona seç\n"
        "/usage – bugün ve bu ay kullandığınız tokenler\n"
        "/tools – modelin bu sohbette kullanabileceği araçlar\n\n"
        "Herhangi bir mesajı yanıtlayın (ya da bir kısmını alıntılayın), neye yanıt verdiğinizi "
        "göreyim. Açıklamasında bir soru olan bir resim gönderin; model resim görebiliyorsa ona "
        "bakarım. Önce düşünen bir model, düşüncelerini yanıtın üstünde katlanmış olarak "
        "gösterir.\n\n"
        "Gruplarda beni andığınızda (@{username}) ya da mesajlarımdan birini yanıtladığınızda, "
        "resim açıklamasında da olsa, cevap veririm; her grubun ortak tek bir konuşması vardır ve "
        "kimin ne yazdığını görürüm."
    ),
    "reset": "Tamam: konuşmamızı unuttum. Baştan başlayalım.",
    "nothing_to_retry": "Henüz yeniden denenecek bir şey yok: önce bana bir mesaj gönderin.",
    "text_only": (
        "Yalnızca metin, resim, sesli mesaj, ses, video ve dosya (metin, PDF, Word) "
        "okuyabiliyorum. Lütfen sorunuzu metin olarak yazın."
    ),
    "picture_unseen": "ℹ️ Bu model resimleri göremiyor, bu yüzden yalnızca metni yanıtladım.",
    "picture_too_big": (
        "ℹ️ Resim, bir botun indirebileceği en büyük boyut olan 20 MB'tan büyük, bu yüzden "
        "yalnızca metni yanıtladım."
    ),
    "picture_unreadable": "ℹ️ Resmi okuyamadım, bu yüzden yalnızca metni yanıtladım.",
    "system_show": "Bu sohbette modelin talimatları:\n\n{prompt}",
    "system_default": "Bu sohbet, model için varsayılan talimatları kullanıyor:\n\n{prompt}",
    "system_none": "Bu sohbette model için talimat yok. /system <metin> ile belirleyebilirsiniz.",
    "system_set": "Tamam: model bundan sonra bu sohbette bu talimatlara uyacak.",
    "system_cleared": "Tamam: bu sohbet yeniden varsayılan talimatları kullanıyor.",
    "system_admins_only": "Grubun talimatlarını yalnızca yöneticileri değiştirebilir.",
    "failed": "Üzgünüm, bir yanıt alamadım: {reason}. Lütfen birazdan yeniden deneyin.",
    "interrupted": "⚠️ Yanıt yarıda kesildi: {reason}.",
    "stopped": "⏹ Durduruldu.",
    "shutdown": "⚠️ Yanıt yarıda kesildi: bot yeniden başlatılıyor. Lütfen yeniden sorun.",
    "reason_empty": "model boş bir yanıt döndürdü",
    "too_slow": (
        "Üzgünüm, model çok geç yanıt verdi (bu botun izin verdiğinden uzun sürdü). Lütfen "
        "yeniden deneyin ya da daha kısa bir şey isteyin."
    ),
    "too_slow_cut": "⚠️ Yanıt kesildi: model, bu botun izin verdiğinden uzun sürdü.",
    "length_cut": "✂️ Modelin uzunluk sınırı bu yanıtı yarıda kesti.",
    "length_thinking": (
        "Üzgünüm, model daha düşünürken, yanıt veremeden uzunluk sınırına ulaştı. Lütfen yeniden "
        "sorun, belki daha küçük bir şey için."
    ),
    "part_refused": "⚠️ Telegram yanıtın bu bölümünü göstermeyi reddetti.",
    "second_attempt": "↻ Buna yanıt veren bot sunucusu bitirmeden durdu; bu ikinci deneme.",
    "database_lost": (
        "⚠️ Yanıt yarıda kesildi: botun veritabanıyla bağlantısı koptu. Bağlantı gelir gelmez "
        "yeniden yanıt verecek."
    ),
    "thinking": "💭 Düşünüyorum…",
    "thoughts": "💭 Düşünceler",
    "reason_unavailable": "model hizmetine ulaşılamıyor",
    "reason_timeout": "model hizmeti zamanında yanıt vermedi",
    "reason_rejected": "model hizmeti isteği reddetti",
    "reason_failed": "model hizmetinde bir hata oluştu",
    "not_allowed": (
        "Üzgünüm, bu bot özel. Sahibinden {user_id} kullanıcı kimliğinize izin vermesini isteyin."
    ),
    "rate_limited": (
        "Çok hızlı mesaj gönderiyorsunuz. Lütfen {seconds} saniye bekleyip yeniden deneyin."
    ),
    "too_long": "Mesajınız {length} karakter uzunluğunda; sınır {limit}. Lütfen kısaltın.",
    "cmd_start": "Karşılama ve botun neler yaptığı",
    "cmd_help": "Bot nasıl kullanılır",
    "cmd_reset": "Konuşmayı unut",
    "cmd_retry": "Son soruyu yeniden sor",
    "cmd_system": "Modelin talimatlarını göster veya belirle",
    "cmd_model": "Bu sohbetin modelini seç",
    "cmd_mode": "Bu sohbet için bir persona seç",
    "cmd_usage": "Bugün ve bu ay kullandığınız tokenler",
    "model_current": "Bu sohbetin modeli: {model}. Değiştirmek için başka birine dokunun.",
    "model_chosen": "Tamam: bu sohbet artık {model} kullanıyor.",
    "model_default": "Tamam: bu sohbet yeniden varsayılan modeli, {model}, kullanıyor.",
    "model_unknown": "{name} modeli burada sunulmuyor. Şunlardan birini seçin:",
    "model_gone": "O model artık sunulmuyor. Şunlardan birini seçin:",
    "model_more": "{count} model daha sunuluyor: /model AD ile geçin.",
    "model_admins_only": "Grubun modelini yalnızca yöneticileri değiştirebilir.",
    "mode_current": "Bu sohbetin personası: {persona}. Değiştirmek için başka birine dokunun.",
    "mode_none": "Bu sohbetin personası yok. Seçmek için birine dokunun:",
    "mode_chosen": "Tamam: bu sohbette bundan sonra {persona}.",
    "mode_chosen_model": "Tamam: bu sohbette bundan sonra {persona}, {model} modeliyle.",
    "mode_cleared": "Tamam: persona yok; bu sohbet yeniden varsayılan talimatları kullanıyor.",
    "mode_unknown": "{name} adında bir persona yok. Şunlardan birini seçin:",
    "mode_admins_only": "Grubun personasını yalnızca yöneticileri değiştirebilir.",
    "usage": "Tokenleriniz\nBugün: {today}\nBu ay: {month}",
    "usage_estimated": "Bunların {tokens} tanesi karakter sayısından tahmin edildi.",
    "usage_limits": "Sınırlarınız: günde {daily}, ayda {monthly} (UTC).",
    "usage_no_limits": "Hiçbir sınırınız yok.",
    "usage_unlimited": "yok",
    "usage_failed": "Üzgünüm, kullanımınız şu anda okunamıyor. Lütfen daha sonra yeniden deneyin.",
    "budget_daily": (
        "{limit} tokenlik günlük sınırınızı doldurdunuz. Sınır {resets} itibarıyla sıfırlanır."
    ),
    "budget_monthly": (
        "{limit} tokenlik aylık sınırınızı doldurdunuz. Sınır {resets} itibarıyla sıfırlanır."
    ),
    "stats_admins_only": "/stats yalnızca botun yöneticileri içindir.",
    "stats_days": "Günlere göre tokenler (yanıtlar), UTC:",
    "stats_models": "Modele göre, son 7 gün:",
    "stats_users": "En çok kullananlar (id: token), son 7 gün:",
    "picture_unseen_alone": (
        "ℹ️ Bu model resimleri göremiyor. Lütfen resimle ilgili sorunuzu metin olarak yazın."
    ),
    "picture_too_big_alone": (
        "ℹ️ Resim, bir botun indirebileceği en büyük boyut olan 20 MB'tan büyük, bu yüzden ona "
        "bakamıyorum. Lütfen daha küçük bir resim gönderin ya da sorunuzu metin olarak yazın."
    ),
    "picture_unreadable_alone": (
        "ℹ️ Resmi okuyamadım. Lütfen yeniden gönderin ya da sorunuzu metin olarak yazın."
    ),
    "misconfigured": (
        "Üzgünüm, yanıt veremiyorum: bot yanlış yapılandırılmış (model hizmeti botun ayarlarını "
        "kabul etmiyor). Botu işleten kişiye bildirildi; o düzeltene kadar yeniden denemek işe "
        "yaramaz."
    ),
    "heard": "🎙 Duyduğum:",
    "speech_off": "🎙 Bu botta sesli mesajlar kapalı. Lütfen sorunuzu yazın.",
    "speech_not_configured": (
        "🎙 Bu botta sesli mesajlar ayarlanmamış (konuşmayı metne çevirme yok). Lütfen sorunuzu "
        "yazın."
    ),
    "speech_too_long": (
        "🎙 Bu kayıt {seconds} sn uzunluğunda; en fazla {limit} sn yazıya döküyorum "
        "(MAX_VOICE_SECONDS). Lütfen daha kısa bir kayıt gönderin."
    ),
    "speech_undecodable": "🎙 Bu sesi çözemedim. Lütfen yeniden kaydedin ya da yeniden gönderin.",
    "speech_silence": "🎙 Bu kayıtta hiç sözcük duyamadım.",
    "speech_unreachable": (
        "🎙 Konuşmayı metne çeviren sunucuya ulaşılamıyor, bu yüzden bunu yazıya dökemedim. Lütfen "
        "daha sonra yeniden deneyin."
    ),
    "speech_unauthorized": (
        "🎙 Konuşmayı metne çeviren sunucu bu botun anahtarını reddetti, bu yüzden bunu yazıya "
        "dökemedim."
    ),
    "speech_too_big": "🎙 Bu kayıt, konuşmayı metne çeviren sunucu için çok büyük.",
    "speech_busy": (
        "🎙 Konuşmayı metne çeviren sunucu meşgul (çok fazla istek). Lütfen birazdan yeniden "
        "deneyin."
    ),
    "speech_server_error": (
        "🎙 Konuşmayı metne çeviren sunucu hata verdi (sunucu hatası). Lütfen daha sonra yeniden "
        "deneyin."
    ),
    "speech_timeout": (
        "🎙 Konuşmayı metne çeviren sunucu zamanında yanıt vermedi. Lütfen daha sonra yeniden "
        "deneyin."
    ),
    "speech_rejected": "🎙 Konuşmayı metne çeviren sunucu bu kaydı reddetti.",
    "download_too_big": (
        "📎 Bu dosya, bir botun indirebileceği en büyük boyut olan {limit} sınırını aşıyor, bu "
        "yüzden okuyamadım."
    ),
    "download_too_big_unknown": (
        "📎 Bu dosya bir botun indirebileceğinden büyük, bu yüzden okuyamadım."
    ),
    "download_unreadable": "📎 Bu dosyayı Telegram'dan indiremedim. Lütfen yeniden gönderin.",
    "document_unsupported": "📎 Bu dosya türünü okuyamıyorum. Okuyabildiklerim: {supported}.",
    "document_binary": (
        "📎 Bu dosya metne benzemiyor, bu yüzden okuyamıyorum. Okuyabildiklerim: {supported}."
    ),
    "document_encrypted": "📎 Bu PDF parolayla korunuyor, bu yüzden okuyamıyorum.",
    "document_broken": "📎 Bu dosya bozuk, bu yüzden okuyamıyorum.",
    "document_scanned": (
        "📎 Bu PDF'te metin katmanı yok (bir tarama) ve resimlerdeki metni henüz okuyamıyorum."
    ),
    "document_empty": "📎 Bu dosyada hiç metin yok.",
    "document_too_big": "📎 Bu dosya açıldığında okuyabileceğimden büyük.",
    "document_cut": (
        "✂️ Dosya uzun: {total} karakterin ilk {kept} tanesini okudum (MAX_DOCUMENT_CHARS)."
    ),
    "tools": "🔧 Araçlar",
    "tool_running": "🔧 {call}…",
    "tool_ended": "🔧 {call} — {outcome}",
    "tool_recorded": "{call} — {outcome}",
    "tools_earlier": "… {count} önceki",
    "tool_done": "tamam",
    "tool_failed": "başarısız",
    "tool_timed_out": "zaman aşımı",
    "tool_invalid_arguments": "geçersiz argümanlar",
    "tool_unknown_tool": "böyle bir araç yok",
    "tool_invalid_result": "geçersiz sonuç",
    "tool_unavailable": "sunucuya ulaşılamıyor",
    "tool_cancelled": "iptal edildi",
    "tools_cut_short": (
        "ℹ️ Model, bu botun izin verdiği en fazla sayı olan {rounds} turdan fazla araç çağrısı "
        "istedi; elindekiyle yanıt verdi."
    ),
    "tools_list": "Modelin bu sohbette kullanabileceği araçlar:",
    "tools_none": "Modelin bu sohbette hiç aracı yok.",
    "tools_not_offered": "Model burada araç çağıramaz: arka ucu araç çağırmayı desteklemiyor.",
    "tools_server_up": "✅ {name}: {tools}",
    "tools_server_empty": "✅ {name}: araç yok",
    "tools_server_down": "⚠️ {name}: kapalı ({error}); yeniden deneniyor",
    "cmd_tools": "Modelin kullanabileceği araçlar",
    "picture_too_big_some": (
        "ℹ️ Bir botun indirebileceği en büyük boyut olan 20 MB'tan büyük bir resmi dışarıda "
        "bıraktım; diğerleriyle yanıtladım."
    ),
    "picture_unreadable_some": (
        "ℹ️ Resimlerden birini okuyamadım, bu yüzden diğerleriyle yanıtladım."
    ),
}
