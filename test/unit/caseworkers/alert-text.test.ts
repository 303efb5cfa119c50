import { alertButtons } from '../../../src/caseworkers/alert-notices';
import { alertKindOf, alertText, detailsText, escalationText, type AlertTextContext } from '../../../src/caseworkers/alert-text';
import type { CaseDetails, CaseSummary } from '../../../src/caseworkers/case-file';
import type { Effect } from '../../../src/core/conversation';
import { createTranslator } from '../../../src/i18n';
import type { BookingStatus } from '../../../src/scheduling/booking-store';
import { testOffice } from '../../helpers/office';

const tr = createTranslator();
const baku = testOffice();
const ctx = (lang: 'az' | 'ru' | 'en' = 'en'): AlertTextContext => ({ tr, lang, offices: [baku], staffName: (id) => (id === 's-anna' ? 'Anna Ivanova' : `id ${id}`) });
const t = (key: string, params?: Record<string, unknown>) => tr.t('en', key, params);

const summary = (over: Partial<CaseSummary> = {}): CaseSummary => ({
  code: 'KP-7G4Q-M2XD',
  exists: true,
  lang: 'ru',
  consent: 'A',
  diagnosis: { outcome: 'likely_eligible', provisional: true, areas: ['planning', 'language'], reasons: [] },
  vulnerability: [],
  ...over,
});
const booking = { caseCode: 'KP-7G4Q-M2XD', slot: 'baku@2026-11-25T10:00', office: 'baku', start: new Date('2026-11-25T06:00:00Z'), end: new Date('2026-11-25T07:00:00Z'), status: 'booked' as BookingStatus, lang: 'ru', confirmed: false, bookedAt: new Date('2026-11-20T08:00:00Z') };

describe('alertKindOf', () => {
  const base = { caseCode: 'KP-1', lang: 'az' as const };
  it('gives one alert kind per intake, diagnosis (eligible or not), booking and hand-off', () => {
    const diagnosis = (outcome: string): Effect => ({ type: 'diagnosis_recorded', ...base, answers: { q1: 'yes', q2: 'yes', q3: [], q4: 'pending' }, outcome, reasons: [], provisional: true, ruleVersion: 'r1' });
    expect(alertKindOf({ type: 'intake_completed', ...base })).toBe('intake');
    expect(alertKindOf(diagnosis('likely_eligible'))).toBe('diagnosis');
    expect(alertKindOf(diagnosis('not_eligible'))).toBe('diagnosis');
    expect(alertKindOf({ type: 'booking_made', ...base, slot: 's', office: 'baku', start: '', end: '' })).toBe('booking');
    expect(alertKindOf({ type: 'booking_made', ...base, slot: 's', office: 'baku', start: '', end: '', previousSlot: 'p' })).toBe('moved');
    expect(alertKindOf({ type: 'booking_cancelled', ...base, slot: 's' })).toBe('cancelled');
    expect(alertKindOf({ type: 'handoff_requested', ...base, reason: 'asked' })).toBe('handoff');
  });

  it('needs no alert for ordinary effects', () => {
    expect(alertKindOf({ type: 'answer_recorded', caseCode: 'KP-1', field: 'first_name', value: 'Aysel', personal: true })).toBeUndefined();
    expect(alertKindOf({ type: 'case_opened', caseCode: 'KP-1', lang: 'az' })).toBeUndefined();
  });
});

