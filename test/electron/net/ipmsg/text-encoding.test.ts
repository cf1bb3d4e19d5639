import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  decodeText,
  encodeText,
  isValidUtf8,
  parseEncodingSetting,
  type DecodeHints,
} from '../../../../electron/net/ipmsg/text-encoding';

const auto: DecodeHints = { utf8Flag: false, learned: undefined, setting: 'auto' };

/** A deterministic PRNG (mulberry32), so the 500 strings are the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** CJK strings of 1-40 characters: GBK's ideographs (U+4E00-U+9FA5) and Chinese punctuation. */
function cjkStrings(count: number, seed: number, extra: readonly string[] = []): string[] {
  const random = prng(seed);
  const punctuation = ['，', '。', '！', '？', '：', '“', '”', '、', ' ', 'A', '1'];
  const pool = (): string => {
    const r = random();
    if (r < 0.1) return punctuation[Math.floor(random() * punctuation.length)]!;
    if (r < 0.1 + (extra.length > 0 ? 0.1 : 0)) return extra[Math.floor(random() * extra.length)]!;
    return String.fromCodePoint(0x4e00 + Math.floor(random() * (0x9fa5 - 0x4e00 + 1)));
  };
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + Math.floor(random() * 40) }, pool).join(''),
  );
}

describe('GBK and GB18030 round trips', () => {
  it('500 CJK strings survive GBK (what FeiQ sends) and our decode of it', () => {
    let ambiguous = 0;
    for (const text of cjkStrings(500, 20240601)) {
      const bytes = iconv.encode(text, 'gbk');
      expect(iconv.decode(bytes, 'gbk')).toBe(text);
      expect(encodeText(text, 'gb18030').equals(bytes)).toBe(true); // GB18030 is a superset of GBK
      // A FeiQ peer (or one whose GBK was learned) is read as GB18030: always right.
      expect(decodeText(bytes, { ...auto, learned: 'gb18030' }).text).toBe(text);
      // An unknown peer is guessed: right unless the GBK bytes happen to be valid UTF-8.
      if (isValidUtf8(bytes)) ambiguous += 1;
      else expect(decodeText(bytes, auto)).toMatchObject({ text, encoding: 'gb18030' });
    }
    expect(ambiguous).toBeLessThan(10); // only very short strings can look like UTF-8
  });

  it('500 strings with emoji and Extension B survive our GB18030 both ways; GBK cannot carry them', () => {
    const beyondGbk = ['😀', '🎉', '👋🏽', '𠀀', '𪚥', '©'];
    for (const text of cjkStrings(500, 20240602, beyondGbk)) {
      const bytes = encodeText(text, 'gb18030');
      expect(decodeText(bytes, { ...auto, learned: 'gb18030' }).text).toBe(text);
    }
    expect(iconv.decode(iconv.encode('你好😀', 'gbk'), 'gbk')).toBe('你好?');
  });
});

describe('decode order', () => {
  const gb = iconv.encode('飞秋你好', 'gbk');
  const utf8 = Buffer.from('飞秋你好 😀');

  it('1. UTF8OPT means UTF-8, whatever was learned', () => {
    expect(decodeText(utf8, { utf8Flag: true, learned: 'gb18030', setting: 'auto' })).toMatchObject(
      { text: '飞秋你好 😀', encoding: 'utf-8' },
    );
  });

  it('2. the learned encoding comes before guessing', () => {
    // GBK bytes that happen to be valid UTF-8 (涓枃 pattern) are read as GBK once GBK was learned.
    const ambiguous = iconv.encode('涓枃', 'gbk');
    const asLearned = decodeText(ambiguous, { ...auto, learned: 'gb18030' });
    expect(asLearned).toMatchObject({ text: '涓枃', encoding: 'gb18030' });
  });

  it('3. valid UTF-8 is UTF-8 (iptux sends UTF-8 without the flag)', () => {
    expect(decodeText(utf8, auto)).toMatchObject({
      text: '飞秋你好 😀',
      encoding: 'utf-8',
      telling: true,
    });
  });

  it('4. otherwise GB18030, or CP932 when the user chose it', () => {
    expect(decodeText(gb, auto)).toMatchObject({ text: '飞秋你好', encoding: 'gb18030' });
    const sjis = iconv.encode('テストです', 'cp932');
    expect(decodeText(sjis, { ...auto, setting: 'cp932' })).toMatchObject({
      text: 'テストです',
      encoding: 'cp932',
    });
  });

  it('a learned UTF-8 does not force invalid bytes through UTF-8', () => {
    expect(decodeText(gb, { ...auto, learned: 'utf-8' }).encoding).toBe('gb18030');
  });

  it('ASCII tells nothing', () => {
    expect(decodeText(Buffer.from('hello'), auto)).toMatchObject({ text: 'hello', telling: false });
  });

  it('never throws on arbitrary bytes', () => {
    const random = prng(7);
    for (let i = 0; i < 2000; i += 1) {
      const bytes = Buffer.from(
        Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256)),
      );
      for (const setting of ['auto', 'utf-8', 'gb18030', 'cp932'] as const) {
        expect(
          typeof decodeText(bytes, { utf8Flag: random() < 0.5, learned: undefined, setting }).text,
        ).toBe('string');
      }
    }
  });
});

describe('settings', () => {
  it('parses the setting names people type', () => {
    expect(parseEncodingSetting('UTF8')).toBe('utf-8');
    expect(parseEncodingSetting('gbk')).toBe('gb18030');
    expect(parseEncodingSetting('CP936')).toBe('gb18030');
    expect(parseEncodingSetting('sjis')).toBe('cp932');
    expect(parseEncodingSetting('auto')).toBe('auto');
    expect(parseEncodingSetting('latin1')).toBeUndefined();
  });
});
