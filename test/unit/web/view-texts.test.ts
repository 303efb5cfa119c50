import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createTranslator } from '../../../src/i18n';
import { CASE_STATUSES, ELIGIBILITIES } from '../../../src/caseworkers/case-index';
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
    for (const m of readFileSync(file, 'utf8').matchAll(/\bt\('([a-z_]+:[a-z0-9_.]+)'/g)) if (!/[._]$/.test(m[1]!)) keys.set(m[1]!, relative(VIEWS_DIR, file));
  }

  it('ask for texts by key', () => {
    expect(keys.size).toBeGreaterThan(10);
  });

  it('ask only for texts every language has', () => {
    expect([...keys].flatMap(([k, file]) => tr.missing(k).map((lang) => `${lang}: ${k} (${file})`))).toEqual([]);
  });

  it('have a text for every key they build (navigation, refusals, statuses, answers …) in every language', () => {
    const built = [
      ...NAV.map((n) => `web:nav.${n.id}`),
      ...['role', 'other_office', 'not_holder', 'csrf', 'not_staff'].map((r) => `web:forbidden.reason.${r}`),
      ...CASE_STATUSES.map((s) => `web:status.${s}`),
      ...ELIGIBILITIES.map((e) => `web:elig.${e}`),
      ...['eligible', 'likely_eligible', 'not_eligible'].map((o) => `web:outcome.${o}`),
      ...['planning', 'health_social', 'employment_education', 'culture_social', 'language'].map((a) => `web:area.${a}`),
      ...['first_name', 'last_name', 'birth_date', 'country', 'reason', 'reason_detail', 'phone', 'address'].map((f) => `web:field.${f}`),
      ...['yes', 'no', 'pending'].map((a) => `web:answer.${a}`),
      ...['booked', 'cancelled', 'attended', 'no_show'].map((b) => `web:booking.${b}`),
      ...['minor', 'older', 'crisis'].map((v) => `web:vulnerability.${v}`),
      ...['claimed', 'released', 'reassigned', 'note_added', 'attendance_recorded', 'message_sent'].map((d) => `web:case.done.${d}`),
      ...['already_claimed', 'not_claimed', 'note_empty', 'invalid_target', 'moved', 'already_recorded', 'too_early', 'message_empty', 'unreachable'].map((n) => `web:case.notice.${n}`),
      ...['q1', 'q2', 'q4'].map((q) => `web:case.answer.${q}`),
      ...['photo', 'document', 'text'].map((k) => `web:case.file_${k}`),
    ];
    expect(built.flatMap((k) => tr.missing(k).map((lang) => `${lang}: ${k}`))).toEqual([]);
  });
});
