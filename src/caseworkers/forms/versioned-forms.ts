import type { Redis } from 'ioredis';
import { z } from 'zod';
import { KorpuError } from '../../core/errors';
import type { FieldCipher } from '../../storage/field-cipher';
import { redisScripts, type Scripts } from '../../storage/lua/scripts';

/** A stored version does not decrypt or no longer matches its schema. */
export class FormRecordError extends KorpuError {
  override name = 'FormRecordError';
}

/** Who saved a version, and when: what the version list shows (nothing personal). */
export interface FormVersionInfo {
  /** 1 for the first save, then 2, 3 … */
  version: number;
  at: Date;
  /** Staff id of who saved it. */
  by: string;
}

/** A version with its content, decrypted. */
export interface FormVersion<T> extends FormVersionInfo {
  data: T;
}

/**
 * The stored envelope: layout version, when, who; the form itself sealed in `body`; `d`, a keyed
 * digest of the form's content (the same form saved again is not a new version; versions saved
 * before it was kept have none).
 */
const Envelope = z.object({ v: z.literal(1), at: z.string(), by: z.string(), body: z.string(), d: z.string().optional() });

/**
 * A form kept with a case in versions (the initial assessment, the integration plan): every
 * save appends a new version, none is ever changed, so the history of who wrote what, and when,
 * stays readable. A LIST per case (keys.ts); each entry is JSON `{v, at, by, body}` where `body`
 * is the whole form sealed with the FieldCipher, bound to `<case code>:<kind>`, because nearly
 * every field is the person's data (special-category in part). A version's number is its place
 * in the list, from 1 (RPUSH answers it atomically). The same form sent again (a double click,
 * a resend, Save pressed with nothing changed) is not a new version: save answers the newest's.
 *
 * @example
 *   const assessments = new VersionedForms(redis, keys.assessmentVersions, 'assessment', AssessmentSchema, cipher);
 *   const v = await assessments.save('KP-7G4Q-M2XD', form, 's-1f2e…', now); // 1, then 2 …
 */
export class VersionedForms<S extends z.ZodTypeAny> {
  private readonly scripts: Scripts;

  constructor(
    private readonly r: Redis,
    private readonly key: (caseCode: string) => string,
    private readonly kind: string,
    private readonly schema: S,
    private readonly cipher: Pick<FieldCipher, 'encrypt' | 'decrypt' | 'pseudonym'>,
  ) {
    this.scripts = redisScripts(r);
  }

  /**
   * Appends `data` (already parsed with the schema) as the case's newest version; answers its
   * number. The same content as the newest version (whoever saved it) is not appended again:
   * its number is answered.
   */
  async save(caseCode: string, data: z.infer<S>, staffId: string, now: Date): Promise<number> {
    const json = JSON.stringify(data);
    const body = this.cipher.encrypt(json, this.aad(caseCode));
    // Keyed (HMAC with the pseudonym key) and bound to the case and form: equal forms are
    // told apart from different ones, and the digest says nothing else of the content.
    const digest = this.cipher.pseudonym(`form:${this.aad(caseCode)}:${json}`);
    return this.scripts.saveFormVersion({ versions: this.key(caseCode) }, { entry: JSON.stringify({ v: 1, at: now.toISOString(), by: staffId, body, d: digest }), digest });
  }

  /** Every version's number, time and author, oldest first (bodies are not decrypted). */
  async versions(caseCode: string): Promise<FormVersionInfo[]> {
    const rows = await this.r.lrange(this.key(caseCode), 0, -1);
    return rows.map((row, i) => {
      const e = this.envelope(caseCode, row, i + 1);
      return { version: i + 1, at: new Date(e.at), by: e.by };
    });
  }

  /** One version, decrypted (the newest without `version`), or undefined when there is none. */
  async read(caseCode: string, version?: number): Promise<FormVersion<z.infer<S>> | undefined> {
    if (version !== undefined && (!Number.isInteger(version) || version < 1)) return undefined;
    // The newest is the one at the length read first: a save meanwhile cannot mislabel it.
    const n = version ?? (await this.r.llen(this.key(caseCode)));
    if (n < 1) return undefined;
    const row = await this.r.lindex(this.key(caseCode), n - 1);
    if (row === null) return undefined;
    const e = this.envelope(caseCode, row, n);
    let plain: unknown;
    try {
      plain = JSON.parse(this.cipher.decrypt(e.body, this.aad(caseCode)));
    } catch (err) {
      throw new FormRecordError(`${this.kind} ${caseCode} v${n}: does not decrypt`, { caseCode, kind: this.kind, version: n, cause: (err as Error).message });
    }
    const parsed = this.schema.safeParse(plain);
    if (!parsed.success) throw new FormRecordError(`${this.kind} ${caseCode} v${n}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { caseCode, kind: this.kind, version: n });
    return { version: n, at: new Date(e.at), by: e.by, data: parsed.data };
  }

  private aad(caseCode: string): string {
    return `${caseCode}:${this.kind}`;
  }

  private envelope(caseCode: string, row: string, n: number): z.infer<typeof Envelope> {
    try {
      return Envelope.parse(JSON.parse(row));
    } catch {
      throw new FormRecordError(`${this.kind} ${caseCode} v${n}: unknown record layout`, { caseCode, kind: this.kind, version: n });
    }
  }
}
