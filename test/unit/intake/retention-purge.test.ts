import { purgeReason, type CaseFacts } from '../../../src/intake/retention-purge';

/** When a case's personal data is past its period (config/retention.yaml's shipped days). */
describe('purgeReason', () => {
  const days = { unfinishedIntake: 30, notEligible: 90, neverMet: 180, withdrawn: 180, closed: 365, talkMessages: 365, incidentReports: 730, outbox: 7, finishedJobs: 7 };
  const DAY = 24 * 3600 * 1000;
  const t0 = Date.parse('2026-01-01T10:00:00Z');
  const at = (d: number) => new Date(t0 + d * DAY);
  const iso = (d: number) => at(d).toISOString();
  const reason = (f: CaseFacts, day: number) => purgeReason(f, days, at(day));

  it('an unfinished intake goes a month after its last activity, not before', () => {
    const f: CaseFacts = { status: 'consented', updatedAt: iso(0) };
    expect(reason(f, 29)).toBeUndefined();
    expect(reason(f, 30)).toBe('unfinishedIntake');
    // The person wrote on day 20 (or talked with a case worker): the month counts from then.
    expect(reason({ ...f, lastActiveMs: at(20).getTime() }, 45)).toBeUndefined();
    expect(reason({ ...f, lastActiveMs: at(20).getTime() }, 50)).toBe('unfinishedIntake');
  });

  it('a not-eligible diagnosis is kept three months for a review', () => {
    const f: CaseFacts = { status: 'open', diagnosis: 'not_eligible', updatedAt: iso(0) };
    expect(reason(f, 89)).toBeUndefined();
    expect(reason(f, 90)).toBe('notEligible');
  });

  it('withdrawn and closed cases count from the withdrawal and the closing', () => {
    expect(reason({ status: 'withdrawn', withdrawnAt: iso(10), updatedAt: iso(10), intakeCompletedAt: iso(1) }, 189)).toBeUndefined();
    expect(reason({ status: 'withdrawn', withdrawnAt: iso(10), updatedAt: iso(10), intakeCompletedAt: iso(1) }, 190)).toBe('withdrawn');
    expect(reason({ status: 'closed', closedAt: iso(5), updatedAt: iso(5), intakeCompletedAt: iso(1) }, 369)).toBeUndefined();
    expect(reason({ status: 'closed', closedAt: iso(5), updatedAt: iso(5), intakeCompletedAt: iso(1) }, 370)).toBe('closed');
  });

  it('keeps a case in progress, an erased case, and a case with no date at all', () => {
    expect(reason({ status: 'intake_completed', intakeCompletedAt: iso(0), updatedAt: iso(0), met: true }, 3000)).toBeUndefined();
    expect(reason({ status: 'erased', updatedAt: iso(0) }, 3000)).toBeUndefined();
    // A walk-in: no completed intake (the meeting was its intake), its person met a worker at once.
    expect(reason({ status: 'open', diagnosis: 'eligible', updatedAt: iso(0), met: true }, 3000)).toBeUndefined();
    expect(reason({ status: 'open', diagnosis: 'not_eligible', updatedAt: iso(0), met: true }, 3000)).toBeUndefined();
    expect(reason({ status: 'consented' }, 3000)).toBeUndefined();
  });

  it('an incident report keeps its case two years; a meeting still to come keeps it until then', () => {
    const f: CaseFacts = { status: 'consented', updatedAt: iso(0), lastIncidentMs: at(0).getTime() };
    expect(reason(f, 729)).toBeUndefined();
    expect(reason(f, 730)).toBe('unfinishedIntake');
    const booked: CaseFacts = { status: 'consented', updatedAt: iso(0), bookedStartMs: at(40).getTime() };
    expect(reason(booked, 35)).toBeUndefined();
    expect(reason(booked, 40)).toBe('unfinishedIntake');
  });

  it("a completed intake whose person never came goes six months after its last activity, the meeting's date included", () => {
    // Booked for day 5, missed (or cancelled), nobody closed it: kept until six months after the meeting's date.
    const f: CaseFacts = { status: 'intake_completed', intakeCompletedAt: iso(0), updatedAt: iso(0), meetingStartMs: at(5).getTime() };
    expect(reason(f, 184)).toBeUndefined();
    expect(reason(f, 185)).toBe('neverMet');
    // The person wrote on day 100: counted from then.
    expect(reason({ ...f, lastActiveMs: at(100).getTime() }, 279)).toBeUndefined();
    expect(reason({ ...f, lastActiveMs: at(100).getTime() }, 280)).toBe('neverMet');
    // No meeting booked at all: from the completed intake.
    expect(reason({ status: 'intake_completed', intakeCompletedAt: iso(0), updatedAt: iso(0) }, 180)).toBe('neverMet');
    // Once the person met a case worker, the case is in progress until a worker closes it.
    expect(reason({ ...f, met: true }, 3000)).toBeUndefined();
  });
});
