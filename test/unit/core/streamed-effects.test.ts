import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { STREAMED_EFFECTS } from '../../../src/core/effect-entry';

const SRC = join(__dirname, '../../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Where an effect type left out of the stream may be named: its schema, the engine that emits
 * it, and the commit's record writes (which record it with the state). Anywhere else a type
 * named in quotes is most likely an effect handler's test (`effect.type === '…'`), which would
 * never run.
 */
const MAY_NAME_UNSTREAMED = [/^core\/conversation\.ts$/, /^flows\/engine\//, /^intake\/record-writes\.ts$/];

describe('effects left out of the stream (STREAMED_EFFECTS)', () => {
  const unstreamed = Object.entries(STREAMED_EFFECTS)
    .filter(([, streamed]) => !streamed)
    .map(([type]) => type);

  it('leaves out only the types no handler acts on: answers, questions, consents and confirmations', () => {
    expect(unstreamed.sort()).toEqual(['answer_recorded', 'booking_confirmed', 'consent_recorded', 'question_asked']);
  });

  it('names no such type in any other source file (a handler for it would never run)', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const rel = relative(SRC, file).split('\\').join('/');
      if (MAY_NAME_UNSTREAMED.some((re) => re.test(rel))) continue;
      const text = readFileSync(file, 'utf8');
      for (const type of unstreamed) if (text.includes(`'${type}'`) || text.includes(`"${type}"`)) offenders.push(`${rel}: '${type}'`);
    }
    expect(offenders).toEqual([]);
  });
});
