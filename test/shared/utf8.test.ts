import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Length } from '../../shared/utf8';

const enc = new TextEncoder();

describe('utf8Length', () => {
  it('count UTF-8 bytes as TextEncoder writes them, lone surrogates included', () => {
    const units = fc.string({
      unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      maxLength: 40,
    });
    fc.assert(
      fc.property(fc.oneof(units, fc.string({ unit: 'binary', maxLength: 40 })), (s) => {
        expect(utf8Length(s)).toBe(enc.encode(s).byteLength);
      }),
      { numRuns: 2_000 },
    );
  });
});
