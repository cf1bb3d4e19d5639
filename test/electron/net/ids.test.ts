import { describe, expect, it } from 'vitest';
import { randomToken } from '../../../electron/net/ids';

describe('randomToken', () => {
  it('is base64url of that many random bytes, never the same twice, across pool refills', () => {
    const seen = new Set<string>();
    // 4,095 bytes to a pool: 3,000 tokens of 9 bytes and more refill it several times.
    for (let i = 0; i < 3_000; i += 1) {
      for (const bytes of [9, 6, 4, 1]) {
        const token = randomToken(bytes);
        expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(Buffer.from(token, 'base64url').toString('base64url')).toBe(token);
        expect(Buffer.from(token, 'base64url').byteLength).toBe(bytes);
      }
      const id = randomToken();
      expect(id).toHaveLength(12);
      expect(seen.has(id)).toBe(false);
      seen.add(id);
    }
    expect(randomToken(5_000)).toHaveLength(Math.ceil((5_000 * 4) / 3));
  });
});
