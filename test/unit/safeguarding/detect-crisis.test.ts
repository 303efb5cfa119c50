import { CRISIS_CATEGORIES, type CrisisCategory } from '../../../src/config/safeguarding';
import { CRISIS_LEXICON } from '../../../src/safeguarding/crisis-lexicon';
import { CRISIS_CUE_IDS, detectCrisis, foldAzerbaijani, normaliseForMatching } from '../../../src/safeguarding/detect-crisis';
import { CRISIS_AZ_PLAIN, CRISIS_MORE_LANGS, CRISIS_RU_TRANSLIT, HARMLESS_MORE_LANGS } from './crisis-sentences';

/**
 * Crisis detection (Annex 3). Each crisis sentence is written the way a person in that
 * situation would write it in a chat: short, often without punctuation, Azerbaijani often
 * without its letters. The harmless sentences are ordinary intake answers, many sharing a word
 * with a crisis pattern ("beat", "kill", "pasport", "döyür", "бьёт", "жить").
 */

type Case = [text: string, category: CrisisCategory];

const CRISIS: Case[] = [
  // English: suicide
  ['I want to die', 'suicide'],
  ['I will kill myself', 'suicide'],
  ["I don't want to live", 'suicide'],
  ['I DON’T WANT TO LIVE ANYMORE', 'suicide'],
  ['sometimes i think about suicide', 'suicide'],
  ['I am going to end my life tonight', 'suicide'],
  ['there is no reason to live', 'suicide'],
  ['I keep hurting myself when I am alone', 'suicide'],
  ['i wish i was dead', 'suicide'],
  // English: violence
  ['My husband beats me', 'violence'],
  ['he hits me', 'violence'],
  ['I was beaten up by my landlord', 'violence'],
  ['I am being abused at home', 'violence'],
  ['He threatened to kill me and the kids', 'violence'],
  ['they killed my brother', 'violence'],
  ['I was raped', 'violence'],
  ['my partner chokes me when he is drunk', 'violence'],
  // English: exploitation
  ['They took my passport and make me work without pay', 'exploitation'],
  ['My employer forces me to work 16 hours a day', 'exploitation'],
  ['I think I am a victim of human trafficking', 'exploitation'],
  ["They don't let me leave the house", 'exploitation'],
  // English: medical
  ["My son can't breathe", 'medical'],
  ['she is bleeding heavily', 'medical'],
  ['My father is unconscious', 'medical'],
  ['I think he is having a heart attack', 'medical'],
  ['my friend took too many pills', 'medical'],
  ['Please call an ambulance!!', 'medical'],
  ['My Mother Has Chest Pain', 'medical'],

  // Russian: suicide
  ['мне не хочется жить', 'suicide'],
  ['Я хочу умереть', 'suicide'],
  ['я покончу с собой', 'suicide'],
  ['Я убью себя', 'suicide'],
  ['жить больше не хочу', 'suicide'],
  ['нет смысла жить', 'suicide'],
  ['хочу повеситься', 'suicide'],
  ['я режу себе руки', 'suicide'],
  // Russian: violence
  ['муж бьёт меня', 'violence'],
  ['МУЖ БЬЕТ МЕНЯ', 'violence'],
  ['меня избивает муж', 'violence'],
  ['муж постоянно бьёт, я боюсь', 'violence'],
  ['это домашнее насилие', 'violence'],
  ['он угрожает убить меня', 'violence'],
  ['они убили моего брата', 'violence'],
  ['начальник домогается до меня', 'violence'],
  // Russian: exploitation
  ['работодатель забрал у меня паспорт', 'exploitation'],
  ['хозяин отобрал документы', 'exploitation'],
  ['меня заставляют работать бесплатно', 'exploitation'],
  ['это торговля людьми', 'exploitation'],
  ['нас не выпускают из общежития', 'exploitation'],
  // Russian: medical
  ['он не дышит', 'medical'],
  ['у неё сильное кровотечение', 'medical'],
  ['муж без сознания', 'medical'],
  ['у отца инфаркт', 'medical'],
  ['она наглоталась таблеток', 'medical'],
  ['Вызовите скорую!', 'medical'],

  // Azerbaijani: suicide (with and without Azerbaijani letters)
  ['Özümü öldürmək istəyirəm', 'suicide'],
  ['ozumu oldurmek isteyirem', 'suicide'],
  ['İntihar etmək istəyirəm', 'suicide'],
  ['INTIHAR haqqinda fikirleshirem', 'suicide'],
  ['Ölmək istəyirəm', 'suicide'],
  ['olmek isteyirem', 'suicide'],
  ['Yaşamaq istəmirəm', 'suicide'],
  ['yasamaq istemirem artiq', 'suicide'],
  ['Belə yaşamaq istəmirəm', 'suicide'],
  ['Həyatımın heç bir mənası yoxdur', 'suicide'],
  ['Canıma qəsd etmək istəyirəm', 'suicide'],
  // Azerbaijani: violence
  ['Ərim məni döyür', 'violence'],
  ['erim meni doyur', 'violence'],
  ['ƏRİM MƏNİ DÖYÜR', 'violence'],
  ['Ərim hər gün döyür', 'violence'],
  ['Ailə zorakılığına məruz qalıram', 'violence'],
  ['qorxuram ki meni oldurecek', 'violence'],
  ['Qardaşımı öldürdülər', 'violence'],
  ['Qızıma təcavüz etdi', 'violence'],
  ['Atam bizi döyürdü', 'violence'],
  // Azerbaijani: exploitation
  ['Pasportumu əlimdən alıblar', 'exploitation'],
  ['pasportumu elimden aliblar', 'exploitation'],
  ['Sənədlərimi saxlayırlar, qaytarmırlar', 'exploitation'],
  ['Məni pulsuz işlədirlər', 'exploitation'],
  ['İnsan alverinin qurbanıyam', 'exploitation'],
  ['meni evden cixmaga qoymurlar', 'exploitation'],
  // Azerbaijani: medical
  ['Nəfəs ala bilmirəm', 'medical'],
  ['nefes ala bilmirem', 'medical'],
  ['Çox qanaxma var, dayanmır', 'medical'],
  ['Atam huşunu itirib', 'medical'],
  ['Anam infarkt keçirir', 'medical'],
  ['Uşaq çoxlu dərman içib', 'medical'],
  ['Təcili yardım çağırın!', 'medical'],
  ['evde dem vurub', 'medical'],
];

