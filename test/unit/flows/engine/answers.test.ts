import type { Input, Output } from '../../../../src/core/conversation';
import { DONE, SKIP } from '../../../../src/flows/engine/prompt';
import { at, cmd, converse, freshState, last, say, singleFlowEnv, tap, type TestEnv, type Turn } from '../../../helpers/engine-env';

/**
 * How each kind of question takes an answer: what is accepted, what is stored, where the
 * conversation goes, and what the person is told when the answer is not accepted. Each test
 * runs a one-question test flow (`t`) whose question is `q` and whose next question is `after`.
 */

const AFTER = `  - { id: after, type: yes_no, prompt: "t:after", next: end }\n  - { id: end, type: end }`;
const envWith = (q: string, opts: Parameters<typeof singleFlowEnv>[2] = {}): TestEnv => singleFlowEnv(`${q}\n${AFTER}`, 'q', opts);

/** Starts the test flow (language already chosen) and gives it `inputs`; returns every turn after the start. */
function play(env: TestEnv, ...inputs: Input[]): Turn[] {
  return converse(env, [cmd('start'), ...inputs], freshState()).slice(1);
}

const only = (turn: Turn): Output => {
  expect(turn.outputs).toHaveLength(1);
  return turn.outputs[0]!;
};

/** The turn re-asked question `prompt` after saying `notice` (keys only, params ignored). */
function expectReasked(turn: Turn, notice: string[], prompt = 't:q'): void {
  const keys = only(turn).text.map((t) => ('key' in t ? t.key : JSON.stringify(t)));
  expect(keys.slice(0, notice.length)).toEqual(notice);
  expect(keys[notice.length]).toBe(prompt);
  expect(at(turn.state)).toBe('t/q');
}

const movedOn = (turn: Turn): void => {
  expect(at(turn.state)).toBe('t/after');
  expect(only(turn).text[0]).toEqual({ key: 't:after' });
};

describe('single choice', () => {
  const env = envWith(`  - id: q
    type: choice
    prompt: "t:q"
    field: drink
    columns: 2
    next: after
    options:
      - { value: tea, label: "t:tea" }
      - { value: coffee, label: "t:coffee", next: end_coffee }
      - { value: why, label: "t:why", info: "t:why_info" }
  - { id: end_coffee, type: message, text: ["t:coffee_bye"], next: end }`);

  it('shows the options as buttons of that question, in rows of `columns`', () => {
    const [start] = converse(env, [cmd('start')], freshState());
    expect(only(start!).buttons).toEqual([
      [
        { label: { key: 't:tea' }, action: { type: 'choice', node: 'q', value: 'tea' } },
        { label: { key: 't:coffee' }, action: { type: 'choice', node: 'q', value: 'coffee' } },
      ],
      [{ label: { key: 't:why' }, action: { type: 'choice', node: 'q', value: 'why' } }],
    ]);
  });

  it('takes a tap, keeps the value and records the field (not personal) on a newly opened case', () => {
    const turn = last(play(env, tap('q', 'tea')));
    movedOn(turn);
    expect(turn.state.vars['t.q']).toBe('tea');
    expect(turn.effects).toEqual([
      { type: 'case_opened', caseCode: turn.state.caseCode, lang: 'en' },
      { type: 'answer_recorded', caseCode: turn.state.caseCode, field: 'drink', value: 'tea', personal: false },
    ]);
  });

  it('takes the number of an option typed instead of a tap ("1" is the first button)', () => {
    expect(last(play(env, say('1'))).state.vars['t.q']).toBe('tea');
    expect(last(play(env, say(' 1 '))).state.vars['t.q']).toBe('tea');
  });

  it("follows an option's own next", () => {
    const turn = last(play(env, say('2')));
    expect(turn.effects).toContainEqual({ type: 'answer_recorded', caseCode: turn.state.caseCode, field: 'drink', value: 'coffee', personal: false });
    expect(only(turn).text).toEqual([{ key: 't:coffee_bye' }]);
    expect(turn.state.frames).toEqual([]);
    // The flow has ended: its variables went with it.
    expect(turn.state.vars).toEqual({});
  });

  it('answers an info option with its text and asks the same question again, storing only that it was opened', () => {
    const turn = last(play(env, tap('q', 'why')));
    expectReasked(turn, ['t:why_info']);
    // No answer: only the record that the text was opened (a consent's record says so).
    expect(turn.state.vars).toEqual({ 't.q.info_shown': ['why'] });
    expect(turn.effects).toEqual([]);
    expect(only(turn).buttons?.flat().map((b) => b.label)).toEqual([{ key: 't:tea' }, { key: 't:coffee' }, { key: 't:why' }]);
  });

  it.each([['0'], ['4'], ['1.5'], ['tea'], ['']])('re-asks, pointing at the buttons, when %j is typed', (text) => {
    const turn = last(play(env, say(text)));
    expectReasked(turn, ['common:reprompt.choose']);
    expect(turn.state.vars).toEqual({});
  });

  it('re-asks when a tap carries a value the question does not have', () => {
    expectReasked(last(play(env, tap('q', 'beer'))), ['common:reprompt.choose']);
  });
});

