import { urgentAlertText } from '../../src/caseworkers/alert-notices';
import type { Lang } from '../../src/core/lang';
import { person, textUpdate, tapUpdate } from '../../bench/telegram-updates';
import { keysUnder, readablePrefix } from '../helpers/redis';
import { useTestKorpu } from '../helpers/use-korpu';
import { Queue } from 'bullmq';
import { REMINDER_QUEUE } from '../../src/scheduling/reminders';
import { redisKeys } from '../../src/storage/keys';

/**
 * Safeguarding end to end (Annex 3): a message that shows crisis, in each language and at any
 * point of a conversation, gets the emergency reply at once, an urgent alert to the case
 * workers (through the outbox, first in line) and a draft incident report; harmless answers
 * about family and work get none of it.
 */

const CASEWORKERS = -1001234567890;

const CRISIS: [Lang, string, string][] = [
  ['az', 'Ərim məni hər gün döyür, qorxuram', 'violence'],
  ['az', 'Artıq yaşamaq istəmirəm', 'suicide'],
  ['ru', 'Муж бьёт меня, я боюсь идти домой', 'violence'],
  ['ru', 'У меня забрали паспорт и заставляют работать без денег', 'exploitation'],
  ['en', 'I want to kill myself', 'suicide'],
  ['en', 'My friend is unconscious and not breathing', 'medical'],
  ['fa', 'شوهرم هر شب مرا کتک می‌زند', 'violence'],
  ['fa', 'نمی‌خواهم دیگر زندگی کنم', 'suicide'],
  ['uz', "o'zimni o'ldiraman", 'suicide'],
  ['uz', 'xojayin pasportimni olib qoydi', 'exploitation'],
  ['tr', 'Kocam beni dövüyor, korkuyorum', 'violence'],
  ['tr', 'Lütfen ambulans çağırın, annem nefes alamıyor', 'medical'],
  ['uk', "Чоловік мене б'є, я боюся йти додому", 'violence'],
  ['uk', 'Я більше не хочу жити', 'suicide'],
  // Typed without the language's own letters, or in Latin letters (review of December 2026).
  ['az', 'arim mani har gun doyur', 'violence'],
  ['ru', 'ne hochu bolshe zhit', 'suicide'],
];

const HARMLESS: [Lang, string][] = [
  ['az', 'Ərim Rusiyada işləyir'],
  ['az', 'Uşaqlarım məktəbə gedir'],
  ['ru', 'Муж работает на стройке, а я сижу с детьми'],
  ['ru', 'Я хочу найти работу по специальности'],
  ['en', 'My husband works in Russia'],
  ['en', 'The heat is killing me but work is fine'],
  ['fa', 'شوهرم در روسیه کار می‌کند'],
  ['fa', 'این کار منو میکشه ولی پول لازم دارم'],
  ['uz', 'Erim Rossiyada ishlaydi'],
  ['uz', 'Bu ish meni oʻldiradi, lekin pul kerak'],
  ['tr', 'Kocam Rusya’da çalışıyor'],
  ['tr', 'Bu iş beni öldürecek ama başka iş yok'],
  ['uk', 'Чоловік працює в Польщі, а я з дітьми'],
  ['uk', 'Ця робота мене вбє, але платять'],
  // Hyperbole is not a crisis (review of December 2026).
  ['az', 'Bu iş məni öldürəcək, amma pul lazımdır'],
  ['ru', 'Эта работа меня убьёт, но платят хорошо'],
];

