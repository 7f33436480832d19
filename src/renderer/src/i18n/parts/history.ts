import { messages } from '../define'

// The notice shown instead of the app when the history cannot be opened (keys start with
// "history.").

export const historyMessages = messages(
  {
    'history.damaged.title': 'Your history cannot be read',
    'history.damaged.body':
      'The file that keeps the list of your jobs is damaged, so Kling Studio cannot open it. Your videos are safe: they are files in your library folder, each with its details beside it.',
    'history.damaged.afresh':
      'Start afresh sets the damaged file aside (renamed, never deleted) and restarts Kling Studio on a new, empty history. Then choose Rescan folder in the Library to bring your saved videos back into it.',
    'history.locked.title': 'Your history is busy',
    'history.locked.body':
      'Another Kling Studio process (a command line, or another copy of the app) has been writing to your history for too long, so this one could not open it. Try again when it is done.',
    'history.full.title': 'The disk holding your history is full',
    'history.full.body':
      'Kling Studio could not open your history because the disk it is on has no room left. Nothing was lost: free some space on that disk (empty the trash, move large files elsewhere), then try again.',
    'history.newer.title': 'This history is from a newer Kling Studio',
    'history.newer.body':
      'Your history was written by a newer version of Kling Studio, which this version cannot read. It is left exactly as it is: update Kling Studio to open it.',
    'history.file': 'File: {file}',
    'history.technical': 'Details for support',
    'history.detail': 'Detail: {message}',
    'history.startAfresh': 'Start afresh',
    'history.tryAgain': 'Try again',
    'history.quit': 'Quit',
    'history.restarting': 'Restarting…',
    'history.failed': 'That did not work: {message}',
  },
  {
    'history.damaged.title': 'Riwayat Anda tidak dapat dibaca',
    'history.damaged.body':
      'Berkas yang menyimpan daftar pekerjaan Anda rusak, sehingga Kling Studio tidak dapat membukanya. Video Anda aman: semuanya berupa berkas di folder pustaka, masing-masing dengan rinciannya di sampingnya.',
    'history.damaged.afresh':
      'Mulai dari awal menyisihkan berkas yang rusak (diganti namanya, tidak pernah dihapus) lalu memulai ulang Kling Studio dengan riwayat baru yang kosong. Setelah itu pilih Pindai ulang folder di Pustaka untuk memasukkan kembali video yang sudah tersimpan.',
    'history.locked.title': 'Riwayat Anda sedang dipakai',
    'history.locked.body':
      'Proses Kling Studio lain (baris perintah, atau salinan aplikasi yang lain) terlalu lama menulis ke riwayat Anda, sehingga aplikasi ini tidak dapat membukanya. Coba lagi setelah proses itu selesai.',
    'history.full.title': 'Disk tempat riwayat Anda sudah penuh',
    'history.full.body':
      'Kling Studio tidak dapat membuka riwayat Anda karena disk tempatnya tidak punya ruang tersisa. Tidak ada yang hilang: kosongkan sebagian ruang di disk itu (kosongkan tempat sampah, pindahkan berkas besar ke tempat lain), lalu coba lagi.',
    'history.newer.title': 'Riwayat ini dari Kling Studio yang lebih baru',
    'history.newer.body':
      'Riwayat Anda ditulis oleh versi Kling Studio yang lebih baru, yang tidak dapat dibaca oleh versi ini. Riwayat dibiarkan apa adanya: perbarui Kling Studio untuk membukanya.',
    'history.file': 'Berkas: {file}',
    'history.technical': 'Rincian untuk tim dukungan',
    'history.detail': 'Rincian: {message}',
    'history.startAfresh': 'Mulai dari awal',
    'history.tryAgain': 'Coba lagi',
    'history.quit': 'Keluar',
    'history.restarting': 'Memulai ulang…',
    'history.failed': 'Tidak berhasil: {message}',
  },
)
