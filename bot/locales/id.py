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
        "hanya admin), /system reset kembali ke bawaan\n\n"
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
        "Saya hanya bisa membaca teks dan gambar. Silakan tulis pertanyaan Anda sebagai teks."
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
}
