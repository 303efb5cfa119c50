import type { Input } from '../../../../src/core/conversation';
import { UNSUPPORTED_KINDS } from '../../../../src/core/conversation';
import { DONE, LANGUAGE_PICKER } from '../../../../src/flows/engine/prompt';
import { HISTORY_LIMIT } from '../../../../src/flows/engine/state';
import { at, cmd, converse, engineEnv, freshState, last, say, singleFlowEnv, tap, textKeys, type Turn } from '../../../helpers/engine-env';

/**
 * Moving through the real flows: branches, the eligibility rule's routes, and the commands
 * and inputs that can come at any question (/back, /restart, /language, /help, /start,
 * unknown commands, stickers and photos, old buttons).
 */

const env = engineEnv();
const run = (...inputs: Input[]): Turn[] => converse(env, inputs);
const buttonsOf = (turn: Turn) => turn.outputs.at(-1)!.buttons!.flat().map((b) => (b.action.type === 'choice' ? b.action.value : b.action.type === 'command' ? `/${b.action.name}` : b.action.verb));

const TO_MENU: Input[] = [cmd('start'), tap('language', 'en')];
const TO_AGE: Input[] = [...TO_MENU, tap('menu', 'eligibility')];
const TO_Q2: Input[] = [...TO_AGE, tap('age', 'adult'), tap('q1', 'yes')];
const LIKELY: Input[] = [...TO_Q2, tap('q2', 'yes'), tap('q3', 'language'), tap('q3', DONE)];
const TO_CONSENT: Input[] = [...LIKELY, tap('continue', 'yes'), tap('agree', 'A')];

/** Asserts that `turn` said `notice` and then asked `prompt` again, staying at `where`. */
function expectNoticeThenQuestion(turn: Turn, notice: string, prompt: string, where: string): void {
  expect(turn.outputs).toHaveLength(1);
  expect(textKeys(turn)).toEqual([notice, prompt]);
  expect(at(turn.state)).toBe(where);
}

describe('a new conversation', () => {
  it('starts with the language question, whatever the first message is', () => {
    for (const first of [cmd('start'), say('hello'), tap('q1', 'yes'), { type: 'unsupported', kind: 'sticker' } as Input]) {
      const turn = last(run(first));
      expect(at(turn.state)).toBe('welcome/language');
      expect(textKeys(turn)).toContain('welcome:choose_language');
      expect(turn.state.lang).toBeUndefined();
    }
  });

  it('after the language, says what the programme is and shows the menu', () => {
    const turn = last(run(...TO_MENU));
    expect(turn.state.lang).toBe('en');
    expect(textKeys(turn)).toEqual(['welcome:intro', 'welcome:free_voluntary', 'welcome:menu.prompt']);
    expect(buttonsOf(turn)).toEqual(['eligibility', 'book', 'appointment', 'person', 'about', 'mydata', '/back']);
  });
});

describe('branches', () => {
  it('"Book a meeting" before any diagnosis explains why and runs the diagnosis first', () => {
    const turn = last(run(...TO_MENU, tap('menu', 'book')));
    expect(textKeys(turn)).toEqual(['welcome:booking_intro', 'diagnosis:intro', 'diagnosis:age.prompt']);
    expect(at(turn.state)).toBe('diagnosis/age');
  });

  it('"Book a meeting" after a likely-eligible diagnosis goes straight to the meeting', () => {
    const turn = last(run(...LIKELY, tap('continue', 'no'), tap('menu', 'book')));
    expect(at(turn.state)).toBe('consent/agree');
    expect(textKeys(turn)[0]).toBe('interview:intro');
  });

  it('a date of birth under 18 sets the consent aside and leads to the guardian path, whatever was tapped', () => {
    const turns = run(...TO_CONSENT, say('17.03.2008'));
    expect(textKeys(last(turns))).toEqual(['interview:guardian', 'handoff:told', 'handoff:message.prompt']);
    expect(last(turns).state.consent).toBe('declined');
    const adult = last(run(...TO_CONSENT, say('16.03.2008')));
    expect(textKeys(adult)).toEqual(['interview:first_name.prompt']);
  });

  it('declining consent asks no personal question, and offers the office, a person or a call back', () => {
    const turns = run(...LIKELY, tap('continue', 'yes'), tap('agree', 'no'));
    const turn = last(turns);
    expect(textKeys(turn)).toEqual(['consent:declined', '<office>', 'consent:declined_choice.prompt']);
    expect(turn.state.consent).toBe('declined');
    expect(at(turn.state)).toBe('consent/declined_choice');
  });
});

