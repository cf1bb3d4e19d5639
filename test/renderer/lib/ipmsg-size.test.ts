// The composer's count of an IPMsg text (bytes in the peer's encoding, packets) against the
// module's own encoder and splitter: the indicator must say what the module will send.
import { describe, expect, it } from 'vitest';
import { splitText } from '../../../electron/net/ipmsg/split-text';
import { encodeText } from '../../../electron/net/ipmsg/text-encoding';
import { IPMSG_PIECE_BYTES } from '../../../shared/ipmsg-text';
import {
  ipmsgByteLength,
  ipmsgPieces,
  type IpmsgTextEncoding,
} from '../../../renderer/src/lib/ipmsg-size';

const ENCODINGS: IpmsgTextEncoding[] = ['utf-8', 'gb18030', 'cp932'];
/** ASCII, Chinese (common and rare), Japanese kana and kanji, half-width katakana, symbols, emoji. */
const POOL = Array.from(
  'abc XYZ 019\n~\\汉字中文简体繁體龘𠀀ひらがなカタカナ漢字ｱｲｳ€£©®™°±×÷…—“”『』①②😀🎉👋🏽é ñ ü Ωπ',
);

/** A deterministic pseudo-random text of `length` characters from POOL. */
function text(seed: number, length: number): string {
  let state = seed;
  let out = '';
  for (let i = 0; i < length; i += 1) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    out += POOL[state % POOL.length] ?? '';
  }
  return out;
}

describe('ipmsgByteLength and ipmsgPieces', () => {
  it.each(ENCODINGS)('count the bytes the module writes in %s', (encoding) => {
    for (const char of POOL)
      expect([char, ipmsgByteLength(char, encoding)]).toEqual([
        char,
        encodeText(char, encoding).byteLength,
      ]);
    for (let seed = 1; seed <= 50; seed += 1) {
      const sample = text(seed, 200);
      expect(ipmsgByteLength(sample, encoding)).toBe(encodeText(sample, encoding).byteLength);
    }
  });

  it.each(ENCODINGS)('count the packets the module sends in %s', (encoding) => {
    for (const length of [10, 3_000, 9_000, 20_000]) {
      const sample = text(length, length);
      expect(ipmsgPieces(sample, encoding)).toBe(
        splitText(sample, encoding, IPMSG_PIECE_BYTES).length,
      );
    }
    expect(ipmsgPieces('', encoding)).toBe(0);
  });
});
