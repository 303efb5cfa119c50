import type { Message, Update, User } from 'grammy/types';
import type { NewCaseWorker } from '../../src/caseworkers/roster';
import type { Lang } from '../../src/core/lang';
import { sealContact } from '../../src/storage/case-contact';
import { useTestKorpu } from '../helpers/use-korpu';

/**
 * The audit trail through the whole bot (createKorpu, the fake Bot API): a case worker claims
 * a case and opens its file with the alert's buttons; the admin's `/audit <case code>` shows
 * both, newest first, with the worker's name (as she was called then, also after a rename or
 * her removal), in the admin's language, and nothing of the person. A case worker asking is refused as for other admin commands; a stranger gets the
 * unknown-command answer. The trail is kept AUDIT_KEEP_MONTHS.
 */

jest.setTimeout(30_000);

const CASEWORKERS = -1_001_777_000_222;
const ADMIN_ID = 610_200_001;
const NOW = new Date('2026-11-24T09:30:00Z');
const CODE = 'KP-AUDT-0201';
const AYSEL: NewCaseWorker = { telegramId: 610_200_002, name: 'Aysel Quliyeva', langs: ['en'], office: 'baku', role: 'caseworker', addedAt: new Date(0), addedBy: ADMIN_ID };

describe('the audit trail end to end', () => {
  const e2e = useTestKorpu({ env: { ADMIN_TELEGRAM_IDS: String(ADMIN_ID), CASEWORKER_CHAT_ID: String(CASEWORKERS), AUDIT_KEEP_MONTHS: '6' }, clock: { now: () => NOW } });
  const t = (lang: Lang, key: string, params?: Record<string, unknown>) => e2e.core.translator.t(lang, key, params);

  beforeAll(async () => {
    await e2e.korpu.roster.save(AYSEL);
    // A completed intake, as the conversation leaves it (its alert is drawn below).
    await e2e.redis.hset(e2e.core.keys.case(CODE), {
      code: CODE,
      lang: 'ru',
      status: 'intake_completed',
      contact: sealContact(e2e.core.cipher, CODE, { channel: 'telegram', chatId: '777000111' }),
      'f:first_name': e2e.core.cipher.encrypt('Olena', `${CODE}:first_name`),
      'f:phone': e2e.core.cipher.encrypt('+994501234567', `${CODE}:phone`),
    });
  });

  const user = (id: number, lang: string) => e2e.api.updates.user({ id, first_name: 'Staff', language_code: lang });
  /** The case's intake alert in the case workers' chat, with its Claim and Open buttons. */
  const alert: Message = {
    message_id: 4242,
    date: Math.floor(NOW.getTime() / 1000),
    chat: { id: CASEWORKERS, type: 'supergroup', title: 'Case workers' },
    text: `Case ${CODE}`,
    reply_markup: { inline_keyboard: [[{ text: 'Claim', callback_data: `w:claim:i:${CODE}` }, { text: 'Open', callback_data: `w:open:i:${CODE}` }]] },
  } as Message;

  /** Hands an update to the bot; returns the texts it sent to `chat` meanwhile. */
  async function handle(update: Update, chat: number): Promise<string[]> {
    const mark = e2e.api.mark();
    await e2e.bot.handleUpdate(update);
    return e2e.api
      .callsSince(mark, 'sendMessage')
      .filter((c) => String(c.params.chat_id) === String(chat) && !c.failedWith)
      .map((c) => String(c.params.text));
  }
  const audit = (from: User) => handle(e2e.api.updates.command(from, `/audit ${CODE.toLowerCase()}`), from.id);

  it('shows the admin the worker’s claim and opening, newest first, by name, in the admin’s language', async () => {
    const aysel = user(AYSEL.telegramId, 'en');
    await handle(e2e.api.updates.callback(aysel, alert, `w:claim:i:${CODE}`), aysel.id);
    expect(await e2e.redis.hget(e2e.core.keys.case(CODE), 'claimed_by')).toBe((await e2e.korpu.roster.byTelegram(AYSEL.telegramId))!.staffId);
    const opened = await handle(e2e.api.updates.callback(aysel, alert, `w:open:i:${CODE}`), aysel.id);
    expect(opened.join('\n')).toContain('Olena'); // the file really was opened

    const said = await audit(user(ADMIN_ID, 'ru'));
    const line = (action: string) => t('ru', 'caseworker:audit.line', { time: '2026-11-24 09:30 UTC', who: AYSEL.name, what: t('ru', `caseworker:audit.action.${action}`, { to: '' }) });
    expect(said).toEqual([[t('ru', 'caseworker:audit.title', { code: CODE, n: 2 }), line('open_case'), line('claim_case')].join('\n')]);
    for (const personal of ['Olena', '+994501234567', '777000111']) expect(said.join('\n')).not.toContain(personal);
    // Kept AUDIT_KEEP_MONTHS (6) after November 2026: the month's stream goes on 1 June 2027.
    expect(await e2e.redis.call('EXPIRETIME', e2e.core.keys.audit('2026-11'))).toBe(Date.UTC(2027, 5, 1) / 1000);
  });

  it('still names the worker as she was called when she acted, after the admin renames her, and after she leaves the roster', async () => {
    const admin = user(ADMIN_ID, 'ru');
    const said = await handle(e2e.api.updates.command(admin, `/roster_change ${AYSEL.telegramId} caseworker baku en Aysel Məmmədli`), admin.id);
    expect(said).toEqual([expect.stringContaining('Aysel Məmmədli')]);
    const line = (action: string) => t('ru', 'caseworker:audit.line', { time: '2026-11-24 09:30 UTC', who: AYSEL.name, what: t('ru', `caseworker:audit.action.${action}`, { to: '' }) });
    expect(await audit(admin)).toEqual([[t('ru', 'caseworker:audit.title', { code: CODE, n: 2 }), line('open_case'), line('claim_case')].join('\n')]);
    await handle(e2e.api.updates.command(admin, `/roster_remove ${AYSEL.telegramId}`), admin.id);
    const [after] = await audit(admin);
    expect(after).toContain(line('claim_case'));
    expect(after).not.toContain('Məmmədli');
    // Back on the roster as she was, for the tests that follow.
    await e2e.korpu.roster.save(AYSEL);
  });

  it('refuses a case worker as for other admin commands, and answers a stranger as any unknown command', async () => {
    const aysel = user(AYSEL.telegramId, 'en');
    expect(await audit(aysel)).toEqual([t('en', 'caseworker:refused.not_allowed', { role: t('en', 'caseworker:role.caseworker'), command: 'audit' })]);
    const stranger = user(620_200_999, 'en');
    const said = await audit(stranger);
    expect(said.join('\n')).toContain(t('en', 'common:notice.unknown_command', { command: 'audit' }));
    expect(said.join('\n')).not.toContain(CODE);
  });

  it('tells the admin how to use it when the case code is missing', async () => {
    const admin = user(ADMIN_ID, 'en');
    expect(await handle(e2e.api.updates.command(admin, '/audit'), admin.id)).toEqual([t('en', 'caseworker:audit.usage')]);
    expect(await handle(e2e.api.updates.command(admin, '/audit KP-NONE-0000'), admin.id)).toEqual([t('en', 'caseworker:audit.empty', { code: 'KP-NONE-0000' })]);
  });
});