describe('the eligibility rule routes the diagnosis', () => {
  it('likely eligible: says so, that it is provisional, and offers a meeting', () => {
    const turn = last(run(...LIKELY));
    expect(textKeys(turn)).toEqual(['diagnosis:result.likely', 'diagnosis:result.provisional', 'diagnosis:result.continue']);
    expect(turn.state.vars['diagnosis.decide']).toBe('likely_eligible');
    expect(turn.effects.find((e) => e.type === 'diagnosis_recorded')).toMatchObject({ outcome: 'likely_eligible', provisional: true, reasons: [] });
  });

  it('not eligible: lists the reasons, referrals for them and offers a review by a case worker', () => {
    const turn = last(run(...TO_AGE, tap('age', 'adult'), tap('q1', 'no'), tap('q2', 'yes'), tap('q3', DONE)));
    expect(turn.outputs).toHaveLength(1);
    expect(turn.outputs[0]!.text).toEqual([
      { key: 'diagnosis:result.not_eligible' },
      { list: ['diagnosis:reason.q1_no', 'diagnosis:reason.q3_none'] },
      { key: 'diagnosis:result.not_final' },
      { key: 'diagnosis:result.referrals_intro' },
      { content: 'referrals', reasons: ['q1_no', 'q3_none'] },
      { key: 'diagnosis:result.review' },
    ]);
    expect(at(turn.state)).toBe('diagnosis/review');
    expect(turn.effects.find((e) => e.type === 'diagnosis_recorded')).toMatchObject({ outcome: 'not_eligible', reasons: ['q1_no', 'q3_none'], provisional: true });
  });

  it('asking for a review hands the person over with the reason "eligibility_review"', () => {
    const turn = last(run(...TO_AGE, tap('age', 'adult'), tap('q1', 'no'), tap('q2', 'no'), tap('q3', 'planning'), tap('q3', DONE), tap('review', 'yes')));
    expect(turn.effects).toContainEqual(expect.objectContaining({ type: 'handoff_requested', reason: 'eligibility_review' }));
    expect(at(turn.state)).toBe('handoff/message');
  });
});

