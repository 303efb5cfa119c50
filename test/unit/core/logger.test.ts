import { Writable } from 'node:stream';
import { createLogger } from '../../../src/core/logger';
import { RosterRecordError } from '../../../src/caseworkers/roster';

/** A logger writing into an array of parsed JSON lines. */
function capture(): { lines: Record<string, any>[]; logger: ReturnType<typeof createLogger> } {
  const lines: Record<string, any>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger('info', sink) };
}

describe('the log', () => {
  it('keeps error names, which diagnosis needs', () => {
    const { lines, logger } = capture();
    const e = new RosterRecordError('roster entry 42 is invalid', { telegramId: '42' });
    logger.error({ err: { name: e.name, message: e.message } }, 'failed');
    logger.warn({ err: new TypeError('x is not a function') }, 'failed');
    expect(lines[0]!.err.name).toBe('RosterRecordError');
    expect(lines[1]!.err.type).toBe('TypeError');
    expect(JSON.stringify(lines)).not.toContain('[redacted]');
  });

  it('leaves out the names of people and staff, and what an error’s context carries of them', () => {
    const { lines, logger } = capture();
    logger.info({ from: { id: 1, first_name: 'Aysel', last_name: 'Məmmədova', username: 'aysel_m' } }, 'telegram user');
    logger.info({ member: { telegramId: 7, name: 'Rəşad Əliyev', role: 'caseworker' }, by_name: 'Leyla Quliyeva' }, 'staff');
    logger.error({ err: { name: 'KorpuError', message: 'failed', context: { byName: 'Nigar Həsənova', phone: '+994501234567', text: 'Mənim adım Aysel' } } }, 'with context');
    const out = JSON.stringify(lines);
    for (const personal of ['Aysel', 'Məmmədova', 'aysel_m', 'Rəşad', 'Leyla', 'Nigar', '+994501234567']) expect(out).not.toContain(personal);
    // What is not personal stays: the error's name and message, ids, roles.
    expect(lines[1]!.member).toEqual({ telegramId: 7, name: '[redacted]', role: 'caseworker' });
    expect(lines[2]!.err).toMatchObject({ name: 'KorpuError', message: 'failed' });
  });
});
