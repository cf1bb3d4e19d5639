import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatClock,
  formatClockSeconds,
  formatDateTime,
  formatDay,
  formatListTime,
  formatNumber,
} from '../../../renderer/src/lib/format';

// The formatters are cached per language; they must say exactly what the Date and Number
// methods they replaced say, in every language and after switching back and forth.
const AT = Date.UTC(2026, 10, 25, 16, 5, 9, 42);

describe('formatting with cached Intl formatters', () => {
  for (const [i, locale] of ['en', 'zh-CN', 'de', 'en'].entries()) {
    it(`matches the locale methods in ${locale} (${i + 1} of 4)`, () => {
      const d = new Date(AT);
      expect(formatClock(AT, locale)).toBe(
        d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' }),
      );
      expect(formatClockSeconds(AT, locale)).toBe(
        `${d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })}.042`,
      );
      expect(formatDateTime(AT, locale)).toBe(d.toLocaleString(locale));
      expect(formatDay(AT, locale)).toBe(
        d.toLocaleDateString(locale, {
          year: 'numeric',
          month: 'long',
          day: 'numeric',
          weekday: 'short',
        }),
      );
      expect(formatListTime(AT, AT + 86_400_000 * 3, locale)).toBe(
        d.toLocaleDateString(locale, { month: 'numeric', day: 'numeric' }),
      );
      expect(formatListTime(AT, AT, locale)).toBe(formatClock(AT, locale));
      expect(formatNumber(1234567, locale)).toBe((1234567).toLocaleString(locale));
      expect(formatBytes(5_000, locale)).toBe(
        `${(5_000 / 1024).toLocaleString(locale, { maximumFractionDigits: 1 })} KiB`,
      );
    });
  }
});