describe('/back', () => {
  it('asks the previous question again, and its new answer replaces the old one', () => {
    const turns = run(...TO_Q2, cmd('back'), tap('q1', 'no'));
    const back = turns.at(-2)!;
    expect(textKeys(back)).toEqual(['diagnosis:q1.prompt']);
    expect(at(back.state)).toBe('diagnosis/q1');
    expect(last(turns).state.vars['diagnosis.q1']).toBe('no');
    expect(at(last(turns).state)).toBe('diagnosis/q2');
  });

  it("at a flow's first question, returns to the question that led into it", () => {
    const turn = last(run(...TO_AGE, cmd('back')));
    expect(at(turn.state)).toBe('welcome/menu');
    expect(textKeys(turn)).toEqual(['welcome:menu.prompt']);
    expect(turn.state.frames).toHaveLength(1);
  });

  it('forgets the options ticked at a multiple-choice question left by /back', () => {
    const turn = last(run(...TO_Q2, tap('q2', 'yes'), tap('q3', 'planning'), cmd('back')));
    expect(at(turn.state)).toBe('diagnosis/q2');
    expect(turn.state.sel).toBeUndefined();
  });

  it('back at a multiple choice answered before, shows its ticks as they were (Done keeps them)', () => {
    const turns = run(...LIKELY, cmd('back'));
    const turn = last(turns);
    expect(at(turn.state)).toBe('diagnosis/q3');
    expect(turn.state.sel).toEqual(['language']);
    expect(turn.outputs.at(-1)!.buttons!.flat().find((b) => b.action.type === 'choice' && b.action.value === 'language')?.selected).toBe(true);
    expect(last(run(...LIKELY, cmd('back'), tap('q3', DONE))).state.vars['diagnosis.decide']).toBe('likely_eligible');
  });

  it('after a date of birth under 18 set the consent aside, does not return to a question for personal data: a mistyped year can be put right', () => {
    const minor = run(...TO_CONSENT, say('01.01.2015'));
    expect(last(minor).state.consent).toBe('declined');
    const turns = run(...TO_CONSENT, say('01.01.2015'), cmd('back'));
    const back = last(turns);
    // Past the date of birth (personal data, no consent now) to the question before it.
    expect(at(back.state)).toBe('diagnosis/continue');
    expect(textKeys(back).at(-1)).toBe('diagnosis:result.continue');
    // From there: the consent again, and the right year is taken.
    const redone = last(run(...TO_CONSENT, say('01.01.2015'), cmd('back'), tap('continue', 'yes'), tap('agree', 'A'), say('01.01.1990')));
    expect(redone.state.consent).toBe('A');
    expect(at(redone.state)).toBe('interview/first_name');
    expect(redone.effects).toContainEqual(expect.objectContaining({ type: 'answer_recorded', field: 'birth_date', value: '1990-01-01' }));
  });

  it('after /correct took a date of birth under 18, does not return to the choice of details to correct (found by a random walk)', () => {
    const INTERVIEW: Input[] = [...TO_CONSENT, say('01.01.1990'), say('Aysel'), say('Mammadova'), say('Afghanistan'), tap('reason', 'work'), say('050 123 45 67')];
    // The date under 18 is asked about first: Back there goes back to the date, the consent untouched.
    const asked = last(run(...INTERVIEW, cmd('correct'), tap('pick', 'birth_date'), say('31.12.2010'), cmd('back')));
    expect(asked.state.consent).toBe('A');
    expect(at(asked.state)).toBe('correct/birth_date');
    // Confirmed, it sets the consent aside; Back then leads to "is the date right?", not past it to the choice of details.
    const confirmed = [...INTERVIEW, cmd('correct'), tap('pick', 'birth_date'), say('31.12.2010'), tap('minor_confirm', 'yes')];
    const back = last(run(...confirmed, cmd('back')));
    expect(back.state.consent).toBe('declined');
    expect(at(back.state)).toBe('correct/minor_confirm');
    // "No" there: the date again, and a right year brings the consent back.
    const fixed = last(run(...confirmed, cmd('back'), tap('minor_confirm', 'no'), say('31.12.1990')));
    expect(fixed.state.consent).toBe('A');
    expect(fixed.effects).toContainEqual(expect.objectContaining({ type: 'consent_recorded', agreed: true, option: 'A' }));
    // Whatever is typed next is not taken as a detail (before, a phone number picked there failed the step).
    expect(() => run(...confirmed, cmd('back'), tap('pick', 'phone'), say('+994501234567'))).not.toThrow();
  });

  it('at the very first question, says there is nothing to go back to and asks it again', () => {
    const turn = last(run(cmd('start'), cmd('back')));
    expect(at(turn.state)).toBe('welcome/language');
    expect(textKeys(turn)[0]).toBe('common:notice.cannot_go_back');
  });

  it('offers a Back button only where there is somewhere to go back to', () => {
    const [first, second] = converse(singleFlowEnv(`  - { id: q, type: yes_no, prompt: "t:q", next: r }\n  - { id: r, type: yes_no, prompt: "t:r", next: e }\n  - { id: e, type: end }`), [cmd('start'), tap('q', 'yes')], freshState());
    expect(buttonsOf(first!)).toEqual(['yes', 'no']);
    expect(buttonsOf(second!)).toEqual(['yes', 'no', '/back']);
  });

  it(`goes back at most ${HISTORY_LIMIT} questions in one flow (the trail is bounded)`, () => {
    const n = HISTORY_LIMIT + 5;
    const nodes = Array.from({ length: n }, (_, i) => `  - { id: q${i + 1}, type: yes_no, prompt: "t:q", next: ${i + 1 < n ? `q${i + 2}` : 'e'} }`);
    const small = singleFlowEnv([...nodes, `  - { id: e, type: end }`].join('\n'), 'q1');
    const answers = Array.from({ length: n - 1 }, (_, i) => tap(`q${i + 1}`, 'yes'));
    const backs = Array.from({ length: HISTORY_LIMIT + 1 }, () => cmd('back'));
    const turns = converse(small, [cmd('start'), ...answers, ...backs], freshState());
    const afterAnswers = turns[n - 1]!;
    expect(at(afterAnswers.state)).toBe(`t/q${n}`);
    expect(afterAnswers.state.frames[0]!.b).toHaveLength(HISTORY_LIMIT);
    const backTurns = turns.slice(n);
    expect(backTurns.slice(0, HISTORY_LIMIT).map((t) => at(t.state))).toEqual(Array.from({ length: HISTORY_LIMIT }, (_, i) => `t/q${n - 1 - i}`));
    const extra = last(backTurns);
    expect(at(extra.state)).toBe(`t/q${n - HISTORY_LIMIT}`);
    expect(textKeys(extra)[0]).toBe('common:notice.cannot_go_back');
  });
});

