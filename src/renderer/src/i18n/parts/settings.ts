import { messages } from '../define'

// The settings messages added with the app shell work (keys start with "prefs."): the key test's
// outcome, the address that cannot be reached, and why sandbox mode is on.

export const settingsMessages = messages(
  {
    'prefs.general': 'General',
    'prefs.keyWorks': 'The key works at {address}.',
    'prefs.keyRefused':
      'CometAPI did not accept this key. Replace it with a key from the CometAPI site.',
    'prefs.unreachable': 'Could not reach {address}.',
    'prefs.unchecked': 'The key could not be checked at {address}.',
    'prefs.addressHelp':
      'Where requests and your key go. Anything other than CometAPI asks you first.',
    'prefs.addressRefused': 'The address was not saved.',
    'prefs.sandboxNoKey':
      'On, because no key is set: videos come from the built-in emulator and nothing is charged. Save a key above to make real videos with Kling.',
    'prefs.sandboxChosen':
      'On: videos come from the built-in emulator on this computer and nothing is charged. Turn it off to make real videos with your key.',
    'prefs.sandboxChosenNoKey':
      'On. Until a key is set, sandbox mode stays on even if you turn this off.',
    'prefs.sandboxOff': 'Off: videos are made by Kling and charged to your CometAPI account.',
    'prefs.warnBasicText':
      'Your key is stored with Linux\'s "basic_text" backend, which only obscures it: anyone who can read your files can read the key. Install a keyring (GNOME Keyring or KWallet) to protect it.',
    'prefs.warnSafeStorage':
      "The system keychain could not be reached, so your key is kept encrypted in the app's data folder instead.",
    'prefs.warnMemory':
      'No keychain and no encryption are available: your key is kept only until the app closes.',
  },
  {
    'prefs.general': 'Umum',
    'prefs.keyWorks': 'Kunci berfungsi di {address}.',
    'prefs.keyRefused':
      'CometAPI tidak menerima kunci ini. Ganti dengan kunci dari situs CometAPI.',
    'prefs.unreachable': 'Tidak dapat menghubungi {address}.',
    'prefs.unchecked': 'Kunci tidak dapat diperiksa di {address}.',
    'prefs.addressHelp':
      'Tujuan permintaan dan kunci Anda. Alamat selain CometAPI akan ditanyakan dulu kepada Anda.',
    'prefs.addressRefused': 'Alamat tidak disimpan.',
    'prefs.sandboxNoKey':
      'Aktif, karena belum ada kunci: video dibuat oleh emulator bawaan dan tanpa biaya. Simpan kunci di atas untuk membuat video sungguhan dengan Kling.',
    'prefs.sandboxChosen':
      'Aktif: video dibuat oleh emulator bawaan di komputer ini dan tanpa biaya. Matikan untuk membuat video sungguhan dengan kunci Anda.',
    'prefs.sandboxChosenNoKey':
      'Aktif. Selama belum ada kunci, mode sandbox tetap aktif meskipun Anda mematikannya.',
    'prefs.sandboxOff': 'Nonaktif: video dibuat oleh Kling dan ditagihkan ke akun CometAPI Anda.',
    'prefs.warnBasicText':
      'Kunci Anda disimpan dengan backend "basic_text" Linux, yang hanya menyamarkannya: siapa pun yang dapat membaca berkas Anda dapat membaca kunci ini. Pasang keyring (GNOME Keyring atau KWallet) untuk melindunginya.',
    'prefs.warnSafeStorage':
      'Keychain sistem tidak dapat dihubungi, jadi kunci Anda disimpan terenkripsi di folder data aplikasi.',
    'prefs.warnMemory':
      'Tidak ada keychain maupun enkripsi: kunci Anda hanya disimpan sampai aplikasi ditutup.',
  },
)
