import type { Message, User } from 'grammy/types';
import { person, textUpdate, tapUpdate } from '../../bench/telegram-updates';
import { ClaimStore } from '../../src/caseworkers/claims';
import type { Lang } from '../../src/core/lang';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * The urgent alert of a crisis in the case workers' group (QA, December 2026): it carries the
 * same Claim and Open buttons as every other case alert, is redrawn like them once someone
 * claims the case (who took it, no Claim button any more), and names the draft incident report
 * as the workspace reaches it (<PUBLIC_URL>/desk/incidents/<id>), never by an effect id.
 */

const CASEWORKERS = -1_001_555_000_222;
const PUBLIC_URL = 'https://korpu.example.org';

describe('the urgent alert of a crisis', () => {
  const e2e = useTestKorpu({ env: { CASEWORKER_CHAT_ID: String(CASEWORKERS), PUBLIC_URL } });
  let worker: User;
  let workerStaffId: string;
  beforeAll(async () => ({ user: worker, staffId: workerStaffId } = await addStaff(e2e, { name: 'Nigar Əliyeva', firstName: 'Nigar', lang: 'az', langs: ['az', 'ru'] })));

  const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('az', key, params);
  const buttonsOf = (m: Message) => (m.reply_markup?.inline_keyboard.flat() ?? []).map((b) => ('callback_data' in b ? b.callback_data! : ''));

  async function crisis(n: number, lang: Lang, text: string): Promise<{ code: string; alert: Message; reportId: string }> {
    const p = person(n);
    p.user = { ...p.user, language_code: lang };
    await e2e.bot.handleUpdate(textUpdate(p, '/start'));
    await e2e.bot.handleUpdate(tapUpdate(p, `c:language:${lang}`));
    await e2e.bot.handleUpdate(textUpdate(p, text));
    const code = (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id))))!.caseCode!;
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && String(c.params.text).includes(code));
    await e2e.korpu.settled();
    const [report] = await e2e.core.incidents.listForCase(code);
    const alert = e2e.api.sentMessages(CASEWORKERS).find((m) => m.text?.includes(code))!;
    return { code, alert, reportId: report!.id };
  }

  it('carries Claim and Open, and names the draft report by its workspace link, not an effect id', async () => {
    const { code, alert, reportId } = await crisis(1, 'ru', 'Муж бьёт меня, я боюсь идти домой');
    expect(alert.text!.startsWith('🚨')).toBe(true);
    expect(buttonsOf(alert)).toEqual([`w:claim:u:${code}`, `w:open:u:${code}`]);
    const labels = (alert.reply_markup?.inline_keyboard.flat() ?? []).map((b) => b.text);
    expect(labels).toEqual([t('caseworker:alert.button.claim'), t('caseworker:alert.button.open')]);
    expect(alert.text).toContain(`${PUBLIC_URL}/desk/incidents/${encodeURIComponent(reportId)}`);
    // The effect id (the Telegram update's) is not a reference anybody can look up.
    expect(alert.text).not.toContain(` ${reportId} `);
    expect(alert.text).toContain(t('safeguarding:alert.category.violence'));
  });

  it('Claim on the urgent alert takes the case and redraws it; Open then sends the case file', async () => {
    const { code, alert, reportId } = await crisis(2, 'az', 'Ərim məni hər gün döyür, qorxuram');
    const mark = e2e.api.mark();
    await e2e.bot.handleUpdate(e2e.api.updates.callback(worker, alert, `w:claim:u:${code}`));
    expect((await new ClaimStore(e2e.redis, e2e.core.keys).get(code))?.by).toBe(workerStaffId);
    // Redrawn as the case is now (through the outbox, in the group's turn): who took it, Open only, still the urgent alert with its report.
    await e2e.api.waitForCalls((c) => c.method === 'editMessageText' && c.params.chat_id === CASEWORKERS && Number(c.params.message_id) === alert.message_id && !c.failedWith, 1, 10_000, mark);
    const redrawn = e2e.api.sentMessages(CASEWORKERS).find((m) => m.message_id === alert.message_id)!;
    expect(redrawn.text!.startsWith('🚨')).toBe(true);
    expect(redrawn.text).toContain('Nigar Əliyeva');
    expect(redrawn.text).toContain(`${PUBLIC_URL}/desk/incidents/${encodeURIComponent(reportId)}`);
    expect(buttonsOf(redrawn)).toEqual([`w:open:u:${code}`]);
    // Open: the case file in the worker's private chat, where they can reach the person.
    await e2e.bot.handleUpdate(e2e.api.updates.callback(worker, redrawn, `w:open:u:${code}`));
    expect(e2e.api.sentMessages(worker.id).map((m) => m.text).join('\n')).toContain(t('caseworker:open.title', { code }));
  });
});
