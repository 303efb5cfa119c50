import type { Redis } from 'ioredis';
import { fieldTokens, queryTokens, SEARCH_FIELDS, type SearchQuery } from '../intake/search-tokens';
import { redisScripts } from '../storage/lua/scripts';
import type { FieldCipher } from '../storage/field-cipher';
import { ALL_PERSON_CELLS, type RedisKeys } from '../storage/keys';

/** Members read per token and cell at most: a token shared by more cases than this (a common first name) is cut there. */
const MAX_PER_TOKEN = 2000;

/** What {@link CaseSearch.find} answers: the cases with every token, and what kind of words were typed. */
export interface CaseSearchResult {
  kind: SearchQuery['kind'];
  codes: string[];
}

/**
 * The case search by name or phone number over the blind index (keys.ts `searchIndex`, written
 * with the fields: intake/record-writes.ts, case-records.ts; emptied by intake/erase-case.ts):
 * the typed words made tokens as the fields were (intake/search-tokens.ts), and the cases that
 * have all of them. One ZRANGEBYLEX per token and person cell (sent together), no case
 * decrypted; nothing about who may see which case: the desk's listCases decides that.
 *
 * @example
 *   const found = await search.find('Leyla Mammadova'); // { kind: 'name', codes: ['KP-7G4Q-M2XD'] }
 */
export class CaseSearch {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Pick<RedisKeys, 'searchIndex'>,
    private readonly cipher: Pick<FieldCipher, 'searchToken'>,
  ) {}

  /** The cases whose name and phone tokens include every token of `typed`; undefined when nothing searchable was typed. */
  async find(typed: string): Promise<CaseSearchResult | undefined> {
    const q = queryTokens(typed, (w) => this.cipher.searchToken(w));
    if (!q) return undefined;
    const perCell = await Promise.all(ALL_PERSON_CELLS.map((cell) => this.inCell(cell, q.tokens)));
    return { kind: q.kind, codes: perCell.flat() };
  }

  /** The cases of one person cell having every token (a case lives in one cell only). */
  private async inCell(cell: number, tokens: readonly string[]): Promise<string[]> {
    const key = this.keys.searchIndex(cell);
    // `<token>:` up to `<token>;` (the next character): exactly the members of that token.
    const lists = await Promise.all(tokens.map((t) => this.redis.zrangebylex(key, `[${t}:`, `(${t};`, 'LIMIT', 0, MAX_PER_TOKEN)));
    const sets = lists.map((members) => new Set(members.map((m) => m.split(':')[1]!)));
    const [first, ...rest] = sets;
    return [...(first ?? [])].filter((code) => rest.every((s) => s.has(code)));
  }
}

/** Cases read at once by {@link backfillSearch} and {@link indexRecentCases}. */
const BACKFILL_BATCH = 200;

/** What indexing cases without tokens needs. */
export interface SearchBackfillDeps {
  redis: Redis;
  keys: Pick<RedisKeys, 'cases' | 'case' | 'caseSearchIndex' | 'searchBuilt'>;
  cipher: Pick<FieldCipher, 'decrypt' | 'searchToken'>;
}

/**
 * Indexes, once, the names and phone numbers of the cases from before the search existed (its
 * marker `searchBuilt` then says so): see {@link indexMissingTokens}. Later writes keep the index
 * by themselves, and the reconciliation catches what a process of an older release wrote during
 * a rolling update ({@link indexRecentCases}). Answers how many cases were indexed.
 * @example await backfillSearch({ redis, keys, cipher }, logger);
 */
export async function backfillSearch(d: SearchBackfillDeps, logger?: { info(o: object, msg: string): void }): Promise<number> {
  if (await d.redis.exists(d.keys.searchBuilt())) return 0;
  let cursor = '0';
  const done = { indexed: 0, unreadable: 0 };
  do {
    const [next, flat] = await d.redis.zscan(d.keys.cases(), cursor, 'COUNT', BACKFILL_BATCH);
    cursor = next;
    add(done, await indexMissingTokens(d, flat.filter((_, i) => i % 2 === 0)));
  } while (cursor !== '0');
  await d.redis.set(d.keys.searchBuilt(), new Date().toISOString());
  if (done.indexed || done.unreadable) logger?.info({ cases: done.indexed, unreadable: done.unreadable }, 'case search index built for the cases from before it');
  return done.indexed;
}

/**
 * Indexes the cases created since `since` whose name or number has no tokens: during a rolling
 * update, a process of a release from before the search still writes names without tokens after
 * the new release's {@link backfillSearch} has run, and nothing else would ever index them. Run
 * by the reconciliation (reconcile-worker.ts) over its look-back; a case already indexed costs
 * one read. Answers how many cases were indexed.
 */
export async function indexRecentCases(d: Omit<SearchBackfillDeps, 'keys'> & { keys: Pick<RedisKeys, 'cases' | 'case' | 'caseSearchIndex'> }, since: Date): Promise<number> {
  const codes = await d.redis.zrangebyscore(d.keys.cases(), since.getTime(), '+inf');
  let indexed = 0;
  for (let i = 0; i < codes.length; i += BACKFILL_BATCH) indexed += (await indexMissingTokens(d, codes.slice(i, i + BACKFILL_BATCH))).indexed;
  return indexed;
}

/**
 * Each case whose sealed first name, surname or number has no tokens yet is decrypted once,
 * here, and its tokens written only while the sealed value read is still the one on the case (a
 * person correcting their name meanwhile keeps their new tokens). A case whose value cannot be
 * decrypted (a key no longer configured) is skipped and counted.
 */
async function indexMissingTokens(d: Pick<SearchBackfillDeps, 'redis' | 'cipher'> & { keys: Pick<RedisKeys, 'case' | 'caseSearchIndex'> }, codes: readonly string[]): Promise<{ indexed: number; unreadable: number }> {
  const scripts = redisScripts(d.redis);
  const done = { indexed: 0, unreadable: 0 };
  await Promise.all(
    codes.map(async (code) => {
      const read = await d.redis.hmget(d.keys.case(code), ...SEARCH_FIELDS.flatMap((f) => [`f:${f}`, `sx:${f}`]));
      let wrote = false;
      for (const [i, field] of SEARCH_FIELDS.entries()) {
        const sealed = read[2 * i];
        if (!sealed || read[2 * i + 1]) continue;
        let value: string;
        try {
          value = d.cipher.decrypt(sealed, `${code}:${field}`);
        } catch {
          done.unreadable++;
          continue;
        }
        const tokens = fieldTokens(field, value, (w) => d.cipher.searchToken(w));
        const written = await scripts.setSearchTokens({ case: d.keys.case(code), index: d.keys.caseSearchIndex(code) }, { caseCode: code, fields: {}, tokens: { [field]: tokens }, onlyIf: { field: `f:${field}`, equals: sealed } });
        if (written === 1) wrote = true;
      }
      if (wrote) done.indexed++;
    }),
  );
  return done;
}

const add = (to: { indexed: number; unreadable: number }, more: { indexed: number; unreadable: number }): void => {
  to.indexed += more.indexed;
  to.unreadable += more.unreadable;
};
