import { messages } from '../define'

// What a view says in place of itself when it failed to draw (ui/ErrorBoundary.tsx): what
// happened, that nothing else is touched, the way to try again, and the message for support.
// Merged into the catalogues through the library part (parts/library.ts).

export const viewErrorMessages = messages(
  {
    'viewError.title': 'This view stopped working',
    'viewError.body':
      'Something went wrong while showing {view}. The rest of Kling Studio still works and nothing you made is lost: your videos, the queue and the history are as they were.',
    'viewError.reload': 'Reload this view',
    'viewError.again':
      'If it happens again after a reload, send the message below to support along with what you were doing.',
    'viewError.message': 'Message for support',
  },
  {
    'viewError.title': 'Tampilan ini berhenti bekerja',
    'viewError.body':
      'Terjadi kesalahan saat menampilkan {view}. Bagian lain Kling Studio tetap berjalan dan tidak ada karya Anda yang hilang: video, antrean, dan riwayat Anda tetap seperti semula.',
    'viewError.reload': 'Muat ulang tampilan ini',
    'viewError.again':
      'Jika terjadi lagi setelah dimuat ulang, kirim pesan di bawah ini ke tim dukungan beserta apa yang sedang Anda lakukan.',
    'viewError.message': 'Pesan untuk tim dukungan',
  },
)
