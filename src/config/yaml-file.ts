import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../core/errors';

/**
 * Reads a YAML config file and checks it with `schema`. A file that cannot be read or parsed,
 * or does not match, stops start-up with a ConfigError: one line per problem, each naming the
 * file and the field (`config/offices.yaml: offices.0.hours.mon.0: must be HH:MM-HH:MM`).
 * @example const offices = loadYamlConfig('config/offices.yaml', OfficesFileSchema);
 */
export function loadYamlConfig<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${file}: cannot read: ${(e as Error).message.split('\n')[0]}`, { file });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || 'top level'}: ${i.message}`).join('\n'), { file });
  }
  return parsed.data;
}
