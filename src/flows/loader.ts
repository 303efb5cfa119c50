import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { FlowDefinitionError } from '../core/errors';
import { SUPPORTED_LANGS } from '../core/lang';
import { ACTIONS } from './engine/actions';
import { varRefs } from './engine/var-refs';
import { WAITING_TYPES, FlowSchema, type CompiledFlow, type FlowDefinition, type FlowNode } from './schema/flow-schema';
import { migrateFlow } from './migrations';
import { RULES } from './rules/registry';
import { revisionOf } from './registry';

/** Answers whether an i18n key exists in every locale; returns the languages lacking it. */
export type KeyCheck = (key: string) => string[];

/** Keys the engine itself uses for every flow (buttons, notices, reprompts). */
export const ENGINE_KEYS = [
  'common:button.back', 'common:button.yes', 'common:button.no', 'common:button.done', 'common:button.skip',
  'common:button.share_phone', 'common:hint.multi_choice', 'common:hint.numbered_item', 'common:button.option_number', 'common:hint.date', 'common:prompt.language',
  'common:notice.unknown_command', 'common:notice.language_set', 'common:notice.stale_button',
  'common:notice.welcome_back', 'common:notice.help', 'common:notice.cannot_go_back',
  'common:reprompt.choose', 'common:reprompt.multi_min', 'common:reprompt.empty', 'common:reprompt.too_long',
  'common:reprompt.phone', 'common:reprompt.date', 'common:reprompt.date_year_only', 'common:reprompt.date_past', 'common:reprompt.date_future',
  'common:notice.solar_hijri_date', 'common:typed.yes', 'common:typed.no', 'common:notice.phone_read_as',
  'common:channel.too_long_message', 'booking:case_closed.no_booking',
  ...SUPPORTED_LANGS.map((l) => `common:language_name.${l}`),
  ...['sticker', 'photo', 'voice', 'video', 'document', 'location', 'edited', 'other'].map((k) => `common:notice.unsupported_${k}`),
  // The offer of a right asked for in free words (prompt.ts requestOffer): its texts and buttons.
  ...['text', 'also', 'carry_on', 'delete', 'withdraw', 'correct', 'mydata'].map((k) => `rights:offer.${k}`),
];

function fail(file: string, where: string, message: string): never {
  throw new FlowDefinitionError(`${file}: ${where}: ${message}`, { file });
}

/** Turns a zod issue path (`nodes.3.prompt`) into `node "q1", field "prompt"`. */
function describePath(raw: unknown, path: readonly PropertyKey[]): string {
  if (path[0] === 'nodes' && typeof path[1] === 'number') {
    const nodes = (raw as { nodes?: { id?: unknown }[] }).nodes;
    const id = nodes?.[path[1]]?.id;
    const field = path.slice(2).join('.');
    return `node "${typeof id === 'string' ? id : `#${path[1] + 1}`}"${field ? `, field "${field}"` : ''}`;
  }
  return path.length ? `field "${path.join('.')}"` : 'top level';
}

/** Parses one flow's text (YAML) into a checked, compiled flow. `file` is used in errors. */
export function compileFlow(text: string, file: string, keys?: KeyCheck): CompiledFlow {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    fail(file, 'YAML', (e as Error).message.split('\n')[0] ?? 'unreadable');
  }
  if (!raw || typeof raw !== 'object') fail(file, 'top level', 'expected a mapping with specVersion, id, name, start and nodes');
  let migrated: Record<string, unknown>;
  try {
    migrated = migrateFlow(raw as Record<string, unknown>);
  } catch (e) {
    fail(file, 'field "specVersion"', (e as Error).message);
  }
  const parsed = FlowSchema.safeParse(migrated);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i: z.core.$ZodIssue) => `${describePath(migrated, i.path)}: ${i.message}`);
    fail(file, lines[0]!.split(': ')[0]!, [lines[0]!.split(': ').slice(1).join(': '), ...lines.slice(1)].join('; '));
  }
  const def = parsed.data;
  if (basename(file).replace(/\.ya?ml$/, '') !== def.id && !file.startsWith('<')) fail(file, 'field "id"', `must match the file name ("${def.id}.yaml")`);
  const nodes = checkNodes(def, file);
  if (keys) checkKeys(def, file, keys);
  const revision = revisionOf(def);
  return { def, revision, nodes };
}

function targetsOf(n: FlowNode): [string, string][] {
  switch (n.type) {
    case 'message': case 'language': case 'multi_choice': case 'text': case 'phone': case 'date': case 'action': case 'flow':
      return [['next', n.next]];
    case 'choice':
      return [...(n.next ? [['next', n.next] as [string, string]] : []), ...n.options.flatMap((o, i) => (o.next ? [[`options.${i}.next`, o.next] as [string, string]] : []))];
    case 'yes_no':
      return (['yes', 'no', 'next'] as const).flatMap((k) => (n[k] ? [[k, n[k]!] as [string, string]] : []));
    case 'rule':
      return Object.entries(n.routes).map(([k, v]) => [`routes.${k}`, v]);
    case 'branch':
      return [...Object.entries(n.cases).map(([k, v]) => [`cases.${k}`, v] as [string, string]), ['default', n.default]];
    case 'booking':
      return [['next', n.next], ['none', n.none]];
    case 'appointment':
      return (['reschedule', 'cancel', 'next', 'none'] as const).map((k) => [k, n[k]]);
    case 'end':
      return [];
  }
}

