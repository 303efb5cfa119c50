import { resolve } from 'node:path';
import { parseEnv, type Env } from './env';
import { loadOffices, type OfficesFile } from './offices';
import { loadProgrammeContent, type ProgrammeContent } from './programme';
import { loadSafeguardingConfig, type SafeguardingConfig } from './safeguarding';

export type { Env } from './env';
export type { ProgrammeContent } from './programme';
export type { Office, OfficesFile, RemindersConfig } from './offices';

export interface AppConfig {
  env: Env;
  content: ProgrammeContent;
  offices: OfficesFile;
  safeguarding: SafeguardingConfig;
}

/**
 * Reads and checks all configuration: the environment, config/programme.yaml and config/offices.yaml.
 * Called only by main.ts; everything else receives the parts it needs.
 * @throws ConfigError with one line per problem
 */
export function loadConfig(source: Record<string, string | undefined> = process.env, cwd = process.cwd()): AppConfig {
  const env = parseEnv(source);
  const content = loadProgrammeContent(resolve(cwd, env.PROGRAMME_FILE));
  const offices = loadOffices(resolve(cwd, env.OFFICES_FILE));
  const safeguarding = loadSafeguardingConfig(resolve(cwd, env.SAFEGUARDING_FILE));
  return { env, content, offices, safeguarding };
}
