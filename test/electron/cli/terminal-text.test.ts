import { describe, expect, it } from 'vitest';
import { indentBody, safeName, safeText } from '../../../electron/cli/terminal-text';

const BIDI = [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069];
const hex = (code: number, width: number): string => code.toString(16).padStart(width, '0');

describe('safeText and safeName', () => {
  for (let code = 0x00; code <= 0x9f; code += 1) {
    const char = String.fromCharCode(code);
    const control = code < 0x20 || code >= 0x7f;
    const keptInText = code === 0x0a || code === 0x09;
    const shown = `\\x${hex(code, 2)}`;
    it(`U+${hex(code, 4)}`, () => {
      const input = `a${char}b`;
      expect(safeText(input)).toBe(control && !keptInText ? `a${shown}b` : input);
      expect(safeName(input)).toBe(control ? `a${shown}b` : input);
    });
  }

  it.each(BIDI)('bidi control U+%s is shown, never passed on', (code) => {
    const input = `alice${String.fromCharCode(code)}ecila`;
    const shown = `alice\\u${hex(code, 4)}ecila`;
    expect(safeText(input)).toBe(shown);
    expect(safeName(input)).toBe(shown);
  });

  it('leaves every other character alone: text, CJK, emoji, the bidi marks just outside the set', () => {
    const input = '你好 🐱 café \u2029\u2065\u206a\u2029\u200f';
    expect(safeText(input)).toBe(input);
    expect(safeName(input)).toBe(input);
  });

  it('neutralises whole escape sequences by their introducer', () => {
    expect(safeText('\x1b[2J\x1b]0;title\x07\x9b31m')).toBe('\\x1b[2J\\x1b]0;title\\x07\\x9b31m');
  });

  it('indents every line of a body after the first', () => {
    expect(indentBody('one\ntwo\n\x1b[Athree', '  ')).toBe('one\n  two\n  \\x1b[Athree');
  });
});
