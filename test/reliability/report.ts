/**
 * Renders RELIABILITY.md from the figures of the last full run of the reliability checks
 * (`test/reliability/results/full/*.json`, written by each check when RELIABILITY_FULL=1), as
 * bench/report.ts renders BENCHMARKS.md. `npm run test:reliability` runs the checks and then
 * this. Items of issue 13 with no check in this suite are listed with where they are tested
 * instead, so the page never claims more than was measured.
 *
 *   npx tsx test/reliability/report.ts            # RELIABILITY.md from results/full
 *   npx tsx test/reliability/report.ts --fast     # from the last `npm test` (small counts), to look at
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { CheckFigures } from './figures';
import { resultsDir } from './figures';

type Result = CheckFigures & { full: boolean; at: string; commit: string };

/** The issue's items without a check in this suite: where they are tested, as it stands. */
const ELSEWHERE: Record<number, { title: string; where: string }> = {
  1: { title: 'Webhook secret', where: 'test/reliability/webhook-secret.test.ts (bad requests refused before the body is read, good ones handled) — no figures from a full run yet' },
  5: { title: 'Process crashes', where: 'test/reliability/process-crashes.test.ts (kill -9 under load, and KORPU_TEST_FAULT=after_send) — no figures from a full run yet' },
  6: { title: 'Redis crash', where: 'test/reliability/redis-crash.test.ts (redis-server killed with its append-only file, the reconciliation) — no figures from a full run yet' },
  7: { title: 'Redis gone for a while', where: 'test/reliability/redis-gone.test.ts (webhook 5xx then handled, polling asked to write again) — no figures from a full run yet' },
  8: { title: 'Telegram misbehaving', where: 'test/reliability/telegram-misbehaving.test.ts (429, 5xx, hangs, a 403, send times recorded) — no figures from a full run yet' },
  10: { title: 'Graceful shutdown', where: 'test/reliability/graceful-shutdown.test.ts (SIGTERM under load) — no figures from a full run yet' },
  11: { title: 'Metrics', where: 'test/integration/metrics.test.ts: GET /metrics on its own listener (not served by default), every counter, the backlog watch warning once' },
  12: { title: 'Redis Cluster', where: 'npm run test:cluster (CI runs it after npm test): the integration and end-to-end suites on a local Redis Cluster of three masters (redis-server’s own cluster mode); every key hash-tagged (a person’s conversation, case and effect stream in one of 16 person cells; an office’s, a member of staff’s and each shared family’s keys under tags of their own), every script and transaction on one slot; test/integration/redis-cluster-layout.test.ts shows the layout on a cluster' },
  13: { title: 'Several processes', where: 'test/reliability/web-worker-crashes.test.ts (a web and a worker process killed in turn) — no figures from a full run yet; test/e2e/several-processes.test.ts (two web processes and a worker; a killed worker’s effects taken over); duplicate delivery (item 2) runs over two processes' },
};

