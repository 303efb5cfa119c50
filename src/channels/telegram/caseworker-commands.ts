import type { Composer } from 'grammy';
import { addStaff, AUDIT_ACTIONS, changeStaff, listRoster, readAudit, reassignCase, releaseCase, removeStaff, todaysMeetings, type AuditLine, type CaseWorker, type DeskDeps, type StaffLookup, type StaffMember, type StaffRefusal } from '../../caseworkers/desk';
import { can, logRefusal, type Action } from '../../caseworkers/guard';
import { DEFAULT_LANG, SUPPORTED_LANGS, suggestLang, type Lang } from '../../core/lang';
import { languageNameIn } from '../../i18n/language-names';
import type { Logger } from '../../core/logger';
import type { FieldCipher } from '../../storage/field-cipher';
import { KorpuComposer } from './composer';
import { splitText } from './split-text';
import type { BotContext } from './types';

/** Staff commands and the action each needs (guard.ts says which roles may do it). */
export const CASEWORKER_COMMANDS = {
  roster: 'view_roster',
  roster_add: 'manage_roster',
  roster_change: 'manage_roster',
  roster_remove: 'manage_roster',
  today: 'view_today',
  release: 'claim_case',
  reassign: 'reassign_case',
  audit: 'view_audit',
} as const satisfies Record<string, Action>;
export type CaseworkerCommand = keyof typeof CASEWORKER_COMMANDS;

/** What the composer works with; createTelegramBot builds it. */
export interface CaseworkerCommandsDeps {
  /** The desk the commands call. */
  desk: DeskDeps;
  /** Turns the sender's Telegram account (and a command's Telegram id argument) into a member of staff. */
  roster: Pick<StaffLookup, 'byTelegram'>;
  /** Pseudonymises Telegram user ids in the logs of refusals. */
  cipher: Pick<FieldCipher, 'pseudonym'>;
  logger: Logger;
}

/** One staff command being run, by a member of staff. */
interface Run {
  deps: CaseworkerCommandsDeps;
  member: StaffMember;
  lang: Lang;
  /** The text after the command. */
  args: string;
  t: (key: string, params?: Record<string, unknown>) => string;
  /** The answer to a refusal of the desk (a role's is logged as before). */
  refused: (r: StaffRefusal) => string;
}

/**
 * The case workers' commands, in private chats with the bot. Register it before the person's
 * conversation (`privateConversation`). The composer decodes the command, resolves the sender
 * on the roster, calls the desk (listRoster, addStaff, changeStaff, removeStaff,
 * todaysMeetings, readAudit, …: they check the role) and writes the answer.
 *
 * - someone not on the roster (nor in ADMIN_TELEGRAM_IDS) is refused: the attempt is logged
 *   with their pseudonymised Telegram id and the command, and the update goes on to the
 *   conversation, which answers exactly as to any unknown command (so the bot does not reveal
 *   that staff commands exist);
 * - a member whose role may not run the command gets `caseworker:refused.not_allowed`, logged
 *   the same way;
 * - everything else is answered in the worker's first language (`caseworker:*`).
 *
 * Names of staff are shown to admins in `/roster` but never logged.
 */
export function caseworkerCommands(deps: CaseworkerCommandsDeps): Composer<BotContext> {
  const composer = new KorpuComposer<BotContext>();
  const chats = composer.chatType('private');
  for (const command of Object.keys(CASEWORKER_COMMANDS) as CaseworkerCommand[]) {
    const action = CASEWORKER_COMMANDS[command];
    chats.command(command, async (ctx, next) => {
      const from = ctx.from;
      if (!from) return next();
      const member = await deps.roster.byTelegram(from.id);
      if (!member) {
        logRefusal(deps.logger, deps.cipher, { telegramId: from.id, command, action });
        return next();
      }
      const lang = member.worker?.langs[0] ?? suggestLang(from.language_code) ?? DEFAULT_LANG;
      ctx.korpu.lang = lang;
      const t = (key: string, params?: Record<string, unknown>) => deps.desk.translator.t(lang, key, params);
      const refused = (r: StaffRefusal): string => {
        logRefusal(deps.logger, deps.cipher, { telegramId: from.id, command, action, ...(r.reason === 'forbidden' ? { role: r.role } : {}) });
        return t('caseworker:refused.not_allowed', { role: t(`caseworker:role.${member.role}`), command });
      };
      const text = await HANDLERS[command]({ deps, member, lang, args: ctx.match, t, refused });
      for (const part of splitText(text)) await ctx.reply(part);
    });
  }
  // /help from a member of staff: their own commands (the person's /help is for people).
  chats.command('help', async (ctx, next) => {
    const member = ctx.from ? await deps.roster.byTelegram(ctx.from.id) : undefined;
    if (!member) return next();
    const lang = member.worker?.langs[0] ?? suggestLang(ctx.from?.language_code) ?? DEFAULT_LANG;
    ctx.korpu.lang = lang;
    await ctx.reply(staffHelp(member, (key) => deps.desk.translator.t(lang, key)));
  });
  return composer;
}

