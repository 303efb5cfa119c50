import type { CrisisCategory } from '../../../src/config/safeguarding';

/**
 * Crisis and harmless sentences in Persian/Dari, Uzbek, Turkish and Ukrainian, and the misses
 * the conversation review found in Azerbaijani and Russian (typed without their own letters or
 * in Latin letters; hyperbole). Written the way people write in a chat: short, often without
 * punctuation or their language's letters. Shared by detect-crisis.test.ts (every cue fires,
 * none of the harmless sentences does) and detect-crisis-languages.test.ts.
 */
export type Case = [text: string, category: CrisisCategory];

export const CRISIS_MORE_LANGS: Case[] = [
  // Turkish: suicide
  ['Kendimi öldüreceğim', 'suicide'],
  ['kendimi oldurecegim artik', 'suicide'],
  ['intihar etmeyi düşünüyorum', 'suicide'],
  ['ölmek istiyorum', 'suicide'],
  ['Artık yaşamak istemiyorum', 'suicide'],
  ['yasamak istemiyorum', 'suicide'],
  ['yaşamanın hiçbir anlamı kalmadı', 'suicide'],
  ['kendime zarar veriyorum', 'suicide'],
  // Turkish: violence
  ['Kocam beni dövüyor', 'violence'],
  ['kocam her gün tokat atıyor', 'violence'],
  ['evde aile içi şiddet var', 'violence'],
  ['Kocam beni öldürecek', 'violence'],
  ['babamı öldürdüler dün gece', 'violence'],
  ['bana tecavüz etti', 'violence'],
  // Turkish: exploitation
  ['patron pasaportumu aldı ve vermiyor', 'exploitation'],
  ['Beni maaşsız çalıştırıyorlar', 'exploitation'],
  ['insan ticareti kurbanıyım sanırım', 'exploitation'],
  ['evden çıkmama izin vermiyorlar', 'exploitation'],
  // Turkish: medical
  ['oğlum nefes alamıyor', 'medical'],
  ['kanama durmuyor', 'medical'],
  ['babam bilincini kaybetti', 'medical'],
  ['annem kalp krizi geçiriyor', 'medical'],
  ['kızım bir kutu hap içti', 'medical'],
  ['Lütfen ambulans çağırın', 'medical'],

  // Uzbek: suicide
  ["o'zimni o'ldiraman", 'suicide'],
  ['oʻzimni oʻldirmoqchiman', 'suicide'],
  ['ozimni osib qoyaman', 'suicide'],
  ['joniga qasd qilmoqchi', 'suicide'],
  ['yashagim kelmayapti', 'suicide'],
  ["o'lgim kelyapti", 'suicide'],
  // Uzbek: violence
  ['erim meni uryapti', 'violence'],
  ['erim har kuni kaltaklaydi', 'violence'],
  ['oilaviy zoʻravonlik', 'violence'],
  ["eri meni o'ldiraman deyapti", 'violence'],
  ["akamni o'ldirishdi", 'violence'],
  ['meni zoʻrlashdi', 'violence'],
  // Uzbek: exploitation
  ['xojayin pasportimni olib qoydi', 'exploitation'],
  ['bizni pulsiz ishlatishyapti', 'exploitation'],
  ['odam savdosi qurboni boʻldim', 'exploitation'],
  ['uydan chiqarmayapti', 'exploitation'],
  // Uzbek: medical
  ['bolam nafas ololmayapti', 'medical'],
  ['qon toʻxtamayapti', 'medical'],
  ['otam hushidan ketdi', 'medical'],
  ['yurak xuruji boʻldi', 'medical'],
  ['kop dori ichib qoydi', 'medical'],
  ['tez yordam chaqiring', 'medical'],

  // Ukrainian: suicide
  ['я хочу померти', 'suicide'],
  ['не хочу більше жити', 'suicide'],
  ["я вб'ю себе", 'suicide'],
  ['думаю про самогубство', 'suicide'],
  ['немає сенсу жити', 'suicide'],
  ['хочу повіситися', 'suicide'],
  ['ріжу собі руки', 'suicide'],
  // Ukrainian: violence
  ["чоловік мене б'є", 'violence'],
  ['побив мене вчора', 'violence'],
  ['свекор знущається кожен день', 'violence'],
  ['терплю домашнє насильство', 'violence'],
  ["він погрожує вбити мене", 'violence'],
  ['вбили брата вчора на вулиці', 'violence'],
  ['мене зґвалтували', 'violence'],
  ['на роботі сексуальні домагання', 'violence'],
  // Ukrainian: exploitation
  ['роботодавець відібрав паспорт', 'exploitation'],
  ['роботодавець забрав у мене паспорт', 'exploitation'],
  ['работодатель забрал мой паспорт', 'exploitation'],
  ['хозяин забрал паспорт', 'exploitation'],
  ['işəgötürən pasportumu götürüb', 'exploitation'],
  ['хазяїн забрав у мене паспорт', 'exploitation'],
  ['забрали мій паспорт', 'exploitation'],
  ['у мене забрали документи', 'exploitation'],
  ['господиня забрала паспорт і не віддає', 'exploitation'],
  ['змушують працювати без грошей', 'exploitation'],
  ['це торгівля людьми', 'exploitation'],
  ['нас не випускають з будинку', 'exploitation'],
  // Ukrainian: medical
  ['дитина не може дихати', 'medical'],
  ['сильна кровотеча', 'medical'],
  ['мама без свідомості', 'medical'],
  ['у тата інсульт', 'medical'],
  ['наковтався таблеток', 'medical'],
  ['викличте швидку', 'medical'],

  // Persian/Dari: suicide
  ['می‌خواهم خودکشی کنم', 'suicide'],
  ['خودم را میکشم', 'suicide'],
  ['دلم می خواهد بمیرم', 'suicide'],
  ['نمی‌خواهم دیگر زندگی کنم', 'suicide'],
  ['زندگی هیچ ارزشی ندارد', 'suicide'],
  ['به خودم آسیب می‌زنم', 'suicide'],
  // Persian/Dari: violence
  ['شوهرم مرا کتک می‌زند', 'violence'],
  ['پدرم هر روز کتک میزند', 'violence'],
  ['خشونت خانگی', 'violence'],
  ['شوهرم منو میکشه', 'violence'],
  ['برادرم را دیشب کشتند', 'violence'],
  ['به من تجاوز کرد', 'violence'],
  // Persian/Dari: exploitation
  ['کارفرما پاسپورتم را گرفته و پس نمی‌دهد', 'exploitation'],
  ['بدون حقوق کار میکشند', 'exploitation'],
  ['قاچاق انسان', 'exploitation'],
  ['نمی‌گذارند از خانه بیرون بروم', 'exploitation'],
  // Persian/Dari: medical
  ['بچه‌ام نمی‌تواند نفس بکشد', 'medical'],
  ['خونریزی شدید دارد', 'medical'],
  ['مادرم بیهوش شده', 'medical'],
  ['پدرم سکته کرد', 'medical'],
  ['یک مشت قرص خورده', 'medical'],
  ['لطفا آمبولانس بفرستید', 'medical'],
];

