import { Composer } from 'grammy';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { can, logRefusal, staffRef, type Action } from '../../caseworkers/guard';
import { RoleSchema, TelegramIdSchema, type CaseWorker, type StaffMember } from '../../caseworkers/roster';
import type { Office } from '../../config/offices';
import { systemClock } from '../../core/clock';
import { DEFAULT_LANG, LangSchema, SUPPORTED_LANGS, suggestLang, type Lang } from '../../core/lang';
import type { Logger } from '../../core/logger';
import type { Translator } from '../../i18n';
import { splitText } from './split-text';
import type { BotContext, CaseworkerOptions } from './types';

/** Staff commands and the action each needs (guard.ts says which roles may do it). */
export const CASEWORKER_COMMANDS = {
  roster: 'view_roster',
  roster_add: 'manage_roster',
  roster_remove: 'manage_roster',
  today: 'view_today',
} as const satisfies Record<string, Action>;
export type CaseworkerCommand = keyof typeof CASEWORKER_COMMANDS;

/** What the composer works with (createTelegramBot adds the core's translator and its logger). */
export interface CaseworkerCommandsDeps extends CaseworkerOptions {
  translator: Translator;
  logger: Logger;
}

/** One staff command being run, by someone allowed to. */
interface Run {
  deps: CaseworkerCommandsDeps;
  member: StaffMember;
  lang: Lang;
  /** The text after the command. */
  args: string;
  t: (key: string, params?: Record<string, unknown>) => string;
}

/**
 * The case workers' commands, in private chats with the bot. Register it before the person's
 * conversation (`privateConversation`).
 *
 * - someone not on the roster (nor in ADMIN_TELEGRAM_IDS) is refused: the attempt is logged
 *   with their pseudonymised Telegram id and the command, and the update goes on to the
 *   conversation, which answers exactly as to any unknown command (so the bot does not reveal
 *   that staff commands exist);
 * - a member whose role may not run the command gets `caseworker:refused.not_allowed`, logged
 *   the same way;
 * - everything else is answered in the worker's first language (`caseworker:*`).
 *
 * Names of staff are shown to admins in `/roster` but never logged; roster changes are logged
 * with pseudonyms of both ids.
 */
export function caseworkerCommands(deps: CaseworkerCommandsDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const chats = composer.chatType('private');
  for (const command of Object.keys(CASEWORKER_COMMANDS) as CaseworkerCommand[]) {
    const action = CASEWORKER_COMMANDS[command];
    chats.command(command, async (ctx, next) => {
      const from = ctx.from;
      if (!from) return next();
      const member = await deps.roster.member(from.id);
      if (!member) {
        logRefusal(deps.logger, deps.cipher, { telegramId: from.id, command, action });
        return next();
      }
      const lang = member.worker?.langs[0] ?? suggestLang(from.language_code) ?? DEFAULT_LANG;
      ctx.korpu.lang = lang;
      const t = (key: string, params?: Record<string, unknown>) => deps.translator.t(lang, key, params);
      const reply = async (text: string) => {
        for (const part of splitText(text)) await ctx.reply(part);
      };
      if (!can(member, action)) {
        logRefusal(deps.logger, deps.cipher, { telegramId: from.id, command, action, role: member.role });
        return reply(t('caseworker:refused.not_allowed', { role: t(`caseworker:role.${member.role}`), command }));
      }
      await reply(await HANDLERS[command]({ deps, member, lang, args: ctx.match, t }));
    });
  }
  return composer;
}

const HANDLERS: Record<CaseworkerCommand, (run: Run) => Promise<string>> = {
  roster: showRoster,
  roster_add: addToRoster,
  roster_remove: removeFromRoster,
  today: showToday,
};

async function showRoster({ deps, t }: Run): Promise<string> {
  const workers = await deps.roster.list();
  const listed = new Set(workers.map((w) => w.telegramId));
  const bootstrap = deps.roster.bootstrapAdmins().filter((id) => !listed.has(id));
  if (workers.length === 0 && bootstrap.length === 0) return t('caseworker:roster.empty');
  return [
    t('caseworker:roster.title', { n: workers.length + bootstrap.length }),
    ...workers.map((w) => t('caseworker:roster.line', describe(t, w))),
    ...bootstrap.map((id) => t('caseworker:roster.bootstrap_line', { id })),
  ].join('\n');
}

function describe(t: Run['t'], w: CaseWorker): Record<string, string | number> {
  return { name: w.name, id: w.telegramId, role: t(`caseworker:role.${w.role}`), office: w.office, langs: w.langs.join(', ') };
}

/** The arguments of `/roster_add`, in the order they are written. */
const ADD_FIELDS = ['telegramId', 'role', 'office', 'langs', 'name'] as const;