/** One sentence per cue not already fired above, so that every pattern is exercised. */
const MORE_CRISIS: Case[] = [
  ['my boyfriend hit me yesterday', 'violence'],
  ['I was sexually assaulted', 'violence'],
  ['I work every day without any pay', 'exploitation'],
  ['he keeps me locked in the room', 'exploitation'],
  ['my baby is not breathing', 'medical'],
  ['my wife is in labour', 'medical'],
  ['somebody murdered my neighbour', 'violence'],
  ['he says he will kill me', 'violence'],
  ['they keep my passport', 'exploitation'],
  ['Меня изнасиловали', 'violence'],
  ['отчим поднял на меня руку', 'violence'],
  ['отец жену и детей избивает', 'violence'],
  ['у меня обильное кровотечение', 'medical'],
  ['передозировка, помогите', 'medical'],
  ['Ərimi öldürdülər', 'violence'],
  ['Məni zorladılar', 'violence'],
  ['İşəgötürən pasportumu alıb', 'exploitation'],
  ['Məni işləməyə məcbur edirlər', 'exploitation'],
  ['Sinəmdə çox güclü ağrı var', 'medical'],
  ['ozumu asacam', 'suicide'],
  ['ölsəm daha yaxşıdır', 'suicide'],
  ["i'm going to jump off a bridge", 'suicide'],
  ["she fainted and doesn't wake up", 'medical'],
  ['мужа вчера убили', 'violence'],
  ['не могу больше так жить', 'suicide'],
  ['Ərim mənə əl qaldırır', 'violence'],
  ['İşəgötürən pasportumu vermir', 'exploitation'],
  ['муж поднимает руку', 'violence'],
  ['oldurecem ozumu', 'suicide'],
  ['Nəfəsim kəsilir, kömək edin', 'medical'],
];

