import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { FunnelCountsStore } from '../../../caseworkers/reports/funnel-cube';
import type { Clock } from '../../../core/clock';
import type { Logger } from '../../../core/logger';
import type { BookingStore } from '../../../scheduling/booking-store';
import type { OfficeClosures } from '../../../scheduling/office-closures';
import type { FieldCipher } from '../../../storage/field-cipher';
import type { RedisKeys } from '../../../storage/keys';
import type { ReportStores } from '../../../caseworkers/desk';
import { compileFlow } from '../../../flows/loader';
import type { FlowDefinition } from '../../../flows/schema/flow-schema';

/** One conversation as the admin page shows it: its YAML file beside its diagram. */
export interface FlowDiagram {
  id: string;
  name: string;
  /** The file as programme staff wrote it. */
  yaml: string;
  /** The loaded definition, drawn as a flowchart in the page's language (flowToMermaid). */
  def: FlowDefinition;
}

/**
 * What the calendar, numbers, exports and admin pages need besides the desk; createKorpu builds
 * it once (absent: those pages answer 404).
 */
export interface ReportPagesDeps {
  stores: ReportStores;
  /** The BullMQ queues shown (read only) on the queues board. */
  queues: readonly Queue[];
  flows: readonly FlowDiagram[];
  /** Whether the simulator runs in this deployment (its link is shown). */
  simulator: boolean;
}

/**
 * Every flow of `dir` with its file's text and its definition, in file order; read once at start,
 * as the flows themselves are (a changed file is shown after a restart, as it is run).
 */
export function flowDiagrams(dir: string): FlowDiagram[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((file) => {
      const yaml = readFileSync(join(dir, file), 'utf8');
      // Checked and migrated as Körpü loads it (the loader already refused a bad file at start).
      const flow = compileFlow(yaml, join(dir, file));
      return { id: flow.def.id, name: flow.def.name, yaml, def: flow.def };
    });
}

/** What {@link reportPagesDeps} builds the pages' stores from (createKorpu's parts). */
export interface ReportPagesSetup {
  redis: Redis;
  keys: RedisKeys;
  cipher: FieldCipher;
  bookings: BookingStore;
  closures: OfficeClosures;
  /** Removes a cancelled meeting's reminders (none without a bot). */
  reminders?: ReportStores['reminders'];
  timeZone: string;
  clock: Clock;
  logger: Logger;
  queues: readonly Queue[];
  flowsDir: string;
  simulator: boolean;
}

/** The report pages' dependencies, built once (the flows' diagrams drawn here, at start). */
export function reportPagesDeps(s: ReportPagesSetup): ReportPagesDeps {
  return {
    stores: {
      exports: { redis: s.redis, keys: s.keys, cipher: s.cipher },
      funnel: new FunnelCountsStore({ redis: s.redis, keys: s.keys, timeZone: s.timeZone, clock: s.clock, logger: s.logger }),
      closures: s.closures,
      bookings: s.bookings,
      ...(s.reminders ? { reminders: s.reminders } : {}),
      timeZone: s.timeZone,
    },
    queues: s.queues,
    flows: flowDiagrams(s.flowsDir),
    simulator: s.simulator,
  };
}