/** The lines of the staff /help, each with the action it needs (none: every member). */
const HELP_LINES: readonly [key: string, action?: Action][] = [
  ['today', 'view_today'],
  ['talk', 'talk_to_person'],
  ['release', 'claim_case'],
  ['reassign', 'reassign_case'],
  ['call', 'phone_intake'],
  ['dashboard', 'use_workspace'],
  ['roster', 'manage_roster'],
  ['audit', 'view_audit'],
  ['person'],
];

/** What a member of staff can do with the bot, as their role allows (`caseworker:help.*`). */
export function staffHelp(member: Pick<StaffMember, 'role'>, t: (key: string) => string): string {
  const lines = HELP_LINES.filter(([, action]) => !action || can(member, action)).map(([key]) => t(`caseworker:help.${key}`));
  return [t('caseworker:help.title'), ...lines].join('\n');
}

const HANDLERS: Record<CaseworkerCommand, (run: Run) => Promise<string>> = {
  roster: showRoster,
  roster_add: addToRoster,
  roster_change: changeOnRoster,
  roster_remove: removeFromRoster,
  today: showToday,
  release: release,
  reassign: reassign,
  audit: showAudit,
};

/** A case code as the alerts show it. */
const CASE_CODE = /^[A-Z0-9]{2,4}(?:-[A-Z0-9]{3,8}){1,3}$/;

/** `/release <case code>`: the holder gives their case back; a supervisor anyone's. */
async function release(run: Run): Promise<string> {
  const { deps, t } = run;
  const code = run.args.trim().toUpperCase();
  if (!CASE_CODE.test(code)) return t('caseworker:release.usage');
  const r = await releaseCase(deps.desk, actor(run), { caseCode: code });
  if (r.ok) return t('caseworker:release.done', { code });
  if (r.reason === 'not_claimed') return t('caseworker:release.not_claimed', { code });
  if (r.reason === 'not_holder') return t('caseworker:release.not_holder', { code });
  if (r.reason === 'case_closed') return t('caseworker:refused.case_closed', { code });
  return run.refused(r);
}

/** `/reassign <case code> <telegram id>`: a supervisor gives a case to a worker of its office. */
async function reassign(run: Run): Promise<string> {
  const { deps, t } = run;
  const [rawCode, rawId] = run.args.trim().split(/\s+/);
  const code = (rawCode ?? '').toUpperCase();
  if (!CASE_CODE.test(code) || !/^[1-9]\d{0,14}$/.test(rawId ?? '')) return t('caseworker:reassign.usage');
  const id = Number(rawId);
  const target = await deps.roster.byTelegram(id);
  if (!target) return t('caseworker:roster.not_found', { id });
  const r = await reassignCase(deps.desk, actor(run), { caseCode: code, to: { staffId: target.staffId } });
  if (r.ok) return t('caseworker:reassign.done', { code, name: target.worker?.name ?? `id ${id}` });
  if (r.reason === 'not_found') return t('caseworker:reassign.not_found', { code });
  if (r.reason === 'invalid_target' || r.reason === 'target_other_office') return t('caseworker:reassign.invalid_target', { id });
  if (r.reason === 'case_closed') return t('caseworker:refused.case_closed', { code });
  return run.refused(r);
}

const KNOWN_ACTIONS: ReadonlySet<string> = new Set(AUDIT_ACTIONS);

/**
 * `/audit <case code>`: the case's audit trail for an admin, newest first, in their language:
 * when (UTC), who (staff by name, the person, or Körpü) and what.
 */