/** Whole-flow checks the schema cannot express: unique ids, existing targets, known rules/actions. */
function checkNodes(def: FlowDefinition, file: string): Map<string, FlowNode> {
  const nodes = new Map<string, FlowNode>();
  for (const n of def.nodes) {
    if (nodes.has(n.id)) fail(file, `node "${n.id}"`, 'the id is used twice');
    nodes.set(n.id, n);
  }
  if (!nodes.has(def.start)) fail(file, 'field "start"', `no node "${def.start}"`);
  for (const n of def.nodes) {
    const where = `node "${n.id}"`;
    for (const [field, to] of targetsOf(n)) if (!nodes.has(to)) fail(file, `${where}, field "${field}"`, `no node "${to}" in this flow`);
    if (n.type === 'choice' && !n.next && n.options.some((o) => !o.next && !o.info)) fail(file, `${where}, field "next"`, 'needed: some options have no next of their own');
    if (n.type === 'yes_no' && !n.next && (!n.yes || !n.no)) fail(file, `${where}, field "next"`, 'needed unless both yes and no are given');
    if (n.type === 'rule') {
      const rule = RULES[n.rule];
      if (!rule) fail(file, `${where}, field "rule"`, `unknown rule "${n.rule}" (known: ${Object.keys(RULES).join(', ')})`);
      for (const o of rule.outcomes) if (!n.routes[o]) fail(file, `${where}, field "routes.${o}"`, `rule "${n.rule}" can return "${o}"; route it`);
      for (const i of Object.keys(n.inputs)) if (!rule.inputs.includes(i)) fail(file, `${where}, field "inputs.${i}"`, `rule "${n.rule}" has no input "${i}"`);
    }
    if (n.type === 'action') {
      const action = ACTIONS[n.action];
      if (!action) fail(file, `${where}, field "action"`, `unknown action "${n.action}" (known: ${Object.keys(ACTIONS).join(', ')})`);
      for (const p of action.params) if (n.params[p] === undefined) fail(file, `${where}, field "params.${p}"`, 'required');
    }
    if ((n.type === 'text' || n.type === 'phone' || n.type === 'date') && n.personal && !n.field) {
      fail(file, `${where}, field "field"`, 'a personal answer must name the record field it goes to');
    }
  }
  if (![...nodes.values()].some((n) => WAITING_TYPES.has(n.type) || n.type === 'flow' || n.type === 'end')) fail(file, 'nodes', 'the flow never waits nor ends');
  return nodes;
}

function keysOf(n: FlowNode): [string, string][] {
  const out: [string, string][] = [];
  const add = (field: string, v: string | undefined) => v && out.push([field, v]);
  if ('prompt' in n) add('prompt', n.prompt);
  if (n.type === 'message') n.text.forEach((k, i) => add(`text.${i}`, k));
  if (n.type === 'text') {
    add('example', n.example);
    add('thanks', n.thanks);
  }
  if (n.type === 'phone') add('invalid', n.invalid);
  if (n.type === 'choice') add('typedAsQuestion', n.typedAsQuestion);
  if (n.type === 'choice' || n.type === 'multi_choice') n.options.forEach((o, i) => { add(`options.${i}.label`, o.label); if ('info' in o) add(`options.${i}.info`, o.info as string | undefined); });
  return out;
}

function checkKeys(def: FlowDefinition, file: string, keys: KeyCheck): void {
  for (const n of def.nodes) for (const [field, key] of keysOf(n)) {
    const missing = keys(key);
    if (missing.length) fail(file, `node "${n.id}", field "${field}"`, `i18n key "${key}" is missing in: ${missing.join(', ')}`);
  }
}

/** Every i18n key a flow uses (for the locale completeness test). */
export function flowKeys(flow: CompiledFlow): string[] {
  return flow.def.nodes.flatMap((n) => keysOf(n).map(([, k]) => k));
}

/** Loads and checks every `*.yaml` in a folder, then checks references between flows. */
export function loadFlowDir(dir: string, keys?: KeyCheck): CompiledFlow[] {
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const flows = files.map((f) => compileFlow(readFileSync(join(dir, f), 'utf8'), join(dir, f), keys));
  const ids = new Set(flows.map((f) => f.def.id));
  for (const flow of flows) for (const n of flow.def.nodes) {
    const file = `${dir}/${flow.def.id}.yaml`;
    if (n.type === 'flow' && !ids.has(n.flow)) fail(file, `node "${n.id}", field "flow"`, `no flow "${n.flow}" in ${dir}`);
    // A dotted variable whose first part is no flow would silently read nothing at run time.
    for (const [field, name] of varRefs(n)) {
      const head = name.split('.')[0]!;
      if (!name.includes('.') || ids.has(head)) continue;
      const hint = flow.nodes.has(head) ? `; this flow's own variable is "${flow.def.id}.${name}"` : '';
      fail(file, `node "${n.id}", field "${field}"`, `"${name}" names no flow "${head}"${hint}`);
    }
  }
  return flows;
}
