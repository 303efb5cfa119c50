import { person, textUpdate } from '../../bench/telegram-updates';
import { toUpdate, type Answer } from '../../bench/workload';
import { claimCase } from '../../src/caseworkers/desk';
import { ClaimStore } from '../../src/caseworkers/claims';
import { OfficesFileSchema } from '../../src/config/offices';
import { intakeUntilTimes } from '../helpers/intake';
import { testOffice } from '../helpers/office';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * A person whose case a Baku case worker holds moves their first meeting to Ganja in the bot
 * (/appointment, another time, another office): the case worker may not work on a Ganja case,
 * so the case goes back to the case workers' chat with Claim, saying it moved to Ganja, and the
 * case worker is told in her language. Nobody is left holding a case they cannot act on.
 */

jest.setTimeout(90_000);

// Tuesday 24 November 2026, 12:00 in Baku (UTC+4).
const START = new Date('2026-11-24T08:00:00Z');
const CASEWORKERS = -1009876543411;
const baku = testOffice();
const ganja = testOffice({ id: 'ganja', name: { az: 'Gəncə ofisi', ru: 'Гянджинский офис', en: 'Ganja office' } });

describe('a person rebooks their first meeting at another office', () => {
  // A clock that runs (from START): the case workers' chat is sent to at Telegram's pace.
  const t0 = Date.now();
  const e2e = useTestKorpu({ offices: OfficesFileSchema.parse({ offices: [baku, ganja] }), clock: { now: () => new Date(START.getTime() + Date.now() - t0) }, env: { CASEWORKER_CHAT_ID: String(CASEWORKERS) }, telegramLimits: { groupMax: 1000 } });
  const p = person(1); // writes in Russian
  const send = async (answer: Answer) => e2e.bot.handleUpdate(toUpdate(p, answer));
  const tr = (lang: 'az' | 'ru', key: string, params?: Record<string, unknown>) => e2e.core.translator.t(lang, key, params);

  it('gives the case back to the case workers, for Ganja, and tells the Baku case worker who held it', async () => {
    const { user: aysel, staffId: ayselId } = await addStaff(e2e, { name: 'Aysel', firstName: 'Aysel', lang: 'ru', langs: ['ru'], office: 'baku', role: 'caseworker', addedAt: START });
    for (const answer of [...intakeUntilTimes(p.lang, { consent: 'B', firstName: p.user.first_name, surname: 'Mammadova' }), { kind: 'tap', node: 'pick_time', value: 'o_baku' } as const, { kind: 'tap', node: 'pick_time', value: 's_202611271000_baku' } as const]) await send(answer);
    const code = (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id))))!.caseCode!;
    await e2e.korpu.settled();
    expect(await e2e.core.bookings.get(code)).toMatchObject({ office: 'baku', status: 'booked' });
    expect(await claimCase(e2e.korpu.desk!, { staffId: ayselId }, { caseCode: code })).toMatchObject({ ok: true });

    // The person moves the meeting to Ganja.
    const mark = e2e.api.mark();
    await e2e.bot.handleUpdate(textUpdate(p, '/appointment'));
    await send({ kind: 'tap', node: 'show', value: 'reschedule' });
    await send({ kind: 'tap', node: 'pick', value: 'o_ganja' });
    await send({ kind: 'tap', node: 'pick', value: 's_202611271000_ganja' });
    await e2e.korpu.settled();
    expect(await e2e.core.bookings.get(code)).toMatchObject({ office: 'ganja', status: 'booked' });

    // Free again; the group gets it with Claim, naming Ganja; Aysel is told in Russian.
    expect(await new ClaimStore(e2e.redis, e2e.core.keys).get(code)).toBeUndefined();
    const heading = tr('az', 'caseworker:release.by_meeting_moved', { code, office: ganja.name.az });
    const [again] = await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(CASEWORKERS) && String(c.params.text).startsWith(heading), 1, 15_000, mark);
    expect(JSON.stringify(again!.params.reply_markup)).toContain(code);
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === aysel.id && c.params.text === tr('ru', 'caseworker:moved.meeting_office', { code, office: ganja.name.ru }), 1, 15_000, mark);
  });
});