async function showAudit(run: Run): Promise<string> {
  const { deps, t } = run;
  const code = run.args.trim().toUpperCase();
  if (!CASE_CODE.test(code)) return t('caseworker:audit.usage');
  const r = await readAudit(deps.desk, actor(run), { caseCode: code });
  if (!r.ok) return r.reason === 'no_trail' ? t('caseworker:audit.no_trail') : run.refused(r);
  if (r.lines.length === 0) return t('caseworker:audit.empty', { code });
  return [t('caseworker:audit.title', { code, n: r.lines.length }), ...r.lines.map((l) => auditLine(t, l))].join('\n');
}

function auditLine(t: Run['t'], l: AuditLine): string {
  const who = l.by.kind === 'staff' ? l.by.name : t(`caseworker:audit.by.${l.by.kind}`);
  const what = KNOWN_ACTIONS.has(l.action) ? t(`caseworker:audit.action.${l.action}`, { to: l.toName ?? '' }) : l.action;
  // Minutes in UTC: the trail is read across offices, and its times compare with logs.
  const time = `${l.at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return t('caseworker:audit.line', { time, who, what });
}

const actor = (run: Run) => ({ staffId: run.member.staffId });

async function showRoster(run: Run): Promise<string> {
  const { t } = run;
  const r = await listRoster(run.deps.desk, actor(run));
  if (!r.ok) return run.refused(r);
  if (r.workers.length === 0 && r.admins.length === 0) return t('caseworker:roster.empty');
  return [
    t('caseworker:roster.title', { n: r.workers.length + r.admins.length }),
    ...r.workers.map((w) => t('caseworker:roster.line', describe(t, w))),
    ...r.admins.map((a) => t('caseworker:roster.bootstrap_line', { id: a.telegramId })),
  ].join('\n');
}

function describe(t: Run['t'], w: CaseWorker): Record<string, string | number> {
  return { name: w.name, id: w.telegramId, role: t(`caseworker:role.${w.role}`), office: w.office, langs: w.langs.join(', ') };
}

/** The words of `/roster_add` and `/roster_change`: `<telegram id> <role> <office> <langs> <name>`. */
function staffArgs(args: string): { id: string; telegramId: number; fields: { role: string; office: string; langs: string[]; name: string } } | undefined {
  const words = args.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return undefined;
  const [id = '', role = '', office = '', langs = '', ...name] = words;
  const telegramId = /^\d{1,15}$/.test(id) ? Number(id) : Number.NaN;
  return { id, telegramId, fields: { role, office, langs: langs.split(','), name: name.join(' ') } };
}

/** The wrong fields of `/roster_add` or `/roster_change`, one line each, under `problems` and above the usage. */
function problems(run: Run, command: 'roster_add' | 'roster_change', fields: readonly string[], usage: string): string {
  const offices = run.deps.desk.offices.map((o) => o.id).join(', ');
  const lines = fields.map((f) => run.t(`caseworker:roster_add.invalid.${f}`, { offices, langs: SUPPORTED_LANGS.join(', ') }));
  return [run.t(`caseworker:${command}.problems`), ...lines, '', usage].join('\n');
}

function usageOf(run: Run, command: 'roster_add' | 'roster_change'): string {
  const offices = run.deps.desk.offices.map((o) => o.id).join(', ');
  return run.t(`caseworker:${command}.usage`, { office: run.deps.desk.offices[0]?.id ?? 'baku', offices, langs: SUPPORTED_LANGS.join(', ') });
}

/**
 * `/roster_add <telegram id> <role> <office> <langs> <name>`: puts someone new on the roster
 * (addStaff). An account on the roster already is refused as the workspace's "Add" refuses it
 * (`already_on_roster`): nothing changes, and the answer names the member as they are and gives
 * the `/roster_change` line that would change them, filled in with their entry. The desk checks
 * the fields; this names the wrong ones.
 */
async function addToRoster(run: Run): Promise<string> {
  const { deps, t } = run;
  const usage = usageOf(run, 'roster_add');
  const given = staffArgs(run.args);
  if (!given) return usage;
  const r = await addStaff(deps.desk, actor(run), { telegramId: given.telegramId, ...given.fields });
  if (r.ok) return t('caseworker:roster.added', describe(t, r.worker));
  switch (r.reason) {
    case 'invalid':
      return problems(run, 'roster_add', r.fields, usage);
    case 'already_on_roster': {
      const w = r.existing;
      const command = `/roster_change ${w.telegramId} ${w.role} ${w.office} ${w.langs.join(',')} ${w.name}`;
      return t('caseworker:roster.already_on_roster', { ...describe(t, w), command });
    }
    default:
      return run.refused(r);
  }
}

/**
 * `/roster_change <telegram id> <role> <office> <langs> <name>`: changes the entry of someone on
 * the roster (changeStaff), every field as given; they keep their staff id and their cases, but
 * for those of an office they were moved away from, which go back to the case workers' chat.
 */
async function changeOnRoster(run: Run): Promise<string> {
  const { deps, t } = run;
  const usage = usageOf(run, 'roster_change');
  const given = staffArgs(run.args);
  if (!given) return usage;
  if (!Number.isSafeInteger(given.telegramId)) return problems(run, 'roster_change', ['telegramId'], usage);
  const target = await deps.roster.byTelegram(given.telegramId);
  // A bootstrap admin without an entry has nothing to change: they are added with /roster_add.
  if (!target?.worker) return t('caseworker:roster_change.not_found', { id: given.telegramId });
  const r = await changeStaff(deps.desk, actor(run), { staff: { staffId: target.staffId }, ...given.fields });
  if (r.ok) {
    const lines = [t('caseworker:roster.updated', describe(t, r.worker))];
    // Moved to another office, or made a case worker: the cases out of their reach went back to the group.
    if (r.released.length > 0) lines.push(t(r.why === 'role_change' ? 'caseworker:roster.released_role' : 'caseworker:roster.released_moved', { codes: r.released.join(', '), count: r.released.length }));
    return lines.join('\n');
  }
  switch (r.reason) {
    case 'invalid':
      return problems(run, 'roster_change', r.fields, usage);
    case 'self_demotion':
      return t('caseworker:roster.cannot_demote_self');
    case 'not_found':
      return t('caseworker:roster_change.not_found', { id: given.telegramId });
    default:
      return run.refused(r);
  }
}

/** `/roster_remove <telegram id>`. */
async function removeFromRoster(run: Run): Promise<string> {
  const { deps, args, t } = run;
  // A Telegram user id: a positive integer, at most 15 digits (below 2^53).
  if (!/^[1-9]\d{0,14}$/.test(args.trim())) return t('caseworker:roster_remove.usage');
  const id = Number(args.trim());
  const target = await deps.roster.byTelegram(id);
  if (!target) return t('caseworker:roster.not_found', { id });
  const r = await removeStaff(deps.desk, actor(run), { staff: { staffId: target.staffId } });
  if (!r.ok) {
    if (r.reason === 'self_removal') return t('caseworker:roster.cannot_remove_self');
    if (r.reason === 'not_found') return t('caseworker:roster.not_found', { id });
    return run.refused(r);
  }
  const lines = [t(r.removed ? 'caseworker:roster.removed' : 'caseworker:roster.not_found', { id, name: target.worker?.name ?? String(id) })];
  if (r.stillAdmin) lines.push(t('caseworker:roster.still_admin', { id }));
  if (r.released.length > 0) lines.push(t('caseworker:roster.released', { codes: r.released.join(', '), count: r.released.length }));
  // Still in the case workers' chat, they would go on reading its alerts: the admin removes them there.
  if (r.chat === 'failed') lines.push(t('caseworker:roster.chat_not_left'));
  return lines.join('\n');
}

/** Today's appointments at the worker's office, in time order, times local to the office. */
async function showToday(run: Run): Promise<string> {
  const { t, lang } = run;
  const r = await todaysMeetings(run.deps.desk, actor(run));
  if (!r.ok) {
    if (r.reason === 'no_office') return t('caseworker:today.no_office');
    if (r.reason === 'unknown_office') return t('caseworker:today.unknown_office', { office: r.office });
    return run.refused(r);
  }
  const params = { office: r.office.name[lang], date: r.date };
  if (r.meetings.length === 0) return t('caseworker:today.empty', params);
  const lines = r.meetings.map((m) => {
    return t('caseworker:today.line', { time: m.time, code: m.caseCode, language: languageNameIn(lang, m.lang), state: t(`caseworker:today.state.${m.state}`) });
  });
  return [t('caseworker:today.title', { ...params, n: lines.length }), ...lines].join('\n');
}
