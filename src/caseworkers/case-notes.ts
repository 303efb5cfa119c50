import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { FieldCipher } from '../storage/field-cipher';
import type { RedisKeys } from '../storage/keys';

/** A note a member of staff wrote on a case. */
export interface CaseNote {
  at: Date;
  /** The writer's staff id. */
  by: string;
  text: string;
}

const StoredSchema = z.object({ at: z.string(), by: z.string(), text: z.string() });

/** Longest note kept. */
export const NOTE_MAX = 4000;

/**
 * Staff's notes on a case, on Redis: a LIST per case, oldest first, each note's text encrypted
 * (AAD `<case code>:note`) like every personal answer, since a note may say anything about
 * the person.
 * @example await notes.add('KP-7G4Q-M2XD', { at: new Date(), by: 's-1', text: 'Called, no answer' });
 */
export class CaseNotes {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Pick<RedisKeys, 'caseNotes'>,
    private readonly cipher: Pick<FieldCipher, 'encrypt' | 'decrypt'>,
  ) {}

  async add(code: string, note: CaseNote): Promise<void> {
    await this.redis.rpush(this.keys.caseNotes(code), JSON.stringify({ at: note.at.toISOString(), by: note.by, text: this.cipher.encrypt(note.text, `${code}:note`) }));
  }

  /** Every note, oldest first; one that no longer decrypts is left out. */
  async list(code: string): Promise<CaseNote[]> {
    const raw = await this.redis.lrange(this.keys.caseNotes(code), 0, -1);
    return raw.flatMap((json) => {
      try {
        const n = StoredSchema.parse(JSON.parse(json));
        return [{ at: new Date(n.at), by: n.by, text: this.cipher.decrypt(n.text, `${code}:note`) }];
      } catch {
        return [];
      }
    });
  }
}
