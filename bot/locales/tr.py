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
        "(gruplarda yalnızca yöneticiler), /system reset varsayılanlara döner\n\n"
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
    "text_only": "Yalnızca metin ve resim okuyabiliyorum. Lütfen sorunuzu metin olarak yazın.",
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
}
