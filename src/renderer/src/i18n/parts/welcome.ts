import { messages } from '../define'

// The first-run messages (keys start with "onboard."): the key checked as it is saved, and the
// sidebar while the welcome screen is up.

export const welcomeMessages = messages(
  {
    'onboard.getKey': 'Get a CometAPI key',
    'onboard.opensBrowser': '(opens in your browser)',
    'onboard.keyNeverShown': 'The key is checked with CometAPI, then never shown again.',
    'onboard.checking': 'Checking the key with CometAPI…',
    'onboard.works': 'The key works. Everything is ready.',
    'onboard.refused':
      'CometAPI did not accept this key, so it was not kept. Check that you copied all of it, or make a new key on the CometAPI site and paste it here.',
    'onboard.uncheckedTitle': 'The key could not be checked.',
    'onboard.unchecked':
      'It is saved. Start now and test it later in Settings, or check again once CometAPI can be reached.',
    'onboard.continue': 'Continue anyway',
    'onboard.retry': 'Check again',
    'onboard.setup': 'Getting started',
    'onboard.navLocked': 'Save a key or try sandbox mode to open these sections.',
  },
  {
    'onboard.getKey': 'Dapatkan kunci CometAPI',
    'onboard.opensBrowser': '(terbuka di peramban Anda)',
    'onboard.keyNeverShown': 'Kunci diperiksa ke CometAPI, lalu tidak pernah ditampilkan lagi.',
    'onboard.checking': 'Memeriksa kunci ke CometAPI…',
    'onboard.works': 'Kunci berfungsi. Semuanya siap.',
    'onboard.refused':
      'CometAPI tidak menerima kunci ini, jadi kunci tidak disimpan. Pastikan Anda menyalin seluruhnya, atau buat kunci baru di situs CometAPI lalu tempelkan di sini.',
    'onboard.uncheckedTitle': 'Kunci tidak dapat diperiksa.',
    'onboard.unchecked':
      'Kunci sudah disimpan. Mulai sekarang dan uji nanti di Pengaturan, atau periksa lagi setelah CometAPI dapat dihubungi.',
    'onboard.continue': 'Tetap lanjutkan',
    'onboard.retry': 'Periksa lagi',
    'onboard.setup': 'Persiapan awal',
    'onboard.navLocked': 'Simpan kunci atau coba mode sandbox untuk membuka bagian-bagian ini.',
  },
)
