import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRequestLexicon, REQUEST_KINDS, REQUESTS_FILE, type RequestLexicon } from '../../../src/config/requests';
import { SUPPORTED_LANGS } from '../../../src/core/lang';
import { ConfigError } from '../../../src/core/errors';
import { compileRequestMatcher, phrasePattern } from '../../../src/intake/typed-requests';

const lexicon = loadRequestLexicon(REQUESTS_FILE);
const match = compileRequestMatcher(lexicon);

/** Sentences people write to ask for a right, by language and right: each must be recognised as that right. */
const ASKS: Record<(typeof SUPPORTED_LANGS)[number], [string, string][]> = {
  en: [
    ['withdraw', 'I want to stop'],
    ['withdraw', 'I want to stop participating, thank you'],
    ['withdraw', "I don't want to continue"],
    ['withdraw', 'I do not want to participate any more'],
    ['withdraw', 'How do I withdraw from the programme?'],
    ['withdraw', 'I withdraw my consent'],
    ['person', 'I want to talk to a person'],
    ['person', 'Can I speak with someone?'],
    ['withdraw', 'I want to revoke my consent'],
    ['delete', 'delete my data'],
    ['delete', 'Please ERASE ALL MY PERSONAL INFORMATION!!!'],
    ['delete', 'I want my data deleted'],
    ['mydata', 'show my data'],
    ['mydata', 'What data do you keep about me?'],
    ['mydata', 'my data'],
    ['correct', 'change my phone number'],
    ['correct', 'I gave the wrong address'],
    ['correct', 'There is a mistake in my surname'],
  ],
  ru: [
    ['delete', 'удалите мои данные'],
    ['delete', 'Сотрите все мои личные данные, пожалуйста'],
    ['delete', 'удалите всю информацию обо мне'],
    ['withdraw', 'Я хочу выйти из программы'],
    ['withdraw', 'не хочу продолжать'],
    ['withdraw', 'Отказываюсь от участия'],
    ['withdraw', 'Я отзываю своё согласие'],
    ['person', 'Хочу поговорить с живым человеком'],
    ['person', 'позовите оператора'],
    ['withdraw', 'хочу отозвать согласие'],
    ['mydata', 'Покажите мои данные'],
    ['mydata', 'Что вы знаете обо мне?'],
    ['mydata', 'Мои данные'],
    ['correct', 'Хочу исправить фамилию'],
    ['correct', 'измените мой номер телефона'],
    ['correct', 'ошибка в адресе'],
  ],
  uk: [
    ['mydata', 'мої дані'],
    ['mydata', 'Покажіть мені мої дані'],
    ['mydata', "Що ви знаєте про мене?"],
    ['delete', 'Видаліть мої дані'],
    ['delete', 'видаліть усю інформацію про мене'],
    ['withdraw', 'Хочу вийти з програми'],
    ['withdraw', 'не хочу продовжувати'],
    ['withdraw', 'хочу відкликати згоду'],
    ['person', 'Хочу поговорити з людиною'],
    ['withdraw', 'Відкликаю свою згоду'],
    ['correct', "Виправте моє ім'я"],
    ['correct', 'змініть номер'],
  ],
  az: [
    ['delete', 'məlumatlarımı silin'],
    ['delete', 'MƏLUMATLARIMI SİLİN'],
    ['delete', 'melumatlarimi silin'],
    ['delete', 'Zəhmət olmasa bütün şəxsi məlumatlarımı silin'],
    ['withdraw', 'Proqramdan çıxmaq istəyirəm'],
    ['withdraw', 'davam etmək istəmirəm'],
    ['withdraw', 'davam etmek istemirem'],
    ['withdraw', 'razılığımı geri götürürəm'],
    ['person', 'əməkdaşla danışmaq istəyirəm'],
    ['withdraw', 'razılığımı ləğv edirəm'],
    ['mydata', 'məlumatlarımı göstərin'],
    ['mydata', 'Haqqımda nə bilirsiniz?'],
    ['correct', 'nömrəmi dəyişmək istəyirəm'],
    ['correct', 'soyadım səhv yazılıb'],
  ],
  tr: [
    ['delete', 'verilerimi silin'],
    ['delete', 'VERİLERİMİ SİLİN'],
    ['delete', 'Tüm kişisel bilgilerimi silmenizi istiyorum'],
    ['withdraw', 'Programdan ayrılmak istiyorum'],
    ['withdraw', 'devam etmek istemiyorum'],
    ['withdraw', 'onayımı geri alıyorum'],
    ['person', 'bir kişiyle konuşmak istiyorum'],
    ['withdraw', 'rızamı geri çekiyorum'],
    ['mydata', 'verilerimi göster'],
    ['mydata', 'Hakkımda ne biliyorsunuz?'],
    ['correct', 'adresimi değiştirmek istiyorum'],
    ['correct', 'numaram yanlış'],
  ],
  uz: [
    ['delete', "ma'lumotlarimni o'chiring"],
    ['delete', 'maʼlumotlarimni oʻchiring'],
    ['delete', 'malumotlarimni ochiring'],
    ['delete', 'маълумотларимни ўчиринг'],
    ['withdraw', 'dasturdan chiqmoqchiman'],
    ['withdraw', 'qatnashishni xohlamayman'],
    ['withdraw', 'roziligimni qaytarib olaman'],
    ['person', 'odam bilan gaplashmoqchiman'],
    ['withdraw', 'roziligimni bekor qilaman'],
    ['mydata', "ma'lumotlarimni ko'rsating"],
    ['mydata', 'men haqimda nima bilasiz'],
    ['correct', "familiyamni to'g'rilash... yo'q, familiyamni tuzatmoqchiman"],
    ['correct', "telefonimni o'zgartiring"],
  ],
  fa: [
    ['delete', 'اطلاعاتم را پاک کنید'],
    ['delete', 'لطفا اطلاعات من را حذف کنید'],
    ['delete', 'اطلاعاتم رو پاک کنید'],
    ['delete', 'همه اطلاعات من رو حذف کنید'],
    ['withdraw', 'انصراف میدهم'],
    ['withdraw', 'نمی خواهم ادامه بدهم'],
    ['withdraw', 'نمی‌خواهم ادامه بدهم'],
    ['withdraw', 'میخواهم از برنامه خارج شوم'],
    ['withdraw', 'رضایتم را پس میگیرم'],
    ['person', 'میخواهم با یک انسان صحبت کنم'],
    ['withdraw', 'رضایت خود را پس می‌گیرم'],
    ['mydata', 'اطلاعات من'],
    ['mydata', 'چه اطلاعاتی از من دارید؟'],
    ['correct', 'شماره‌ام را تغییر دهید'],
    ['correct', 'آدرسم اشتباه است'],
  ],
};