describe('/restart', () => {
  it('starts over at the menu, keeping the language, the case code and the consent given', () => {
    const turns = run(...TO_CONSENT, say('25.03.1990'), say('Aysel'), cmd('restart'));
    const before = turns.at(-2)!.state;
    const turn = last(turns);
    expect(before.consent).toBe('A');
    expect(turn.state).toMatchObject({ lang: 'en', caseCode: before.caseCode, consent: 'A', vars: {} });
    expect(at(turn.state)).toBe('welcome/menu');
    expect(turn.state.frames).toHaveLength(1);
    expect(textKeys(turn)).toEqual(['welcome:intro', 'welcome:free_voluntary', 'welcome:menu.prompt']);
    expect(turn.effects).toEqual([]);
  });

  it('declining when asked again after agreeing asks nothing more, says what was given is kept, and /correct still corrects it', () => {
    const again = [...TO_CONSENT, say('25.03.1990'), say('Aysel'), cmd('restart'), tap('menu', 'book'), tap('age', 'adult'), tap('q1', 'yes'), tap('q2', 'yes'), tap('q3', 'planning'), tap('q3', DONE), tap('agree', 'no')];
    const turn = last(run(...again));
    expect(textKeys(turn)).toContain('consent:declined_after');
    expect(textKeys(turn)).not.toContain('interview:birth_date.prompt');
    expect(turn.effects).toEqual([expect.objectContaining({ type: 'consent_recorded', agreed: false })]);
    expect(turn.state.consent).toBe('A');
    expect(at(last(run(...again, cmd('correct'))).state)).toBe('correct/pick');
    // Booking once more and agreeing goes on with the interview: the refusal ended with its pass.
    expect(at(last(run(...again, tap('menu', 'book'), tap('agree', 'B'))).state)).toBe('interview/birth_date');
  });

  it('/menu goes to the menu directly', () => {
    const turn = last(run(...TO_Q2, cmd('menu')));
    expect(at(turn.state)).toBe('welcome/menu');
    expect(textKeys(turn)).toEqual(['welcome:menu.prompt']);
  });

  it('/menu in the middle of the intake keeps the diagnosis passed: "Book a meeting" goes on to the meeting without asking it again; /restart does not keep it', () => {
    const viaMenu = last(run(...TO_CONSENT, say('25.03.1990'), cmd('menu'), tap('menu', 'book')));
    expect(at(viaMenu.state)).toBe('consent/agree');
    expect(textKeys(viaMenu)).not.toContain('diagnosis:age.prompt');
    const viaRestart = last(run(...TO_CONSENT, say('25.03.1990'), cmd('restart'), tap('menu', 'book')));
    expect(at(viaRestart.state)).toBe('diagnosis/age');
  });
});

