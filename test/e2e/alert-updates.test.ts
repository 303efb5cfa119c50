import type { Message, Update, User } from 'grammy/types';
import type { Lang } from '../../src/core/lang';
import { wholeIntake } from '../helpers/intake';
import { callbackLookup, decodeCallbackData } from '../../src/channels/telegram';
import type { NewCaseWorker } from '../../src/caseworkers/roster';
import { linkIn, sendPrivate, trackHandled, WebClient } from '../helpers/workspace';
import { useTestKorpu } from '../helpers/use-korpu';

/**
 * Every alert about a case in the case workers' group tells the truth, whichever place the case
 * changed hands in: claimed in the web workspace, from another alert, released, closed. The
 * earlier alerts are edited in place through the outbox (against the fake Bot API, which keeps
 * each message as edited), so a busy case worker reading the group never sees Claim on a case
 * someone holds, nor "taken" on a free one. An edit Telegram refuses (the message is too old
 * to edit, or already shows it) is dropped once, never retried. Setup as in intake-alerts.test.ts.
 */

jest.setTimeout(60_000);

const CASEWORKERS = -1_001_777_000_333;
const worker = (telegramId: number, name: string, role: NewCaseWorker['role'], langs: Lang[]): NewCaseWorker => ({ telegramId, name, langs, office: 'baku', role, addedAt: new Date(0), addedBy: 1 });
const AYSEL = worker(610_300_001, 'Aysel Quliyeva', 'caseworker', ['en']);
const RAUF = worker(610_300_002, 'Rauf Həsənov', 'caseworker', ['en']);

