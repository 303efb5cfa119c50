import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOffices } from '../../../src/config/offices';

/** config/offices.yaml: the shipped file loads; a wrong one stops start-up naming file and field. */
describe('offices config', () => {
  const write = (text: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'korpu-offices-')), 'offices.yaml');
    writeFileSync(file, text);
    return file;
  };

  it('loads the shipped file with its defaults', () => {
    const o = loadOffices('config/offices.yaml');
    expect(o.offices.map((x) => x.id)).toEqual(['baku']);
    expect(o.offices[0]!.timeZone).toBe('Asia/Baku');
    expect(o.reminders).toEqual({ beforeMinutes: [1440, 120], quietHours: { from: '21:00', to: '09:00' }, nudgeAfterMinutes: 1440 });
  });

  it('the shipped pilot office marks what the programme documents do not give, rather than inventing it', () => {
    const baku = loadOffices('config/offices.yaml').offices[0]!;
    expect(baku.unknown).toEqual(['street', 'building', 'landmark', 'location']);
    expect(baku.address.en).toBe('Baku');
  });

  const office = (extra: string) =>
    `offices:\n  - id: baku\n    name: {az: a, ru: b, en: c}\n    address: {az: a, ru: b, en: c}\n${extra}    location: {latitude: 40, longitude: 49}\n    hours: {}\n    slotMinutes: 60\n    capacity: 1`;

  it('needs a landmark people can find the office by, or "landmark" listed as unknown', () => {
    expect(() => loadOffices(write(office('')))).toThrow(/landmark/);
    expect(loadOffices(write(office('    landmark: {az: a, ru: b, en: c}\n'))).offices[0]!.landmark?.en).toBe('c');
    expect(loadOffices(write(office('    unknown: [landmark]\n'))).offices[0]!.unknown).toEqual(['landmark']);
    expect(() => loadOffices(write(office('    unknown: [floor]\n')))).toThrow(/unknown/);
  });

  it.each([
    ['offices: []', /offices: .*at least 1|offices: Too small/i],
    ['offices:\n  - id: Baku', /offices\.0\.id/],
    ['offices:\n  - id: baku\n    name: {az: a, ru: b, en: c}\n    address: {az: a, ru: b, en: c}\n    location: {latitude: 40, longitude: 49}\n    hours: {mon: ["18:00-09:00"]}\n    slotMinutes: 60\n    capacity: 1', /offices\.0\.hours\.mon\.0: must end after it starts/],
    ['offices:\n  - id: baku\n    name: {az: a, ru: b}\n    address: {az: a, ru: b, en: c}\n    location: {latitude: 40, longitude: 49}\n    hours: {}\n    slotMinutes: 60\n    capacity: 1', /offices\.0\.name\.en/],
    ['offices:\n  - id: baku\n    name: {az: a, ru: b, en: c}\n    address: {az: a, ru: b, en: c}\n    location: {latitude: 40, longitude: 49}\n    timeZone: Mars/Olympus\n    hours: {}\n    slotMinutes: 60\n    capacity: 1', /timeZone: must be an IANA time zone/],
    ['offices: [\n', /cannot read/],
  ])('refuses %j with the file and the field named', (text, message) => {
    const file = write(text);
    expect(() => loadOffices(file)).toThrow(message);
    expect(() => loadOffices(file)).toThrow(file);
  });
});
