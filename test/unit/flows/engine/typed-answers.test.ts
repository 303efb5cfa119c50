import type { EngineInput, Input } from '../../../../src/core/conversation';
import type { Lang } from '../../../../src/core/lang';
import { typedWords } from '../../../../src/flows/engine/typed-choice';
import { at, cmd, converse, engineEnv, last, realLabels, say, tap, textKeys } from '../../../helpers/engine-env';

/**
 * On a cheap phone people type what the buttons say: "Да", "35" at "How old are you?", "Работа".
 * Through the real flows and the real locales: typing a button's text (or a usual word for yes
 * or no in the person's language) answers as the tap would; anything else is re-asked as before.
 */

const env = engineEnv();
const withoutLabels = engineEnv({ labels: false });

/** A person in `lang` who has opened the diagnosis: the age question is next. */
const toAge = (lang: Lang): Input[] => [cmd('start'), tap('language', lang), tap('menu', 'eligibility')];
const play = (inputs: EngineInput[], e = env) => last(converse(e, inputs));

/** Booking, through the diagnosis: the consent question is next. */
const toConsent = (lang: Lang): Input[] => [cmd('start'), tap('language', lang), tap('menu', 'book'), tap('age', 'adult'), tap('q1', 'yes'), tap('q2', 'yes'), tap('q3', 'planning'), tap('q3', '__done')];
/** Agreed (A) and the details given up to the reason for coming, which is next. */
const toReasonIn = (lang: Lang): Input[] => [...toConsent(lang), tap('agree', 'A'), say('25.03.1990'), say('Aysel'), say('Mammadova'), say('Afghanistan')];
/** The free times are on screen. */
const toTimesIn = (lang: Lang): Input[] => [...toReasonIn(lang), tap('reason', 'work'), say('050 123 45 67')];
/** A meeting booked at the free times (the host's booking result): the referral question is next. */
const bookedIn = (lang: Lang): EngineInput[] => [
  ...toTimesIn(lang),
  { type: 'booking_result', node: 'pick_time', outcome: 'booked', slot: 'baku@2026-03-17T10:00', office: 'baku', start: '2026-03-17T06:00:00.000Z', end: '2026-03-17T06:45:00.000Z' },
];

