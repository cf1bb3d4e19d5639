import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadEmoji, searchEmoji } from '../../../renderer/src/lib/emoji';
import { emojiSlices } from '../../../renderer/src/lib/emoji-font';

const require = createRequire(import.meta.url);

describe('emoji', () => {
  it('reads every slice of the bundled font with its unicode range', () => {
    const css = readFileSync(require.resolve('@infolektuell/noto-color-emoji/index.css'), 'utf8');
    const slices = emojiSlices(css);
    expect(slices).toHaveLength(11);
    expect(slices[0]).toEqual(['0.woff2', 'U+1f1e6-1f1ff']);
    expect(slices.every(([, range]) => range.startsWith('U+'))).toBe(true);
  });

  it('finds emoji by name or keyword, in English and in Chinese', async () => {
    // emojibase writes emoji with their presentation selector (U+FE0F) where Unicode has one.
    const bare = (list: { unicode: string }[]) => list.map((e) => e.unicode.replace(/\uFE0F/g, ''));
    const en = await loadEmoji('en');
    expect(en.length).toBeGreaterThan(1_500);
    expect(bare(searchEmoji(en, 'thumbs up'))).toContain('👍');
    expect(bare(searchEmoji(en, 'cat face'))).toContain('🐱');
    const zh = await loadEmoji('zh-CN');
    expect(bare(searchEmoji(zh, '猫'))).toContain('🐱');
    expect(en.some((e) => e.group === 2)).toBe(false); // skin tone components are not offered
  });
});
