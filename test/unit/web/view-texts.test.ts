import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createTranslator } from '../../../src/i18n';
import { NAV } from '../../../src/web/nav';
import { VIEWS_DIR } from '../../../src/web/render';

/**
 * Every text a workspace template asks for by a literal key (`it.t('web:…')`) exists in every
 * language, as the locale completeness test checks for the keys written in src/*.ts. Keys
 * built in a template (`'web:nav.' + n.id`) are checked where their parts are listed.
 */

function views(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? views(p) : p.endsWith('.eta') ? [p] : [];
  });
}

describe('workspace templates', () => {
  const tr = createTranslator();
  const keys = new Map<string, string>();
  for (const file of views(VIEWS_DIR)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bt\('([a-z_]+:[a-z0-9_.]+)'/g)) if (!m[1]!.endsWith('.')) keys.set(m[1]!, relative(VIEWS_DIR, file));
  }

  it('ask for texts by key', () => {
    expect(keys.size).toBeGreaterThan(10);
  });

  it('ask only for texts every language has', () => {
    expect([...keys].flatMap(([k, file]) => tr.missing(k).map((lang) => `${lang}: ${k} (${file})`))).toEqual([]);
  });

  it('have a text for every navigation entry and refusal reason in every language', () => {
    const built = [...NAV.map((n) => `web:nav.${n.id}`), ...['role', 'other_office', 'not_holder', 'csrf', 'not_staff'].map((r) => `web:forbidden.reason.${r}`)];
    expect(built.flatMap((k) => tr.missing(k).map((lang) => `${lang}: ${k}`))).toEqual([]);
  });
});
