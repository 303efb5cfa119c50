/**
 * The workspace's page latency with many cases in Redis: `npx tsx bench/workspace.ts`.
 *
 *   npx tsx bench/workspace.ts                         # 100,000 cases, 300 requests per page (a few minutes on 2 cores)
 *   npx tsx bench/workspace.ts --cases 2000 --requests 50   # a quick check that it works
 *
 * Starts a redis-server of its own (no persistence) and Körpü with createKorpu (the fake Bot API
 * as Telegram), seeds the cases as completed intakes (encrypted names, a diagnosis, a consent,
 * a meeting at one of the offices, the list's indexes), signs a supervisor and a case worker in
 * through `/dashboard` as staff do, and asks each page one request at a time, timing every
 * answer: the list (first page, a deep page, filtered), a search by case code, the case file
 * (decrypting, audited), the first meeting's page, closing, incident reports, the calendar (a
 * full week at the first office), the numbers, the exports page and the admin pages. One case
 * in 97 has an urgent crisis report (the bot's draft, encrypted), and every case an audit entry
 * of its own besides those the page views add. Prints p50, p95, p99 and max per page as a
 * Markdown table for BENCHMARKS.md; the target is p99 under 200 ms.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config';
import { silentLogger } from '../src/core/logger';
import { formatCaseCode } from '../src/core/clock';
import { createKorpu } from '../src/korpu';
import { slotsOfDay } from '../src/scheduling/slots';
import { FieldCipher } from '../src/storage/field-cipher';
import { RedisAuditTrail } from '../src/storage/redis-audit-trail';
import { DateTime } from 'luxon';
import { startRedisServer } from '../src/storage/redis-server-process';
import { FakeBotApi } from '../test/helpers/fake-bot-api';
import { linkIn, sendPrivate, trackHandled, WebClient } from '../test/helpers/workspace';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const CASES = arg('cases', 100_000);
const REQUESTS = arg('requests', 300);
const LANGS = ['az', 'ru', 'en', 'fa', 'uz', 'tr', 'uk'] as const;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'korpu-bench-workspace-'));
  const redisServer = await startRedisServer({ dir, persist: false });
  const api = await FakeBotApi.start();
  const dataKey = randomBytes(32).toString('hex');
  const config = loadConfig({ NODE_ENV: 'test', REDIS_URL: redisServer.url, REDIS_PREFIX: 'bench:', DATA_KEY: dataKey, DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.apiRoot });
  const korpu = await createKorpu(config, { logger: silentLogger(), botInfo: api.botInfo });
  const handled = trackHandled(korpu.bot!);
  const base = (await korpu.start()).url;
  try {
    const offices = config.offices.offices;
    const cipher = new FieldCipher(Buffer.from(dataKey, 'hex'));
    const keys = korpu.core.keys;
    const t0 = Date.now();
    const codes: string[] = [];
    const trail = new RedisAuditTrail(korpu.redis, keys);
    // Seeding: 500 cases a pipeline, then their indexes 200 at a time.
    for (let start = 0; start < CASES; start += 500) {
      const p = korpu.redis.pipeline();
      const batch: string[] = [];
      for (let i = start; i < Math.min(CASES, start + 500); i++) {
        const code = formatCaseCode(randomBytes(5));
        batch.push(code);
        const created = new Date(Date.UTC(2026, 0, 1) + i * 60_000);
        const at = created.toISOString();
        const lang = LANGS[i % LANGS.length]!;
        const office = offices[i % offices.length]!;
        const meeting = created.getTime() + 3 * 86_400_000;
        p.hset(keys.case(code), {
          code, channel: 'telegram', by: 'self_service', lang, status: 'intake_completed', created_at: at, intake_completed_at: at, updated_at: at,
          diagnosis: 'likely_eligible', diagnosis_provisional: i % 3 === 0 ? 'false' : 'true', consent: 'B', consent_at: at,
          'f:first_name': cipher.encrypt(`Name${i}`, `${code}:first_name`), 'f:last_name': cipher.encrypt(`Surname${i}`, `${code}:last_name`), 'f:phone': cipher.encrypt('+994501234567', `${code}:phone`),
          ...(i % 97 === 0 ? { 'f:crisis': cipher.encrypt('violence', `${code}:crisis`), crisis_at: at } : {}),
        });
        p.rpush(keys.diagnoses(code), JSON.stringify({ at, answers: { q1: 'yes', q2: 'yes', q3: ['language'], q4: 'pending' }, outcome: 'likely_eligible', reasons: [], provisional: true, place: 'Telegram', by: 'self_service', lang }));
        p.rpush(keys.consents(code), JSON.stringify({ at, agreed: true, option: 'B', text_version: 'bench', lang, place: 'Telegram', given: 'in_chat' }));
        p.zadd(keys.cases(), created.getTime(), code);
        p.hset(keys.booking(code), { slot: `bench_${i}`, office: office.id, start: String(meeting), end: String(meeting + 3_600_000), status: 'booked', lang, confirmed: '0', booked_at: at });
      }
      await p.exec();
      // One case in 97 wrote words of crisis: the bot's draft incident report, urgent until taken on.
      await Promise.all(
        batch.flatMap((code, j) => ((start + j) % 97 === 0 ? [korpu.core.incidents.createDraft({ id: `bench-crisis-${start + j}`, caseCode: code, channel: 'telegram', lang: 'en', category: 'violence', cue: 'en.violence.x', at: new Date() })] : [])),
      );
      // Every case has been claimed once in the audit trail (the case file's history reads it).
      await Promise.all(batch.map((code) => trail.record({ at: new Date(), staffId: 's-bench', action: 'claim_case', caseCode: code })));
      for (let i = 0; i < batch.length; i += 200) await Promise.all(batch.slice(i, i + 200).map((c) => korpu.caseIndex.reindex(c)));
      codes.push(...batch);
    }
    // This week at the first office, every place booked (the calendar's fullest week).
    const first = offices[0]!;
    const monday = DateTime.now().setZone(first.timeZone).startOf('week');
    let booked = 0;
    for (let d = 0; d < 7; d++) {
      for (const slot of slotsOfDay(first, monday.plus({ days: d }))) {
        for (let c = 0; c < first.capacity; c++) {
          const code = codes[booked * offices.length]!;
          // Its seeded meeting (a made-up slot id, in the past) gives way to this week's.
          await korpu.redis.del(keys.booking(code));
          await korpu.core.bookings.book(first, slot, code, 'en', new Date());
          await korpu.caseIndex.reindex(code);
          booked++;
        }
      }
    }
    console.log(`seeded ${CASES} cases (${booked} booked this week) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // Staff sign in as they do: /dashboard, the link, the button.
    const office = offices[0]!.id;
    const signIn = async (role: 'caseworker' | 'supervisor' | 'admin'): Promise<WebClient> => {
      const user = api.updates.user({ language_code: 'en' });
      await korpu.roster.put({ telegramId: user.id, name: `Bench ${role}`, langs: ['en'], office, role, addedAt: new Date(), addedBy: 1 });
      const web = new WebClient(base);
      const link = linkIn(await sendPrivate(api, handled, user, '/dashboard'));
      await web.post('/desk/signin', { _csrf: null, token: new URL(link).searchParams.get('token')! });
      return web;
    };
    // Each page is asked by a session of its own: one session's rate limit (600 a minute) is
    // below what one request at a time reaches on the fast pages.
    const supervisor = 'supervisor' as const;
    const worker = 'caseworker' as const;
    const admin = 'admin' as const;
    const any = (i: number) => codes[(i * 104_729) % codes.length]!;
    const deep = Math.floor(CASES / 25 / 2);
    const pages: [string, 'caseworker' | 'supervisor' | 'admin', (i: number) => string][] = [
      ['list, first page (supervisor, all offices)', supervisor, () => '/desk/cases'],
      [`list, page ${deep} (supervisor)`, supervisor, () => `/desk/cases?page=${deep}`],
      ['list, own office, status new (case worker)', worker, () => '/desk/cases?status=new'],
      ['list, filtered by language and eligibility', supervisor, () => '/desk/cases?lang=ru&elig=final'],
      ['search by case code', supervisor, (i) => `/desk/cases?code=${codes[(i * 7919) % codes.length]}`],
      ['case file (supervisor: decrypted, audited)', supervisor, (i) => `/desk/cases/${any(i)}`],
      ['first meeting (Annex 2, Annex 1, plan)', supervisor, (i) => `/desk/cases/${any(i)}/meeting`],
      ['closing a case (the form)', supervisor, (i) => `/desk/cases/${any(i)}/close`],
      ['incident reports (urgent first, then drafts)', worker, () => '/desk/incidents'],
      ['calendar, this week (case worker, full week)', worker, () => '/desk/calendar'],
      ['numbers (supervisor, by week)', supervisor, () => '/desk/numbers'],
      ['numbers by office, one language', supervisor, () => '/desk/numbers?by=office&lang=ru'],
      ['exports page', supervisor, () => '/desk/exports'],
      ['admin', supervisor, () => '/desk/admin'],
      ['admin: roster', admin, () => '/desk/admin/roster'],
      ["admin: a case's audit trail", admin, (i) => `/desk/admin/audit?case=${any(i)}`],
    ];
    const rows: string[] = [];
    for (const [name, role, path] of pages) {
      const client = await signIn(role);
      for (let i = 0; i < 10; i++) await client.get(path(i)); // warm-up
      const ms: number[] = [];
      for (let i = 0; i < REQUESTS; i++) {
        const s = process.hrtime.bigint();
        const r = await client.get(path(i));
        ms.push(Number(process.hrtime.bigint() - s) / 1e6);
        if (r.status !== 200) throw new Error(`${name}: ${path(i)} answered ${r.status}`);
      }
      ms.sort((a, b) => a - b);
      const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!.toFixed(1);
      rows.push(`| ${name} | ${q(0.5)} | ${q(0.95)} | ${q(0.99)} | ${ms[ms.length - 1]!.toFixed(1)} |`);
    }
    console.log(`\nWorkspace pages with ${CASES.toLocaleString('en')} cases, ${REQUESTS} requests each, one at a time (ms):\n`);
    console.log('| page | p50 | p95 | p99 | max |\n|---|---:|---:|---:|---:|');
    console.log(rows.join('\n'));
  } finally {
    await korpu.stop();
    await api.close();
    await redisServer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