const HARMLESS: string[] = [
  // English: family, work, travel, health, documents; several share a word with a pattern
  'My husband works in Russia',
  'I was beaten at football',
  'We were beaten 3-0 in the final',
  'My brother beat me at chess again',
  'The heat is killing me',
  'My feet are killing me after work',
  'My child has a fever',
  'I kill time playing games',
  'My employer pays late',
  'My employer pays late and I have no contract',
  'I took my passport to the embassy for a visa',
  'I lost my passport and need a new one',
  'My passport expires next month',
  "I don't want to live in a hostel any more",
  "I don't want to live with my parents",
  'I want to dye my hair',
  "I'm dying to see my family again",
  'What is the emergency contact field for?',
  'I need a blood test for my residence permit',
  'I hurt my back at work last year',
  'My son had a nosebleed yesterday but he is fine now',
  'I have asthma and need a new inhaler',
  'The traffic in Baku is terrible',
  'She said I have to take my passport to the migration service',
  'My father died two years ago',
  'We fled the war in 2022',
  'I have to work two jobs to pay the rent',
  'My boss does not let me leave early on Fridays',
  'It hit me that I need to learn Azerbaijani',
  'Text me or hit me up on WhatsApp',
  'My mother makes me work on my Azerbaijani every evening',
  'I work in a restaurant and my boss is strict but fair',
  'My wife is pregnant and we need a doctor',
  'They killed my father in the war',
  'My son has a seizure disorder, we need a neurologist',
  'My mom will kill me if I am late',
  "My son won't wake up for school",
  'The police took my documents for checking',
  'He took my documents to translate them',
  'My father had a heart attack two years ago and needs medicine',
  "We don't want to live apart from our children",
  // Russian
  'Мой муж работает в России',
  'Нас побили в футбол',
  'Жара меня просто убивает',
  'У ребёнка температура',
  'Работодатель задерживает зарплату',
  'Я не хочу жить в общежитии',
  'Не хочу жить с родителями',
  'Я забрала паспорт в ЦОНе',
  'Мне нужно продлить паспорт',
  'Я работаю волонтёром бесплатно',
  'Меня не отпускают в отпуск',
  'Задыхаюсь от жары в метро',
  'У мужа болит спина',
  'Мы убиваем время за играми',
  'Часы бьют двенадцать',
  'Сердце бьётся быстро перед экзаменом',
  'Мой брат бил рекорды в молодости',
  'Мне нужна скорее работа',
  'Сдала анализ крови',
  'Сын вчера ударился головой, но всё хорошо',
  'Я вынуждена работать на двух работах',
  'Я покончила с долгами',
  'Учитель сказал: поднимите руку',
  'Отца убили на войне',
  'Меня бьёт озноб, наверное грипп',
  'У отца был инфаркт три года назад, нужны лекарства',
  'Не хочу жить без документов',
  'Муж бьёт рекорды по продажам',
  'Мама меня убьёт, если узнает',
  'На лекции так скучно, хочется умереть от скуки',
  // Azerbaijani, with and without Azerbaijani letters
  'Ərim Rusiyada işləyir',
  'erim rusiyada isleyir',
  'Dünən futbolda bizi uddular',
  'Bu istilik məni öldürür',
  'Uşağımın qızdırması var',
  'usagimin qizdirmasi var',
  'İşəgötürən maaşı gec verir',
  'Bakıda yaşamaq istəmirəm, kəndə qayıtmaq istəyirəm',
  'bakida yasamaq istemirem',
  'Valideynlərimlə yaşamaq istəmirəm',
  'Tək yaşamaq istəmirəm, ailəmlə olmaq istəyirəm',
  'Pasportumu aldım, təşəkkür edirəm',
  'pasportumu aldim',
  'Pasportumu alıb ASAN xidmətə getdim',
  'Pasportumu ASAN xidmətdə saxlayırlar, hazır deyil',
  'Anamı soruşdu, sonra zəng vurdu',
  'Atam hər gün zəng vurur',
  'Ev sahibi hər səhər qapını döyür',
  'Uşaq doydu, yatdı',
  'Qızım hədiyyəyə bayıldı',
  'Nəfəs almaq üçün parka gedirik',
  'Qardaşım məni şahmatda məğlub etdi',
  'İşləməyə məcburam, pul lazımdır',
  'Ermənistanın təcavüzü nəticəsində qaçqın olmuşuq',
  'Xocalı qətliamı haqqında kitab oxudum',
  'Burun qanaxması oldu, amma keçdi',
  'Həyat yoldaşım müəllimdir',
  'Oldu, sabah gələrəm',
  'Məni işdən tez buraxmırlar',
  'Məni Rusiyaya buraxmırlar, qadağa var',
  'Ərim məni hər gün işə aparır',
  'Nənəm ürəyi üçün dərman içir',
  'Sənədlərimi miqrasiya xidmətinə verdim',
  'Təcili yardım maşını küçədən keçdi',
  'Ölkəmizdən müharibə və zorakılıq səbəbindən qaçdıq',
  'Atamı müharibədə öldürdülər',
  'Atam iki il əvvəl infarkt keçirib, dərman lazımdır',
  'Top məni vurdu, amma ağrımır',
];

