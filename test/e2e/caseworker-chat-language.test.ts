import type { InlineKeyboardButton, Message, Update, User } from 'grammy/types';
import { wholeIntake } from '../helpers/intake';
import { drawCaseAlert, type CaseMessageKind } from '../../src/caseworkers/alert-notices';
import { callbackLookup, decodeCallbackData } from '../../src/channels/telegram';
import type { Lang } from '../../src/core/lang';
import { languageNameIn } from '../../src/i18n/language-names';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * A programme whose case workers read Russian better sets CASEWORKER_CHAT_LANG=ru: everything
 * the bot posts or edits in the case workers' group is then in Russian, whatever the person's
 * language (English here) or the tapping worker's (Ukrainian here). Through the whole bot against
 * the fake Bot API: a person goes through the intake and asks to talk to a person (the alerts
 * of the diagnosis, the booking, the intake and the request, and their message relayed to the
 * group), a worker types a command in the group, replies to an alert there (which reaches
 * nobody) and claims the case from it (every alert of the case edited). Each text is compared
 * with the translator's Russian one. Private messages to the worker keep the worker's language.
 */

jest.setTimeout(60_000);

const CASEWORKERS = -1_001_777_000_555;
const CHAT: Lang = 'ru';
const WORKER_LANG: Lang = 'uk';