describe('typed instead of tapped', () => {
  it.each([
    ['ru', 'да', 'yes'],
    ['ru', 'Да!', 'yes'],
    ['ru', 'ага', 'yes'],
    ['ru', 'НЕТ', 'no'],
    ['ru', 'Согласна', 'yes'],
    ['ru', 'Нет, не надо', 'no'],
    ['az', 'Razıyam', 'yes'],
    ['tr', 'kabul ediyorum', 'yes'],
    ['uk', 'згодна', 'yes'],
    ['fa', 'موافقم', 'yes'],
    ['az', 'Bəli', 'yes'],
    ['az', 'hə', 'yes'],
    ['az', 'Xeyr', 'no'],
    ['tr', 'EVET', 'yes'],
    ['tr', 'HAYIR', 'no'],
    ['fa', 'بله', 'yes'],
    ['fa', 'نه', 'no'],
    ['uz', "yo'q", 'no'],
    ['uz', 'Ha', 'yes'],
    ['uk', 'Так', 'yes'],
    ['en', 'yes', 'yes'],
    ['en', 'Nope', 'no'],
  ] as const)('%s: "%s" at a yes-or-no question is %s', (lang, text, answer) => {
    const turn = play([...toAge(lang), tap('age', 'adult'), say(text)]);
    expect(turn.state.vars['diagnosis.q1']).toBe(answer);
    expect(at(turn.state)).toBe('diagnosis/q2');
  });

  it('an age typed at "How old are you?" chooses the age group; 1 and 2 still count the buttons', () => {
    expect(at(play([...toAge('ru'), say('35')]).state)).toBe('diagnosis/q1');
    expect(at(play([...toAge('ru'), say('۴۲')]).state)).toBe('diagnosis/q1');
    expect(at(play([...toAge('ru'), say('16')]).state)).toBe('diagnosis/minor');
    expect(at(play([...toAge('ru'), say('1')]).state)).toBe('diagnosis/q1');
    expect(at(play([...toAge('ru'), say('2')]).state)).toBe('diagnosis/minor');
    for (const text of ['200', '0', 'младше 18', 'мне 17 или 18']) expect(textKeys(play([...toAge('ru'), say(text)]))[0]).toBe('common:reprompt.choose');
  });

  it('an age with the words around it ("45 років", "мені 17", "18+", "35 yaşındayım", "۴۲ سال")', () => {
    for (const [lang, text, where] of [['uk', '45 років', 'diagnosis/q1'], ['uk', 'мені 17', 'diagnosis/minor'], ['en', '18+', 'diagnosis/q1'], ['tr', '35 yaşındayım', 'diagnosis/q1'], ['fa', '۴۲ سال', 'diagnosis/q1'], ['az', '35 yaşım var', 'diagnosis/q1'], ['tr', '18 yaşım var', 'diagnosis/q1'], ['en', 'I am 16 years old', 'diagnosis/minor']] as const) {
      expect(at(play([...toAge(lang), say(text)]).state)).toBe(where);
    }
    expect(textKeys(play([...toAge('en'), say('almost 18')]))[0]).toBe('common:reprompt.choose');
    // A sign or a question around the number is never an age read as adult: "<18" is under 18.
    for (const text of ['<18', '< 18', '-18', '18-', '18?', 'I am 18?', '‹۱۸', '≤18', '18 ?']) {
      expect(textKeys(play([...toAge('en'), say(text)]))[0]).toBe('common:reprompt.choose');
    }
    expect(at(play([...toAge('ru'), say('мне 18?')]).state)).toBe('diagnosis/age');
  });

  it('several numbers at a multiple choice tick each; a language as people call it; words without their letters', () => {
    const q3 = [...toAge('ru'), tap('age', 'adult'), tap('q1', 'yes'), tap('q2', 'yes')];
    const two = play([...q3, say('2, 5'), say('Готово')]);
    expect((two.state.vars['diagnosis.q3'] as string[]).length).toBe(2);
    expect(play([...q3, say('۲، ۵'), say('Готово')]).state.vars['diagnosis.q3']).toEqual(two.state.vars['diagnosis.q3']);
    for (const [text, lang] of [['Azeri', 'az'], ['Русский язык', 'ru'], ['turkce', 'tr'], ['укр', 'uk'], ['ukrainian', 'uk'], ['farsi', 'fa'], ['Украинский язык', 'uk'], ['фарси', 'fa'], ['English please', 'en'], ['Türkçe lütfen', 'tr'], ['русский, пожалуйста', 'ru']] as const) {
      expect(play([cmd('start'), say(text)]).state.lang).toBe(lang);
    }
    const azQ3 = [...toAge('az'), tap('age', 'adult'), tap('q1', 'yes'), tap('q2', 'yes'), tap('q3', 'planning')];
    expect(at(play([...azQ3, say('hazirdir')]).state)).not.toBe('diagnosis/q3');
  });

  it("a button's text typed at a choice or a multiple choice, and the language's name at the language question", () => {
    const q3 = [...toAge('ru'), tap('age', 'adult'), tap('q1', 'yes'), tap('q2', 'yes')];
    const ticked = play([...q3, say('изучение азербайджанского языка'), say('Готово')]);
    expect(ticked.state.vars['diagnosis.q3']).toEqual(['language']);
    expect(at(play([cmd('start'), say('Русский')]).state)).toBe('welcome/menu');
    expect(play([cmd('start'), say('Русский')]).state.lang).toBe('ru');
    // …and at /language's picker, wherever the person is.
    expect(play([...toAge('ru'), cmd('language'), say('Українська')]).state.lang).toBe('uk');
  });

  it('the Back button\'s text goes back where only buttons answer', () => {
    expect(at(play([...toAge('ru'), tap('age', 'adult'), say('Назад')]).state)).toBe('diagnosis/age');
    expect(at(play([...toAge('tr'), tap('age', 'adult'), say('geri')]).state)).toBe('diagnosis/age');
    expect(at(play([...toAge('fa'), tap('age', 'adult'), say('بازگشت')]).state)).toBe('diagnosis/age');
  });

  it('words that are no button are re-asked as before, and without the texts only numbers choose', () => {
    const atQ1 = [...toAge('ru'), tap('age', 'adult')];
    for (const text of ['может быть', 'да нет', 'yes please']) {
      const turn = play([...atQ1, say(text)]);
      expect(at(turn.state)).toBe('diagnosis/q1');
      expect(textKeys(turn)[0]).toBe('common:reprompt.choose');
    }
    expect(at(play([...atQ1, say('да')], withoutLabels).state)).toBe('diagnosis/q1');
    expect(at(play([...atQ1, say('1')], withoutLabels).state)).toBe('diagnosis/q2');
  });
});