function addArgsSchema(offices: readonly Office[]) {
  const ids = new Set(offices.map((o) => o.id));
  return z.object({
    telegramId: z.string().regex(/^\d{1,15}$/).transform(Number).pipe(TelegramIdSchema),
    role: z.string().transform((s) => s.toLowerCase()).pipe(RoleSchema),
    office: z.string().transform((s) => s.toLowerCase()).refine((id) => ids.has(id)),
    langs: z
      .string()
      .transform((s) => [...new Set(s.toLowerCase().split(',').map((l) => l.trim()).filter(Boolean))])
      .pipe(z.array(LangSchema).min(1)),
    name: z.string().trim().min(1).max(100),
  });
}

async function addToRoster({ deps, member, args, t }: Run): Promise<string> {
  const offices = deps.offices.map((o) => o.id).join(', ');
  const usage = t('caseworker:roster_add.usage', { office: deps.offices[0]?.id ?? 'baku', offices, langs: SUPPORTED_LANGS.join(', ') });
  const words = args.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return usage;
  const [telegramId, role, office, langs, ...name] = words;
  const parsed = addArgsSchema(deps.offices).safeParse({ telegramId, role, office, langs, name: name.join(' ') });
  if (!parsed.success) {
    const wrong = new Set(parsed.error.issues.map((i) => i.path[0]));
    const problems = ADD_FIELDS.filter((f) => wrong.has(f)).map((f) => t(`caseworker:roster_add.invalid.${f}`, { offices, langs: SUPPORTED_LANGS.join(', ') }));
    return [t('caseworker:roster_add.problems'), ...problems, '', usage].join('\n');
  }
  const a = parsed.data;
  if (a.telegramId === member.telegramId && a.role !== 'admin' && !member.bootstrapAdmin) return t('caseworker:roster.cannot_demote_self');
  const worker: CaseWorker = { telegramId: a.telegramId, name: a.name, langs: a.langs, office: a.office, role: a.role, addedAt: (deps.clock ?? systemClock).now(), addedBy: member.telegramId };
  const created = await deps.roster.put(worker);
  deps.logger.info({ by: staffRef(deps.cipher, member.telegramId), worker: staffRef(deps.cipher, a.telegramId), role: a.role, office: a.office, created }, 'caseworkers: roster entry saved');
  return t(created ? 'caseworker:roster.added' : 'caseworker:roster.updated', describe(t, worker));
}

async function removeFromRoster({ deps, member, args, t }: Run): Promise<string> {
  const parsed = z.string().trim().regex(/^\d{1,15}$/).transform(Number).pipe(TelegramIdSchema).safeParse(args);
  if (!parsed.success) return t('caseworker:roster_remove.usage');
  const id = parsed.data;
  if (id === member.telegramId && !member.bootstrapAdmin) return t('caseworker:roster.cannot_remove_self');
  const removed = await deps.roster.remove(id);
  if (removed) deps.logger.info({ by: staffRef(deps.cipher, member.telegramId), worker: staffRef(deps.cipher, id) }, 'caseworkers: roster entry removed');
  const lines = [t(removed ? 'caseworker:roster.removed' : 'caseworker:roster.not_found', { id })];
  if (deps.roster.bootstrapAdmins().includes(id)) lines.push(t('caseworker:roster.still_admin', { id }));
  return lines.join('\n');
}

/** Today's appointments at the worker's office, in time order, times local to the office. */
async function showToday({ deps, member, lang, t }: Run): Promise<string> {
  const officeId = member.worker?.office;
  if (officeId === undefined) return t('caseworker:today.no_office');
  const office = deps.offices.find((o) => o.id === officeId);
  if (!office) return t('caseworker:today.unknown_office', { office: officeId });
  const now = DateTime.fromJSDate((deps.clock ?? systemClock).now(), { zone: office.timeZone });
  const params = { office: office.name[lang], date: now.toFormat('dd.MM.yyyy') };
  const day = await deps.bookings.day(office.id, now.toISODate()!);
  const bookings = await Promise.all(day.map((d) => deps.bookings.get(d.caseCode)));
  const lines = bookings.flatMap((b) => {
    // The day index drops cancelled bookings; a booking gone missing is skipped, not guessed.
    if (!b || b.status === 'cancelled') return [];
    const state = b.status === 'attended' || b.status === 'no_show' ? b.status : b.confirmed ? 'confirmed' : 'not_confirmed';
    const spoken = LangSchema.safeParse(b.lang);
    return [
      t('caseworker:today.line', {
        time: DateTime.fromJSDate(b.start, { zone: office.timeZone }).toFormat('HH:mm'),
        code: b.caseCode,
        language: spoken.success ? t(`common:language_name.${spoken.data}`) : b.lang,
        state: t(`caseworker:today.state.${state}`),
      }),
    ];
  });
  if (lines.length === 0) return t('caseworker:today.empty', params);
  return [t('caseworker:today.title', { ...params, n: lines.length }), ...lines].join('\n');
}
