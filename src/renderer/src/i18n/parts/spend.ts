import { messages } from '../define'

// Money: the Spending view (periods against the caps, the chart, by model), the cost beside a
// paid action, and the question asked when one would pass a cap. Units are Kling's; money shows
// only when Settings give a price per unit.

export const spendMessages = messages(
  {
    'nav.spend': 'Spending',
    'error.code.over_budget': 'This would pass a spending cap set in Settings.',

    'spend.unitOne': '{n} unit',
    'spend.units': '{n} units',
    'spend.costLabel': 'Cost:',
    'spend.unknownCost': 'Unknown: the price table has no figure for it',

    'spend.title': 'Spending',
    'spend.lead':
      'Units Kling charged for the videos made from this computer, against the caps you set. Read from the history here, so it works offline too.',
    'spend.changeCaps': 'Change caps',
    'spend.sandbox': 'Sandbox mode is on: sandbox videos are free and are not counted here.',
    'spend.loadError': 'Spending could not be read.',
    'spend.staleError': 'Spending could not be updated; these figures may be out of date.',
    'spend.retry': 'Try again',
    'spend.empty.title': 'Nothing spent yet',
    'spend.empty.body':
      'Once a video is made, the units Kling charged for it show here by day, week, month and model. Sandbox videos are free and never count.',

    'spend.today': 'Today',
    'spend.thisWeek': 'This week',
    'spend.thisMonth': 'This month',
    'spend.chargedWord': 'charged',
    'spend.onTheirWay': '+ {units} on their way',
    'spend.onTheirWayUnknown': '+ {n} on their way at an unknown cost',
    'spend.noCap.daily': 'No daily cap.',
    'spend.noCap.week': 'Weeks start on Monday; caps are daily and monthly.',
    'spend.noCap.monthly': 'No monthly cap.',
    'spend.capUse': '{used} of {cap}',
    'spend.capLeft': '{units} left',
    'spend.capOver': '{units} over the cap',

    'spend.chart.title': 'Units charged',
    'spend.chart.show': 'Show by',
    'spend.chart.days': 'Days',
    'spend.chart.weeks': 'Weeks',
    'spend.chart.months': 'Months',
    'spend.chart.caption.day': 'Units charged each day, the last {n} days: {total} in all.',
    'spend.chart.caption.week':
      'Units charged each week (from Monday), the last {n} weeks: {total} in all.',
    'spend.chart.caption.month': 'Units charged each month, the last {n} months: {total} in all.',
    'spend.chart.capLine': 'The dashed line is your cap of {cap}.',
    'spend.chart.figures': 'Show the figures',
    'spend.chart.col.day': 'Day',
    'spend.chart.col.week': 'Week of',
    'spend.chart.col.month': 'Month',
    'spend.chart.col.units': 'Units',
    'spend.chart.col.money': 'Amount',
    'spend.chart.col.videos': 'Videos charged',

    'spend.models.title': 'This month by model',
    'spend.models.none': 'Nothing charged this month yet.',
    'spend.models.videoOne': '1 video',
    'spend.models.videos': '{n} videos',

    'spend.note.daily': "Over today's cap: you will be asked first.",
    'spend.note.monthly': "Over this month's cap: you will be asked first.",
    'spend.note.unknown': 'Cost unknown and a cap is set: you will be asked first.',

    'spend.ask.title.daily': 'This would pass your daily cap',
    'spend.ask.title.monthly': 'This would pass your monthly cap',
    'spend.ask.title.unknown': 'This could pass your spending cap',
    'spend.ask.title.elsewhere': 'A spending cap was reached meanwhile',
    'spend.ask.lead.daily':
      'What was charged today and what is on its way, with this, would come to more than the daily cap you set.',
    'spend.ask.lead.monthly':
      'What was charged this month and what is on its way, with this, would come to more than the monthly cap you set.',
    'spend.ask.lead.unknown':
      'A cap is set, and the price table has no figure for this request, so it could pass the cap.',
    'spend.ask.lead.elsewhere':
      'Units were spent meanwhile elsewhere (another window or the command line), so this would pass a cap you set.',
    'spend.ask.nothingSent':
      'Nothing is sent unless you choose to, and what you wrote stays as it is.',
    'spend.ask.changeCaps': 'Change caps',
    'spend.ask.anyway.generate': 'Generate anyway',
    'spend.ask.anyway.extend': 'Extend anyway',
    'spend.ask.anyway.rerun': 'Generate again anyway',
    'spend.ask.adds.generate': 'This Generate adds',
    'spend.ask.adds.extend': 'This extension adds',
    'spend.ask.adds.rerun': 'Generating again adds',
    'spend.ask.after.day': 'Today would come to',
    'spend.ask.after.month': 'This month would come to',
    'spend.ask.overBy': 'Over the cap by',
    'spend.cap.daily': 'Daily cap',
    'spend.cap.monthly': 'Monthly cap',
    'spend.charged.day': 'Charged today',
    'spend.charged.month': 'Charged this month',
    'spend.pending': 'On their way',
    'spend.pendingUnknown': 'and {n} more at an unknown cost',
  },
  {
    'nav.spend': 'Pengeluaran',
    'error.code.over_budget': 'Ini akan melewati batas pengeluaran yang ditetapkan di Pengaturan.',

    'spend.unitOne': '{n} unit',
    'spend.units': '{n} unit',
    'spend.costLabel': 'Biaya:',
    'spend.unknownCost': 'Belum diketahui: tabel harga belum punya angkanya',

    'spend.title': 'Pengeluaran',
    'spend.lead':
      'Unit yang ditagih Kling untuk video yang dibuat dari komputer ini, dibandingkan dengan batas yang Anda tetapkan. Dibaca dari riwayat di komputer ini, jadi tetap bisa dilihat saat offline.',
    'spend.changeCaps': 'Ubah batas',
    'spend.sandbox': 'Mode sandbox aktif: video sandbox gratis dan tidak dihitung di sini.',
    'spend.loadError': 'Pengeluaran tidak dapat dibaca.',
    'spend.staleError': 'Pengeluaran tidak dapat diperbarui; angka ini mungkin sudah usang.',
    'spend.retry': 'Coba lagi',
    'spend.empty.title': 'Belum ada pengeluaran',
    'spend.empty.body':
      'Setelah video dibuat, unit yang ditagih Kling untuknya muncul di sini per hari, minggu, bulan, dan model. Video sandbox gratis dan tidak pernah dihitung.',

    'spend.today': 'Hari ini',
    'spend.thisWeek': 'Minggu ini',
    'spend.thisMonth': 'Bulan ini',
    'spend.chargedWord': 'ditagih',
    'spend.onTheirWay': '+ {units} sedang diproses',
    'spend.onTheirWayUnknown': '+ {n} sedang diproses dengan biaya belum diketahui',
    'spend.noCap.daily': 'Tanpa batas harian.',
    'spend.noCap.week': 'Minggu dimulai hari Senin; batas berlaku per hari dan per bulan.',
    'spend.noCap.monthly': 'Tanpa batas bulanan.',
    'spend.capUse': '{used} dari {cap}',
    'spend.capLeft': 'sisa {units}',
    'spend.capOver': '{units} melewati batas',

    'spend.chart.title': 'Unit yang ditagih',
    'spend.chart.show': 'Tampilkan per',
    'spend.chart.days': 'Hari',
    'spend.chart.weeks': 'Minggu',
    'spend.chart.months': 'Bulan',
    'spend.chart.caption.day': 'Unit yang ditagih per hari, {n} hari terakhir: total {total}.',
    'spend.chart.caption.week':
      'Unit yang ditagih per minggu (mulai Senin), {n} minggu terakhir: total {total}.',
    'spend.chart.caption.month': 'Unit yang ditagih per bulan, {n} bulan terakhir: total {total}.',
    'spend.chart.capLine': 'Garis putus-putus adalah batas Anda, {cap}.',
    'spend.chart.figures': 'Tampilkan angkanya',
    'spend.chart.col.day': 'Hari',
    'spend.chart.col.week': 'Minggu mulai',
    'spend.chart.col.month': 'Bulan',
    'spend.chart.col.units': 'Unit',
    'spend.chart.col.money': 'Jumlah uang',
    'spend.chart.col.videos': 'Video yang ditagih',

    'spend.models.title': 'Bulan ini per model',
    'spend.models.none': 'Belum ada tagihan bulan ini.',
    'spend.models.videoOne': '1 video',
    'spend.models.videos': '{n} video',

    'spend.note.daily': 'Melewati batas hari ini: Anda akan ditanya dulu.',
    'spend.note.monthly': 'Melewati batas bulan ini: Anda akan ditanya dulu.',
    'spend.note.unknown': 'Biaya belum diketahui dan ada batas: Anda akan ditanya dulu.',

    'spend.ask.title.daily': 'Ini akan melewati batas harian Anda',
    'spend.ask.title.monthly': 'Ini akan melewati batas bulanan Anda',
    'spend.ask.title.unknown': 'Ini bisa melewati batas pengeluaran Anda',
    'spend.ask.title.elsewhere': 'Batas pengeluaran tercapai sementara itu',
    'spend.ask.lead.daily':
      'Yang sudah ditagih hari ini dan yang sedang diproses, ditambah yang ini, akan melebihi batas harian yang Anda tetapkan.',
    'spend.ask.lead.monthly':
      'Yang sudah ditagih bulan ini dan yang sedang diproses, ditambah yang ini, akan melebihi batas bulanan yang Anda tetapkan.',
    'spend.ask.lead.unknown':
      'Batas sudah ditetapkan, dan tabel harga belum punya angka untuk permintaan ini, jadi bisa saja melewati batas.',
    'spend.ask.lead.elsewhere':
      'Sementara itu ada unit yang terpakai di tempat lain (jendela lain atau baris perintah), jadi ini akan melewati batas yang Anda tetapkan.',
    'spend.ask.nothingSent':
      'Tidak ada yang dikirim kecuali Anda memilihnya, dan yang sudah Anda tulis tetap seperti semula.',
    'spend.ask.changeCaps': 'Ubah batas',
    'spend.ask.anyway.generate': 'Tetap buat video',
    'spend.ask.anyway.extend': 'Tetap perpanjang',
    'spend.ask.anyway.rerun': 'Tetap buat ulang',
    'spend.ask.adds.generate': 'Permintaan ini menambah',
    'spend.ask.adds.extend': 'Perpanjangan ini menambah',
    'spend.ask.adds.rerun': 'Membuat ulang menambah',
    'spend.ask.after.day': 'Total hari ini menjadi',
    'spend.ask.after.month': 'Total bulan ini menjadi',
    'spend.ask.overBy': 'Melewati batas sebanyak',
    'spend.cap.daily': 'Batas harian',
    'spend.cap.monthly': 'Batas bulanan',
    'spend.charged.day': 'Ditagih hari ini',
    'spend.charged.month': 'Ditagih bulan ini',
    'spend.pending': 'Sedang diproses',
    'spend.pendingUnknown': 'dan {n} lagi dengan biaya belum diketahui',
  },
)