describe('a bare yes or no where the buttons are no yes or no', () => {
  it('at the consent (which keeps typed words for a case worker) is asked to choose, not kept as a question', () => {
    const atConsent = toConsent('ru');
    expect(at(play(atConsent).state)).toBe('consent/agree');
    // "Согласна" alone does not say which of A, B and C: asked to choose, not kept as a message.
    for (const text of ['да', 'Согласна', 'Согласен(на)']) {
      const yes = play([...atConsent, say(text)]);
      expect(at(yes.state)).toBe('consent/agree');
      expect(textKeys(yes)[0]).toBe('common:reprompt.choose');
      expect(yes.effects).toEqual([]);
    }
    // Anything more is a message, kept for a case worker as before.
    const more = play([...atConsent, say('Согласна? Да')]);
    expect(at(more.state)).toBe('consent/agree');
    expect(textKeys(more)[0]).toBe('consent:question_kept');
    expect(more.effects.map((e) => e.type)).toContain('question_asked');
  });
});

describe("the consent's option by its letter", () => {
  it.each([
    ['en', 'B', 'B'],
    ['en', 'b.', 'B'],
    ['en', 'I choose C', 'C'],
    ['ru', 'В', 'B'], // a Cyrillic keyboard's В
    ['ru', 'вариант а', 'A'],
    ['uk', 'Погоджуюся: А', 'A'], // the button's words with a Cyrillic А
    ['tr', 'B seçiyorum', 'B'],
    ['az', 'A variantı', 'A'],
    ['fa', 'گزینه B', 'B'],
    ['ru', 'вариант Б', 'B'], // the letter by its sound
    ['fa', 'ب', 'B'], // the Persian list's letters: الف، ب، ج
    ['fa', 'الف', 'A'],
    ['tr', "B'yi seçiyorum", 'B'], // with its case ending
    ['az', 'A-nı seçirəm', 'A'],
    ['ru', 'Да, вариант А', 'A'],
    ['en', 'C please', 'C'],
  ] as const)('%s: "%s" agrees to %s', (lang, text, option) => {
    const turn = play([...toConsent(lang), say(text)]);
    expect(at(turn.state)).toBe('interview/birth_date');
    expect(turn.effects.find((e) => e.type === 'consent_recorded')).toMatchObject({ agreed: true, option });
  });

  it('a date or a phone number typed at the consent is not kept as a message before consent: asked to choose', () => {
    for (const [lang, text] of [['ru', '14 мая 1990'], ['fa', '۲۵/۰۳/۱۳۶۹'], ['en', '050 123 45 67'], ['en', '25.03.90'], ['en', '1990'], ['ru', '1990 г.'], ['fa', '۱۳۶۹'], ['en', '050 123 45 6'], ['ru', '8 912 345 67 89'], ['fa', '۰۷۹۹ ۱۲۳ ۴۵۶']] as const) {
      const turn = play([...toConsent(lang), say(text)]);
      expect(at(turn.state)).toBe('consent/agree');
      expect(turn.effects).toEqual([]);
      expect(textKeys(turn)[0]).toBe('common:reprompt.choose');
    }
  });

  it("another alphabet's letter that is a word there ('а' and, 'с' with, 'в' in) agrees to nothing", () => {
    for (const [lang, text] of [['ru', 'А я согласна'], ['ru', 'а я согласна'], ['ru', 'Согласна, а'], ['uk', 'а я згодна'], ['ru', 'Я согласна с'], ['ru', 'с'], ['ru', 'в']] as const) {
      const turn = play([...toConsent(lang), say(text)]);
      expect(turn.effects.some((e) => e.type === 'consent_recorded')).toBe(false);
      expect(at(turn.state)).toBe('consent/agree');
    }
  });

  it('agreeing without saying which option ("Я согласна", "Погоджуюся", "Mən razıyam") is asked which, not kept as a message', () => {
    for (const [lang, text] of [['ru', 'Я согласна'], ['ru', 'да согласна'], ['uk', 'Погоджуюся'], ['az', 'Mən razıyam'], ['tr', 'Ben kabul ediyorum'], ['fa', 'من موافقم']] as const) {
      const turn = play([...toConsent(lang), say(text)]);
      expect(textKeys(turn)[0]).toBe('common:reprompt.choose');
      expect(turn.effects).toEqual([]);
    }
  });

  it('a question about a letter, or a letter in other words, agrees to nothing: kept as a message', () => {
    for (const [lang, text] of [['en', 'B?'], ['ru', 'а что значит C'], ['ru', 'я в шоке'], ['en', 'A or B'], ['fa', 'B چیست؟']] as const) {
      const turn = play([...toConsent(lang), say(text)]);
      expect(at(turn.state)).toBe('consent/agree');
      expect(turn.effects.some((e) => e.type === 'consent_recorded')).toBe(false);
    }
  });
});