/** What the checks found when they were first run, and what was done about it (kept by hand: a finding stays found). */
const FINDINGS = [
  'Fuzzed updates (first fast run): an update whose `from` or `chat` lacked its id, or a tap without a sender, failed inside the features (`Cannot read properties of undefined`) and the person of a malformed private chat got the error message; such updates are now dropped, with a logged line, before any feature reads them (`src/channels/telegram/update-shape.ts`).',
  'Fuzzed updates: a group message with a `text_mention` entity without its `user` failed the group handler; it is now simply no mention.',
  'Fuzzed updates: `/delete` (or `/withdraw`, `/correct`, `/appointment`) as the very first message opened its flow before a language was chosen, at a step that takes no answer; the next typed message failed with “a branch node does not take answers”. The language is now asked first and the flow runs on.',
  'Duplicate delivery (first fast run): a redelivery refused with a 5xx because its first delivery was still in flight in the other process was logged at error level with a stack, as a failed request; it is now answered 503 with `retry-after` and logged as the expected answer it is.',
  'One chat at once (first full run, 200 runs): 6 of 4,000 updates lost 8 compare-and-set races in a row to the other process, under a machine load of about 12, and failed (the person got the error message; by webhook the update was acknowledged unhandled). A conflict from the second on now waits a short random pause, and by webhook an update that still loses every race is answered 503 so that Telegram delivers it again.',
  'Process crashes: an outbox job killed after Telegram accepted its message and before its acknowledgement was sent again when the stalled check handed it back (the review measured 5 of 5). The outbox now notes each accepted message (`outbox:sent:<job>`) before the acknowledgement and does not send a noted job again (KORPU_TEST_FAULT=after_send: 0 sent twice). Left: one Redis round trip between Telegram’s answer and the note, and a notice of several messages cut between them.',
  'Redis crash (fast run): 16 of 100 reminders queued in the second before the kill were not in the append-only file after the restart; nothing rebuilt them. A reconciliation job (`src/reconcile-worker.ts`, every 10 minutes) now rebuilds them from the bookings, and a completed intake’s lost alert and escalation from the case records; all 100 then fired once. (The full run’s kill lost none.)',
  'Redis gone, long polling: a person writing meanwhile was told “something went wrong … your earlier answers are saved”. They are now told there is a temporary problem and to write again in a minute (`common:channel.unavailable`), and it is logged as a warning, not an error.',
  'Telegram misbehaving: a step whose direct reply Telegram did not take (the call held and cut, a 5xx) told the person “something went wrong” and acknowledged the update with a 200: the saved reply was lost. By webhook it is now answered 503 and the redelivery sends the kept reply (whole: its parts already out go again — the 110 “sent again” of the full run). An outbox call Telegram holds now fails after 30 s and is retried (it was held 500 s with its chat’s turn).',
  'Telegram misbehaving: direct replies were not counted by the outbox’s shared limiter, so replies and outbox together reached 65 messages in one second in the full run (the outbox alone 17). Each message sent in direct answer now takes its slot in the same window in Redis (`src/channels/telegram/reply-limit.ts`).',
  'Redis gone (seen while building the reply limit): a command queued while Redis was gone failed only after ioredis 6 had tried to reconnect four times, its backoff growing to 5 s: people who wrote to a polling bot late in a long outage were told to write again after up to about 25 s. Körpü\'s connections now wait at most about a second between attempts (`reconnectDelay`, src/storage/redis-connection.ts), so they are told within seconds, while Redis is still gone (the check now requires it), and the bot is back within a second of Redis.',
  'Redis gone, explained on 6 December: while the reply limit asked Redis for a slot during an outage, people writing to a polling bot were told to write again only once Redis was back (the check once saw 3 of 4 unanswered for 60 s). ioredis runs one auto-pipeline at a time per connection, and a batch waiting for Redis held every later command back until it failed, then for a reconnection cycle of its own; a batch in flight when the connection dropped held them for the whole outage. Auto-pipelining is now off while the connection is down (`src/storage/redis-connection.ts`; an integration test fails before: the second command failed 7 reconnection attempts after it was issued, not within 4). With the reply limit asking Redis meanwhile again (tried), the fast check tells all four while Redis is gone, within 3.6 s.',
  'Redis gone, full run of 6 December (30 s, after the change above): the long-polling bot stopped answering for good once Redis was back. The lease renewals of the outage had waited in the client\'s queue and reached Redis together: the first took the lapsed lease again, the next found it held — by the same process — and gave up polling. Renewals now run one at a time and a lease held by the process itself is its own (`src/storage/polling-lease.ts`; an integration test stops a real redis-server for longer than the lease lives).',
  'Telegram misbehaving: 1 direct reply of 60 people came short of its reference in the full run (and 1 in a fast run). A reply answered 503 because Telegram did not take it was lost when Telegram redelivered the update to the same process: the kept reply was taken for one in flight there, and a resend that failed again had already deleted it. It is now handed back on failure (`release-reply-1.lua`) and deleted only once sent.',
  'Redis Cluster (the first run of the suites on a cluster, 6 December): a case opened with metrics on (as production runs) was drawn outside its conversation’s person cell — the store’s metrics wrapper dropped the drawing — so the commit was refused (CROSSSLOT) and the person got the error message. Every conversation store must now say how it draws case codes (`idsFor` is required of the port).',
  'Redis Cluster: the scripts whose key count is their first argument (the commit, forgetting sent replies, the case index) were auto-pipelined by that count instead of a key and refused; on a cluster they now go unpipelined.',
  'Redis Cluster: a chat’s outbox messages went out of order (the fifth before the first): the outbox’s sent marks, read before each send, lay on different masters, so a later message could reach the limiter first. They are now beside the queue (`{bull}`), and a chat’s messages reach the limiter in the order the worker took them.',
  'Redis Cluster: an erasure’s one transaction held the conversation’s keys with the case’s, which are in another cell when a case worker opened the case on the phone; they are deleted in a write of their own.',
  'Telegram misbehaving, found by CI\'s cluster suite (6 December): 60 people writing at once got up to 57 messages within one second on a loaded machine. A direct reply waited only 250 ms for Redis to hand out its slot and then went without one; and a reply whose slot came late (a slow answer, a timer woken late on a busy event loop) went late for it and bunched with the next ones (31–33 in a second). Reproduced 3 of 3 with both cores kept busy. A reply now waits up to 2 s for its slot, and one sent more than 50 ms late in a busy window takes another overall slot (`src/channels/telegram/reply-limit.ts`): the test held in all 14 runs since under the same load, on the cluster and on one Redis.',
  'Duplicate delivery, full run of 7 December (two processes, the machine at a load of about 8 on 2 cores): 1 of 333 people got a reply twice. A send that took longer than the grace period (REPLY_GRACE_SECONDS) let the copy of the update in the other process take the kept reply for a dead process\'s and send it again, while the first process\'s message was still on its way. A process now marks the reply its own again every third of the grace period while a send of it lasts (`whileSending`, src/intake/conversation-runner.ts); test/e2e/slow-reply-two-processes.test.ts (the fake Bot API answering 4 s late, grace 2 s) fails before.',
];

