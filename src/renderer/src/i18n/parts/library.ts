import { messages } from '../define'

// The library browser's messages (keys start with "browse."; the older "library." ones live in
// the base catalogue) and what a rescan left out ("rescan.").

export const libraryMessages = messages(
  {
    'browse.countAtLeast': '{n}+ videos',
    'browse.videos': 'Videos',
    'browse.searchHint': 'Search prompts (press /)',
    'browse.sort': 'Order',
    'browse.newest': 'Newest first',
    'browse.oldest': 'Oldest first',
    'browse.oldestNeedsCount':
      'Oldest first needs the exact count of matches; this search only knows a lower bound.',
    'browse.size': 'Tile size',
    'browse.today': 'Today',
    'browse.yesterday': 'Yesterday',
    'browse.thisWeek': 'This week',
    'browse.select': 'Select {prompt}',
    'browse.bulk': 'Selected videos',
    'browse.selected': '{n} selected',
    'browse.selectedOne': '1 selected',
    'browse.clearSelection': 'Clear selection',
    'browse.export': 'Export…',
    'browse.exportOne': 'Export (Save as)…',
    'browse.exported': '{n} videos exported to {folder}',
    'browse.exportedOne': 'Video exported to {folder}',
    'browse.exportFailed': '{n} could not be exported: {message}',
    'browse.exportTooMany':
      'Export takes at most {max} videos at a time; {n} are selected. Select fewer and export again.',
    'browse.nothingToExport': 'None of these videos is saved on this computer yet.',
    'browse.confirmTrash': 'Move these {n} videos to the trash?',
    'browse.someFailed': '{n} of {total} failed.',
    'browse.lastFrame': 'Use last frame',
    'browse.dragShort': 'Drag to editor',
    'browse.noPreview': 'No preview',
    'browse.menu.label': 'Video actions',
    'browse.menu.play': 'Play',
    'rescan.skippedOne':
      'Rescan done. Videos in the folder: {found}; new to the history: {added}; no longer on disk: {missing}. 1 sidecar was left out: see the list under the title.',
    'rescan.skipped':
      'Rescan done. Videos in the folder: {found}; new to the history: {added}; no longer on disk: {missing}. {n} sidecars were left out: see the list under the title.',
    'rescan.title': 'Sidecars left out of the rescan',
    'rescan.intro':
      'These .json files in the library folder could not be used, so nothing of them entered the history. No video was changed or moved.',
    'rescan.more': '…and {n} more (the first {shown} are listed).',
    'rescan.field': 'field {field}',
    'rescan.detail': 'For support: {message}',
    'rescan.reason.too_large': 'Too large to be a sidecar: it was not read.',
    'rescan.reason.unreadable': 'Could not be read (it is not a plain file).',
    'rescan.reason.not_json': 'Not valid JSON.',
    'rescan.reason.invalid': 'A field has the wrong type, is out of range or is too long.',
    'rescan.reason.no_video': 'The video beside it is missing or is not an MP4.',
    'rescan.reason.known_job':
      'It names a video the history already has, with another file: the history keeps its own file.',
  },
  {
    'browse.countAtLeast': '{n}+ video',
    'browse.videos': 'Video',
    'browse.searchHint': 'Cari prompt (tekan /)',
    'browse.sort': 'Urutan',
    'browse.newest': 'Terbaru dulu',
    'browse.oldest': 'Terlama dulu',
    'browse.oldestNeedsCount':
      'Urutan terlama dulu perlu jumlah hasil yang pasti; pencarian ini hanya tahu batas bawahnya.',
    'browse.size': 'Ukuran ubin',
    'browse.today': 'Hari ini',
    'browse.yesterday': 'Kemarin',
    'browse.thisWeek': 'Minggu ini',
    'browse.select': 'Pilih {prompt}',
    'browse.bulk': 'Video terpilih',
    'browse.selected': '{n} dipilih',
    'browse.selectedOne': '1 dipilih',
    'browse.clearSelection': 'Batalkan pilihan',
    'browse.export': 'Ekspor…',
    'browse.exportOne': 'Ekspor (Simpan sebagai)…',
    'browse.exported': '{n} video diekspor ke {folder}',
    'browse.exportedOne': 'Video diekspor ke {folder}',
    'browse.exportFailed': '{n} tidak dapat diekspor: {message}',
    'browse.exportTooMany':
      'Ekspor menerima paling banyak {max} video sekaligus; {n} dipilih. Pilih lebih sedikit lalu ekspor lagi.',
    'browse.nothingToExport': 'Belum ada satu pun video ini yang tersimpan di komputer ini.',
    'browse.confirmTrash': 'Pindahkan {n} video ini ke tempat sampah?',
    'browse.someFailed': '{n} dari {total} gagal.',
    'browse.lastFrame': 'Pakai bingkai terakhir',
    'browse.dragShort': 'Seret ke editor',
    'browse.noPreview': 'Tidak ada pratinjau',
    'browse.menu.label': 'Tindakan video',
    'browse.menu.play': 'Putar',
    'rescan.skippedOne':
      'Pindai ulang selesai: {found} video di folder, {added} baru di riwayat, {missing} tidak ada lagi di disk. 1 file sidecar dilewati: lihat daftar di bawah judul.',
    'rescan.skipped':
      'Pindai ulang selesai: {found} video di folder, {added} baru di riwayat, {missing} tidak ada lagi di disk. {n} file sidecar dilewati: lihat daftar di bawah judul.',
    'rescan.title': 'File sidecar yang dilewati saat pindai ulang',
    'rescan.intro':
      'File .json berikut di folder pustaka tidak dapat dipakai, jadi tidak ada isinya yang masuk ke riwayat. Tidak ada video yang diubah atau dipindahkan.',
    'rescan.more': '…dan {n} lagi ({shown} yang pertama ditampilkan).',
    'rescan.field': 'kolom {field}',
    'rescan.detail': 'Untuk tim dukungan: {message}',
    'rescan.reason.too_large': 'Terlalu besar untuk sebuah sidecar: file ini tidak dibaca.',
    'rescan.reason.unreadable': 'Tidak dapat dibaca (bukan file biasa).',
    'rescan.reason.not_json': 'Bukan JSON yang valid.',
    'rescan.reason.invalid':
      'Ada kolom dengan jenis yang salah, di luar rentang, atau terlalu panjang.',
    'rescan.reason.no_video': 'Video di sebelahnya tidak ada atau bukan MP4.',
    'rescan.reason.known_job':
      'File ini menyebut video yang sudah ada di riwayat, tetapi dengan file lain: riwayat tetap memakai filenya sendiri.',
  },
)