describe('words where a list is asked', () => {

  it('a reason not in the list, in their words, is "another reason" and its detail at once', () => {
    const turn = play([...toReasonIn('en'), say('I came with my husband who works here')]);
    expect(at(turn.state)).toBe('interview/phone');
    expect(turn.effects).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'answer_recorded', field: 'reason', value: 'other' }),
      expect.objectContaining({ type: 'answer_recorded', field: 'reason_detail', value: 'I came with my husband who works here', personal: true }),
    ]));
    // A button's text is still that button; a bare yes or no chooses nothing.
    expect(play([...toReasonIn('ru'), say('Работа')]).effects).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'reason', value: 'work' })]));
    // Numbers, a phone number, a command's name or the Skip word are no reason in their words.
    for (const text of ['6', '2, 3', '+994501234567', 'menu', 'Skip', 'no']) {
      const turn = play([...toReasonIn('en'), say(text)]);
      expect(at(turn.state)).toBe('interview/reason');
      expect(turn.effects).toEqual([]);
    }
    const yes = play([...toReasonIn('ru'), say('да')]);
    expect(at(yes.state)).toBe('interview/reason');
    expect(textKeys(yes)[0]).toBe('common:reprompt.choose');
  });

  it('at "How did you hear about us?" a question is kept for the case workers, other words are how, in their words', () => {
    const question = play([...bookedIn('uk'), say('Чи можна прийти з дитиною?')]);
    expect(at(question.state)).toBe('interview/referral');
    expect(question.effects).toEqual([expect.objectContaining({ type: 'question_asked', text: 'Чи можна прийти з дитиною?' })]);
    expect(textKeys(question)[0]).toBe('consent:question_kept');
    const own = play([...bookedIn('uk'), say('від подруги')]);
    expect(at(own.state)).toBe('interview/address');
    expect(own.effects).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'answer_recorded', field: 'referral_source', value: 'other' }),
      expect.objectContaining({ type: 'answer_recorded', field: 'referral_detail', value: 'від подруги', personal: true }),
    ]));
    // A button's text is still that button; tapping "Other" asks in their words, which may be skipped.
    expect(play([...bookedIn('en'), say('Leaflet')]).effects).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'referral_source', value: 'leaflet' })]));
    expect(at(play([...bookedIn('en'), tap('referral', 'other')]).state)).toBe('interview/referral_other');
    expect(at(play([...bookedIn('en'), tap('referral', 'other'), tap('referral_other', '__skip')]).state)).toBe('interview/address');
  });

  it('a detail too long for the reason asks for it again at the detail question, not the list', () => {
    const turn = play([...toReasonIn('en'), say('x'.repeat(400))]);
    expect(at(turn.state)).toBe('interview/reason_other');
    expect(textKeys(turn)[0]).toBe('common:reprompt.too_long');
  });

  it('words at the menu are told how to write to a case worker, not only "choose a button"', () => {
    const turn = play([cmd('start'), tap('language', 'uk'), say('Привіт, мені потрібна допомога з документами')]);
    expect(at(turn.state)).toBe('welcome/menu');
    expect(textKeys(turn)[0]).toBe('welcome:menu.typed');
    expect(realLabels('uk', 'welcome:menu.typed')).toContain(realLabels('uk', 'welcome:menu.person'));
  });
});