describe('detectCrisis', () => {
  const all = [...CRISIS, ...MORE_CRISIS, ...CRISIS_MORE_LANGS, ...CRISIS_AZ_PLAIN, ...CRISIS_RU_TRANSLIT];
  const harmless = [...HARMLESS, ...HARMLESS_MORE_LANGS];

  it('has enough sentences: ≥ 40 crisis, ≥ 60 harmless, every category in every language', () => {
    expect(all.length).toBeGreaterThanOrEqual(40);
    expect(harmless.length).toBeGreaterThanOrEqual(60);
    const seen = new Set(all.map(([text, category]) => `${category}.${detectCrisis(text)?.cue.split('.')[1]}`));
    for (const category of CRISIS_CATEGORIES) for (const lang of ['az', 'ru', 'en', 'fa', 'uz', 'tr', 'uk']) expect(seen).toContain(`${category}.${lang}`);
  });

  it.each(all)('fires on %j as %s', (text, category) => {
    expect(detectCrisis(text)?.category).toBe(category);
  });

  it.each(harmless)('stays quiet on %j', (text) => {
    expect(detectCrisis(text)).toBeUndefined();
  });

  it('reports a pattern id as the cue, never the person’s words', () => {
    for (const [text] of all) {
      const m = detectCrisis(text)!;
      expect(m.cue).toMatch(/^(suicide|violence|exploitation|medical)\.(az|ru|en|fa|uz|tr|uk)\.[a-z_]+$/);
      expect(CRISIS_CUE_IDS).toContain(m.cue);
    }
    expect(detectCrisis('pasportumu elimden aliblar')).toEqual({ category: 'exploitation', cue: 'exploitation.az.passport_taken' });
  });

  it('exercises every cue of the lexicon with at least one sentence', () => {
    const fired = new Set(all.map(([text]) => detectCrisis(text)?.cue));
    expect(CRISIS_CUE_IDS.filter((id) => !fired.has(id))).toEqual([]);
    const lexiconIds = Object.values(CRISIS_LEXICON).flatMap((byLang) => Object.values(byLang).flatMap((cues) => cues.map((c) => c.id)));
    expect([...CRISIS_CUE_IDS].sort()).toEqual(lexiconIds.sort());
  });

  it('reads a capital I both ways, and Azerbaijani with or without its letters', () => {
    for (const text of ['İNTİHAR', 'INTIHAR', 'ıntıhar', 'intihar']) expect(detectCrisis(text)?.cue).toBe('suicide.az.intihar');
    for (const text of ['özümü öldürəcəm', 'ozumu olduracem', 'OZUMU OLDURECEM', 'ÖZÜMÜ ÖLDÜRƏCƏM']) expect(detectCrisis(text)?.category).toBe('suicide');
  });

  it('ignores stretched letters, punctuation and extra spaces', () => {
    expect(detectCrisis('he   HIIIITS me!!!')?.category).toBe('violence');
    expect(detectCrisis('хочу... умереееть')?.category).toBe('suicide');
    expect(normaliseForMatching("I DON'T   want to live!!!")).toBe('i dont want to live');
    expect(normaliseForMatching('Ёлка, МУЖ бьЁт')).toBe('елка муж бьет');
    expect(foldAzerbaijani(normaliseForMatching('Özümü ÖLDÜRMƏK, şəhər, çox, dağ'))).toBe('ozumu oldurmek seher cox dag');
    expect(foldAzerbaijani('yashamaq')).toBe('yasamaq');
  });

  it('finds a crisis inside a longer message, and treats empty input as nothing', () => {
    expect(detectCrisis('Salam. Mən Bakıda yaşayıram, iki uşağım var. Amma ərim məni hər gün döyür, nə edim?')?.category).toBe('violence');
    expect(detectCrisis('')).toBeUndefined();
    expect(detectCrisis('   ...   ')).toBeUndefined();
  });

  it("reads a message of Telegram's maximum length to its end (its cost is measured in bench/, not here)", () => {
    const words = ['ərim', 'məni', 'işə', 'aparır', 'муж', 'меня', 'в', 'my', 'husband', 'took', 'passport', 'to', 'the', 'office'];
    const filler = Array.from({ length: 700 }, (_, i) => words[(i * 5) % words.length]).join(' ').slice(0, 4000);
    expect(detectCrisis(filler)).toBeUndefined();
    expect(detectCrisis(`${filler} ərim məni hər gün döyür`)?.category).toBe('violence');
  });
});
