import calculateSlot from 'cluster-key-slot';
import { taggedName } from '../../src/storage/key-layout';
import { ALL_PERSON_CELLS, idInCell, personCell, redisKeys } from '../../src/storage/keys';

/** Each family of the untagged layout lands exactly where keys.ts now builds it. */
describe('the key layout move (untagged → hash-tagged)', () => {
  const k = redisKeys('');
  const code = 'KP-7G4Q-M2XD';
  const conv = 'aB3_x-Yz09QwErTy12AsDf';
  const cases: [string, string][] = [
    [`conv:${conv}`, k.conversation(conv)],
    [`reply:${conv}`, k.pendingReply(conv)],
    [`talk:${conv}`, k.talk(conv)],
    [`case:${code}`, k.case(code)],
    [`case:${code}:diagnoses`, k.diagnoses(code)],
    [`case:${code}:consents`, k.consents(code)],
    [`case:${code}:questions`, k.questions(code)],
    [`case:${code}:talk`, k.talkMessages(code)],
    [`case:${code}:notes`, k.caseNotes(code)],
    [`case:${code}:assessment`, k.assessmentVersions(code)],
    [`case:${code}:plan`, k.planVersions(code)],
    [`case:${code}:incidents`, k.caseIncidents(code)],
    ['cases', k.cases()],
    [`booking:${code}`, k.booking(code)],
    [`claim:${code}`, k.claim(code)],
    ['slot:baku@2026-12-07T10:00', k.slot('baku@2026-12-07T10:00')],
    ['bookings:baku:2026-12-07', k.dayBookings('baku', '2026-12-07')],
    ['closures:baku', k.officeClosures('baku')],
    ['effects', k.effects(0)],
    ['effects:attempts', k.effectAttempts(0)],
    ['effects:dead', k.deadEffects(0)],
    ['held:s7', k.heldCases('s7')],
    ['calls:s7', k.callCounter('s7')],
    ['call:s7', k.openCall('s7')],
    [`unreachable:case:${code}`, k.unreachableCase(code)],
    ['incident:upd-1:0', k.incident('upd-1:0')],
    ['incidents', k.incidents()],
    ['incidents:drafts', k.incidentDrafts()],
    ['incidents:follow_ups', k.incidentFollowUps()],
    ['incidents:urgent', k.incidentsUnacknowledged()],
    ['caseworkers', k.caseworkers()],
    ['caseworkers:ids', k.caseworkerIds()],
    ['caseworkers:left', k.caseworkersLeft()],
    ['limit:global', k.limitGlobal()],
    ['limit:chat:Zz9:line:due', k.limitChatLineDue('Zz9')],
    ['limit:group:Zz9', k.limitGroup('Zz9')],
    ['limit:pause', k.limitPause()],
    ['audit:2026-12', k.audit('2026-12')],
    ['audit:once:e1', k.auditOnce('e1')],
    [`audit:case:${code}`, k.auditOfCase(code)],
    ['audit:case-index-built', k.auditOfCaseBuilt()],
    ['web:signin:ab', k.webSignIn('ab')],
    ['web:session:ab', k.webSession('ab')],
    ['web:sessions:s7', k.webStaffSessions('s7')],
    ['ix:o:baku', k.caseIndex('o:baku')],
    [`ix:case:${code}`, k.caseIndexEntry(code)],
    ['ix:built', k.caseIndexBuilt()],
    ['bull:outbox:42', `${k.bull()}:outbox:42`],
    ['outbox:sent:alert-1', k.outboxSent('alert-1')],
  ];
  it.each(cases)('%s → %s', (legacy, now) => expect(taggedName(legacy)).toBe(now));

  it('leaves keys used alone, and keys already tagged, as they are', () => {
    for (const same of ['flow:intake:abc', 'talkmsg:ref:5', 'unreachable:chat:ref', 'purge:KP-1', 'keys:pseudonym', 'reports:funnel', 'telegram:poller', 'web:rate:signin:1.2.3.4', k.case(code), k.effects(3)]) {
      expect(taggedName(same)).toBeUndefined();
    }
  });

  it('moves the simulator\'s keys the same way, under its own prefix', () => {
    expect(taggedName(`sim:case:${code}`)).toBe(`sim:${k.case(code)}`);
  });

});

describe('a case code drawn in a person cell', () => {
  it('falls in the cell asked for', () => {
    let n = 0;
    const draw = () => `KP-TEST-${String(n++).padStart(4, '0')}`;
    for (const cell of ALL_PERSON_CELLS) expect(personCell(idInCell(draw, cell))).toBe(cell);
  });

  it('fails loudly, instead of looping for ever, when the source repeats one code', () => {
    const code = 'KP-TEST-0001';
    const other = (personCell(code) + 1) % ALL_PERSON_CELLS.length;
    expect(() => idInCell(() => code, other)).toThrow(/after 1000 draws/);
  });
});

describe('the person cell of an id', () => {
  it('is its cluster slot modulo the number of cells, however often and among however many ids it is asked', () => {
    // More ids than the cells kept in memory, each asked twice: a kept cell and a cell worked out again agree.
    const ids = Array.from({ length: 25_000 }, (_, i) => `conv-${i.toString(36)}`);
    for (const round of [1, 2]) {
      const wrong = ids.filter((id) => personCell(id) !== calculateSlot(id) % ALL_PERSON_CELLS.length);
      expect({ round, wrong }).toEqual({ round, wrong: [] });
    }
    expect(redisKeys('korpu:').conversation('conv-1')).toBe(`korpu:conv:{p${calculateSlot('conv-1') % ALL_PERSON_CELLS.length}}:conv-1`);
  });
});