describe('the meeting\'s buttons (/appointment)', () => {
  const booked = (lang: Lang): EngineInput[] => [...bookedIn(lang), cmd('appointment')];
  it.each([
    ['tr', '2', 'appointment/cancel_confirm'],
    ['tr', 'iptal', 'appointment/cancel_confirm'],
    ['tr', 'Görüşmeyi iptal et', 'appointment/cancel_confirm'],
    ['ru', 'перенести', 'appointment/pick'],
    ['fa', 'عوض کنم', 'appointment/pick'],
    ['uk', 'Вибрати інший час', 'appointment/pick'],
  ] as const)('%s: "%s" goes to %s', (lang, text, where) => {
    expect(at(play([...booked(lang), say(text)]).state)).toBe(where);
  });

  it('"kalsın" keeps the meeting; other words are asked for the buttons', () => {
    const kept = play([...booked('tr'), say('kalsın')]);
    expect(at(kept.state)).not.toBe('appointment/show');
    expect(kept.state.booking?.slot).toBe('baku@2026-03-17T10:00');
    expect(textKeys(play([...booked('tr'), say('bilmiyorum')]))[0]).toBe('common:reprompt.choose');
  });
});

describe('an optional question skipped in words', () => {
  const toAddress = (lang: Lang): EngineInput[] => [...bookedIn(lang), tap('referral', 'not_said')];
  it.each([['fa', 'نه'], ['az', 'yox'], ['uz', 'Otkazib yuborish'], ['ru', 'Пропустить'], ['en', 'n/a'], ['ru', 'нету'], ['uk', 'немає'], ['en', '-'], ['en', '👍']] as const)('%s: "%s" at the address and at "any questions?" skips them, keeping nothing', (lang, text) => {
    const atAddress = play(toAddress(lang));
    expect(at(atAddress.state)).toBe('interview/address');
    const address = play([...toAddress(lang), say(text)]);
    expect(at(address.state)).toBe('interview/questions');
    expect(address.effects).toEqual([]);
    const questions = play([...toAddress(lang), say(text), say(text)]);
    expect(questions.effects.some((e) => e.type === 'question_asked')).toBe(false);
  });
});

describe('the buttons under the free times, typed', () => {
  it('"Later", "Earlier" turn the page; "None of these suit me" goes on as its button does', () => {
    expect(at(play(toTimesIn('fa')).state)).toBe('interview/pick_time');
    const later = play([...toTimesIn('fa'), say('دیرتر')]);
    expect(later.state.vars['interview.pick_time.page']).toBe('1');
    expect(play([...toTimesIn('fa'), say('دیرتر'), say('زودتر')]).state.vars['interview.pick_time.page']).toBe('0');
    expect(at(play([...toTimesIn('fa'), say('هیچ‌کدام از این وقت‌ها برایم مناسب نیست')]).state)).not.toBe('interview/pick_time');
    expect(textKeys(play([...toTimesIn('en'), say('maybe tuesday')]))[0]).toBe('booking:notice.use_buttons');
    for (const [lang, text] of [['en', 'Nothing suits me'], ['ru', 'Никакое не подходит'], ['en', 'none']] as const) expect(at(play([...toTimesIn(lang), say(text)]).state)).not.toBe('interview/pick_time');
  });
});

describe('numbers in a message for a case worker', () => {
  it('a phone number or a date written at "Anything else?" is kept for the case worker (only the consent keeps no details)', () => {
    const toMore = [cmd('start'), tap('language', 'en'), tap('menu', 'person'), say('Please help me')];
    for (const text of ['Call me on 050 123 45 67', '050 123 45 67', '15.06.1990']) {
      const turn = play([...toMore, say(text)]);
      expect(turn.effects).toEqual([expect.objectContaining({ type: 'question_asked', text })]);
    }
  });
});

describe('a long message for a case worker', () => {
  it('is kept whole up to the length of a Telegram message (4,096), not refused at 2,000', () => {
    const words = 'Мне нужна помощь. '.repeat(220).slice(0, 4000);
    const turn = play([cmd('start'), tap('language', 'ru'), tap('menu', 'person'), say(words)]);
    expect(turn.effects).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'question_asked', text: words.trim() })]));
  });
});

describe('typedWords', () => {
  it('drops case, emoji, punctuation, apostrophes and direction marks, by the language\'s rules', () => {
    expect(typedWords('✅ Да!', 'ru')).toBe('да');
    expect(typedWords('İSTANBUL', 'tr')).toBe('istanbul');
    expect(typedWords('HAYIR', 'tr')).toBe('hayır');
    expect(typedWords("Yo'q", 'uz')).toBe(typedWords('Yoʻq', 'uz'));
    expect(typedWords('\u2067بله\u2069', 'fa')).toBe('بله');
  });
});
