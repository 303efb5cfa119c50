import { resolve } from 'node:path';
import { parseEnv, type Env } from './env';
import { loadOffices, type OfficesFile } from './offices';
import { loadProgrammeContent, type ProgrammeContent } from './programme';
import { loadRequestLexicon, type RequestLexicon } from './requests';
import { loadRetentionConfig, type RetentionConfig } from './retention';
import { loadSafeguardingConfig, type SafeguardingConfig } from './safeguarding';

export type { Env } from './env';
export type { ProgrammeContent } from './programme';
export type { Office, OfficesFile, RemindersConfig } from './offices';

export interface AppConfig {
  env: Env;
  content: ProgrammeContent;
  offices: OfficesFile;
  safeguarding: SafeguardingConfig;
  retention: RetentionConfig;
  /** Phrases that ask for a right in free words (config/requests.yaml). */
  requests: RequestLexicon;
}

/**
 * Reads and checks all configuration: the environment, config/programme.yaml, config/offices.yaml, config/safeguarding.yaml, config/retention.yaml and config/requests.yaml.
 * Called only by main.ts; everything else receives the parts it needs.
 * @throws ConfigError with one line per problem
 */
export function loadConfig(source: Record<string, string | undefined> = process.env, cwd = process.cwd()): AppConfig {
  const env = parseEnv(source);
  const content = loadProgrammeContent(resolve(cwd, env.PROGRAMME_FILE));
  const offices = loadOffices(resolve(cwd, env.OFFICES_FILE));
  const safeguarding = loadSafeguardingConfig(resolve(cwd, env.SAFEGUARDING_FILE));
  const retention = loadRetentionConfig(resolve(cwd, env.RETENTION_FILE));
  const requests = loadRequestLexicon(resolve(cwd, env.REQUESTS_FILE));
  return { env, content, offices, safeguarding, retention, requests };
}
