import type { Redis } from 'ioredis';
import { PERSON, type AuditEntry } from '../core/audit';
import { systemClock, type Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { RedisKeys } from '../storage/keys';
import { eraseCase, type EraseCaseDeps, type PendingWork } from './erase-case';
import type { EffectListener } from './conversation-runner';

export interface RightsEffectsOptions extends EraseCaseDeps {
  redis: Redis;
  keys: RedisKeys;
  logger: Logger;
  /** Where reminders, nudges and follow-ups wait (absent without a bot: nothing is scheduled then). */
  pending?: readonly PendingWork[];
  /**
   * The audit trail: the correction, the withdrawal and the erasure are recorded there (by
   * `person`, once per effect id), when the deployment keeps one.
   */
  audit?: { record(entry: AuditEntry, o?: { once?: string }): Promise<void> };
  clock?: Clock;
}

/**
 * The host's part of the person's rights, as an effect handler run from the effect stream:
 * - `case_withdrawn`: nothing more is sent on the bot's own initiative: the nudge of the
 *   conversation and the follow-up calls of the case's incidents go (the meeting's reminders go
 *   with its `booking_cancelled`, committed in the same step);
 * - `data_erased`: the case's personal data is erased ({@link eraseCase});
 * - `data_corrected`: nothing to perform (the step wrote the new value).
 * Each is then recorded in the audit trail (`correct_data` with the names of the fields that
 * changed, never their values; `withdraw_case`; `erase_data`; by `person`), after it is
 * performed, once per effect. Both are idempotent (removing what is gone does nothing;
 * the audit entry is appended once), so a redelivered effect is harmless. Logs case codes and
 * counts only.
 */
export function createRightsEffects(o: RightsEffectsOptions): EffectListener {
  return async (effect, context) => {
    if (effect.type === 'case_withdrawn') {
      const incidents = await o.redis.zrange(o.keys.caseIncidents(effect.caseCode), '0', '-1');
      const slot = (await o.redis.hget(o.keys.booking(effect.caseCode), 'slot')) ?? undefined;
      for (const work of o.pending ?? []) await work.forget({ caseCode: effect.caseCode, conversation: context.conversationId, incidents, ...(slot ? { slot } : {}) });
      o.logger.info({ case: effect.caseCode }, 'rights: withdrawal performed (pending messages removed)');
      await o.audit?.record({ at: (o.clock ?? systemClock).now(), staffId: PERSON, action: 'withdraw_case', caseCode: effect.caseCode }, { once: effect.id });
    }
    if (effect.type === 'data_corrected') {
      // Field names are wire names (`first_name`, `phone`); a detail holds no comma, so they are joined by ':'.
      await o.audit?.record({ at: (o.clock ?? systemClock).now(), staffId: PERSON, action: 'correct_data', caseCode: effect.caseCode, fields: effect.fields.join(':') }, { once: effect.id });
    }
    if (effect.type === 'data_erased') {
      const counts = await eraseCase(o, effect.caseCode, context.conversationId);
      o.logger.info({ case: effect.caseCode, ...counts }, 'rights: personal data erased');
      await o.audit?.record({ at: (o.clock ?? systemClock).now(), staffId: PERSON, action: 'erase_data', caseCode: effect.caseCode }, { once: effect.id });
    }
  };
}
