"""The bot's sentences in Indonesian; bot/locales/en.py is the reference."""

from __future__ import annotations

from typing import Final

TEXTS: Final[dict[str, str]] = {
    "start": (
        "Halo, {name}! Saya bot obrolan: tulis apa saja dan saya akan menjawab langsung di sini, "
        "menampilkan teksnya selagi dibuat. Saya ingat percakapan kita; /reset memulai dari awal, "
        "/help menjelaskan lebih lanjut."
    ),
    "help": (
        "Kirimi saya pesan dan saya akan menjawabnya, menampilkan balasan selagi ditulis.\n\n"
        "Perintah:\n"
        "/start – sapaan\n"
        "/help – bantuan ini\n"
        "/reset – lupakan percakapan kita (dan hentikan jawaban yang sedang berjalan)\n"
        "/retry – ajukan lagi pertanyaan terakhir Anda, sudah dijawab atau belum\n"
        "/system – tampilkan instruksi model di obrolan ini; /system <teks> mengaturnya (di grup "
        "hanya admin), /system reset kembali ke bawaan\n"
        "/model – pilih model obrolan ini; /mode – pilih persona\n"
        "/usage – token yang Anda pakai hari ini dan bulan ini\n"
        "/tools – alat yang dapat digunakan model di obrolan ini\n\n"
        "Balas pesan apa pun (atau kutip sebagiannya) dan saya melihat apa yang Anda balas. Kirim "
        "gambar dengan pertanyaan di keterangannya, dan saya akan melihatnya jika model bisa "
        "melihat gambar. Model yang berpikir dulu menampilkan pikirannya terlipat di atas "
        "jawaban.\n\n"
        "Di grup saya menjawab saat Anda menyebut saya (@{username}) atau membalas salah satu "
        "pesan saya, juga di keterangan gambar; setiap grup punya satu percakapan bersama, dan "
        "saya melihat siapa menulis apa."
    ),
    "reset": "Selesai: saya sudah melupakan percakapan kita. Mari mulai dari awal.",
    "nothing_to_retry": "Belum ada yang bisa diulang: kirimi saya pesan dulu.",
    "text_only": (
        "Saya hanya bisa membaca teks, gambar, pesan suara, audio, video, dan file (teks, PDF, "
        "Word). Silakan tulis pertanyaan Anda sebagai teks."
    ),
    "picture_unseen": "ℹ️ Model ini tidak bisa melihat gambar, jadi saya hanya menjawab teksnya.",
    "picture_too_big": (
        "ℹ️ Gambar lebih besar dari 20 MB, batas maksimal yang boleh diunduh bot, jadi saya hanya "
        "menjawab teksnya."
    ),
    "picture_unreadable": (
        "ℹ️ Saya tidak bisa membaca gambar itu, jadi saya hanya menjawab teksnya."
    ),
    "system_show": "Instruksi model di obrolan ini:\n\n{prompt}",
    "system_default": "Obrolan ini memakai instruksi bawaan untuk model:\n\n{prompt}",
    "system_none": "Obrolan ini tidak punya instruksi untuk model. Atur dengan /system <teks>.",
    "system_set": "Selesai: mulai sekarang model mengikuti instruksi ini di obrolan ini.",
    "system_cleared": "Selesai: obrolan ini kembali memakai instruksi bawaan.",
    "system_admins_only": "Hanya admin grup yang bisa mengubah instruksinya.",
    "failed": (
        "Maaf, saya tidak bisa mendapatkan jawaban: {reason}. Silakan coba lagi sebentar lagi."
    ),
    "interrupted": "⚠️ Jawaban terputus: {reason}.",
    "stopped": "⏹ Dihentikan.",
    "shutdown": "⚠️ Jawaban terputus: bot sedang dimulai ulang. Silakan tanyakan lagi.",
    "reason_empty": "model mengembalikan jawaban kosong",
    "too_slow": (
        "Maaf, model terlalu lama menjawab (lebih lama dari yang diizinkan bot ini). Silakan coba "
        "lagi, atau minta sesuatu yang lebih singkat."
    ),
    "too_slow_cut": (
        "⚠️ Jawaban terpotong: model butuh waktu lebih lama dari yang diizinkan bot ini."
    ),
    "length_cut": "✂️ Batas panjang model memotong jawaban ini.",
    "length_thinking": (
        "Maaf, model mencapai batas panjangnya saat masih berpikir, sebelum sempat menjawab. "
        "Silakan tanya lagi, mungkin untuk sesuatu yang lebih kecil."
    ),
    "part_refused": "⚠️ Telegram menolak menampilkan bagian jawaban ini.",
    "second_attempt": (
        "↻ Server bot yang menjawab ini berhenti sebelum selesai; ini percobaan kedua."
    ),
    "database_lost": (
        "⚠️ Jawaban terputus: bot kehilangan koneksi ke basis datanya. Bot akan menjawab lagi "
        "begitu koneksi pulih."
    ),
    "thinking": "💭 Berpikir…",
    "thoughts": "💭 Pikiran",
    "reason_unavailable": "layanan model tidak tersedia",
    "reason_timeout": "layanan model tidak merespons tepat waktu",
    "reason_rejected": "layanan model menolak permintaan",
    "reason_failed": "layanan model mengalami kegagalan",
    "not_allowed": (
        "Maaf, bot ini privat. Minta pemiliknya untuk mengizinkan ID pengguna Anda {user_id}."
    ),
    "rate_limited": "Anda mengirim pesan terlalu cepat. Tunggu {seconds} detik lalu coba lagi.",
    "too_long": "Pesan Anda {length} karakter; batasnya {limit}. Silakan persingkat.",
    "cmd_start": "Sapaan dan apa yang bisa dilakukan bot",
    "cmd_help": "Cara memakai bot",
    "cmd_reset": "Lupakan percakapan",
    "cmd_retry": "Ajukan lagi pertanyaan terakhir",
    "cmd_system": "Lihat atau atur instruksi model",
    "cmd_model": "Pilih model untuk obrolan ini",
    "cmd_mode": "Pilih persona untuk obrolan ini",
    "cmd_usage": "Token yang Anda pakai hari ini dan bulan ini",
    "model_current": "Model obrolan ini: {model}. Ketuk yang lain untuk mengganti.",
    "model_chosen": "Selesai: obrolan ini sekarang memakai {model}.",
    "model_default": "Selesai: obrolan ini kembali memakai model bawaan, {model}.",
    "model_unknown": "Model {name} tidak tersedia di sini. Pilih salah satu dari ini:",
    "model_gone": "Model itu sudah tidak tersedia. Pilih salah satu dari ini:",
    "model_more": "Masih ada {count} model lain: ganti dengan /model NAMA.",
    "model_admins_only": "Hanya admin grup yang bisa mengubah modelnya.",
    "mode_current": "Persona obrolan ini: {persona}. Ketuk yang lain untuk mengganti.",
    "mode_none": "Obrolan ini tidak punya persona. Ketuk salah satu untuk memilih:",
    "mode_chosen": "Selesai: {persona} mulai sekarang di obrolan ini.",
    "mode_chosen_model": "Selesai: {persona} mulai sekarang di obrolan ini, dengan model {model}.",
    "mode_cleared": "Selesai: tanpa persona; obrolan ini kembali memakai instruksi bawaan.",
    "mode_unknown": "Tidak ada persona {name}. Pilih salah satu dari ini:",
    "mode_admins_only": "Hanya admin grup yang bisa mengubah personanya.",
    "usage": "Token Anda\nHari ini: {today}\nBulan ini: {month}",
    "usage_estimated": "Dari jumlah itu, {tokens} diperkirakan dari jumlah karakter.",
    "usage_limits": "Batas Anda: {daily} per hari, {monthly} per bulan (UTC).",
    "usage_no_limits": "Anda tidak punya batas.",
    "usage_unlimited": "tidak ada",
    "usage_failed": "Maaf, pemakaian Anda tidak bisa dibaca saat ini. Silakan coba lagi nanti.",
    "budget_daily": (
        "Anda sudah memakai habis batas harian {limit} token. Batas diatur ulang pada {resets}."
    ),
    "budget_monthly": (
        "Anda sudah memakai habis batas bulanan {limit} token. Batas diatur ulang pada {resets}."
    ),
    "stats_admins_only": "/stats hanya untuk admin bot.",
    "stats_days": "Token (jawaban) per hari, UTC:",
    "stats_models": "Per model, 7 hari terakhir:",
    "stats_users": "Pengguna teratas (id: token), 7 hari terakhir:",
    "picture_unseen_alone": (
        "ℹ️ Model ini tidak bisa melihat gambar. Silakan ajukan pertanyaan tentang gambar itu "
        "sebagai teks."
    ),
    "picture_too_big_alone": (
        "ℹ️ Gambar lebih besar dari 20 MB, batas maksimal yang boleh diunduh bot, jadi saya tidak "
        "bisa melihatnya. Kirim yang lebih kecil, atau ajukan pertanyaan Anda sebagai teks."
    ),
    "picture_unreadable_alone": (
        "ℹ️ Saya tidak bisa membaca gambar itu. Kirim lagi, atau ajukan pertanyaan Anda sebagai "
        "teks."
    ),
    "misconfigured": (
        "Maaf, saya tidak bisa menjawab: bot ini salah konfigurasi (layanan modelnya menolak "
        "pengaturan bot). Pengelola bot sudah diberi tahu; mencoba lagi tidak akan membantu "
        "sampai mereka memperbaikinya."
    ),
    "heard": "🎙 Yang saya dengar:",
    "speech_off": "🎙 Pesan suara dimatikan di bot ini. Silakan tulis pertanyaan Anda.",
    "speech_not_configured": (
        "🎙 Pesan suara belum diatur di bot ini (tidak ada pengubah suara ke teks). Silakan tulis "
        "pertanyaan Anda."
    ),
    "speech_too_long": (
        "🎙 Rekaman ini {seconds} detik; saya mentranskripsi paling lama {limit} detik "
        "(MAX_VOICE_SECONDS). Silakan kirim yang lebih pendek."
    ),
    "speech_undecodable": "🎙 Saya tidak bisa mendekode audio ini. Silakan rekam atau kirim ulang.",
    "speech_silence": "🎙 Saya tidak mendengar satu kata pun dalam rekaman ini.",
    "speech_unreachable": (
        "🎙 Server suara-ke-teks tidak bisa dihubungi, jadi saya tidak bisa mentranskripsinya. "
        "Silakan coba lagi nanti."
    ),
    "speech_unauthorized": (
        "🎙 Server suara-ke-teks menolak kunci bot ini, jadi saya tidak bisa mentranskripsinya."
    ),
    "speech_too_big": "🎙 Rekaman ini terlalu besar untuk server suara-ke-teks.",
    "speech_busy": (
        "🎙 Server suara-ke-teks sedang sibuk (terlalu banyak permintaan). Silakan coba lagi "
        "sebentar lagi."
    ),
    "speech_server_error": (
        "🎙 Server suara-ke-teks gagal (kesalahan server). Silakan coba lagi nanti."
    ),
    "speech_timeout": (
        "🎙 Server suara-ke-teks tidak merespons tepat waktu. Silakan coba lagi nanti."
    ),
    "speech_rejected": "🎙 Server suara-ke-teks menolak rekaman ini.",
    "download_too_big": (
        "📎 File ini lebih besar dari {limit}, batas maksimal yang boleh diunduh bot, jadi saya "
        "tidak bisa membacanya."
    ),
    "download_too_big_unknown": (
        "📎 File ini lebih besar dari yang boleh diunduh bot, jadi saya tidak bisa membacanya."
    ),
    "download_unreadable": (
        "📎 Saya tidak bisa mengunduh file ini dari Telegram. Silakan kirim ulang."
    ),
    "document_unsupported": "📎 Saya tidak bisa membaca jenis file ini. Saya membaca {supported}.",
    "document_binary": (
        "📎 File ini tidak tampak seperti teks, jadi saya tidak bisa membacanya. Saya membaca "
        "{supported}."
    ),
    "document_encrypted": "📎 PDF ini dilindungi kata sandi, jadi saya tidak bisa membacanya.",
    "document_broken": "📎 File ini rusak, jadi saya tidak bisa membacanya.",
    "document_scanned": (
        "📎 PDF ini tidak punya lapisan teks (hasil pindaian), dan saya belum bisa membaca teks "
        "dalam gambar."
    ),
    "document_empty": "📎 Tidak ada teks dalam file ini.",
    "document_too_big": "📎 Setelah diekstrak, file ini lebih besar dari yang bisa saya baca.",
    "document_cut": (
        "✂️ File ini panjang: saya membaca {kept} karakter pertama dari {total} "
        "(MAX_DOCUMENT_CHARS)."
    ),
    "tools": "🔧 Alat",
    "tool_running": "🔧 {call}…",
    "tool_ended": "🔧 {call} — {outcome}",
    "tool_recorded": "{call} — {outcome}",
    "tools_earlier": "… {count} sebelumnya",
    "tool_done": "selesai",
    "tool_failed": "gagal",
    "tool_timed_out": "waktu habis",
    "tool_invalid_arguments": "argumen tidak valid",
    "tool_unknown_tool": "alat tidak ada",
    "tool_invalid_result": "hasil tidak valid",
    "tool_unavailable": "server tidak tersedia",
    "tool_cancelled": "dibatalkan",
    "tools_cut_short": (
        "ℹ️ Model ingin lebih dari {rounds} putaran pemanggilan alat, batas maksimal bot ini; "
        "model menjawab dengan apa yang dimilikinya."
    ),
    "tools_list": "Alat yang bisa dipakai model di obrolan ini:",
    "tools_none": "Model tidak punya alat di obrolan ini.",
    "tools_not_offered": (
        "Model tidak bisa memanggil alat di sini: backend-nya tidak mendukung pemanggilan alat."
    ),
    "tools_server_up": "✅ {name}: {tools}",
    "tools_server_empty": "✅ {name}: tidak ada alat",
    "tools_server_down": "⚠️ {name}: mati ({error}); mencoba lagi",
    "cmd_tools": "Alat yang bisa dipakai model",
    "picture_too_big_some": (
        "ℹ️ Satu gambar lebih besar dari 20 MB, batas maksimal yang boleh diunduh bot, tidak "
        "disertakan; saya menjawab dengan gambar lainnya."
    ),
    "picture_unreadable_some": (
        "ℹ️ Saya tidak dapat membaca salah satu gambar, jadi saya menjawab dengan gambar lainnya."
    ),
}