describe('multiple choice', () => {
  const env = envWith(`  - id: q
    type: multi_choice
    prompt: "t:q"
    min: 2
    next: after
    options:
      - { value: a, label: "t:a" }
      - { value: b, label: "t:b" }
      - { value: c, label: "t:c" }`);
  const ticks = (turn: Turn) => only(turn).buttons!.flat().filter((b) => b.selected !== undefined).map((b) => [b.action.type === 'choice' ? b.action.value : '', b.selected]);

  it('shows every option unticked, a Done button and the multiple-choice hint', () => {
    const [start] = converse(env, [cmd('start')], freshState());
    expect(only(start!).text).toEqual([{ key: 't:q' }, { key: 'common:hint.multi_choice' }]);
    expect(ticks(start!)).toEqual([['a', false], ['b', false], ['c', false]]);
    expect(only(start!).buttons!.flat().at(-1)).toEqual({ label: { key: 'common:button.done' }, action: { type: 'choice', node: 'q', value: DONE } });
  });

  it('ticks a tapped option by editing the same message, and unticks it on a second tap', () => {
    const [first, second] = play(env, tap('q', 'b'), tap('q', 'b'));
    expect(only(first!).edit).toBe(true);
    expect(ticks(first!)).toEqual([['a', false], ['b', true], ['c', false]]);
    expect(first!.state.sel).toEqual(['b']);
    expect(only(second!).edit).toBe(true);
    expect(ticks(second!)).toEqual([['a', false], ['b', false], ['c', false]]);
    expect(at(second!.state)).toBe('t/q');
  });

  it('ticks an option whose number is typed, in a new message (there is no tapped message to edit)', () => {
    const turn = last(play(env, say('3')));
    expect(ticks(turn)).toEqual([['a', false], ['b', false], ['c', true]]);
    expect(only(turn).edit).toBeUndefined();
  });

  it('refuses Done with fewer ticks than the minimum, saying how many are needed, and keeps the ticks', () => {
    const turn = last(play(env, tap('q', 'a'), tap('q', DONE)));
    expect(only(turn).text[0]).toEqual({ key: 'common:reprompt.multi_min', params: { count: 2 } });
    expect(only(turn).edit).toBeUndefined();
    expect(ticks(turn)).toEqual([['a', true], ['b', false], ['c', false]]);
    expect(at(turn.state)).toBe('t/q');
  });

  it('on Done keeps the ticked values in the order of the form, not of the taps', () => {
    const turn = last(play(env, tap('q', 'c'), tap('q', 'a'), tap('q', DONE)));
    movedOn(turn);
    expect(turn.state.vars['t.q']).toEqual(['a', 'c']);
    expect(turn.state.sel).toBeUndefined();
  });

  it('re-asks for text that is not an option number, and for unknown values', () => {
    expectReasked(last(play(env, say('a and c'))), ['common:reprompt.choose']);
    expectReasked(last(play(env, tap('q', 'z'))), ['common:reprompt.choose']);
  });
});