describe('/language', () => {
  it('shows the language picker, then changes the language and asks the same question again', () => {
    const turns = run(...TO_Q2, cmd('language'), tap(LANGUAGE_PICKER, 'ru'));
    const picker = turns.at(-2)!;
    expect(textKeys(picker)).toEqual(['common:prompt.language']);
    expect(buttonsOf(picker)).toEqual(['en', 'az', 'ru', 'fa', 'uz', 'tr', 'uk']);
    const turn = last(turns);
    expectNoticeThenQuestion(turn, 'common:notice.language_set', 'diagnosis:q2.prompt', 'diagnosis/q2');
    expect(turn.state.lang).toBe('ru');
    expect(turn.state.vars['diagnosis.q1']).toBe('yes');
    expect(turn.state.picking).toBeUndefined();
  });

  it("at the consent, says what its options mean again in the new language, not only 'choose one'", () => {
    const turn = last(run(...LIKELY, tap('continue', 'yes'), cmd('language'), tap(LANGUAGE_PICKER, 'uz')));
    expect(at(turn.state)).toBe('consent/agree');
    expect(textKeys(turn)).toEqual(['common:notice.language_set', 'consent:option.prompt', 'consent:agree.prompt']);
  });

  it('takes a typed number at the picker, counted as the buttons are shown', () => {
    const turn = last(run(...TO_Q2, cmd('language'), say('3')));
    expect(turn.state.lang).toBe('ru');
    expectNoticeThenQuestion(turn, 'common:notice.language_set', 'diagnosis:q2.prompt', 'diagnosis/q2');
  });

  it('shows the picker again for anything that is not a language while it is open', () => {
    const turn = last(run(...TO_Q2, cmd('language'), tap('q2', 'yes')));
    expect(textKeys(turn)).toEqual(['common:prompt.language']);
    expect(turn.state.vars['diagnosis.q2']).toBeUndefined();
    const sticker = last(run(...TO_Q2, cmd('language'), { type: 'unsupported', kind: 'sticker' }));
    expect(textKeys(sticker)).toEqual(['common:notice.unsupported_sticker', 'common:prompt.language']);
  });

  it('is closed by another command, so the next answer is taken as an answer', () => {
    const turns = run(...TO_Q2, cmd('language'), cmd('help'), tap('q2', 'yes'));
    expect(textKeys(turns.at(-2)!)).toEqual(['common:notice.help', 'diagnosis:q2.prompt']);
    expect(last(turns).state.vars['diagnosis.q2']).toBe('yes');
    expect(at(last(turns).state)).toBe('diagnosis/q3');
  });

  it('honours a language button tapped later, from an old picker', () => {
    const turn = last(run(...TO_Q2, tap(LANGUAGE_PICKER, 'az')));
    expect(turn.state.lang).toBe('az');
    expectNoticeThenQuestion(turn, 'common:notice.language_set', 'diagnosis:q2.prompt', 'diagnosis/q2');
  });
});

describe('/person', () => {
  it('opens "Talk to a person" over the question the person is at; that question follows the talk', () => {
    const opened = last(run(...TO_Q2, cmd('person')));
    expect(at(opened.state)).toBe('handoff/message');
    expect(opened.effects).toContainEqual(expect.objectContaining({ type: 'handoff_requested', reason: 'asked' }));
    const back = last(run(...TO_Q2, cmd('person'), say('I need help with a flat'), tap('more', 'menu')));
    expect(at(back.state)).toBe('diagnosis/q2');
  });

  it('before any language, asks for it first', () => {
    expect(textKeys(last(run(cmd('person'))))).toContain('common:prompt.language');
  });
});

describe('commands and inputs that fit any question', () => {
  it('/help explains and asks the same question again', () => {
    const turns = run(...TO_Q2, cmd('help'));
    expectNoticeThenQuestion(last(turns), 'common:notice.help', 'diagnosis:q2.prompt', 'diagnosis/q2');
    expect(last(turns).state).toEqual(turns.at(-2)!.state);
  });

  it('/start in the middle welcomes the person back at the same question', () => {
    expectNoticeThenQuestion(last(run(...TO_Q2, cmd('start'))), 'common:notice.welcome_back', 'diagnosis:q2.prompt', 'diagnosis/q2');
  });

  it('an unknown command is named in the answer, and the question is asked again', () => {
    const turn = last(run(...TO_Q2, { type: 'unknown_command', name: 'weather' }));
    expect(turn.outputs[0]!.text[0]).toEqual({ key: 'common:notice.unknown_command', params: { command: 'weather' } });
    expectNoticeThenQuestion(turn, 'common:notice.unknown_command', 'diagnosis:q2.prompt', 'diagnosis/q2');
  });

  it.each(UNSUPPORTED_KINDS.map((k) => [k]))('a %s gets its own polite answer and the question again', (kind) => {
    const turns = run(...TO_Q2, { type: 'unsupported', kind });
    expectNoticeThenQuestion(last(turns), `common:notice.unsupported_${kind}`, 'diagnosis:q2.prompt', 'diagnosis/q2');
    expect(last(turns).state).toEqual(turns.at(-2)!.state);
  });

  it('a tap on a button of an earlier question is not taken as an answer', () => {
    const turns = run(...TO_Q2, tap('q1', 'no'));
    const turn = last(turns);
    expectNoticeThenQuestion(turn, 'common:notice.stale_button', 'diagnosis:q2.prompt', 'diagnosis/q2');
    expect(turn.state.vars['diagnosis.q1']).toBe('yes');
    expect(turn.state).toEqual(turns.at(-2)!.state);
    expect(turn.effects).toEqual([]);
  });

  it('a tap on a button of a question from another flow is stale too', () => {
    expectNoticeThenQuestion(last(run(...TO_Q2, tap('menu', 'about'))), 'common:notice.stale_button', 'diagnosis:q2.prompt', 'diagnosis/q2');
  });
});

