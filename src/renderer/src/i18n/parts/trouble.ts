import { messages } from '../define'

// The line a job's card shows while main retries a step that failed on this computer (the
// history locked by another program, its disk full, ...): what is wrong, and when it is tried
// again (features/feed/TroubleNote.tsx). Keys start with "trouble.".

export const troubleMessages = messages(
  {
    'trouble.locked': 'Progress cannot be saved: your history is locked by another program.',
    'trouble.full': 'Progress cannot be saved: the disk holding your history is full.',
    'trouble.write': 'Progress cannot be saved: your history could not be written.',
    'trouble.unexpected': 'Something unexpected stopped the next step of this video.',
    'trouble.retryIn': 'Trying again in {seconds} s (attempt {attempt}).',
    'trouble.retryNow': 'Trying again now (attempt {attempt}).',
  },
  {
    'trouble.locked':
      'Progres tidak dapat disimpan: riwayat Anda sedang dikunci oleh program lain.',
    'trouble.full': 'Progres tidak dapat disimpan: disk tempat riwayat Anda sudah penuh.',
    'trouble.write': 'Progres tidak dapat disimpan: riwayat Anda tidak dapat ditulis.',
    'trouble.unexpected': 'Terjadi kesalahan tak terduga pada langkah berikutnya video ini.',
    'trouble.retryIn': 'Mencoba lagi dalam {seconds} detik (percobaan ke-{attempt}).',
    'trouble.retryNow': 'Mencoba lagi sekarang (percobaan ke-{attempt}).',
  },
)
