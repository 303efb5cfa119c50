import { Writable } from 'node:stream';
import pino from 'pino';
import { ACTIONS, can, logRefusal, PERMISSIONS, staffRef, type Action } from '../../../src/caseworkers/guard';
import { ROLES, type Role } from '../../../src/caseworkers/roster';
import { FieldCipher } from '../../../src/storage/field-cipher';

const cipher = new FieldCipher(Buffer.alloc(32, 7));

/** Every action and the roles the programme wants for it (the issue: admin everything, supervisor all but the roster). */
const EXPECTED: Record<Action, Role[]> = {
  view_roster: ['admin'],
  manage_roster: ['admin'],
  view_today: ['caseworker', 'supervisor', 'admin'],
  claim_case: ['caseworker', 'supervisor', 'admin'],
  mark_attendance: ['caseworker', 'supervisor', 'admin'],
  report_incident: ['caseworker', 'supervisor', 'admin'],
  reassign_case: ['supervisor', 'admin'],
  close_case: ['caseworker', 'supervisor', 'admin'],
  talk_to_person: ['caseworker', 'supervisor', 'admin'],
  phone_intake: ['caseworker', 'supervisor', 'admin'],
  view_audit: ['admin'],
  record_first_meeting: ['caseworker', 'supervisor', 'admin'],
  acknowledge_incident: ['caseworker', 'supervisor', 'admin'],
  use_workspace: ['caseworker', 'supervisor', 'admin'],
  view_calendar: ['caseworker', 'supervisor', 'admin'],
  close_office_day: ['supervisor', 'admin'],
  view_numbers: ['supervisor', 'admin'],
  export_cases: ['supervisor', 'admin'],
  export_key_file: ['supervisor', 'admin'],
  view_queues: ['supervisor', 'admin'],
  book_on_behalf: ['caseworker', 'supervisor', 'admin'],
  erase_case: ['admin'],
};

describe('can', () => {
  it('has a row for every action', () => {
    expect(Object.keys(PERMISSIONS).sort()).toEqual([...ACTIONS].sort());
  });

  it.each(ACTIONS.flatMap((a) => ROLES.map((r) => [a, r] as const)))('%s by a %s', (action, role) => {
    expect(can({ role }, action)).toBe(EXPECTED[action].includes(role));
  });

  it('lets admins do everything, supervisors everything but the roster, the audit trail and erasing a case', () => {
    expect(ACTIONS.filter((a) => !can({ role: 'admin' }, a))).toEqual([]);
    expect(ACTIONS.filter((a) => !can({ role: 'supervisor' }, a))).toEqual(['view_roster', 'manage_roster', 'view_audit', 'erase_case']);
  });

  it('lets someone not on the roster do nothing', () => {
    expect(ACTIONS.filter((a) => can(undefined, a))).toEqual([]);
  });

  it('takes a whole roster entry', () => {
    const worker = { telegramId: 5, name: 'Aysel', langs: ['az' as const], office: 'baku', role: 'caseworker' as const, addedAt: new Date(0), addedBy: 1 };
    expect(can(worker, 'view_today')).toBe(true);
    expect(can(worker, 'manage_roster')).toBe(false);
  });
});

describe('logRefusal', () => {
  function capture() {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, cb) => (lines.push(JSON.parse(String(chunk))), cb()) }));
    return { logger, lines };
  }

  it('logs a stranger with a pseudonym of the Telegram id, the command and the action, never the id', () => {
    const { logger, lines } = capture();
    logRefusal(logger, cipher, { telegramId: 700123456, command: 'today', action: 'view_today' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, who: staffRef(cipher, 700123456), command: 'today', action: 'view_today', role: 'none' });
    expect(JSON.stringify(lines[0])).not.toContain('700123456');
  });

  it('logs a member’s role when the role was not enough', () => {
    const { logger, lines } = capture();
    logRefusal(logger, cipher, { telegramId: 42, command: 'roster_add', action: 'manage_roster', role: 'caseworker' });
    expect(lines[0]).toMatchObject({ who: staffRef(cipher, 42), command: 'roster_add', role: 'caseworker' });
  });

  it('gives one person the same pseudonym every time, and different people different ones', () => {
    expect(staffRef(cipher, 42)).toBe(staffRef(cipher, 42));
    expect(staffRef(cipher, 42)).not.toBe(staffRef(cipher, 43));
    expect(staffRef(cipher, 42)).not.toBe(staffRef(new FieldCipher(Buffer.alloc(32, 8)), 42));
  });
});
