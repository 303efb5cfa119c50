/**
 * The web simulator channel: programme staff try the flows in a browser, on the same runner
 * and with the same texts as Telegram, under channel `simulator`.
 */
export { SimulatorChannel, SIMULATOR_CHANNEL, STRING_KEYS, SHORTCUTS, toEngineInput } from './simulator-channel';
export type { SimulatorCore, SimulatorReply, SimulatorStrings } from './simulator-channel';
export { simulatorRouter, SIMULATOR_PATHS } from './simulator-router';
export { loadSimulatorPage, PAGE_FILE } from './simulator-page';
export { MessageRequestSchema, SessionIdSchema, SimulatorInputSchema } from './simulator-schema';
export type { MessageRequest, SimulatorInput } from './simulator-schema';
export { SimulatorSessions, ISSUED_SESSION } from './simulator-sessions';
export type { SessionSigner } from './simulator-sessions';
export { createSimulatorLimits, DEFAULT_SIMULATOR_LIMITS } from './simulator-limits';
export type { SimulatorLimits, SimulatorLimitSettings, SimulatorLimitDeps, OverLimit } from './simulator-limits';
export { SESSION_LIFE_MS } from './simulator-sessions';