describe('yes / no', () => {
  const env = singleFlowEnv(`  - { id: q, type: yes_no, prompt: "t:q", yes: y, no: n }
  - { id: y, type: message, text: ["t:said_yes"], next: after }
  - { id: n, type: message, text: ["t:said_no"], next: after }
${AFTER}`);

  it('shows Yes and No buttons', () => {
    const [start] = converse(env, [cmd('start')], freshState());
    expect(only(start!).buttons).toEqual([
      [
        { label: { key: 'common:button.yes' }, action: { type: 'choice', node: 'q', value: 'yes' } },
        { label: { key: 'common:button.no' }, action: { type: 'choice', node: 'q', value: 'no' } },
      ],
    ]);
  });

  it.each([
    [tap('q', 'yes'), 'yes', 't:said_yes'],
    [tap('q', 'no'), 'no', 't:said_no'],
    [say('1'), 'yes', 't:said_yes'],
    [say('2'), 'no', 't:said_no'],
  ])('%j → %s', (input, value, said) => {
    const turn = last(play(env, input));
    expect(turn.state.vars['t.q']).toBe(value);
    expect(only(turn).text).toEqual([{ key: said }, { key: 't:after' }]);
  });

  it('re-asks for anything else', () => {
    expectReasked(last(play(env, say('3'))), ['common:reprompt.choose']);
    expectReasked(last(play(env, tap('q', 'maybe'))), ['common:reprompt.choose']);
    expectReasked(last(play(env, { type: 'contact', phone: '+994501234567' })), ['common:reprompt.choose']);
  });
});

