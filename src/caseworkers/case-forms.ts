import type { Redis } from 'ioredis';
import type { RedisKeys } from '../storage/keys';

/** A diagnosis (Annex 2) as recorded: answers, outcome, and the form's date, place and counsellor. */
export interface DiagnosisRecord {
  at: Date;
  answers: Record<string, unknown>;
  outcome: string;
  provisional: boolean;
  reasons: string[];
  place?: string;
  counsellor?: string;
  by?: string;
  lang?: string;
}

/** A consent (Annex 4) as recorded: the option, when, which text version, in which language, how given. */
export interface ConsentRecord {
  at: Date;
  agreed: boolean;
  option?: string;
  scope?: string;
  textVersion?: string;
  lang?: string;
  place?: string;
  given?: string;
  /** `guardian`: given for someone under 18 by a parent or legal guardian (guidelines §3.1.5). */
  givenBy?: string;
  fullTextOpened?: boolean;
}

/**
 * The forms recorded on a case, as the case file shows them: every diagnosis and every consent,
 * oldest first. Nothing here is encrypted (answers are choices, not words), and nothing personal.
 */
export class CaseForms {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Pick<RedisKeys, 'diagnoses' | 'consents'>,
  ) {}

  async diagnoses(code: string): Promise<DiagnosisRecord[]> {
    return (await this.redis.lrange(this.keys.diagnoses(code), 0, -1)).flatMap((json) => {
      const r = parse(json);
      if (!r || typeof r.outcome !== 'string') return [];
      return [{
        at: new Date(String(r.at)),
        answers: (r.answers as Record<string, unknown>) ?? {},
        outcome: r.outcome,
        provisional: r.provisional !== false,
        reasons: Array.isArray(r.reasons) ? r.reasons.map(String) : [],
        ...str(r, 'place', 'place'), ...str(r, 'counsellor', 'counsellor'), ...str(r, 'by', 'by'), ...str(r, 'lang', 'lang'),
      }];
    });
  }

  async consents(code: string): Promise<ConsentRecord[]> {
    return (await this.redis.lrange(this.keys.consents(code), 0, -1)).flatMap((json) => {
      const r = parse(json);
      if (!r) return [];
      return [{
        at: new Date(String(r.at)),
        agreed: r.agreed === true,
        ...str(r, 'option', 'option'), ...str(r, 'scope', 'scope'), ...str(r, 'text_version', 'textVersion'), ...str(r, 'lang', 'lang'), ...str(r, 'place', 'place'), ...str(r, 'given', 'given'), ...str(r, 'given_by', 'givenBy'),
        ...(typeof r.full_text_opened === 'boolean' ? { fullTextOpened: r.full_text_opened } : {}),
      }];
    });
  }
}

function parse(json: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const str = <K extends string>(r: Record<string, unknown>, from: string, to: K): Partial<Record<K, string>> =>
  (typeof r[from] === 'string' && r[from] !== '' ? { [to]: r[from] as string } : {}) as Partial<Record<K, string>>;