describe('alertText', () => {
  it('says the case, language, eligibility, service areas, vulnerability and meeting', () => {
    const text = alertText('intake', summary({ booking }), ctx());
    expect(text.split('\n')).toEqual([
      t('caseworker:alert.title.intake', { code: 'KP-7G4Q-M2XD' }),
      // The person's language named in the reader's (English: "Russian", not "Русский").
      t('caseworker:alert.language', { language: 'Russian' }),
      t('caseworker:alert.eligibility', { result: t('caseworker:alert.result.likely_eligible') }),
      t('caseworker:alert.areas', { areas: `${t('diagnosis:q3.planning')}; ${t('diagnosis:q3.language')}` }),
      t('caseworker:alert.vulnerability_none'),
      t('caseworker:alert.meeting', { date: 'Wed 25.11.2026', time: '10:00', office: baku.name.en }),
    ]);
  });

  it('in Azerbaijani names the language as a language and writes the weekday as the time buttons do (QA, December 2026)', () => {
    const monday = { ...booking, start: new Date('2026-12-07T06:00:00Z'), end: new Date('2026-12-07T07:00:00Z') };
    const text = alertText('booking', summary({ lang: 'uk', booking: monday }), ctx('az'));
    const az = (key: string, params?: Record<string, unknown>) => tr.t('az', key, params);
    // "Dil: ukrayna dili", not "Dil: Ukrayna" (the country).
    expect(text).toContain(az('caseworker:alert.language', { language: 'ukrayna dili' }));
    // "B.e.", as the free times' buttons and the rest of the bot write Monday, not "B.E.".
    expect(text).toContain(az('caseworker:alert.meeting', { date: 'B.e. 07.12.2026', time: '10:00', office: baku.name.az }));
  });

  it('gives the reasons of a "not eligible" diagnosis, and says when there is none yet', () => {
    const text = alertText('diagnosis', summary({ diagnosis: { outcome: 'not_eligible', provisional: true, areas: [], reasons: ['q1_no', 'q3_none'] } }), ctx());
    expect(text).toContain(t('caseworker:alert.result.not_eligible'));
    expect(text).toContain(t('common:alert.diagnosis_reason.q1_no'));
    expect(text).toContain(t('caseworker:alert.areas_none'));
    const { diagnosis: _, ...undiagnosed } = summary();
    expect(alertText('handoff', { ...undiagnosed, handoff: 'minor' }, ctx())).toContain(t('caseworker:alert.result.none'));
  });

  it('titles a concern the worker noted on the phone (Q4) as their review, not as the person asking to talk', () => {
    for (const lang of ['az', 'ru', 'en'] as const) {
      const text = alertText('handoff', summary({ handoff: 'q4_concern' }), ctx(lang));
      expect(text.split('\n')[0]).toBe(tr.t(lang, 'caseworker:alert.title.review', { code: 'KP-7G4Q-M2XD' }));
      expect(text).not.toContain(tr.t(lang, 'caseworker:alert.title.handoff', { code: 'KP-7G4Q-M2XD' }));
      expect(text).toContain(tr.t(lang, 'common:alert.reason.q4_concern'));
    }
    expect(alertText('handoff', summary({ handoff: 'asked' }), ctx()).split('\n')[0]).toBe(t('caseworker:alert.title.handoff', { code: 'KP-7G4Q-M2XD' }));
  });

  it('names vulnerability signs: age group and crisis', () => {
    const text = alertText('intake', summary({ vulnerability: [{ kind: 'minor' }, { kind: 'crisis', category: 'violence' }] }), ctx());
    expect(text).toContain(t('caseworker:alert.vulnerability', { signs: `${t('caseworker:alert.sign.minor')}; ${t('caseworker:alert.sign.crisis', { category: t('safeguarding:alert.category.violence') })}` }));
  });

  it('shows a name only when the summary carries one (consent C), and who took the case', () => {
    expect(alertText('intake', summary(), ctx())).not.toContain(t('caseworker:alert.name', { name: '' }).trim());
    const text = alertText('intake', summary({ consent: 'C', name: 'Aysel Məmmədova', claim: { by: 's-anna', at: new Date('2026-11-24T08:15:00Z') } }), ctx());
    expect(text).toContain(t('caseworker:alert.name', { name: 'Aysel Məmmədova' }));
    expect(text).toContain(t('caseworker:alert.claimed', { worker: 'Anna Ivanova', time: '24.11.2026 12:15' }));
  });

  it('describes the meeting as it is: confirmed, cancelled, attended, missed', () => {
    const line = (b: Partial<typeof booking>, attendanceBy?: string) => alertText('booking', summary({ booking: { ...booking, ...b }, ...(attendanceBy ? { attendanceBy } : {}) }), ctx()).split('\n').at(-1);
    const where = { date: 'Wed 25.11.2026', time: '10:00', office: baku.name.en };
    expect(line({ confirmed: true })).toBe(t('caseworker:alert.meeting_confirmed', where));
    expect(line({ status: 'cancelled' })).toBe(t('caseworker:alert.meeting_cancelled', where));
    expect(line({ status: 'attended' }, 's-anna')).toBe(t('caseworker:alert.meeting_attended', { ...where, worker: 'Anna Ivanova' }));
    expect(line({ status: 'no_show' }, 's-anna')).toBe(t('caseworker:alert.meeting_no_show', { ...where, worker: 'Anna Ivanova' }));
  });

  it('is written in the alert language, Azerbaijani by default in the group', () => {
    expect(alertText('booking', summary({ booking }), ctx('az'))).toContain(tr.t('az', 'caseworker:alert.title.booking', { code: 'KP-7G4Q-M2XD' }));
    expect(alertText('booking', summary({ booking }), ctx('az'))).toContain('Bakı ofisi');
  });
});