describe('free text', () => {
  const env = envWith(`  - { id: q, type: text, prompt: "t:q", example: "t:example", maxLength: 10, next: after }`);

  it('keeps the text with its spaces tidied', () => {
    const turn = last(play(env, say('  Hi \n  there ')));
    movedOn(turn);
    expect(turn.state.vars['t.q']).toBe('Hi there');
  });

  it('counts the length of the tidied text, as it will be kept', () => {
    movedOn(last(play(env, say('Hi    \n\n   there!'))));
    const turn = last(play(env, say('Hi    \n\n   there, all')));
    expect(only(turn).text[0]).toEqual({ key: 'common:reprompt.too_long', params: { count: 10, length: 13 } });
  });

  it('counts characters, not UTF-16 units: a letter and nine emoji fit in ten characters', () => {
    expect(last(play(env, say(`A${'😀'.repeat(9)}`))).state.vars['t.q']).toBe(`A${'😀'.repeat(9)}`);
  });

  it('asks for words when the answer is only emoji', () => {
    expectReasked(last(play(env, say('👍'))), ['common:reprompt.empty', 't:example']);
  });

  it('refuses a text over the limit, telling the limit and the length, with the example', () => {
    const turn = last(play(env, say('Hello world')));
    expect(only(turn).text).toEqual([{ key: 'common:reprompt.too_long', params: { count: 10, length: 11 } }, { key: 't:example' }, { key: 't:q' }]);
    expect(at(turn.state)).toBe('t/q');
    expect(turn.state.vars).toEqual({});
  });

  it('refuses blank text and anything that is not text, with the example', () => {
    expectReasked(last(play(env, say('   '))), ['common:reprompt.empty', 't:example']);
    expectReasked(last(play(env, { type: 'contact', phone: '+994501234567' })), ['common:reprompt.empty', 't:example']);
    expectReasked(last(play(env, tap('q', SKIP))), ['common:reprompt.empty', 't:example']);
  });

  it('a country question reads a flag sent alone as its country, named in the person’s language, and says so', () => {
    const country = envWith(`  - { id: q, type: text, prompt: "t:q", example: "t:example", maxLength: 80, flagIsCountry: true, next: after }`);
    for (const [lang, flag, name] of [['ru', '🇺🇦', 'Украина'], ['en', '🇦🇫', 'Afghanistan'], ['az', ' 🇮🇷 ', 'İran']] as const) {
      const turn = converse(country, [cmd('start'), say(flag)], freshState(lang)).at(-1)!;
      expect(turn.state.vars['t.q']).toBe(name);
      expect(at(turn.state)).toBe('t/after');
      expect(only(turn).text).toEqual([{ key: 'common:notice.flag_read_as', params: { country: name } }, { key: 't:after' }]);
    }
    // Anything but a flag alone is read as before: words with a flag are kept as written; two flags or an emoji are no country.
    expect(last(play(country, say('Ukraine 🇺🇦'))).state.vars['t.q']).toBe('Ukraine 🇺🇦');
    expectReasked(last(play(country, say('🇺🇦🇷🇺'))), ['common:reprompt.empty', 't:example']);
    expectReasked(last(play(country, say('👍'))), ['common:reprompt.empty', 't:example']);
    // Elsewhere a flag is no answer.
    expectReasked(last(play(env, say('🇺🇦'))), ['common:reprompt.empty', 't:example']);
  });

  describe('optional, and kept as a question for case workers', () => {
    const env2 = envWith(`  - { id: q, type: text, prompt: "t:q", example: "t:example", optional: true, asQuestion: true, next: after }`);

    it('offers Skip, which moves on without storing anything', () => {
      const [start] = converse(env2, [cmd('start')], freshState());
      expect(only(start!).buttons).toEqual([[{ label: { key: 'common:button.skip' }, action: { type: 'choice', node: 'q', value: SKIP } }]]);
      const turn = last(play(env2, tap('q', SKIP)));
      movedOn(turn);
      expect(turn.effects).toEqual([]);
      expect(turn.state.vars).toEqual({});
    });

    it('says its thanks with the next question when something was written, not when skipped', () => {
      const thanking = envWith(`  - { id: q, type: text, prompt: "t:q", example: "t:example", optional: true, asQuestion: true, thanks: "t:thanks", next: after }`);
      expect(only(last(play(thanking, say('Weekdays after 14:00')))).text).toEqual([{ key: 't:thanks' }, { key: 't:after' }]);
      movedOn(last(play(thanking, tap('q', SKIP))));
    });

    it('sends the text to case workers as a question instead of keeping it in the conversation', () => {
      const turn = last(play(env2, say('Can my wife come too?')));
      movedOn(turn);
      expect(turn.effects).toContainEqual({ type: 'question_asked', caseCode: turn.state.caseCode, text: 'Can my wife come too?' });
      expect(JSON.stringify(turn.state)).not.toContain('wife');
    });
  });
});

