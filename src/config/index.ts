import { resolve } from 'node:path';
import { parseEnv, type Env } from './env';
import { loadProgrammeContent, type ProgrammeContent } from './programme';

export type { Env } from './env';
export type { ProgrammeContent } from './programme';

export interface AppConfig {
  env: Env;
  content: ProgrammeContent;
}

/**
 * Reads and checks all configuration: the environment and config/programme.yaml.
 * Called only by main.ts; everything else receives the parts it needs.
 * @throws ConfigError with one line per problem
 */
export function loadConfig(source: Record<string, string | undefined> = process.env, cwd = process.cwd()): AppConfig {
  const env = parseEnv(source);
  const content = loadProgrammeContent(resolve(cwd, env.PROGRAMME_FILE));
  return { env, content };
}
