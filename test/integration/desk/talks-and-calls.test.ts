import { callInProgress, callStepped, claimCase, endPhoneCall, endTalk, leaveTalk, messagePerson, openTalk, relayFromPerson, relayToPerson, removeStaff, startPhoneCall, type DeliverToStaff } from '../../../src/caseworkers/desk';
import { PASSED_ON_QUIET_SECONDS, RelayStore, TALK_REF_TTL_MS } from '../../../src/caseworkers/relay-store';
import { readablePrefix } from '../../helpers/redis';
import { baku, ganja, startDesk, type Desk } from './desk-harness';
import { languageNameIn } from '../../../src/i18n/language-names';

/** Talks between a person and the case workers, and phone interviews, through the desk. */
describe('desk: talks and phone calls', () => {
  let d: Desk;
  let relay: RelayStore;
  const conversation = 'conv-pseudonym-1';
  beforeEach(async () => {
    d = await startDesk();
    relay = new RelayStore(d.redis, d.prefix, d.cipher);
  });
  afterEach(() => d.close());

  /** A channel's delivery that records where the desk sent a person's message. */
  function delivery(ok = true) {
    const delivered: Parameters<DeliverToStaff>[] = [];
    const deliver: DeliverToStaff = async (...args) => (delivered.push(args), ok);
    return { delivered, deliver };
  }

  it('refuses a message from the workspace to a person interviewed on the phone (no chat with the bot), sending and keeping nothing', async () => {
    await d.seedCase('KP-TALK-0090', { lang: 'ru' });
    await d.redis.hset(d.keys.case('KP-TALK-0090'), { channel: 'phone', by: 'phone', 'f:phone': d.cipher.encrypt('+994501234567', 'KP-TALK-0090:phone') });
    await claimCase(d.desk, d.staff.aysel, { caseCode: 'KP-TALK-0090' });
    const deps = { ...d.desk, conversationOf: async () => conversation, talks: relay };
    expect(await messagePerson(deps, d.staff.aysel, { caseCode: 'KP-TALK-0090', text: 'Hello from the desk', ref: 'ref-0090' })).toEqual({ ok: false, reason: 'phone_only', hasNumber: true });
    expect(d.notifier.notices).toEqual([]);
    expect(await relay.messages('KP-TALK-0090')).toEqual([]);
    await d.redis.hdel(d.keys.case('KP-TALK-0090'), 'f:phone');
    expect(await messagePerson(deps, d.staff.aysel, { caseCode: 'KP-TALK-0090', text: 'Hello', ref: 'ref-0091' })).toEqual({ ok: false, reason: 'phone_only', hasNumber: false });
  });

  describe('a person’s messages', () => {
    it('go to the case workers’ chat while nobody holds the case, then to the holder; each is kept, encrypted', async () => {
      await d.seedCase('KP-TALK-0001', { lang: 'ru' });
      const none = delivery();
      expect(await relayFromPerson(d.desk, { conversation, message: { kind: 'text', text: 'Здравствуйте' }, deliver: none.deliver })).toEqual({ ok: false, reason: 'no_talk' });
      expect(none.delivered).toEqual([]);

      await relay.open(conversation, 'KP-TALK-0001');
      const group = delivery();
      // The first message of a while: the person is to be told it was passed on, in their language.
      expect(await relayFromPerson(d.desk, { conversation, message: { kind: 'text', text: 'Мне нужен врач' }, deliver: group.deliver })).toEqual({ ok: true, caseCode: 'KP-TALK-0001', to: { type: 'caseworkers' }, passedOn: { lang: 'ru' } });
      const t = d.desk.translator;
      expect(group.delivered).toEqual([[{ type: 'caseworkers' }, t.t('az', 'handoff:talk.staff.from_person', { code: 'KP-TALK-0001', language: languageNameIn('az', 'ru') }), 'KP-TALK-0001']]);

      await claimCase(d.desk, d.staff.aysel, { caseCode: 'KP-TALK-0001' });
      const holder = delivery();
      // The next ones of the burst go on without it (again after PASSED_ON_QUIET_SECONDS).
      expect(await relayFromPerson(d.desk, { conversation, message: { kind: 'photo', text: 'справка', fileId: 'file-1' }, deliver: holder.deliver })).not.toHaveProperty('passedOn');
      const quiet = await d.redis.ttl(d.keys.talkAcknowledged(conversation));
      expect(quiet).toBeGreaterThan(PASSED_ON_QUIET_SECONDS - 60);
      expect(quiet).toBeLessThanOrEqual(PASSED_ON_QUIET_SECONDS);
      // To the holder, under a header in her language (English).
      expect(holder.delivered).toEqual([[{ type: 'staff', staffId: d.staff.aysel.staffId }, t.t('en', 'handoff:talk.staff.from_person', { code: 'KP-TALK-0001', language: languageNameIn('en', 'ru') }), 'KP-TALK-0001']]);
      expect((await relay.messages('KP-TALK-0001')).map((m) => [m.from, m.kind, m.text, m.fileId])).toEqual([['person', 'text', 'Мне нужен врач', undefined], ['person', 'photo', 'справка', 'file-1']]);
      expect(await readablePrefix(d.redis, d.prefix)).not.toContain('Мне нужен врач');
    });

    it('relayed again (the same update delivered again after a process died before answering) are passed on and kept once', async () => {
      await d.seedCase('KP-TALK-0009', { lang: 'ru' });
      await relay.open(conversation, 'KP-TALK-0009');
      const group = delivery();
      const say = (text: string, ref: string) => relayFromPerson(d.desk, { conversation, message: { kind: 'text', text }, deliver: group.deliver, ref });
      expect(await say('Мне нужен врач', 'tg:501')).toMatchObject({ ok: true, passedOn: { lang: 'ru' } });
      expect(await say('Мне нужен врач', 'tg:501')).toEqual({ ok: true, caseCode: 'KP-TALK-0009', to: { type: 'caseworkers' } });
      // The same words sent again by the person are a new message (a new update): passed on.
      expect(await say('Мне нужен врач', 'tg:502')).toMatchObject({ ok: true });
      expect(group.delivered).toHaveLength(2);
      expect((await relay.messages('KP-TALK-0009')).map((m) => m.text)).toEqual(['Мне нужен врач', 'Мне нужен врач']);
      // The refs are update ids (no words), remembered a while and then forgotten.
      const ttl = await d.redis.pttl(d.keys.talkRefs('KP-TALK-0009'));
      expect(ttl).toBeGreaterThan(TALK_REF_TTL_MS - 60_000);
      expect(ttl).toBeLessThanOrEqual(TALK_REF_TTL_MS);
    });

    it('are the flow’s when nobody can be reached (not kept)', async () => {
      await d.seedCase('KP-TALK-0002');
      await relay.open(conversation, 'KP-TALK-0002');
      expect(await relayFromPerson(d.desk, { conversation, message: { kind: 'text', text: 'hello' }, deliver: delivery(false).deliver })).toEqual({ ok: false, reason: 'no_recipient', caseCode: 'KP-TALK-0002' });
      expect(await relay.messages('KP-TALK-0002')).toEqual([]);
    });

    it('a person leaving the talk ends it, and whoever they talked to is told', async () => {
      await d.seedCase('KP-TALK-0003');
      expect(await leaveTalk(d.desk, { conversation })).toEqual({});
      await relay.open(conversation, 'KP-TALK-0003');
      expect(await openTalk(d.desk, { conversation })).toEqual({ caseCode: 'KP-TALK-0003', lang: 'ru' });
      expect(await leaveTalk(d.desk, { conversation })).toEqual({ caseCode: 'KP-TALK-0003' });
      expect(await relay.openCase(conversation)).toBeUndefined();
      expect(d.notifier.notices).toEqual([expect.objectContaining({ to: { type: 'caseworkers' }, lang: 'az', kind: 'notice', output: { type: 'message', text: [{ key: 'handoff:talk.staff.person_left', params: { code: 'KP-TALK-0003' } }] } })]);
    });
  });

  describe('a worker’s answers', () => {
    it('reach the person without naming the worker (texts as notices, files copied by the channel), reopen the talk, and are kept with the staff id', async () => {
      await d.seedCase('KP-TALK-0004', { lang: 'ru', office: baku });
      const text = await relayToPerson(d.desk, d.staff.aysel, { caseCode: 'KP-TALK-0004', conversation, message: { kind: 'text', text: 'Я помогу' }, ref: 'tg:1001' });
      expect(text).toEqual({ ok: true, caseCode: 'KP-TALK-0004', delivery: 'sent' });
      // Relayed again (a redelivered update): one notice.
      await relayToPerson(d.desk, d.staff.aysel, { caseCode: 'KP-TALK-0004', conversation, message: { kind: 'text', text: 'Я помогу' }, ref: 'tg:1001' });
      expect(d.notifier.to('case')).toEqual([
        { id: 'relay:KP-TALK-0004:tg:1001', to: { type: 'case', caseCode: 'KP-TALK-0004' }, lang: 'ru', kind: 'relay', caseCode: 'KP-TALK-0004', output: { type: 'message', text: [{ key: 'handoff:talk.from_worker', params: { text: 'Я помогу' } }] } },
      ]);
      expect(JSON.stringify(d.notifier.to('case'))).not.toContain('Aysel');
      expect(await relayToPerson(d.desk, d.staff.aysel, { caseCode: 'KP-TALK-0004', conversation, message: { kind: 'document', fileId: 'doc-1' }, ref: 'tg:1002' })).toMatchObject({ ok: true, delivery: 'copy' });
      expect(d.notifier.to('case')).toHaveLength(1);
      expect(await relay.openCase(conversation)).toBe('KP-TALK-0004');
      // The redelivered text is kept once, as it is sent once: the case file shows what the person got.
      expect((await relay.messages('KP-TALK-0004')).map((m) => [m.worker, m.kind])).toEqual([[d.staff.aysel.staffId, 'text'], [d.staff.aysel.staffId, 'document']]);
    });

    it('are refused from someone off the roster, a case worker of another office, and for no case', async () => {
      await d.seedCase('KP-TALK-0005', { office: ganja });
      const message = { kind: 'text' as const, text: 'hi' };
      expect(await relayToPerson(d.desk, d.staff.stranger, { caseCode: 'KP-TALK-0005', conversation, message, ref: 'r1' })).toEqual({ ok: false, reason: 'not_staff' });
      expect(await relayToPerson(d.desk, d.staff.aysel, { caseCode: 'KP-TALK-0005', conversation, message, ref: 'r2' })).toEqual({ ok: false, reason: 'other_office' });
      expect(await relayToPerson(d.desk, d.staff.aysel, { caseCode: 'KP-NONE-0000', conversation, message, ref: 'r3' })).toEqual({ ok: false, reason: 'not_found' });
      expect(d.notifier.notices).toEqual([]);
      expect(await relay.messages('KP-TALK-0005')).toEqual([]);
    });

    it.each([
      ['erased their data', { status: 'erased', erased_at: '2026-12-07T10:00:00.000Z' }, 'erased'],
      ['withdrew', { status: 'withdrawn', withdrawn_at: '2026-12-07T10:00:00.000Z' }, 'withdrawn'],
    ])('are not sent to a person who %s, in Telegram or from the workspace: the talk stays closed, nothing is kept, the worker learns why', async (_what, fields, reason) => {
      await d.seedCase('KP-TALK-0008', { lang: 'ru', office: baku });
      await d.redis.hset(d.keys.case('KP-TALK-0008'), fields);
      const message = { kind: 'text' as const, text: 'Почему вы ушли?' };
      expect(await relayToPerson(d.desk, d.staff.aysel, { caseCode: 'KP-TALK-0008', conversation, message, ref: 'w1' })).toEqual({ ok: false, reason });
      expect(await messagePerson(d.desk, d.staff.aysel, { caseCode: 'KP-TALK-0008', text: 'Почему вы ушли?', ref: 'web-ref-000000000001' })).toEqual({ ok: false, reason });
      expect(d.notifier.notices).toEqual([]);
      expect(await relay.openCase(conversation)).toBeUndefined();
      expect(await relay.messages('KP-TALK-0008')).toEqual([]);
    });

    it('reach a person who withdrew once they have asked for a case worker again', async () => {
      await d.seedCase('KP-TALK-0009', { lang: 'ru', office: baku });
      await d.redis.hset(d.keys.case('KP-TALK-0009'), { status: 'withdrawn', withdrawn_at: '2026-12-07T10:00:00.000Z', handoff_at: '2026-12-07T11:00:00.000Z' });
      expect(await relayToPerson(d.desk, d.staff.aysel, { caseCode: 'KP-TALK-0009', conversation, message: { kind: 'text', text: 'Здравствуйте' }, ref: 'w2' })).toMatchObject({ ok: true });
    });

    it('come only from the worker holding the case (or a supervisor); the first to answer an unclaimed case holds it', async () => {
      await d.seedCase('KP-TALK-0007', { lang: 'ru', office: baku });
      const message = { kind: 'text' as const, text: 'Здравствуйте' };
      expect(await relayToPerson(d.desk, d.staff.aysel, { caseCode: 'KP-TALK-0007', conversation, message, ref: 'h1' })).toMatchObject({ ok: true });
      expect(await relayToPerson(d.desk, d.staff.nigar, { caseCode: 'KP-TALK-0007', conversation, message, ref: 'h2' })).toEqual({ ok: false, reason: 'not_holder', holder: d.staff.aysel.staffId });
      expect(await endTalk(d.desk, d.staff.nigar, { caseCode: 'KP-TALK-0007', conversation, ref: 'h3' })).toEqual({ ok: false, reason: 'not_holder', holder: d.staff.aysel.staffId });
      expect(await relayToPerson(d.desk, d.staff.leyla, { caseCode: 'KP-TALK-0007', conversation, message, ref: 'h4' })).toMatchObject({ ok: true });
      expect(d.notifier.to('case').map((n) => n.id)).toEqual(['relay:KP-TALK-0007:h1', 'relay:KP-TALK-0007:h4']);
      // Aysel's answer claimed it as a tap on Claim would: the escalation is cancelled, and the
      // group's alert is posted again naming her, in the group's language, with Open and no Claim.
      expect(d.cancelled).toEqual(['KP-TALK-0007']);
      const [again, ...more] = d.notifier.to('caseworkers');
      expect(more).toEqual([]);
      expect(again).toMatchObject({ kind: 'alert', lang: 'az', caseCode: 'KP-TALK-0007' });
      expect(again!.output.text[0]).toEqual({ key: 'caseworker:claim.by_talk', params: { code: 'KP-TALK-0007', worker: 'Aysel Quliyeva' } });
      expect((again!.output.text[1] as { plain: string }).plain).toContain(d.desk.translator.t('az', 'caseworker:alert.claimed', { worker: 'Aysel Quliyeva', time: '24.11.2026 12:00' }));
      expect(again!.output.buttons!.flat().map((b) => b.action)).toEqual([{ type: 'staff', verb: 'open', kind: 'intake', caseCode: 'KP-TALK-0007' }]);
    });

    it('are not ended by a case worker of another office, who does not take the case by it (as answering it would not)', async () => {
      // A Baku person's message, relayed to the case workers' chat while nobody holds the case:
      // Rauf of Ganja replying /end to it took the case, and with it the person's next messages.
      await d.seedCase('KP-TALK-0010', { lang: 'ru', office: baku });
      await relay.open(conversation, 'KP-TALK-0010');
      expect(await endTalk(d.desk, d.staff.rauf, { caseCode: 'KP-TALK-0010', conversation, ref: 'o1' })).toEqual({ ok: false, reason: 'other_office' });
      expect(await d.desk.claims.get('KP-TALK-0010')).toBeUndefined();
      expect(await relay.openCase(conversation)).toBe('KP-TALK-0010');
      expect(d.notifier.notices).toEqual([]);
      expect(d.audit).toEqual([]);
    });

    it('ending the talk closes it and tells the person, in their language', async () => {
      await d.seedCase('KP-TALK-0006', { lang: 'en' });
      await relay.open(conversation, 'KP-TALK-0006');
      expect(await endTalk(d.desk, d.staff.stranger, { caseCode: 'KP-TALK-0006', conversation, ref: 'tg:7' })).toEqual({ ok: false, reason: 'not_staff' });
      expect(await relay.openCase(conversation)).toBe('KP-TALK-0006');
      expect(await endTalk(d.desk, d.staff.nigar, { caseCode: 'KP-TALK-0006', conversation, ref: 'tg:7' })).toEqual({ ok: true, caseCode: 'KP-TALK-0006', lang: 'ru' });
      expect(await relay.openCase(conversation)).toBeUndefined();
      expect(d.notifier.to('case')).toEqual([{ id: 'talk_end:KP-TALK-0006:tg:7', to: { type: 'case', caseCode: 'KP-TALK-0006' }, lang: 'en', kind: 'notice', caseCode: 'KP-TALK-0006', output: { type: 'message', text: [{ key: 'handoff:talk.ended' }] } }]);
    });
  });

  describe('phone calls', () => {
    it('numbers a worker’s calls, keeps the newest open, notes its case, and ends it', async () => {
      expect(await endPhoneCall(d.desk, d.staff.aysel)).toEqual({ ok: false, reason: 'not_open', lang: 'en' });
      expect(await startPhoneCall(d.desk, d.staff.aysel)).toEqual({ ok: true, n: 1, counsellor: 'Aysel Quliyeva', lang: 'en' });
      expect(await endPhoneCall(d.desk, d.staff.aysel)).toEqual({ ok: true, n: 1, lang: 'en' });
      expect(await startPhoneCall(d.desk, d.staff.aysel)).toMatchObject({ ok: true, n: 2 });
      expect(await startPhoneCall(d.desk, d.staff.nigar)).toMatchObject({ ok: true, n: 1 });
      expect(await callStepped(d.desk, d.staff.aysel, { n: 1, caseCode: 'KP-CALL-0001', flowEnded: false })).toBe(false);
      expect(await callStepped(d.desk, d.staff.aysel, { n: 2, caseCode: 'KP-CALL-0002', flowEnded: false })).toBe(true);
      expect(await callInProgress(d.desk, d.staff.aysel)).toEqual({ n: 2, caseCode: 'KP-CALL-0002', counsellor: 'Aysel Quliyeva', lang: 'en' });
      expect(await endPhoneCall(d.desk, d.staff.aysel)).toEqual({ ok: true, n: 2, caseCode: 'KP-CALL-0002', lang: 'en' });
      expect(await callInProgress(d.desk, d.staff.aysel)).toBeUndefined();
      // A call whose flow ends closes by itself.
      expect(await callStepped(d.desk, d.staff.nigar, { n: 1, flowEnded: true })).toBe(true);
      expect(await callInProgress(d.desk, d.staff.nigar)).toBeUndefined();
    });

    it('opens no call while one is open: the worker learns which, with its case, and it stays open', async () => {
      expect(await startPhoneCall(d.desk, d.staff.aysel)).toMatchObject({ ok: true, n: 1 });
      expect(await startPhoneCall(d.desk, d.staff.aysel)).toEqual({ ok: false, reason: 'call_open', n: 1, lang: 'en' });
      await callStepped(d.desk, d.staff.aysel, { n: 1, caseCode: 'KP-CALL-0003', flowEnded: false });
      expect(await startPhoneCall(d.desk, d.staff.aysel)).toEqual({ ok: false, reason: 'call_open', n: 1, caseCode: 'KP-CALL-0003', lang: 'en' });
      expect(await callInProgress(d.desk, d.staff.aysel)).toMatchObject({ n: 1, caseCode: 'KP-CALL-0003' });
      expect(await endPhoneCall(d.desk, d.staff.aysel)).toEqual({ ok: true, n: 1, caseCode: 'KP-CALL-0003', lang: 'en' });
      expect(await startPhoneCall(d.desk, d.staff.aysel)).toMatchObject({ ok: true, n: 2 });
    });

    it('gives the case a call opens to the caller: claimed as a tap on Claim would, once; a case someone holds stays theirs', async () => {
      await d.seedCase('KP-CALL-0004');
      await startPhoneCall(d.desk, d.staff.aysel);
      expect(await callStepped(d.desk, d.staff.aysel, { n: 1, flowEnded: false })).toBe(true);
      expect(await callStepped(d.desk, d.staff.aysel, { n: 1, caseCode: 'KP-CALL-0004', flowEnded: false })).toBe(true);
      expect(await d.desk.claims.get('KP-CALL-0004')).toMatchObject({ by: d.staff.aysel.staffId });
      expect(d.cancelled).toEqual(['KP-CALL-0004']);
      await callStepped(d.desk, d.staff.aysel, { n: 1, caseCode: 'KP-CALL-0004', flowEnded: true });
      expect(d.audit.filter((e) => e.caseCode === 'KP-CALL-0004').map((e) => [e.action, e.staffId])).toEqual([['claim_case', d.staff.aysel.staffId]]);

      await d.seedCase('KP-CALL-0005');
      await claimCase(d.desk, d.staff.nigar, { caseCode: 'KP-CALL-0005' });
      await startPhoneCall(d.desk, d.staff.aysel);
      await callStepped(d.desk, d.staff.aysel, { n: 2, caseCode: 'KP-CALL-0005', flowEnded: false });
      expect(await d.desk.claims.get('KP-CALL-0005')).toMatchObject({ by: d.staff.nigar.staffId });
    });

    it('a worker taken off the roster mid-call: the call is closed as /endcall closes it, its case goes back, and they are to be told once', async () => {
      await d.seedCase('KP-CALL-0006');
      await startPhoneCall(d.desk, d.staff.rauf);
      await callStepped(d.desk, d.staff.rauf, { n: 1, caseCode: 'KP-CALL-0006', flowEnded: false });
      const r = await removeStaff(d.desk, d.staff.bootstrap, { staff: d.staff.rauf });
      expect(r).toEqual({ ok: true, removed: true, stillAdmin: false, released: ['KP-CALL-0006'], call: { n: 1, caseCode: 'KP-CALL-0006' } });
      expect(await d.desk.calls.open(d.staff.rauf.staffId)).toBeUndefined();
      expect(d.audit.filter((e) => e.caseCode === 'KP-CALL-0006').map((e) => e.action)).toEqual(['claim_case', 'end_phone_call', 'release_case']);
      // On their next message (the channel asks by their Telegram account): once.
      expect(await d.roster.mayBeStaff(610_000_003)).toBe(true);
      expect(await d.roster.takeLeavingNotice(610_000_003)).toEqual({ lang: 'az', call: { n: 1, caseCode: 'KP-CALL-0006' }, released: ['KP-CALL-0006'] });
      expect(await d.roster.takeLeavingNotice(610_000_003)).toBeUndefined();
      // Someone taken off without a call is told too; added again, nothing waits for them.
      await removeStaff(d.desk, d.staff.bootstrap, { staff: d.staff.nigar });
      await d.roster.save({ telegramId: 610_000_002, name: 'Nigar Həsənova', role: 'caseworker', office: 'baku', langs: ['ru'], addedAt: new Date(0), addedBy: 1 });
      expect(await d.roster.takeLeavingNotice(610_000_002)).toBeUndefined();
    });

    it('refuses someone off the roster and an admin without an entry (no name for the forms); a removed worker’s call closes', async () => {
      expect(await startPhoneCall(d.desk, d.staff.stranger)).toEqual({ ok: false, reason: 'not_staff' });
      expect(await startPhoneCall(d.desk, d.staff.bootstrap)).toEqual({ ok: false, reason: 'no_entry' });
      await startPhoneCall(d.desk, d.staff.rauf);
      await d.roster.removeStaff(d.staff.rauf.staffId);
      expect(await callInProgress(d.desk, d.staff.rauf)).toBeUndefined();
      expect(await d.desk.calls.open(d.staff.rauf.staffId)).toBeUndefined();
    });
  });
});