describe('phone number', () => {
  const env = envWith(`  - { id: q, type: phone, prompt: "t:q", field: phone, next: after }`);
  const recorded = (turn: Turn) => turn.effects.filter((e) => e.type === 'answer_recorded').map((e) => (e.type === 'answer_recorded' ? e.value : ''));

  it('offers the "share my phone number" button', () => {
    const [start] = converse(env, [cmd('start')], freshState());
    expect(only(start!).requestContact).toEqual({ key: 'common:button.share_phone' });
  });

  it.each([
    ['050 123 45 67', '+994501234567'],
    ['(050) 123-45-67', '+994501234567'],
    ['+994 50 123 45 67', '+994501234567'],
    ['00994501234567', '+994501234567'],
    ['+7 916 123-45-67', '+79161234567'],
  ])('accepts %j as %s', (text, e164) => {
    const turn = last(play(env, say(text)));
    movedOn(turn);
    expect(recorded(turn)).toEqual([e164]);
  });

  it.each([['hello'], ['12345'], ['050 123'], ['+994 00 000 00 00'], ['']])('refuses %j and explains how to write it', (text) => {
    const turn = last(play(env, say(text)));
    expectReasked(turn, ['common:reprompt.phone']);
    expect(turn.effects).toEqual([]);
  });

  it.each([
    ['+994501234567', '+994501234567'],
    // Telegram's contact button often gives the number without its "+".
    ['994501234567', '+994501234567'],
    ['79161234567', '+79161234567'],
  ])('accepts a shared contact %j as %s', (phone, e164) => {
    const turn = last(play(env, { type: 'contact', phone }));
    movedOn(turn);
    expect(recorded(turn)).toEqual([e164]);
  });

  it('re-asks when a button tap comes instead', () => {
    expectReasked(last(play(env, tap('q', 'x'))), ['common:reprompt.phone']);
  });

  it.each([
    ['ru', '8 912 345 67 89', '+79123456789', '+7 912 345 67 89', 'RU'],
    ['uk', '067 123 45 67', '+380671234567', '+380 67 123 4567', 'UA'],
    ['tr', '0532 123 45 67', '+905321234567', '+90 532 123 45 67', 'TR'],
    ['uz', '90 123 45 67', '+998901234567', '+998 90 123 45 67', 'UZ'],
    ['fa', '۰۷۹۹ ۱۲۳ ۴۵۶', '+93799123456', '+93 79 912 3456', 'AF'],
    ['fa', '0912 345 6789', '+989123456789', '+98 912 345 6789', 'IR'],
  ] as const)('%s: a number from home without its country code (%j) is read there, and said back', (lang, text, e164, shown, region) => {
    const turn = converse(env, [cmd('start'), say(text)], freshState(lang)).at(-1)!;
    expect(recorded(turn)).toEqual([e164]);
    expect(at(turn.state)).toBe('t/after');
    // The country as the person's language names it ("Россия", "افغانستان": ICU's names).
    const country = new Intl.DisplayNames([lang], { type: 'region' }).of(region);
    expect(only(turn).text).toEqual([{ key: 'common:notice.phone_read_as', params: { phone: shown, country } }, { key: 't:after' }]);
  });

  it('an Azerbaijani number is read as one whatever the language, with nothing said', () => {
    const turn = converse(env, [cmd('start'), say('050 123 45 67')], freshState('ru')).at(-1)!;
    expect(recorded(turn)).toEqual(['+994501234567']);
    expect(only(turn).text).toEqual([{ key: 't:after' }]);
    // In English or Azerbaijani no home country is guessed.
    expectReasked(converse(env, [cmd('start'), say('8 912 345 67 89')], freshState('az')).at(-1)!, ['common:reprompt.phone']);
  });

  it('a number that is Azerbaijani and from home alike is kept as Azerbaijani and said back so', () => {
    // "050 123 45 67" is Azercell in Azerbaijan and Vodafone in Ukraine.
    const turn = converse(env, [cmd('start'), say('050 123 45 67')], freshState('uk')).at(-1)!;
    expect(recorded(turn)).toEqual(['+994501234567']);
    const country = new Intl.DisplayNames(['uk'], { type: 'region' }).of('AZ');
    expect(only(turn).text).toEqual([{ key: 'common:notice.phone_read_as', params: { phone: '+994 50 123 45 67', country } }, { key: 't:after' }]);
    // With its country code it is not ambiguous: nothing said.
    expect(only(converse(env, [cmd('start'), say('+994 50 123 45 67')], freshState('uk')).at(-1)!).text).toEqual([{ key: 't:after' }]);
  });
});

