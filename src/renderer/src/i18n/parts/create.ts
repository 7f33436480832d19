import { messages } from '../define'

// The create messages (keys start with "create."): the composer of the Create workspace.

export const createMessages = messages(
  {
    'create.kind': 'Kind of video',
    'create.kind.text2video': 'Text to video',
    'create.kind.image2video': 'Image to video',
    'create.kind.multi-image2video': 'Multi-image',
    'create.kindHelp.text2video': 'A video from words alone.',
    'create.kindHelp.image2video': 'A video that starts from a first frame, and may end on a last.',
    'create.kindHelp.multi-image2video':
      'One video from two to four references: a subject, a scene, a style.',
    'create.newDraft': 'New draft',
    'create.newDraftHelp':
      'Clear the prompt, the images and the options, and start again from your default options.',

    'create.slot.image': 'First frame',
    'create.slot.image_tail': 'Last frame',
    'create.slot.list': 'Reference {n}',
    'create.slot.optional': 'optional',
    'create.slot.choose': 'Choose image',
    'create.slot.chooseFor': 'Choose an image for {slot}',
    'create.slot.hint': 'or drop or paste one',
    'create.slot.remove': 'Remove {slot}',
    'create.slot.checking': 'Checking…',
    'create.slot.keep': 'Keep the current image',
    'create.slot.leaveEmpty': 'Leave empty',
    'create.slot.byName': 'Kept in the library: {name}',
    'create.slot.preview': '{slot}: preview',
    'create.slot.tailOff': '{model} takes no last frame.',
    'create.slot.tailExclusive':
      'A last frame and camera movement exclude each other: set the camera to Automatic to add one.',
    'create.images': 'Reference images',
    'create.imageRules': 'JPG or PNG, 300 px or more a side, up to 10 MB, from 1:2.5 to 2.5:1.',

    'create.inputError.image_format': 'This is not a JPG or PNG image.',
    'create.inputError.image_bytes': 'The image is larger than 10 MB.',
    'create.inputError.image_pixels': 'The image is smaller than 300 × 300 pixels.',
    'create.inputError.image_aspect': 'The image is too wide or too tall (1:2.5 to 2.5:1).',
    'create.inputError.input_unreadable': 'The image could not be read.',
    'create.inputError.invalid_input': 'The image was not accepted.',

    'create.frameError.load_timeout':
      'The frame could not be taken: the video took too long to load.',
    'create.frameError.unreadable': 'The frame could not be taken: the video could not be read.',
    'create.frameError.no_picture': 'The frame could not be taken: the video has no picture.',
    'create.frameError.no_canvas': 'The frame could not be taken: the window could not draw it.',
    'create.frameError.encode':
      'The frame could not be taken: it could not be turned into an image file.',

    'create.model.serverDefault': 'Server default ({model})',
    'create.model.other': 'Another model name…',
    'create.model.name': 'Model name',
    'create.model.unlisted': '{model} (not in the table)',
    'create.model.recommended': 'recommended',
    'create.model.switched': '{from} does not make this kind of video: switched to {to}.',
    'create.facts.seconds': '{list} s',
    'create.facts.pro': '{what} (Pro)',
    'create.facts.tail': 'last frame',
    'create.facts.sound': 'sound',
    'create.facts.camera': 'camera',
    'create.facts.cfg': 'cfg',
    'create.facts.noCfg': 'no cfg',
    'create.facts.unknown': 'Not in the model table: the service decides what it takes.',
    'create.facts.notForKind': 'Not documented for this kind of video.',

    'create.mode.std': 'Standard',
    'create.mode.pro': 'Professional',
    'create.modeHelp':
      'Standard is faster and costs less; Professional looks better and costs more.',
    'create.modeOff': 'Not documented on {model}',
    'create.sound': 'Sound',
    'create.sound.on': 'On',
    'create.sound.off': 'Off',
    'create.soundOff': '{model} makes no sound.',
    'create.proOnly': 'On {model} only in Professional mode.',
    'create.cameraExclusive': 'Camera movement and a last frame exclude each other.',
    'create.advanced': 'Advanced',
    'create.externalSent': 'Sent as {ids}.',

    'create.takes': 'Takes',
    'create.takesHelp':
      'How many videos to make from this request: each is its own task, charged on its own.',
    'create.generateTakes': 'Generate {n}',
    'create.cost': '≈ {n} units',
    'create.costUnknown': 'Cost unknown',
    'create.costAbout': 'About this estimate',
    'create.costHelp':
      'Estimated from the price table in the app; each video shows what was charged.',
    'create.costUnknownHelp':
      'The price table in the app has no figure for this yet; each video shows the units charged once done.',
    'create.sentTakes': 'Sent: {n} takes on their way.',
    'create.alreadySent':
      'This Generate already went out: its takes are under Latest videos. Press Generate again to make new ones.',
    'create.blocked.checking': 'Generate waits while the images are checked.',
    'create.blocked.checkingButton': 'Checking images…',
    'create.blocked.refused':
      'An image was not accepted: see the message under it before you Generate.',
    'create.blocked.refusedButton': 'Image not accepted',

    'create.rule.image_missing': '{field}: add an image.',
    'create.rule.image_value': '{field} must be an image file, a URL or a frame of a saved video.',
    'create.rule.image_data_prefix':
      '{field} must be an image file, a URL or a frame of a saved video.',
    'create.rule.image_count': 'Add {min} to {max} images (now {count}).',
    'create.rule.exclusive':
      'A last frame, masks and camera movement exclude each other ({fields}).',
    'create.rule.model_mode': '{model} is not documented in {mode} mode.',
    'create.rule.model_duration': '{model} takes {allowed} seconds.',
    'create.rule.model_kind': '{model} is not documented for this kind of video.',
    'create.rule.image_tail_unsupported': '{model} is documented to take no last frame.',
    'create.rule.image_tail_mode': 'A last frame on {model} is documented only in {modes} mode.',
    'create.rule.sound_unsupported': '{model} is documented to make no sound.',
    'create.rule.sound_mode': 'Sound on {model} is documented only in {modes} mode.',
    'create.rule.duration': '{field}: whole seconds from {min} to {max}.',
  },
  {
    'create.kind': 'Jenis video',
    'create.kind.text2video': 'Teks ke video',
    'create.kind.image2video': 'Gambar ke video',
    'create.kind.multi-image2video': 'Multi-gambar',
    'create.kindHelp.text2video': 'Video dari kata-kata saja.',
    'create.kindHelp.image2video':
      'Video yang berawal dari bingkai pertama, dan bisa berakhir pada bingkai terakhir.',
    'create.kindHelp.multi-image2video':
      'Satu video dari dua sampai empat referensi: subjek, latar, gaya.',
    'create.newDraft': 'Draf baru',
    'create.newDraftHelp':
      'Kosongkan prompt, gambar, dan opsi, lalu mulai lagi dari opsi bawaan Anda.',

    'create.slot.image': 'Bingkai pertama',
    'create.slot.image_tail': 'Bingkai terakhir',
    'create.slot.list': 'Referensi {n}',
    'create.slot.optional': 'opsional',
    'create.slot.choose': 'Pilih gambar',
    'create.slot.chooseFor': 'Pilih gambar untuk {slot}',
    'create.slot.hint': 'atau seret atau tempel gambar',
    'create.slot.remove': 'Hapus {slot}',
    'create.slot.checking': 'Memeriksa…',
    'create.slot.keep': 'Pakai gambar yang sekarang',
    'create.slot.leaveEmpty': 'Biarkan kosong',
    'create.slot.byName': 'Tersimpan di pustaka: {name}',
    'create.slot.preview': '{slot}: pratinjau',
    'create.slot.tailOff': '{model} tidak menerima bingkai terakhir.',
    'create.slot.tailExclusive':
      'Bingkai terakhir dan gerakan kamera saling meniadakan: setel kamera ke Otomatis untuk menambahkannya.',
    'create.images': 'Gambar referensi',
    'create.imageRules':
      'JPG atau PNG, minimal 300 px tiap sisi, paling besar 10 MB, antara 1:2,5 dan 2,5:1.',

    'create.inputError.image_format': 'Ini bukan gambar JPG atau PNG.',
    'create.inputError.image_bytes': 'Gambar lebih besar dari 10 MB.',
    'create.inputError.image_pixels': 'Gambar lebih kecil dari 300 × 300 piksel.',
    'create.inputError.image_aspect':
      'Gambar terlalu lebar atau terlalu tinggi (1:2,5 sampai 2,5:1).',
    'create.inputError.input_unreadable': 'Gambar tidak dapat dibaca.',
    'create.inputError.invalid_input': 'Gambar tidak diterima.',

    'create.frameError.load_timeout': 'Bingkai tidak dapat diambil: video terlalu lama dimuat.',
    'create.frameError.unreadable': 'Bingkai tidak dapat diambil: video tidak dapat dibaca.',
    'create.frameError.no_picture': 'Bingkai tidak dapat diambil: video tidak memiliki gambar.',
    'create.frameError.no_canvas':
      'Bingkai tidak dapat diambil: jendela aplikasi tidak dapat menggambarnya.',
    'create.frameError.encode':
      'Bingkai tidak dapat diambil: bingkai tidak dapat diubah menjadi berkas gambar.',

    'create.model.serverDefault': 'Bawaan server ({model})',
    'create.model.other': 'Nama model lain…',
    'create.model.name': 'Nama model',
    'create.model.unlisted': '{model} (tidak ada di tabel)',
    'create.model.recommended': 'disarankan',
    'create.model.switched': '{from} tidak membuat jenis video ini: diganti ke {to}.',
    'create.facts.seconds': '{list} dtk',
    'create.facts.pro': '{what} (Pro)',
    'create.facts.tail': 'bingkai terakhir',
    'create.facts.sound': 'suara',
    'create.facts.camera': 'kamera',
    'create.facts.cfg': 'cfg',
    'create.facts.noCfg': 'tanpa cfg',
    'create.facts.unknown': 'Tidak ada di tabel model: layanan yang menentukan apa yang diterima.',
    'create.facts.notForKind': 'Tidak terdokumentasi untuk jenis video ini.',

    'create.mode.std': 'Standar',
    'create.mode.pro': 'Profesional',
    'create.modeHelp':
      'Standar lebih cepat dan lebih murah; Profesional lebih bagus dan lebih mahal.',
    'create.modeOff': 'Tidak terdokumentasi pada {model}',
    'create.sound': 'Suara',
    'create.sound.on': 'Aktif',
    'create.sound.off': 'Mati',
    'create.soundOff': '{model} tidak membuat suara.',
    'create.proOnly': 'Pada {model} hanya dalam mode Profesional.',
    'create.cameraExclusive': 'Gerakan kamera dan bingkai terakhir saling meniadakan.',
    'create.advanced': 'Lanjutan',
    'create.externalSent': 'Dikirim sebagai {ids}.',

    'create.takes': 'Jumlah versi',
    'create.takesHelp':
      'Berapa video yang dibuat dari permintaan ini: masing-masing tugas tersendiri, ditagih tersendiri.',
    'create.generateTakes': 'Buat {n} video',
    'create.cost': '≈ {n} unit',
    'create.costUnknown': 'Biaya belum diketahui',
    'create.costAbout': 'Tentang perkiraan ini',
    'create.costHelp':
      'Perkiraan dari tabel harga di aplikasi; setiap video menunjukkan biaya yang ditagih.',
    'create.costUnknownHelp':
      'Tabel harga di aplikasi belum punya angka untuk ini; setiap video menunjukkan unit yang ditagih setelah selesai.',
    'create.sentTakes': 'Terkirim: {n} versi sedang dibuat.',
    'create.alreadySent':
      'Permintaan ini sudah terkirim: hasilnya ada di Video terbaru. Tekan Buat video lagi untuk membuat yang baru.',
    'create.blocked.checking': 'Tombol Buat video menunggu sampai gambar selesai diperiksa.',
    'create.blocked.checkingButton': 'Memeriksa gambar…',
    'create.blocked.refused':
      'Ada gambar yang tidak diterima: baca pesan di bawahnya sebelum membuat video.',
    'create.blocked.refusedButton': 'Gambar tidak diterima',

    'create.rule.image_missing': '{field}: tambahkan gambar.',
    'create.rule.image_value':
      '{field} harus berupa berkas gambar, URL, atau bingkai dari video yang tersimpan.',
    'create.rule.image_data_prefix':
      '{field} harus berupa berkas gambar, URL, atau bingkai dari video yang tersimpan.',
    'create.rule.image_count': 'Tambahkan {min} sampai {max} gambar (sekarang {count}).',
    'create.rule.exclusive':
      'Bingkai terakhir, masker, dan gerakan kamera saling meniadakan ({fields}).',
    'create.rule.model_mode': '{model} tidak terdokumentasi dalam mode {mode}.',
    'create.rule.model_duration': '{model} menerima {allowed} detik.',
    'create.rule.model_kind': '{model} tidak terdokumentasi untuk jenis video ini.',
    'create.rule.image_tail_unsupported':
      '{model} menurut dokumentasi tidak menerima bingkai terakhir.',
    'create.rule.image_tail_mode':
      'Bingkai terakhir pada {model} terdokumentasi hanya dalam mode {modes}.',
    'create.rule.sound_unsupported': '{model} menurut dokumentasi tidak membuat suara.',
    'create.rule.sound_mode': 'Suara pada {model} terdokumentasi hanya dalam mode {modes}.',
    'create.rule.duration': '{field}: detik bulat dari {min} sampai {max}.',
  },
)