describe('the group’s alerts of a case, kept up to date', () => {
  // The group's 20 messages a minute would space this file's many edits out over minutes.
  const e2e = useTestKorpu({ env: { CASEWORKER_CHAT_ID: String(CASEWORKERS) }, telegramLimits: { groupMax: 1000 } });
  let base: string;
  let handled: (id: number) => Promise<void>;

  beforeAll(async () => {
    handled = trackHandled(e2e.bot);
    base = (await e2e.korpu.start()).url;
    for (const w of [AYSEL, RAUF]) await e2e.korpu.roster.save(w);
  });

  const tr = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('az', key, params);
  const lookup = () => callbackLookup(e2e.core.flows.all().flatMap((f) => [...f.nodes.keys()]));
  const staffUser = (w: NewCaseWorker) => e2e.api.updates.user({ id: w.telegramId, first_name: w.name.split(' ')[0]!, language_code: w.langs[0] });

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

  /** A person through the whole intake (test/helpers/intake.ts): diagnosis, booking and intake alerts follow. */
  const intake = (person: User) => wholeIntake(e2e, person);

  /** The group's alert of a kind for a case, as it looks now (edits applied), found by its first line. */
  function alert(code: string, kind: string): Message {
    const title = tr(`caseworker:alert.title.${kind}`, { code });
    const m = e2e.api.sentMessages(CASEWORKERS).find((x) => x.text?.split('\n')[0] === title);
    if (!m) throw new Error(`no ${kind} alert for ${code}`);
    return e2e.api.message(CASEWORKERS, m.message_id)!;
  }
  const now = (m: Message) => e2e.api.message(CASEWORKERS, m.message_id)!;
  const buttons = (m: Message) => (now(m).reply_markup?.inline_keyboard.flat() ?? []).map((b) => ('callback_data' in b ? b.callback_data! : ''));
  const offersClaim = (m: Message) => buttons(m).some((d) => d.startsWith('w:claim:'));
  /** The alert's "Taken by <name> (<time>)" line names `w`. */
  const takenBy = (m: Message, w: NewCaseWorker) => {
    const line = tr('caseworker:alert.claimed', { worker: w.name, time: '\u0000' });
    return now(m).text!.split('\n').some((l) => l.startsWith(line.slice(0, line.indexOf('\u0000'))));
  };

  async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
    const end = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Resolves once the outbox has nothing left to send (its edits go out one a second in the group). */
  async function drained(ms = 20_000): Promise<void> {
    const end = Date.now() + ms;
    for (;;) {
      const counts = await e2e.korpu.outbox!.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      if (Object.values(counts).every((n) => n === 0)) return;
      if (Date.now() > end) throw new Error(`the outbox did not drain: ${JSON.stringify(counts)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function signIn(w: NewCaseWorker): Promise<WebClient> {
    const web = new WebClient(base);
    const link = linkIn(await sendPrivate(e2e.api, handled, staffUser(w), '/dashboard'));
    await web.get(link);
    expect((await web.post('/desk/signin', { token: new URL(link).searchParams.get('token')! })).status).toBe(303);
    return web;
  }

  /** Posts a form of the case's page in the workspace (the page first: its CSRF token). */
  async function act(client: WebClient, action: string, fields: Record<string, string> = {}) {
    expect((await client.get(`/desk/cases/${code}`)).status).toBe(200);
    return client.post(`/desk/cases/${code}/${action}`, fields);
  }

  let code: string;
  let first: Message;
  let web: WebClient;

  it('edits the earlier alerts when the case is claimed in the workspace: the holder named, no Claim', async () => {
    code = await intake(e2e.api.updates.user({ first_name: 'Nigar', language_code: 'en' }));
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && String(c.params.text).includes(code), 3, 15_000);
    await e2e.korpu.settled();
    first = alert(code, 'diagnosis');
    for (const kind of ['diagnosis', 'booking', 'intake']) expect(offersClaim(alert(code, kind))).toBe(true);
    // Nobody took the case yet: the person going on with the intake edits none of its alerts.
    await drained();
    expect(e2e.api.calls.filter((c) => c.method === 'editMessageText' && c.params.chat_id === CASEWORKERS)).toEqual([]);

    web = await signIn(AYSEL);
    expect((await act(web, 'claim')).location).toBe(`/desk/cases/${code}?done=claimed`);
    await until('every alert names Aysel', () => ['diagnosis', 'booking', 'intake'].every((k) => takenBy(alert(code, k), AYSEL)));
    for (const kind of ['diagnosis', 'booking', 'intake']) {
      expect(offersClaim(alert(code, kind))).toBe(false);
      expect(buttons(alert(code, kind))).toContain(`w:open:${kind[0]}:${code}`);
    }
    // Nothing new was posted for it: the alerts were edited where they are.
    expect(e2e.api.sentMessages(CASEWORKERS).filter((m) => m.text?.includes(code))).toHaveLength(3);
  });

  it('offers Claim again on the earlier alerts once the case is released, and names whoever claims it then from another alert', async () => {
    expect((await act(web, 'release')).status).toBe(303);
    await until('the first alert offers Claim again', () => offersClaim(first) && !takenBy(first, AYSEL));
    await until('the intake alert too', () => offersClaim(alert(code, 'intake')));

    // Rauf claims from the newest alert (the one posted again at the release): the first one follows.
    await until('the alert is posted again', () => e2e.api.sentMessages(CASEWORKERS).some((x) => x.text?.startsWith(tr('caseworker:release.notice', { code }))));
    const [m, data] = buttonIn(CASEWORKERS, (d) => d.startsWith('w:claim:') && d.endsWith(code));
    expect(m.message_id).not.toBe(first.message_id);
    await drained();
    const tap = e2e.api.mark();
    await e2e.bot.handleUpdate(e2e.api.updates.callback(staffUser(RAUF), m, data));
    await until('the first alert names Rauf', () => takenBy(first, RAUF));
    expect(offersClaim(first)).toBe(false);
    await until('the booking alert offers no Claim', () => !offersClaim(alert(code, 'booking')) && takenBy(alert(code, 'booking'), RAUF));
    // The tapped alert is redrawn once, for the tap (through the outbox, in the group's turn), not a second time by the desk's redraw (a group message's slot each).
    await drained();
    expect(takenBy(m, RAUF)).toBe(true);
    expect(e2e.api.callsSince(tap, 'editMessageText').filter((c) => Number(c.params.message_id) === m.message_id)).toHaveLength(1);
  });

  it('drops an edit Telegram refuses (too old to edit, or not modified) once, without retrying it', async () => {
    await e2e.korpu.settled();
    await drained(); // the edits of Rauf's claim are out
    const tracked = await e2e.redis.zcard(e2e.core.keys.caseAlerts(code));
    expect(tracked).toBe(4); // diagnosis, booking, intake, and the one posted again at the release
    const editsSince = (mark: number) => e2e.api.callsSince(mark, 'editMessageText').filter((c) => c.params.chat_id === CASEWORKERS);
    const perMessage = (mark: number) => {
      const n = new Map<number, number>();
      for (const c of editsSince(mark)) n.set(Number(c.params.message_id), (n.get(Number(c.params.message_id)) ?? 0) + 1);
      return n;
    };

    // The first edit after Rauf releases it is refused: the message is too old to edit.
    let mark = e2e.api.mark();
    e2e.api.failNext('editMessageText', { code: 400, description: "Bad Request: message can't be edited" });
    const rauf = await signIn(RAUF);
    expect((await act(rauf, 'release')).status).toBe(303);
    await until('every alert was edited once', () => perMessage(mark).size >= tracked);
    await new Promise((r) => setTimeout(r, 2_500)); // a retry (backoff 1 s) would have come by now
    const refused = editsSince(mark).filter((c) => c.failedWith === 400);
    expect(refused).toHaveLength(1);
    expect([...perMessage(mark).values()]).toEqual(Array(tracked).fill(1));
    // That one still shows what it showed; the others offer Claim again.
    const stale = now({ message_id: Number(refused[0]!.params.message_id) } as Message);
    expect(takenBy(stale, RAUF)).toBe(true);
    expect(offersClaim(stale)).toBe(false);
    const dropped = (await e2e.korpu.outbox!.queue.getFailed()).filter((j) => j.failedReason.includes("can't be edited"));
    expect(dropped).toHaveLength(1);
    expect(dropped[0]!.attemptsMade).toBe(1);

    // An edit that would change nothing ("message is not modified"): taken as done, not tried again.
    await drained();
    const now2 = await e2e.redis.zcard(e2e.core.keys.caseAlerts(code));
    mark = e2e.api.mark();
    e2e.api.failNext('editMessageText', { code: 400, description: 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message' });
    expect((await act(web, 'claim')).location).toBe(`/desk/cases/${code}?done=claimed`);
    await until('every alert was edited once', () => perMessage(mark).size >= now2);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(editsSince(mark).filter((c) => c.failedWith === 400)).toHaveLength(1);
    expect([...perMessage(mark).values()].every((n) => n === 1)).toBe(true);
    expect((await e2e.korpu.outbox!.queue.getFailed()).filter((j) => j.failedReason.includes('not modified'))).toHaveLength(0);
  });

  it('says the case is closed on every alert once its holder closes it, and offers Claim on none', async () => {
    await drained();
    // Aysel holds it now: a case worker closes her own case.
    expect((await act(web, 'close', { reason: 'other_body' })).status).toBe(303);
    await until('the first alert says closed', () => now(first).text!.includes(tr('caseworker:alert.status.closed')));
    for (const m of e2e.api.sentMessages(CASEWORKERS).filter((x) => x.text?.includes(code) && x.reply_markup)) expect(offersClaim(m)).toBe(false);
  });

  it('leaves nothing of the person on the alerts once they erase their data: the case code and "erased", no button', async () => {
    const person = e2e.api.updates.user({ first_name: 'Nigar', language_code: 'en' });
    const erased = await intake(person);
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && String(c.params.text).includes(erased), 3, 15_000);
    await e2e.korpu.settled();
    await drained();
    const alerts = ['diagnosis', 'booking', 'intake'].map((k) => alert(erased, k));
    // Consent C: the group's alerts name the person.
    expect(alerts.some((m) => m.text!.includes('Nigar Məmmədova'))).toBe(true);

    await e2e.bot.handleUpdate(e2e.api.updates.command(person, '/delete'));
    const [m, yes] = buttonIn(person.id, choice('confirm', 'yes'));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, m, yes));
    await e2e.korpu.settled();
    const notice = tr('rights:notice.erased', { code: erased });
    await until('every alert of the case says it is erased', () => alerts.every((a) => now(a).text === notice));
    for (const a of alerts) expect(now(a).reply_markup).toBeUndefined();
    for (const x of e2e.api.sentMessages(CASEWORKERS).map((x) => now(x)).filter((x) => x.text?.includes(erased))) expect(x.text).not.toContain('Məmmədova');
    // What was kept to edit them is gone with the rest.
    expect(await e2e.redis.exists(e2e.core.keys.caseAlerts(erased))).toBe(0);
  });
});