describe('an ended case on its alerts', () => {
  const verbs = (s: CaseSummary) => alertButtons('intake', s).flat().map((b) => (b.action.type === 'staff' ? b.action.verb : ''));
  it('says a closed or withdrawn case is not taken on any more, and offers no Claim even when nobody held it', () => {
    expect(verbs(summary())).toEqual(['claim', 'open']);
    for (const status of ['closed', 'withdrawn'] as const) {
      expect(alertText('intake', summary({ status }), ctx()).split('\n').at(-1)).toBe(t(`caseworker:alert.status.${status}`));
      expect(verbs(summary({ status }))).toEqual(['open']);
    }
    expect(verbs(summary({ status: 'erased' }))).toEqual(['open']);
    // An open case says nothing of a status.
    expect(alertText('intake', summary({ status: 'intake_completed' }), ctx())).not.toContain('🔒');
  });
});

describe('escalationText and detailsText', () => {
  it('escalation: since when the intake waits, then the summary', () => {
    const text = escalationText(summary({ completedAt: new Date('2026-11-24T05:30:00Z') }), ctx(), new Date('2026-11-24T10:00:00Z'));
    expect(text.split('\n')[0]).toBe(t('caseworker:escalation.title', { code: 'KP-7G4Q-M2XD', since: '24.11.2026 09:30' }));
    expect(text).toContain(t('caseworker:alert.result.likely_eligible'));
  });

  it('escalation of a case its holder gave back: waiting since it went back to the group, not since the intake', () => {
    const s = summary({ completedAt: new Date('2026-11-24T05:30:00Z'), releasedAt: new Date('2026-11-25T07:12:00Z') });
    expect(escalationText(s, ctx(), new Date('2026-11-25T12:00:00Z')).split('\n')[0]).toBe(t('caseworker:escalation.title_released', { code: 'KP-7G4Q-M2XD', since: '25.11.2026 11:12' }));
  });

  it('details: everything the person gave, decrypted, the consent and their questions', () => {
    const d: CaseDetails = {
      ...summary({ consent: 'B' }),
      fields: { first_name: 'Aysel', last_name: 'Məmmədova', birth_date: '1995-02-14', reason: 'study', phone: '+994501234567', address: 'Bakı, Nizami küçəsi 5' },
      questions: ['Can my husband come too?'],
    };
    const text = detailsText(d, ctx());
    for (const line of [
      t('caseworker:open.title', { code: 'KP-7G4Q-M2XD' }),
      t('caseworker:open.consent', { option: t('caseworker:open.consent_option.B') }),
      t('caseworker:open.field.first_name', { value: 'Aysel' }),
      t('caseworker:open.field.birth_date', { value: '14.02.1995' }),
      t('caseworker:open.field.reason', { value: t('interview:reason.study') }),
      t('caseworker:open.field.phone', { value: '+994501234567' }),
      t('caseworker:open.field.address', { value: 'Bakı, Nizami küçəsi 5' }),
      '• Can my husband come too?',
    ]) expect(text).toContain(line);
    expect(text).not.toContain(t('caseworker:open.consent_guardian'));
  });

  it('details: a consent given by a parent or guardian for someone under 18 says so, with their name', () => {
    const d: CaseDetails = { ...summary({ consent: 'B', consentGivenBy: 'guardian', vulnerability: [{ kind: 'minor' }] }), fields: { first_name: 'Ivan', birth_date: '2011-05-02', guardian_name: 'Svetlana Petrova' }, questions: [] };
    const lines = detailsText(d, ctx()).split('\n');
    const consent = lines.indexOf(t('caseworker:open.consent', { option: t('caseworker:open.consent_option.B') }));
    expect(lines[consent + 1]).toBe(t('caseworker:open.consent_guardian'));
    expect(lines).toContain(t('caseworker:open.field.guardian_name', { value: 'Svetlana Petrova' }));
  });
});
