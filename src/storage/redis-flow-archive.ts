import type { Redis } from 'ioredis';
import type { FlowArchive } from '../flows/registry';
import type { CompiledFlow, FlowDefinition } from '../flows/schema/flow-schema';
import type { RedisKeys } from './keys';

/**
 * Keeps every flow revision ever loaded, so conversations started on an older version of a
 * flow file finish on that version after a restart. Revisions are content hashes: writing the
 * same one twice is harmless.
 */
export class RedisFlowArchive implements FlowArchive {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async put(flow: CompiledFlow): Promise<void> {
    await this.redis.set(this.keys.flow(flow.def.id, flow.revision), JSON.stringify(flow.def), 'NX');
  }

  async get(id: string, revision: string): Promise<FlowDefinition | undefined> {
    const json = await this.redis.get(this.keys.flow(id, revision));
    return json ? (JSON.parse(json) as FlowDefinition) : undefined;
  }
}