/**
 * Answers that share words with the requests and must stay answers: names (Silin is a Russian
 * surname and Azerbaijani for "delete"), addresses, countries, reasons, questions for a case
 * worker that only mention a topic.
 */
const ANSWERS = [
  'Silin',
  'Aysel Silin',
  'Stop',
  'Stopova',
  'Deletova',
  'Mammadova',
  'Data',
  'Məlumat',
  'Məlumatov',
  'Baku, Nasimi district, Delete street 5',
  'Afghanistan',
  'Russia',
  'I came to work',
  'My husband works in Baku',
  'I want to work',
  'I want to stop working without papers',
  'I want to quit my job in Russia',
  'I want to study here',
  'Хочу работать',
  'Программист',
  'Данилов',
  'Удалов',
  'Україна',
  'Bakı şəhəri, Nərimanov rayonu',
  'Silin Əliyev',
  'İşləmək istəyirəm',
  'Türkiye',
  'Ishlash uchun keldim',
  'افغانستان',
  'برای کار آمدم',
  '25.03.1990',
  '050 123 45 67',
  '',
  '   ',
  '!!!',
];

describe('requests typed in free words', () => {
  for (const lang of SUPPORTED_LANGS) {
    it.each(ASKS[lang])(`${lang}: recognises %s in "%s"`, (kind, text) => {
      expect(match(text)).toContain(kind);
    });
  }

  it.each(ANSWERS)('leaves the answer "%s" alone', (text) => {
    expect(match(text)).toBeUndefined();
  });

  it('offers every right one message asks for, the most consequential first', () => {
    expect(match('I want to withdraw and delete my data')).toEqual(['delete', 'withdraw']);
    expect(match('show my data and change my address')).toEqual(['correct', 'mydata']);
  });

  it('reads every language in any conversation, and costs microseconds (compiled once)', () => {
    const sentences = Object.values(ASKS).flat().map(([, text]) => text);
    for (const text of sentences) expect(match(text)).toBeDefined();
    // No timing assertion (the machine is shared): the matcher is built once, outside any message.
    expect(typeof compileRequestMatcher(lexicon)).toBe('function');
  });

  it('has phrases for every right in every language', () => {
    for (const kind of REQUEST_KINDS) for (const lang of SUPPORTED_LANGS) expect(lexicon[kind][lang].length).toBeGreaterThan(0);
  });

  it('writes phrases as word patterns: alternatives, optional words, endings, whole-message phrases', () => {
    expect(phrasePattern('delete/erase (all) my data~', 'en')).toEqual({ source: '(?:delete|erase) (?:(?:al) )?(?:my) (?:data~)', whole: false }); // repeated letters collapse, as in messages
    expect(phrasePattern('my data (please)', 'en').source).toBe('(?:my) (?:data)(?: (?:please))?');
    expect(phrasePattern('= my data', 'en').whole).toBe(true);
    expect(phrasePattern('do_not continue', 'en').source).toBe('(?:do not) (?:continue)');
    expect(phrasePattern('oʻchir~ (ha)', 'uz').source).toContain('[ŏo]chir~');
  });
});

describe('config/requests.yaml', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'korpu-requests-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const every = (phrase: string) => Object.fromEntries(SUPPORTED_LANGS.map((l) => [l, [phrase]]));
  const write = (lex: Record<string, unknown>) => {
    const file = join(dir, 'requests.yaml');
    writeFileSync(file, JSON.stringify(lex));
    return file;
  };

  it('stops start-up naming the file and each bad phrase or missing language', () => {
    const lex: Record<string, unknown> = Object.fromEntries(REQUEST_KINDS.map((k) => [k, every('delete my data')]));
    lex.delete = { ...every('delete my data'), ru: ['удалить'], fa: [] };
    lex.mydata = { ...every('show my data'), en: ['show {my} data'] };
    delete (lex.correct as Record<string, unknown>).uk;
    let error: unknown;
    try {
      loadRequestLexicon(write(lex));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(`${join(dir, 'requests.yaml')}: delete.ru.0: needs at least two words`);
    expect(message).toContain('delete.fa: must list at least one phrase in fa');
    expect(message).toContain('mydata.en.0: word "{my}"');
    expect(message).toContain('correct.uk');
  });

  it('accepts a single word only as a whole-message phrase', () => {
    const lex = Object.fromEntries(REQUEST_KINDS.map((k) => [k, every('= delete')])) as RequestLexicon;
    const m = compileRequestMatcher(loadRequestLexicon(write(lex)));
    expect(m('Delete!')).toEqual([...REQUEST_KINDS]);
    expect(m('Delete street')).toBeUndefined();
  });
});
