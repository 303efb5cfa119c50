import type { User } from 'grammy/types';
import pino from 'pino';
import { OfficesFileSchema } from '../../src/config/offices';
import { FieldCipher } from '../../src/storage/field-cipher';
import { testOffice } from '../helpers/office';
import { seedCase } from '../helpers/seed-cases';
import { linkIn, sendPrivate, trackHandled, WebClient } from '../helpers/workspace';
import { useTestKorpu } from '../helpers/use-korpu';

/**
 * Finding a person's case by name or phone number in the workspace's case list, as a busy case
 * worker does with the person on the phone: the surname typed without Azerbaijani letters, the
 * number as dialled locally. The search obeys the list's rule (a case worker of another office
 * does not find the case; a supervisor does), says so when nothing is found, and its words are
 * posted, never in an address, and never logged.
 */

jest.setTimeout(30_000);

const NOW = new Date('2026-11-24T08:00:00Z');
const baku = testOffice();
const ganja = testOffice({ id: 'ganja', name: { az: 'Gəncə ofisi', ru: 'Гянджинский офис', en: 'Ganja office' } });

describe('workspace case search', () => {
  const logs: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => void logs.push(line) });
  const e2e = useTestKorpu({ offices: OfficesFileSchema.parse({ offices: [baku, ganja] }), clock: { now: () => NOW }, logger });
  let base: string;
  let handled: (id: number) => Promise<void>;
  const users: Record<string, User> = {};

  beforeAll(async () => {
    handled = trackHandled(e2e.bot);
    base = (await e2e.korpu.start()).url;
    const staff = [
      ['aysel', 'Aysel Quliyeva', 'baku', 'caseworker'],
      ['leyla', 'Leyla Həsənova', 'ganja', 'caseworker'],
      ['sup', 'Nigar Quliyeva', 'baku', 'supervisor'],
    ] as const;
    for (const [key, name, office, role] of staff) {
      users[key] = e2e.api.updates.user({ language_code: 'en' });
      await e2e.korpu.roster.put({ telegramId: users[key]!.id, name, langs: ['en'], office, role, addedAt: NOW, addedBy: 1 });
    }
    const d = { redis: e2e.redis, keys: e2e.core.keys, cipher: new FieldCipher(Buffer.from(e2e.korpu.dataKey, 'hex')), bookings: e2e.core.bookings, index: e2e.korpu.caseIndex };
    await seedCase(d, { code: 'KP-BAKU-0001', lang: 'az', createdAt: new Date('2026-11-23T10:00:00Z'), meeting: { office: baku, start: new Date('2026-11-24T06:00:00Z') }, firstName: 'Leyla', lastName: 'Məmmədova', phone: '+994501234567' });
    await seedCase(d, { code: 'KP-BAKU-0002', lang: 'ru', createdAt: new Date('2026-11-23T11:00:00Z'), meeting: { office: baku, start: new Date('2026-11-24T07:00:00Z') }, firstName: 'Olena', lastName: 'Kovalenko', phone: '+994551112233' });
  });

  async function signIn(who: string): Promise<WebClient> {
    const web = new WebClient(base);
    const link = linkIn(await sendPrivate(e2e.api, handled, users[who]!, '/dashboard'));
    await web.get(link);
    expect((await web.post('/desk/signin', { token: new URL(link).searchParams.get('token')! })).status).toBe(303);
    return web;
  }
  const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('en', key, params);
  /** The search box posted from the case list, as the page's form sends it. */
  async function search(web: WebClient, q: string) {
    const list = await web.get('/desk/cases');
    expect(list.text).toContain('action="/desk/cases/search"');
    expect(list.text).toContain(t('web:cases.search.label'));
    return web.post('/desk/cases/search', { q });
  }

  it('finds the case by the surname typed without Azerbaijani letters, and by the phone number typed locally', async () => {
    const web = await signIn('aysel');
    const bySurname = await search(web, 'mammadova');
    expect(bySurname.status).toBe(200);
    expect(bySurname.text).toContain('KP-BAKU-0001');
    expect(bySurname.text).not.toContain('KP-BAKU-0002');
    expect(bySurname.text).toContain(t('web:cases.search.found', { n: 1 }));
    const byPhone = await search(web, '050 123 45 67');
    expect(byPhone.text).toContain('KP-BAKU-0001');
    expect(byPhone.text).not.toContain('KP-BAKU-0002');
    const both = await search(web, 'Leyla Mammadova');
    expect(both.text).toContain('KP-BAKU-0001');
    // Every word must match.
    const wrong = await search(web, 'Leyla Kovalenko');
    expect(wrong.text).not.toContain('KP-BAKU-0001');
    expect(wrong.text).toContain(t('web:cases.search.none'));
  });

  it('does not find it for a case worker of another office, and says politely that nothing was found', async () => {
    const web = await signIn('leyla');
    const r = await search(web, 'Mammadova');
    expect(r.status).toBe(200);
    expect(r.text).not.toContain('KP-BAKU-0001');
    expect(r.text).toContain(t('web:cases.search.none'));
    expect((await search(web, '050 123 45 67')).text).not.toContain('KP-BAKU-0001');
  });

  it("finds it for a supervisor, whatever the office", async () => {
    const web = await signIn('sup');
    expect((await search(web, 'MƏMMƏDOVA')).text).toContain('KP-BAKU-0001');
  });

  it('keeps the words out of addresses and logs', async () => {
    const web = await signIn('aysel');
    const r = await search(web, 'Mammadova 050 123 45 67');
    expect(r.text).toContain('KP-BAKU-0001');
    // Opened by address (Back, a bookmark), the search is the list.
    expect((await web.get('/desk/cases/search?q=Mammadova')).location).toBe('/desk/cases');
    expect(logs.join('\n')).not.toMatch(/mammadova|123 45 67|501234567/i);
  });
});
