import { resolve } from 'node:path';
import type { Redis } from 'ioredis';
import { randomIds, systemClock, type Clock, type IdGen } from './core/clock';
import type { ProgrammeContent } from './config/programme';
import { loadFlowDir } from './flows/loader';
import { FlowRegistry } from './flows/registry';
import { RULES } from './flows/rules/registry';
import { createTranslator, type Translator } from './i18n';
import { ConversationRunner, type EffectListener } from './intake/conversation-runner';
import { FieldCipher } from './storage/field-cipher';
import { redisKeys, type RedisKeys } from './storage/keys';
import { RedisConversationStore } from './storage/redis-conversation-store';
import { RedisFlowArchive } from './storage/redis-flow-archive';

/** The channel-independent heart of Körpü, wired to one Redis. */
export interface KorpuCore {
  runner: ConversationRunner;
  translator: Translator;
  content: ProgrammeContent;
  flows: FlowRegistry;
  keys: RedisKeys;
  cipher: FieldCipher;
  redis: Redis;
  /** Adds a listener for effects performed (alerts, …). */
  onEffect(listener: EffectListener): void;
}

export interface BuildCoreOptions {
  redis: Redis;
  dataKey: Buffer;
  content: ProgrammeContent;
  prefix?: string;
  flowsDir?: string;
  timeZone?: string;
  clock?: Clock;
  ids?: IdGen;
}

/**
 * Loads and checks the flows against the locales, publishes their revisions to the archive
 * and builds the conversation runner. Used by main.ts, the e2e tests and the benchmarks, so
 * all three run the same code.
 */
export async function buildCore(o: BuildCoreOptions): Promise<KorpuCore> {
  const translator = createTranslator();
  const keys = redisKeys(o.prefix ?? 'korpu:');
  const flows = new FlowRegistry(loadFlowDir(resolve(o.flowsDir ?? 'flows'), translator.missing), new RedisFlowArchive(o.redis, keys));
  await flows.publish();
  const cipher = new FieldCipher(o.dataKey);
  const listeners: EffectListener[] = [];
  const runner = new ConversationRunner({
    store: new RedisConversationStore(o.redis, keys),
    flows,
    rules: RULES,
    entryFlow: 'welcome',
    clock: o.clock ?? systemClock,
    ids: o.ids ?? randomIds,
    cipher,
    keys,
    timeZone: o.timeZone ?? 'Asia/Baku',
    listeners,
  });
  return { runner, translator, content: o.content, flows, keys, cipher, redis: o.redis, onEffect: (l) => listeners.push(l) };
}