/** Azerbaijani typed without its letters, including "a" for "ə" (review misses). */
export const CRISIS_AZ_PLAIN: Case[] = [
  ['ozumu olduracam', 'suicide'],
  ['ozumu olduracem', 'suicide'],
  ['yasamaq istamiram', 'suicide'],
  ['daha yasamaq istemirem', 'suicide'],
  ['olmak istayiram', 'suicide'],
  ['arim mani doyur', 'violence'],
  ['erim meni her gun doyur', 'violence'],
  ['arim mani olduracak', 'violence'],
  ['pasportumu alimdan aliblar', 'exploitation'],
  ['tacili yardim cagirin', 'medical'],
];

/** Russian typed in Latin letters (translit; review misses). */
export const CRISIS_RU_TRANSLIT: Case[] = [
  ['ne hochu zhit', 'suicide'],
  ['ya ne hochu bolshe jit', 'suicide'],
  ['hochu umeret', 'suicide'],
  ['ubyu sebya', 'suicide'],
  ['dumayu o samoubiystve', 'suicide'],
  ["muzh menya b'et", 'violence'],
  ['muzh b`et menya kazhdyy den', 'violence'],
  ['u menya zabrali pasport', 'exploitation'],
  ['zastavlyayut rabotat bez deneg', 'exploitation'],
  ['vyzovite skoruyu', 'medical'],
  ['on ne dyshit', 'medical'],
];

export const HARMLESS_MORE_LANGS: string[] = [
  // Turkish
  'Kocam Rusya’da çalışıyor',
  'Pasaportumu aldım, teşekkürler',
  'Burada yaşamak istemiyorum, başka bir ev arıyorum',
  'Bu iş beni öldürecek ama para lazım',
  'Bu sıcak beni öldürecek',
  'Filme bayıldım',
  'Çalışmak zorundayım, çocuklarım var',
  'Babam iki yıl önce kalp krizi geçirdi',
  'İntihar saldırısı haberlerini izledim',
  'Kocam gol vurdu maçta',
  // Uzbek
  'Erim Rossiyada ishlaydi',
  'Bu kitobni olgim keladi',
  "O'zimni rasmga oldirdim",
  'Toshkentda yashashni xohlamayman',
  'Bu ish meni oʻldiradi',
  'Eshikni urdi va kirdi',
  "Pasportimni konsullikka topshirdim, olib qo'yishdi",
  'Bolalarim maktabga boradi',
  // Ukrainian
  'Чоловік працює в Польщі',
  'Не хочу жити в гуртожитку',
  'Ця робота мене вбє',
  'Мама мене вбє, якщо дізнається',
  'Мене бє лихоманка',
  'Ми тікали від війни і насильства',
  'Мого брата вбили на війні',
  'Я забрала паспорт у міграційній службі',
  'Ми забрали паспорти в посольстві',
  'Я забрав свій паспорт учора',
  'Тато переніс інсульт минулого року',
  'Я волонтерка, працюю безкоштовно',
  // Persian/Dari
  'شوهرم در روسیه کار می‌کند',
  'پاسپورتم را گرفتم',
  'در باکو نمی‌خواهم زندگی کنم',
  'این کار منو میکشه',
  'مرا صدا زد',
  'به من زنگ زد',
  'پدرم را طالبان کشتند، به همین دلیل آمدیم',
  'از ترس سکته کردم',
  'سیگار میکشد',
  'مجبورم کار کنم چون اجاره دارم',
  // Azerbaijani and Russian hyperbole and plain typing (review misses)
  'bu iş məni öldürəcək',
  'bu is meni olduracek',
  'bu imtahan məni öldürəcək',
  'anam məni öldürəcək',
  'эта работа меня убьёт',
  'eta rabota menya ubyot',
  'this job is killing me',
  // Latin-letter messages in other languages that share letters with Russian translit
  'suicide bomber attack in Kabul, we left after that',
  'I would like to bet on my English',
  'Bilmiyorum, evet',
];