describe('date (the clock is 16 March 2026)', () => {
  const anyEnv = envWith(`  - { id: q, type: date, prompt: "t:q", next: after }`);
  const pastEnv = envWith(`  - { id: q, type: date, prompt: "t:q", when: past, ageVar: age, next: after }`);
  const futureEnv = envWith(`  - { id: q, type: date, prompt: "t:q", when: future, next: after }`);

  it('asks with a hint on how to write the date', () => {
    const [start] = converse(anyEnv, [cmd('start')], freshState());
    expect(only(start!).text).toEqual([{ key: 't:q' }, { key: 'common:hint.date' }]);
  });

  it.each([['25.03.1990'], ['25/03/1990'], ['25-03-1990'], ['25 03 1990'], ['5.3.1990'], ['1990-03-25'], ['1990-3-5']])('reads %j', (text) => {
    const turn = last(play(anyEnv, say(text)));
    movedOn(turn);
    expect(turn.state.vars['t.q']).toMatch(/^1990-03-(25|05)$/);
  });

  it('stores the date as YYYY-MM-DD whichever way it was written', () => {
    expect(last(play(anyEnv, say('25.03.1990'))).state.vars['t.q']).toBe('1990-03-25');
    expect(last(play(anyEnv, say('1990-03-25'))).state.vars['t.q']).toBe('1990-03-25');
  });

  it('reads a Solar Hijri date (Afghan and Iranian papers) as its Gregorian date, and says so with the next question', () => {
    for (const text of ['25.03.1369', '۲۵/۰۳/۱۳۶۹', '۱۳۶۹/۰۳/۲۵', '1369-3-25']) {
      const turn = last(play(anyEnv, say(text)));
      expect(turn.state.vars['t.q']).toBe('1990-06-15');
      expect(at(turn.state)).toBe('t/after');
      expect(only(turn).text).toEqual([{ key: 'common:notice.solar_hijri_date', params: { typed: '25.03.1369', date: '15.06.1990' } }, { key: 't:after' }]);
    }
  });

  it('a Gregorian date is not remarked on', () => {
    movedOn(last(play(anyEnv, say('15.06.1990'))));
    expect(only(last(play(anyEnv, say('15.06.1990')))).text).toEqual([{ key: 't:after' }]);
  });

  it('a Solar Hijri birth date sets the age as its Gregorian date does (26.12.1386 is 16.03.2008)', () => {
    expect(last(play(pastEnv, say('26.12.1386'))).state.vars['t.age']).toBe('adult');
    expect(last(play(pastEnv, say('27.12.1386'))).state.vars['t.age']).toBe('minor');
    // 1 Farvardin 1405 is 21 March 2026: after today.
    expectReasked(last(play(pastEnv, say('01.01.1405'))), ['common:reprompt.date_past']);
  });

  it("reads a date with the month's name in the person's language", () => {
    const ru = converse(anyEnv, [cmd('start'), say('14 мая 1990')], freshState('ru')).at(-1)!;
    expect(ru.state.vars['t.q']).toBe('1990-05-14');
    expect(at(ru.state)).toBe('t/after');
    const uk = converse(anyEnv, [cmd('start'), say('14 травня 1990')], freshState('uk')).at(-1)!;
    expect(uk.state.vars['t.q']).toBe('1990-05-14');
  });

  it('a year alone is asked for its day and month, with what to write when they are not known', () => {
    for (const [text, year] of [['1990', '1990'], [' ۱۳۶۹ ', '1369']] as const) {
      const turn = last(play(anyEnv, say(text)));
      expectReasked(turn, ['common:reprompt.date_year_only']);
      expect(only(turn).text[0]).toEqual({ key: 'common:reprompt.date_year_only', params: { example: `25.03.${year}`, unknown: `01.01.${year}` } });
    }
    // Four digits that are no year stay "not a date".
    expectReasked(last(play(anyEnv, say('0512'))), ['common:reprompt.date']);
    // And what it suggests is read: 01.01.1369 is 21 March 1990.
    expect(last(play(anyEnv, say('01.01.1369'))).state.vars['t.q']).toBe('1990-03-21');
  });

  it.each([['30.12.1369'], ['32.01.1369'], ['01.13.1369'], ['00.05.1369']])('refuses %j, no Solar Hijri date either', (text) => {
    expectReasked(last(play(anyEnv, say(text))), ['common:reprompt.date']);
  });

  it.each([['31.02.2000'], ['29.02.2001'], ['32.01.2000'], ['01.13.2000'], ['yesterday'], ['03/25/1990']])('refuses %j as a date', (text) => {
    expectReasked(last(play(anyEnv, say(text))), ['common:reprompt.date']);
  });

  it('asks for a two-digit year in full, suggesting their date with the century of a past date', () => {
    const turn = last(play(pastEnv, say('25.03.90')));
    expectReasked(turn, ['common:reprompt.date_short_year']);
    expect(only(turn).text[0]).toEqual({ key: 'common:reprompt.date_short_year', params: { example: '25.03.1990' } });
    expect(only(last(play(pastEnv, say('5.3.08')))).text[0]).toEqual({ key: 'common:reprompt.date_short_year', params: { example: '05.03.2008' } });
    const ru = converse(pastEnv, [cmd('start'), say('14 мая 90')], freshState('ru')).at(-1)!;
    expect(only(ru).text[0]).toEqual({ key: 'common:reprompt.date_short_year', params: { example: '14.05.1990' } });
  });

  it('accepts 29 February of a leap year', () => {
    expect(last(play(anyEnv, say('29.02.2000'))).state.vars['t.q']).toBe('2000-02-29');
  });

  it('in the past only: refuses tomorrow, accepts today', () => {
    expectReasked(last(play(pastEnv, say('17.03.2026'))), ['common:reprompt.date_past']);
    movedOn(last(play(pastEnv, say('16.03.2026'))));
  });

  it('in the future only: refuses yesterday, accepts today', () => {
    expectReasked(last(play(futureEnv, say('15.03.2026'))), ['common:reprompt.date_future']);
    movedOn(last(play(futureEnv, say('16.03.2026'))));
  });

  it('sets the age variable: 18 today is an adult, 18 tomorrow is a minor', () => {
    expect(last(play(pastEnv, say('16.03.2008'))).state.vars['t.age']).toBe('adult');
    expect(last(play(pastEnv, say('17.03.2008'))).state.vars['t.age']).toBe('minor');
    expect(last(play(pastEnv, say('01.01.1960'))).state.vars['t.age']).toBe('adult');
  });

  it('re-asks when something other than text comes', () => {
    expectReasked(last(play(anyEnv, { type: 'contact', phone: '+994501234567' })), ['common:reprompt.date']);
  });
});

