import { randomBytes } from 'node:crypto';
import { formatCaseCode, randomIds, seededIds } from '../../../src/core/clock';

describe('case codes', () => {
  /** The code of 40 bits as it was always written (BigInt arithmetic), to hold the format to. */
  function reference(bytes: Uint8Array): string {
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    let bits = 0n;
    for (const b of bytes.subarray(0, 5)) bits = (bits << 8n) | BigInt(b);
    let s = '';
    for (let i = 0; i < 8; i++) {
      s = alphabet[Number(bits & 31n)] + s;
      bits >>= 5n;
    }
    return `KP-${s.slice(0, 4)}-${s.slice(4)}`;
  }

  it('writes 40 bits as they were always written', () => {
    expect(formatCaseCode(new Uint8Array(5))).toBe('KP-0000-0000');
    expect(formatCaseCode(new Uint8Array([255, 255, 255, 255, 255]))).toBe('KP-ZZZZ-ZZZZ');
    expect(formatCaseCode(new Uint8Array([1, 2, 3, 4, 5, 6]))).toBe(reference(new Uint8Array([1, 2, 3, 4, 5])));
    const samples = Array.from({ length: 2000 }, () => randomBytes(5));
    expect(samples.map((b) => formatCaseCode(b))).toEqual(samples.map((b) => reference(b)));
    // The golden scenarios' codes stay the same.
    const seeded = seededIds(1);
    expect([seeded.caseCode(), seeded.caseCode(), seeded.caseCode(), seededIds(12345).caseCode()]).toEqual(['KP-P5WK-F7G0', 'KP-CBSP-WF01', 'KP-2DPT-DPG1', 'KP-D542-Q8ED']);
  });

  it('draws random codes of that shape, a different one each time', () => {
    const codes = Array.from({ length: 3000 }, () => randomIds.caseCode());
    for (const c of codes) expect(c).toMatch(/^KP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