describe('safeguarding end to end', () => {
  // Körpü as main.ts builds it (createKorpu): alerts and urgent alerts through the outbox.
  // This file sends 19 messages to the case workers' group within a minute, one short of
  // Telegram's 20: a full run on a loaded machine saw an alert wait for the next minute, past
  // the tests' 15 s (sends woken late spent places of the window; they now give them back, see
  // outbox.test.ts). The group's limit is the outbox's tests' business, not this file's: lifted.
  const e2e = useTestKorpu({ env: { CASEWORKER_CHAT_ID: String(CASEWORKERS) }, telegramLimits: { groupMax: 1000 } });

  /** A person who chose `lang` and opened the diagnosis, so that texts are answers to a flow. */
  async function personIn(n: number, lang: Lang) {
    const p = person(n);
    p.user = { ...p.user, language_code: lang };
    await e2e.bot.handleUpdate(textUpdate(p, '/start'));
    await e2e.bot.handleUpdate(tapUpdate(p, `c:language:${lang}`));
    return p;
  }

  const urgentFor = (code: string) => e2e.api.calls.filter((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && String(c.params.text).includes(code));

  it.each(CRISIS.map((c, i) => [...c, i] as const))('%s: "%s" gets the emergency reply, one urgent alert and a draft report (%s)', async (lang, text, category, i) => {
    const p = await personIn(100 + i, lang);
    const mark = e2e.api.mark();
    await e2e.bot.handleUpdate(textUpdate(p, text));
    const replies = e2e.api.callsSince(mark).filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(p.id)).map((c) => String(c.params.text));
    const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t(lang, key, params);
    // The first thing said: not alone, call 112, and every emergency number in the person's language.
    expect(replies[0]).toContain(t('safeguarding:reply.text', { number: '112' }));
    for (const c of e2e.core.safeguarding.emergencyContacts) expect(replies[0]).toContain(t('safeguarding:reply.contact_line', { number: c.number, name: c.name[lang], what: c.what[lang] }));
    // The conversation goes on: the menu question is asked again after it.
    expect(replies.join('\n')).toContain(t('welcome:menu.prompt'));

    const state = await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id)));
    const code = state!.caseCode!;
    await e2e.korpu.settled();
    const reports = await e2e.core.incidents.listForCase(code);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ status: 'draft', category, channel: 'telegram', lang });
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && String(c.params.text).includes(code));
    const [alert] = urgentFor(code);
    // The heading, then the draft report where staff complete it (the workspace's page of it).
    const [heading, link] = String(alert!.params.text).split('\n');
    expect(heading).toBe(urgentAlertText(e2e.core.translator, 'az', { caseCode: code, category, lang }));
    expect(link).toMatch(new RegExp(`^📝 .*https?://[^ ]+/desk/incidents/${encodeURIComponent(reports[0]!.id)}$`));
    // Case workers can reach the person: the chat is on the case, encrypted.
    const record = await e2e.redis.hgetall(e2e.core.keys.case(code));
    expect(e2e.core.cipher.decrypt(record.contact!, `${code}:contact`)).toBe(`telegram:${p.id}`);
    // The person's words are nowhere in Redis in clear.
    expect(await readablePrefix(e2e.redis, e2e.prefix)).not.toContain(text);
  });

  it("the follow-up call's reminder names the case and links the report to complete, not an internal id", async () => {
    const p = await personIn(250, 'en');
    await e2e.bot.handleUpdate(textUpdate(p, 'My employer took my passport and threatens me'));
    await e2e.korpu.settled();
    const code = (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id))))!.caseCode!;
    const [report] = await e2e.core.incidents.listForCase(code);
    const waiting = new Queue(REMINDER_QUEUE, { connection: e2e.redis, prefix: redisKeys(e2e.prefix).bull() });
    try {
      const job = (await waiting.getJobs(['delayed'])).find((j) => j.name === 'follow_up' && j.data.caseCode === code)!;
      const mark = e2e.api.mark();
      await job.promote();
      const [sent] = await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && String(c.params.text).startsWith('📞'), 1, 15_000, mark);
      const [line, link] = String(sent!.params.text).split(/\n+/);
      expect(line).toBe(e2e.core.translator.t('az', 'safeguarding:alert.follow_up', { code }));
      expect(link).toMatch(new RegExp(`/desk/incidents/${encodeURIComponent(report!.id)}$`));
      expect(String(sent!.params.text)).not.toContain(`${report!.id} `);
    } finally {
      await waiting.close();
    }
  });

  it('a redelivered crisis message alerts and drafts once', async () => {
    const p = await personIn(200, 'en');
    const update = textUpdate(p, 'He hits me every night');
    await e2e.bot.handleUpdate(update);
    await e2e.bot.handleUpdate(update);
    const code = (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id))))!.caseCode!;
    await e2e.api.waitForCalls((c) => c.params.chat_id === CASEWORKERS && String(c.params.text).includes(code));
    await e2e.korpu.settled();
    await new Promise((r) => setTimeout(r, 300));
    expect(urgentFor(code)).toHaveLength(1);
    expect(await e2e.core.incidents.listForCase(code)).toHaveLength(1);
  });

  it('in a group, words of crisis addressed to the bot get the emergency numbers with the pointer to a private chat, and nothing is kept', async () => {
    const group = e2e.api.updates.group({ title: 'Українці в Баку' });
    const member = e2e.api.updates.user({ language_code: 'uk' });
    const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('uk', key, params);
    await e2e.korpu.settled();
    // Every key but the send-rate windows (the group's, by a pseudonym of the group, not of the person).
    // (Every master's, under npm run test:cluster: KEYS asks one node.)
    const stored = async () => (await keysUnder(e2e.redis, e2e.prefix)).filter((k) => !k.startsWith(`${e2e.prefix}{lim}:`)).sort();
    const keysBefore = await stored();
    const mark = e2e.api.mark();
    await e2e.bot.handleUpdate(e2e.api.updates.groupText(member, group, `@${e2e.api.botInfo.username} мене б'є чоловік, допоможіть`));
    const said = e2e.api.callsSince(mark, 'sendMessage').filter((c) => c.params.chat_id === group.id).map((c) => String(c.params.text));
    // The emergency numbers first, in the language the group's answer uses, as the private chat gives them.
    expect(said[0]).toContain(t('safeguarding:reply.contacts'));
    for (const c of e2e.core.safeguarding.emergencyContacts) expect(said[0]).toContain(t('safeguarding:reply.contact_line', { number: c.number, name: c.name.uk, what: c.what.uk }));
    // No promise of a call back: nobody knows who they are.
    expect(said.join('\n')).not.toContain(t('safeguarding:reply.text', { number: '112' }));
    expect(said.at(-1)).toBe(t('common:channel.group_only_private', { link: `https://t.me/${e2e.api.botInfo.username}` }));
    // Nothing about them is stored and nobody is alerted: they have not consented to anything.
    await e2e.korpu.settled();
    expect(await stored()).toEqual(keysBefore);
    expect(e2e.api.callsSince(mark, 'sendMessage').filter((c) => c.params.chat_id === CASEWORKERS)).toHaveLength(0);

    // A mention without crisis gets the pointer alone.
    const plain = e2e.api.mark();
    await e2e.bot.handleUpdate(e2e.api.updates.groupText(member, group, `@${e2e.api.botInfo.username} де ваш офіс?`));
    expect(e2e.api.callsSince(plain, 'sendMessage').map((c) => String(c.params.text))).toEqual([t('common:channel.group_only_private', { link: `https://t.me/${e2e.api.botInfo.username}` })]);
  });

  it.each(HARMLESS.map((h, i) => [...h, i] as const))('%s: "%s" is an ordinary answer: no emergency reply, no alert, no report', async (lang, text, i) => {
    const p = await personIn(300 + i, lang);
    const mark = e2e.api.mark();
    await e2e.bot.handleUpdate(textUpdate(p, text));
    const replies = e2e.api.callsSince(mark).filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(p.id)).map((c) => String(c.params.text));
    expect(replies.join('\n')).not.toContain(e2e.core.translator.t(lang, 'safeguarding:reply.text', { number: '112' }));
    const state = await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id)));
    expect(state!.caseCode).toBeUndefined();
  });
});