describe('language question', () => {
  const env = singleFlowEnv(`  - { id: q, type: language, prompt: "t:q", next: after }\n${AFTER}`);
  const newcomer = (hint?: 'ru' | 'en', ...inputs: Input[]) => converse(env, [cmd('start', hint), ...inputs]);

  it('puts the language suggested by the platform first', () => {
    const [start] = newcomer('ru');
    expect(only(start!).buttons!.flat().map((b) => (b.action.type === 'choice' ? b.action.value : ''))).toEqual(['ru', 'az', 'en', 'fa', 'uz', 'tr', 'uk']);
    expect(start!.state.lang).toBeUndefined();
  });

  it('reads a typed number against the buttons as shown: "1" is the suggested language', () => {
    expect(last(newcomer('ru', say('1'))).state.lang).toBe('ru');
    expect(last(newcomer('ru', say('2'))).state.lang).toBe('az');
    expect(last(newcomer(undefined, say('1'))).state.lang).toBe('az');
    // Persian digits from a Persian keyboard: "۴" is the fourth button, فارسی / دری.
    expect(last(newcomer(undefined, say('۴'))).state.lang).toBe('fa');
  });

  it('takes a tap or a typed language code', () => {
    expect(last(newcomer(undefined, tap('q', 'en'))).state.lang).toBe('en');
    expect(last(newcomer(undefined, say(' RU '))).state.lang).toBe('ru');
  });

  it('re-asks for a language it does not speak', () => {
    const turn = last(newcomer(undefined, say('de')));
    expect(turn.state.lang).toBeUndefined();
    expect(only(turn).text).toEqual([{ key: 'common:reprompt.choose', params: {} }, { key: 't:q' }]);
  });
});
