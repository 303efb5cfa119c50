import type { Redis } from 'ioredis';
import type { Output } from '../core/conversation';
import { DEFAULT_LANG, type Lang } from '../core/lang';
import type { Logger } from '../core/logger';
import type { Notifier, Recipient } from '../core/notifier';
import type { Translator } from '../i18n';
import type { EffectListener } from '../intake/conversation-runner';

/** The outbox id of the notice of a correction (one per effect: a redelivered effect sends once). */
export const correctionNoticeId = (effectId: string): string => `corrected:${effectId}`;

export interface CorrectionNoticesOptions {
  notifier: Notifier;
  translator: Translator;
  logger: Logger;
  /**
   * Who holds a case (their staff id and preferred language, the first of their roster `langs`),
   * if anyone on the roster: they are told, in their language, rather than the whole chat.
   */
  holderOf: (caseCode: string) => Promise<{ staffId: string; lang: Lang } | undefined>;
  /** Language of the notice to the case workers' chat when no `chatLang`: the programme's. */
  lang?: Lang;
  /** Language of the notice to the case workers' chat (CASEWORKER_CHAT_LANG); else `lang`. */
  chatLang?: Lang;
  /** Whether there is a case workers' chat to tell when nobody holds the case. */
  tell?: boolean;
  /** Channels whose cases are told about (the simulator's are staff trying flows). */
  channels: readonly string[];
  /**
   * Corrections made in a row told in one notice: each correction gathers its fields under
   * `key(caseCode)` and queues a notice naming all gathered so far, `delayMs` later, taking back
   * (`cancel`) the one queued before it if not yet sent. Without it, one notice per correction.
   */
  gather?: { redis: Redis; key: (caseCode: string) => string; delayMs: number; cancel: (id: string) => Promise<unknown> };
}

/**
 * Tells the case worker holding a case (else the case workers' chat) that the person corrected
 * some of their details (/correct): the case code and the names of the fields that changed, in
 * the reader's language (the holder's own, else the chat's), never the values (they are in the case file, encrypted). The notice
 * carries no `caseCode` of its own, like the other rights notices, so that clearing a case's
 * queued messages at an erasure never takes it.
 *
 * With `gather`, five details corrected one after another make one notice naming the five: it
 * goes `delayMs` after the last correction (each one replaces the notice still waiting by a
 * fuller one). Without, one notice per correction, idempotent by the effect's id. A correction
 * delivered twice queues the same fields again and takes back the first: still one notice.
 */
export function createCorrectionNotices(o: CorrectionNoticesOptions): EffectListener {
  const channels = new Set(o.channels);
  return async (effect, context) => {
    if (effect.type !== 'data_corrected' || !channels.has(context.channel)) return;
    const holder = await o.holderOf(effect.caseCode);
    if (!holder && o.tell === false) return;
    const to: Recipient = holder ? { type: 'staff', staffId: holder.staffId } : { type: 'caseworkers' };
    const lang = holder ? holder.lang : (o.chatLang ?? o.lang ?? DEFAULT_LANG);
    // The consent option is named with the letter now in force (a worker must stop using a name at once under A or B).
    const name = (f: string, option: string | undefined): string =>
      f === 'consent' ? o.translator.t(lang, 'rights:notice.consent_option', { option: option ?? '' }) : o.translator.t(lang, `rights:mydata.label.${f}`);
    const notice = (fields: readonly string[], option: string | undefined = effect.consent): Output => {
      const names = fields.map((f) => name(f, option)).join(', ');
      return { type: 'message', text: [{ plain: o.translator.t(lang, 'rights:notice.corrected', { code: effect.caseCode, fields: names }) }] };
    };
    if (!o.gather) {
      await o.notifier.notify({ id: correctionNoticeId(effect.id), to, lang, output: notice(effect.fields), kind: 'notice' });
      o.logger.info({ case: effect.caseCode, fields: effect.fields, to: to.type }, 'caseworkers: correction notice queued');
      return;
    }
    const { redis, key, delayMs, cancel } = o.gather;
    const k = key(effect.caseCode);
    // Field names only (never values), each with the order it was first corrected in; gone a moment after the notice.
    // The run of corrections is named by its first one's effect id: the outbox keeps sent ids a
    // day, so a later run's notices need ids of their own.
    const tx = redis.multi().hsetnx(k, 'run', effect.id).hincrby(k, 'seq', 1);
    effect.fields.forEach((f, i) => tx.hsetnx(k, `f:${f}`, String(Date.now() * 100 + i)));
    // The option last chosen is the one told (A then C in a row: "now C").
    if (effect.consent) tx.hset(k, 'consent', effect.consent);
    tx.pexpire(k, delayMs).hgetall(k);
    const replies = (await tx.exec()) ?? [];
    const seq = Number(replies[1]?.[1] ?? 1);
    const gathered = (replies.at(-1)?.[1] ?? {}) as Record<string, string>;
    const run = gathered.run ?? effect.id;
    const fields = Object.entries(gathered).filter(([f]) => f.startsWith('f:')).sort((a, b) => Number(a[1]) - Number(b[1])).map(([f]) => f.slice(2));
    await o.notifier.notify({ id: gatheredNoticeId(run, seq), to, lang, output: notice(fields.length ? fields : effect.fields, gathered.consent ?? effect.consent), kind: 'notice' }, { delayMs });
    // Queued first, then the one before taken back: a crash between them tells twice, never not at all.
    if (seq > 1) await cancel(gatheredNoticeId(run, seq - 1));
    o.logger.info({ case: effect.caseCode, fields, to: to.type }, 'caseworkers: correction notice queued');
  };
}

/** The outbox id of the `seq`-th notice of a run of corrections (`run`: its first correction's effect id). */
export const gatheredNoticeId = (run: string, seq: number): string => `corrected:${run}:${seq}`;