function load(mode: 'fast' | 'full'): Result[] {
  const dir = resultsDir(mode);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Result)
    .sort((a, b) => a.item - b.item);
}

function render(results: Result[], mode: 'fast' | 'full'): string {
  const byItem = new Map(results.map((r) => [r.item, r]));
  const lines: string[] = [];
  lines.push('# Körpü reliability', '');
  lines.push(
    'Faults caused for real, as issue 13 asks: each check does something to Körpü, says what must',
    'hold, and reports the figure. `npm run test:reliability` runs the checks with the issue’s counts',
    '(RELIABILITY_FULL=1) and rewrites this page from their figures (`test/reliability/report.ts`);',
    '`npm test` runs the same checks with small counts. The checks are in `test/reliability/`.',
    '',
  );
  const last = results.map((r) => r.at).sort().at(-1);
  const commits = [...new Set(results.map((r) => r.commit))].join(', ');
  lines.push(`Last ${mode === 'full' ? 'full' : 'fast (small counts, not the issue’s)'} run: ${last ?? 'none'} at commit ${commits || '–'}, on ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, shared with other work.`, '');
  lines.push('| # | check | held | figure |', '|---|---|---|---|');
  for (let item = 1; item <= 13; item++) {
    const r = byItem.get(item);
    // A check whose full run did not fit is shown from its fast run, and says so.
    if (r) lines.push(`| ${item} | [${r.title}](#${r.check}) | ${r.held ? 'yes' : '**no**'} | ${r.full ? '' : '**Small counts (fast run), not the issue’s:** '}${r.figure.replace(/\|/g, '\\|')} |`);
    else if (ELSEWHERE[item]) lines.push(`| ${item} | ${ELSEWHERE[item]!.title} | – | ${ELSEWHERE[item]!.where} |`);
  }
  lines.push('', 'Item 13’s Docker Compose deployment (docker-compose.yml: web processes behind a proxy, a worker, Redis) is not run here: no Docker engine on this machine.', '');
  lines.push('## Found by these checks, and fixed', '', ...FINDINGS.map((f) => `- ${f}`), '');
  for (const r of results) {
    lines.push(`<a id="${r.check}"></a>`, `## ${r.item}. ${r.title}`, '');
    lines.push(`- **Done:** ${r.done}.`);
    lines.push(`- **Must hold:** ${r.mustHold}.`);
    lines.push(`- **Figure:** ${r.figure}.`);
    lines.push(`- **Held:** ${r.held ? 'yes' : 'NO'} (${r.seconds} s, ${r.at}, commit ${r.commit}${r.full ? '' : ', small counts'}).`, '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

const mode = process.argv.includes('--fast') ? 'fast' : 'full';
const results = load(mode);
if (results.length === 0) {
  process.stderr.write(`reliability report: no figures in ${resultsDir(mode)}: run npm run test:reliability first\n`);
  process.exit(1);
}
const out = mode === 'full' ? join(__dirname, '..', '..', 'RELIABILITY.md') : join(resultsDir('fast'), 'RELIABILITY.md');
writeFileSync(out, render(results, mode));
process.stdout.write(`reliability report: ${out} (${results.length} checks, ${results.filter((r) => r.held).length} held)\n`);
