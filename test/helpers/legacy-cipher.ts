import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encrypts exactly as FieldCipher did before key ids (`v1.<base64url(iv | ciphertext | tag)>`,
 * AES-256-GCM under HKDF(DATA_KEY, 'korpu field encryption v1')): what an existing deployment's
 * Redis holds, for tests that show such values still open.
 */
export function legacyEncrypt(dataKey: Buffer, plaintext: string, aad: string): string {
  const encKey = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'korpu field encryption v1', 32));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', encKey, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `v1.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
}