describe('a rights command as the very first message (found by the fuzzed updates, issue 13)', () => {
  it('/delete before any language: a sticker and a typed text ask for the language, which then runs the erase flow', () => {
    const turns = run(cmd('delete'), { type: 'unsupported', kind: 'sticker' } as Input, say('zow'));
    for (const turn of turns) {
      expect(at(turn.state)).toBe('erase/has_case');
      expect(textKeys(turn)).toContain('common:prompt.language');
    }
    const chosen = last(run(cmd('delete'), say('zow'), tap(LANGUAGE_PICKER, 'en')));
    // No case: nothing is kept, and the menu follows.
    expect(textKeys(chosen)).toContain('rights:mydata.nothing');
    expect(at(chosen.state)).toBe('welcome/menu');
  });

  it('a language named in the first message (or after /stop) is taken; a number names none', () => {
    expect(last(run(say('English'))).state.lang).toBe('en');
    expect(at(last(run(say('Русский'))).state)).toBe('welcome/menu');
    expect(last(run(cmd('stop'), say('Русский'))).state.lang).toBe('ru');
    expect(last(run(say('2'))).state.lang).toBeUndefined();
    expect(last(run(say('Здравствуйте, мне нужна помощь'))).state.lang).toBeUndefined();
  });

  it('words before any language suggest theirs by their alphabet: the question is put in it, its button first', () => {
    const firstButton = (turn: Turn) => buttonsOf(turn)[0];
    for (const [text, lang] of [
      ['Здравствуйте, мне нужна помощь', 'ru'],
      ['Доброго дня, мені потрібна допомога', 'uk'],
      ['سلام، کمک می‌خواهم', 'fa'],
      ['Salam, mənə kömək lazımdır', 'az'],
      ['Assalomu alaykum, menga yordam kerak, oʻzbekman', 'uz'],
    ] as const) {
      const turn = last(run(say(text)));
      expect(turn.state.lang).toBeUndefined();
      expect(turn.state.hint).toBe(lang);
      expect(firstButton(turn)).toBe(lang);
    }
    // Latin without a telling letter says nothing; the platform's suggestion stays.
    expect(last(run(say('hello, I need help'))).state.hint).toBeUndefined();
    const english = last(converse(env, [cmd('start', 'en'), say('Merhaba, yardım lazım')]));
    expect(english.state.hint).toBe('en');
    // Typed at the language question (not a language's name), Russian words put Russian first.
    const typedThere = last(converse(env, [cmd('start', 'en'), say('Привет')]));
    expect(typedThere.state.hint).toBe('ru');
    expect(at(typedThere.state)).toBe('welcome/language');
    expect(firstButton(typedThere)).toBe('ru');
    // And at the picker a rights command opened before a language.
    expect(firstButton(last(run(cmd('delete'), say('мне нужна помощь'))))).toBe('ru');
  });

  it('/menu before any language asks for the language first; what is typed then chooses it', () => {
    const menu = last(run(cmd('menu')));
    expect(at(menu.state)).toBe('welcome/language');
    expect(last(run(cmd('menu'), say('Русский'))).state.lang).toBe('ru');
  });

  it('/appointment before any language: "2" or "Русский" typed chooses the language, never answers the meeting screen', () => {
    const byNumber = last(run(cmd('appointment'), say('2')));
    expect(byNumber.state.lang).toBeDefined();
    expect(textKeys(byNumber)).not.toContain('booking:cancel.prompt');
    const byName = last(run(cmd('appointment'), say('Русский')));
    expect(byName.state.lang).toBe('ru');
    expect(textKeys(byName)).toContain('common:notice.language_set');
    expect(textKeys(last(run(cmd('withdraw'), say('uzbek'))))).toContain('common:notice.language_set');
  });
});