describe("CASEWORKER_CHAT_LANG: the case workers' group in the programme's chosen language", () => {
  // Several alerts, a relayed message, answers and edits: the group's 20 a minute lifted.
  const e2e = useTestKorpu({ env: { CASEWORKER_CHAT_ID: String(CASEWORKERS), CASEWORKER_CHAT_LANG: CHAT }, telegramLimits: { groupMax: 1000 } });
  let worker: User;

  beforeAll(async () => {
    ({ user: worker } = await addStaff(e2e, { name: 'Oksana Petrenko', firstName: 'Oksana', lang: WORKER_LANG, langs: [WORKER_LANG], role: 'caseworker' }));
  });

  const t = (lang: Lang, key: string, params?: Record<string, unknown>) => e2e.core.translator.t(lang, key, params);
  const lookup = () => callbackLookup(e2e.core.flows.all().flatMap((f) => [...f.nodes.keys()]));
  const group = () => e2e.api.updates.group({ id: CASEWORKERS, type: 'supergroup' });
  const link = () => `https://t.me/${e2e.api.botInfo.username}`;
  const send = (u: Update) => e2e.bot.handleUpdate(u);

  function buttonIn(chat: number, match: (data: string) => boolean): [Message, string] {
    for (const m of [...e2e.api.sentMessages(chat)].reverse()) {
      for (const b of m.reply_markup?.inline_keyboard.flat() ?? []) if ('callback_data' in b && b.callback_data && match(b.callback_data)) return [m, b.callback_data];
    }
    throw new Error(`no matching button in chat ${chat}`);
  }
  const choice = (node: string, value: string) => (data: string) => {
    const d = decodeCallbackData(data, lookup());
    return d.type === 'choice' && d.node === node && d.value === value;
  };

  /** Resolves once the effects are performed and the outbox has nothing left to send. */
  async function drained(): Promise<void> {
    await e2e.korpu.settled();
    const end = Date.now() + 20_000;
    for (;;) {
      const counts = await e2e.korpu.outbox!.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      if (Object.values(counts).every((n) => n === 0)) return;
      if (Date.now() > end) throw new Error(`the outbox did not drain: ${JSON.stringify(counts)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** A person through the whole intake (test/helpers/intake.ts): diagnosis, booking and intake alerts follow. */
  const intake = (person: User) => wholeIntake(e2e, person);

  const ALERT_KINDS = ['intake', 'diagnosis', 'booking', 'moved', 'cancelled', 'handoff', 'review'] as const;
  /** The alert kind whose title (in `lang`) is the message's first line, if any. */
  const alertKindOf = (text: string, code: string, lang: Lang) => ALERT_KINDS.find((k) => text.split('\n')[0] === t(lang, `caseworker:alert.title.${k}`, { code }));
  const labels = (m: { reply_markup?: unknown }) => (((m.reply_markup as { inline_keyboard?: InlineKeyboardButton[][] } | undefined)?.inline_keyboard ?? []).flat()).map((b) => b.text);
  const BUTTONS = ['claim', 'open', 'came', 'no_show'];

  it('posts and edits every message in the group in Russian: alerts, the relayed message, answers to a command and a stray reply, the redraws after a claim', async () => {
    const person = e2e.api.updates.user({ language_code: 'en' });
    const code = await intake(person);
    // The request to talk, then a message for the case workers: nobody holds the case, so the group gets it.
    await send(e2e.api.updates.command(person, '/person'));
    await drained();
    await send(e2e.api.updates.text(person, 'I need help with a document'));
    await drained();

    // A command typed in the group, then a reply to the request's alert (no person's message): both answered there.
    const command = e2e.api.updates.groupText(worker, group(), '/today');
    await send(command);
    await drained();
    const handoffAlert = e2e.api.sentMessages(CASEWORKERS).find((m) => alertKindOf(m.text ?? '', code, CHAT) === 'handoff');
    expect(handoffAlert).toBeDefined();
    const stray = e2e.api.updates.message(worker, { text: 'ok, I will call her', reply_to_message: handoffAlert } as Partial<Message>, group());
    await send(stray);
    await drained();

    // The worker claims the case from that alert: it and the case's other alerts are edited.
    const [tapped, claim] = buttonIn(CASEWORKERS, (d) => d.startsWith('w:claim:') && d.endsWith(code));
    await send(e2e.api.updates.callback(worker, tapped, claim));
    await drained();

    // Every text the bot posted or edited in the group, in order.
    const inGroup = e2e.api.callsSince(0).filter((c) => String(c.params.chat_id) === String(CASEWORKERS) && !c.failedWith);
    const texts = inGroup.filter((c) => c.method === 'sendMessage' || c.method === 'editMessageText');
    expect(inGroup.map((c) => c.method).filter((m) => m !== 'sendMessage' && m !== 'editMessageText')).toEqual([]);
    const kinds = new Set<string>();
    const header = t(CHAT, 'handoff:talk.staff.from_person', { code, language: languageNameIn(CHAT, 'en') });
    for (const call of texts) {
      const text = String(call.params.text);
      const kind = alertKindOf(text, code, CHAT);
      if (kind) {
        kinds.add(kind);
        // The person's language named in Russian; the buttons' labels Russian.
        expect(text.split('\n')).toContain(t(CHAT, 'caseworker:alert.language', { language: languageNameIn(CHAT, 'en') }));
        for (const label of labels(call.params)) expect(BUTTONS.map((b) => t(CHAT, `caseworker:alert.button.${b}`))).toContain(label);
        continue;
      }
      if (text.startsWith(header)) {
        kinds.add('relayed');
        expect(text).toBe(`${header}\n\nI need help with a document`);
        continue;
      }
      if (call.params.reply_parameters) {
        const replyTo = (call.params.reply_parameters as { message_id: number }).message_id;
        if (replyTo === command.message!.message_id) {
          kinds.add('command');
          expect(text).toBe(t(CHAT, 'caseworker:group.private_only', { command: 'today', link: link() }));
          continue;
        }
        if (replyTo === stray.message!.message_id) {
          kinds.add('stray');
          expect(text).toBe(t(CHAT, 'caseworker:group.not_passed_on', { link: link() }));
          continue;
        }
      }
      throw new Error(`a message in the group that is none of the Russian texts: ${text}`);
    }
    expect([...kinds].sort()).toEqual(['booking', 'command', 'diagnosis', 'handoff', 'intake', 'relayed', 'stray']);
    expect(texts.filter((c) => c.method === 'editMessageText').length).toBeGreaterThanOrEqual(4);

    // Each alert as it stands after the claim (edits applied) is the case drawn in Russian now, taken by the worker.
    const alerts = e2e.api.sentMessages(CASEWORKERS).filter((m) => alertKindOf(m.text ?? '', code, CHAT));
    expect(alerts).toHaveLength(4);
    for (const m of alerts) {
      const drawn = await drawCaseAlert(e2e.korpu.desk!, alertKindOf(m.text!, code, CHAT) as CaseMessageKind, code, CHAT, new Date(), { buttons: true });
      expect(m.text).toBe((drawn.output.text[0] as { plain: string }).plain);
      expect(labels(m)).toEqual((drawn.output.buttons ?? []).flat().map((b) => t(CHAT, (b.label as { key: string }).key)));
      expect(m.text).toContain('Oksana Petrenko');
    }
  });

  it("keeps a worker's private chat in the worker's own language", async () => {
    const mark = e2e.api.mark();
    await send(e2e.api.updates.command(worker, '/end'));
    const said = e2e.api.callsSince(mark, 'sendMessage').filter((c) => String(c.params.chat_id) === String(worker.id)).map((c) => String(c.params.text));
    expect(said).toEqual([t(WORKER_LANG, 'caseworker:group.end_as_reply')]);
  });
});
