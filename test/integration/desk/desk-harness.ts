import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { CaseIndex } from '../../../src/caseworkers/case-index';
import { createDeskDeps, type AuditEntry, type DeskDeps } from '../../../src/caseworkers/desk';
import { RosterStore, type NewCaseWorker, type Role } from '../../../src/caseworkers/roster';
import type { Office } from '../../../src/config/offices';
import type { Lang } from '../../../src/core/lang';
import type { Notice, Notifier } from '../../../src/core/notifier';
import type { StaffRef } from '../../../src/core/staff';
import { createTranslator } from '../../../src/i18n';
import { BookingStore } from '../../../src/scheduling/booking-store';
import { slotIdAt } from '../../../src/scheduling/slot-id';
import { sealContact } from '../../../src/storage/case-contact';
import { FieldCipher } from '../../../src/storage/field-cipher';
import { redisKeys, type RedisKeys } from '../../../src/storage/keys';
import { testOffice } from '../../helpers/office';
import { dropPrefix, testPrefix, testRedis } from '../../helpers/redis';

/** The in-memory Notifier of the desk tests: it records every notice (once per id, as the port promises). */
export class RecordingNotifier implements Notifier {
  readonly notices: Notice[] = [];
  async notify(notice: Notice): Promise<void> {
    if (!this.notices.some((n) => n.id === notice.id)) this.notices.push(notice);
  }
  /** The notices to one kind of recipient. */
  to(type: Notice['to']['type']): Notice[] {
    return this.notices.filter((n) => n.to.type === type);
  }
}

export const baku = testOffice();
export const ganja = testOffice({ id: 'ganja', name: { az: 'Gəncə ofisi', ru: 'Гянджинский офис', en: 'Ganja office' } });
/** An ADMIN_TELEGRAM_IDS admin without a roster entry. */
export const BOOTSTRAP_ADMIN = 900_000_001;

const member = (telegramId: number, name: string, role: Role, office: string, langs: Lang[] = ['az']): NewCaseWorker => ({ telegramId, name, role, office, langs, addedAt: new Date(0), addedBy: BOOTSTRAP_ADMIN });

/**
 * The desk on a real Redis (random prefix), with a recording notifier, a recording audit log,
 * escalations that record their cancels and re-arms, reminders that record their removals, a movable clock
 * and logs kept for assertions.
 * Staff: Aysel and Nigar (case workers in Baku), Rauf (case worker in Ganja), Leyla (supervisor),
 * Kamran (admin), and a bootstrap admin. `index`: with the case list's index, reindexed after each write.
 */
export async function startDesk(o: { index?: boolean } = {}) {
  const redis: Redis = testRedis();
  const prefix = testPrefix();
  const keys: RedisKeys = redisKeys(prefix);
  const cipher = new FieldCipher(randomBytes(32));
  const roster = new RosterStore(redis, prefix, { admins: [BOOTSTRAP_ADMIN] });
  const bookings = new BookingStore(redis, prefix);
  const notifier = new RecordingNotifier();
  const audit: AuditEntry[] = [];
  const cancelled: string[] = [];
  /** Escalations armed again by a release, as `<case code> <released at (ISO)>`. */
  const rearmed: string[] = [];
  /** Reminders removed, as `<case code> <slot>`. */
  const unscheduled: string[] = [];
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write: (chunk, _enc, done) => void (logs.push(String(chunk)), done()) }));
  let now = new Date('2026-11-24T08:00:00Z');
  const clock = { now: () => now };
  const index = o.index ? new CaseIndex(redis, keys) : undefined;
  const desk: DeskDeps = createDeskDeps({
    redis, keys, cipher, roster, bookings, notifier, translator: createTranslator(), offices: [baku, ganja], clock, logger,
    escalations: { cancel: async (code) => (cancelled.push(code), true), rearm: async (code, at) => (rearmed.push(`${code} ${at.toISOString()}`), at) },
    reminders: { unschedule: async (code, slot) => void unscheduled.push(`${code} ${slot}`) },
    audit: { record: async (e) => void audit.push(e) },
    ...(index ? { index } : {}),
  });
  const ref = async (w: NewCaseWorker): Promise<StaffRef> => ({ staffId: (await roster.save(w)).worker.staffId });
  const staff = {
    aysel: await ref(member(610_000_001, 'Aysel Quliyeva', 'caseworker', 'baku', ['en'])),
    nigar: await ref(member(610_000_002, 'Nigar Həsənova', 'caseworker', 'baku', ['ru', 'az'])),
    rauf: await ref(member(610_000_003, 'Rauf Məmmədov', 'caseworker', 'ganja')),
    leyla: await ref(member(610_000_004, 'Leyla Əliyeva', 'supervisor', 'baku')),
    kamran: await ref(member(610_000_005, 'Kamran Rzayev', 'admin', 'baku', ['en'])),
    bootstrap: { staffId: (await roster.byTelegram(BOOTSTRAP_ADMIN))!.staffId },
    /** Someone who is not (or no longer) on the roster. */
    stranger: { staffId: 's-0123456789abcdef' },
  };

  /** A case as the intake leaves it: language, status, the person's Telegram contact (sealed). */
  async function seedCase(code: string, o: { lang?: Lang; office?: Office; start?: Date } = {}): Promise<void> {
    await redis.hset(keys.case(code), { code, lang: o.lang ?? 'ru', status: 'intake_completed', intake_completed_at: '2026-11-24T07:00:00.000Z', contact: sealContact(cipher, code, { channel: 'telegram', chatId: '555' }), 'f:first_name': cipher.encrypt('Olena', `${code}:first_name`) });
    if (o.office) {
      const start = o.start ?? new Date('2026-11-25T06:00:00Z');
      await bookings.book(o.office, { id: slotIdAt(o.office, start), office: o.office.id, start, end: new Date(start.getTime() + 3_600_000) }, code, o.lang ?? 'ru', now);
    }
  }

  return {
    redis, prefix, keys, cipher, roster, bookings, notifier, audit, cancelled, rearmed, unscheduled, logs, desk, staff, seedCase, index,
    /** Moves the desk's clock. */
    setNow: (d: Date) => void (now = d),
    close: async () => {
      await dropPrefix(redis, prefix);
      await redis.quit();
    },
  };
}
export type Desk = Awaited<ReturnType<typeof startDesk>>;
