import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRetentionConfig, RETENTION_FILE } from '../../../src/config/retention';
import { ConfigError } from '../../../src/core/errors';

describe('retention config', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'korpu-ret-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (text: string) => {
    const file = join(dir, 'retention.yaml');
    writeFileSync(file, text);
    return file;
  };
  const shipped = () => loadRetentionConfig(RETENTION_FILE);

  it('loads the shipped file with a period for every kind of data', () => {
    expect(shipped()).toEqual({
      days: { unfinishedIntake: 30, notEligible: 90, neverMet: 180, withdrawn: 180, closed: 365, talkMessages: 365, incidentReports: 730, outbox: 7, finishedJobs: 7 },
      everyHours: 24,
    });
  });

  it('stops start-up naming the file and every bad field', () => {
    const file = write('days:\n  unfinishedIntake: 0\n  notEligible: 1.5\n  withdrawn: 10\n  closed: 10\n  talkMessages: 10\n  incidentReports: 10\n  outbox: 7\n  finishedJobs: 7\n  forever: 1\n');
    let error: unknown;
    try {
      loadRetentionConfig(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const lines = (error as Error).message.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        `${file}: days.unfinishedIntake: must be at least 1 day`,
        `${file}: days.notEligible: must be a whole number of days`,
        expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: days: Unrecognized key.*forever`)),
      ]),
    );
  });

  it('names a missing period', () => {
    const file = write('days:\n  unfinishedIntake: 30\n');
    expect(() => loadRetentionConfig(file)).toThrow(`${file}: days.notEligible: is missing: give a number of days`);
  });

  it("the README's table says the shipped periods", () => {
    const readme = readFileSync('README.md', 'utf8');
    const at = readme.indexOf('### What is kept, and for how long');
    expect(at).toBeGreaterThan(0);
    const section = readme.slice(at);
    const { days } = shipped();
    for (const [kind, n] of Object.entries(days)) expect(section).toMatch(new RegExp(`\\| \`${kind}\` \\| ${n} days? \\|`));
  });
});
