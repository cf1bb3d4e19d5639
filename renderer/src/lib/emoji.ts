// Emoji for the picker: names and keywords from emojibase-data (MIT), loaded on first use in the
// UI's language so search works in English and Chinese; recent picks in localStorage.
import type { UiLanguage } from '../i18n';

export interface Emoji {
  readonly unicode: string;
  readonly label: string;
  readonly tags: readonly string[];
  readonly group: number;
}

/** emojibase's groups in picker order; 2 (skin tone components) is not offered. */
export const EMOJI_GROUPS = [0, 1, 3, 4, 5, 6, 7, 8, 9] as const;
export type EmojiGroup = (typeof EMOJI_GROUPS)[number];
/** A representative emoji per group for the tab row. */
export const GROUP_ICONS: Record<EmojiGroup, string> = {
  0: '😀',
  1: '👋',
  3: '🐱',
  4: '🍜',
  5: '🚲',
  6: '⚽',
  7: '💡',
  8: '❤️',
  9: '🏁',
};

interface CompactEmoji {
  readonly unicode?: unknown;
  readonly label?: unknown;
  readonly tags?: unknown;
  readonly group?: unknown;
}

function clean(data: readonly CompactEmoji[]): Emoji[] {
  const out: Emoji[] = [];
  for (const e of data) {
    if (typeof e.unicode !== 'string' || typeof e.group !== 'number' || e.group === 2) continue;
    out.push({
      unicode: e.unicode,
      label: typeof e.label === 'string' ? e.label : '',
      tags: Array.isArray(e.tags) ? e.tags.filter((t): t is string => typeof t === 'string') : [],
      group: e.group,
    });
  }
  return out;
}

const cache = new Map<UiLanguage, Promise<Emoji[]>>();

/** The emoji list with labels in `language` (a separate chunk, fetched once). */
export function loadEmoji(language: UiLanguage): Promise<Emoji[]> {
  let loading = cache.get(language);
  if (loading === undefined) {
    const data =
      language === 'zh-CN'
        ? import('emojibase-data/zh/compact.json')
        : import('emojibase-data/en/compact.json');
    loading = data.then((m: { default: unknown }) =>
      clean(Array.isArray(m.default) ? (m.default as CompactEmoji[]) : []),
    );
    cache.set(language, loading);
  }
  return loading;
}

/** Emoji whose name or keywords contain every word of the query. */
export function searchEmoji(all: readonly Emoji[], query: string, limit = 120): Emoji[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const found: Emoji[] = [];
  for (const e of all) {
    const haystack = `${e.label} ${e.tags.join(' ')}`.toLowerCase();
    if (words.every((w) => haystack.includes(w))) found.push(e);
    if (found.length >= limit) break;
  }
  return found;
}

const RECENT_KEY = 'packetchat.recentEmoji';
const MAX_RECENT = 24;

export function recentEmoji(): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]');
    return Array.isArray(parsed)
      ? parsed.filter((e): e is string => typeof e === 'string').slice(0, MAX_RECENT)
      : [];
  } catch {
    return []; // storage unavailable or spoiled: no recents, nothing breaks
  }
}

export function rememberEmoji(emoji: string): void {
  const next = [emoji, ...recentEmoji().filter((e) => e !== emoji)].slice(0, MAX_RECENT);
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify(next));
  } catch {
    // Storage full or refused: the pick still went into the text.
  }
}
