import { messages } from '../define'

// The settings messages added with the app shell work (keys start with "prefs."): the key test's
// outcome, the address that cannot be reached, and why sandbox mode is on; the Spending section
// ("budget."), and the jobs a change of address leaves at the old one ("address.").

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
    'budget.title': 'Spending',
    'budget.lead':
      'Caps count the units already charged and those on their way. A Generate that would pass one asks you first; nothing is sent unless you choose to.',
    'budget.daily': 'Daily cap',
    'budget.monthly': 'Monthly cap',
    'budget.unitsSuffix': 'units',
    'budget.capHelp': 'Empty: no cap.',
    'budget.capMoney': 'About {money} at your price.',
    'budget.dailyAbove':
      'The daily cap is above the monthly cap, so the monthly cap always stops first.',
    'budget.price': 'Price per unit',
    'budget.priceHelp':
      "What one unit costs you, to show money beside units. Empty: units only. Kling's own packs sell a unit for about $0.14.",
    'budget.currency': 'Currency',
    'budget.save': 'Save caps and price',
    'budget.seeSpending': 'See spending',
    'budget.error.cap':
      'Enter a number of units above 0, up to {max}, or leave it empty for no cap.',
    'budget.error.price':
      'Enter a price above 0, up to {max}, such as 0.14, or leave it empty to show units only.',
    'budget.error.currency': 'Pick a currency.',
    'address.followed': '{n} jobs already sent stay with {address}; they are followed there.',
    'address.followedOne': '1 job already sent stays with {address}; it is followed there.',
    'address.sentTo': 'Sent to',
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
    'budget.title': 'Pengeluaran',
    'budget.lead':
      'Batas menghitung unit yang sudah ditagih dan yang sedang diproses. Permintaan yang akan melewati batas menanyakannya dulu kepada Anda; tidak ada yang dikirim kecuali Anda memilihnya.',
    'budget.daily': 'Batas harian',
    'budget.monthly': 'Batas bulanan',
    'budget.unitsSuffix': 'unit',
    'budget.capHelp': 'Kosong: tanpa batas.',
    'budget.capMoney': 'Sekitar {money} dengan harga Anda.',
    'budget.dailyAbove':
      'Batas harian lebih besar dari batas bulanan, jadi batas bulanan selalu berlaku lebih dulu.',
    'budget.price': 'Harga per unit',
    'budget.priceHelp':
      'Harga satu unit bagi Anda, untuk menampilkan uang di samping unit. Kosong: hanya unit. Paket Kling sendiri menjual satu unit sekitar $0,14.',
    'budget.currency': 'Mata uang',
    'budget.save': 'Simpan batas dan harga',
    'budget.seeSpending': 'Lihat pengeluaran',
    'budget.error.cap':
      'Masukkan jumlah unit di atas 0, paling banyak {max}, atau kosongkan untuk tanpa batas.',
    'budget.error.price':
      'Masukkan harga di atas 0, paling banyak {max}, misalnya 0,14, atau kosongkan untuk menampilkan unit saja.',
    'budget.error.currency': 'Pilih mata uang.',
    'address.followed':
      '{n} tugas yang sudah terkirim tetap di {address}; tugas itu dipantau di sana.',
    'address.followedOne':
      '1 tugas yang sudah terkirim tetap di {address}; tugas itu dipantau di sana.',
    'address.sentTo': 'Dikirim ke',
  },
)
