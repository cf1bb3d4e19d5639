/** Deterministic avatar: the same id always gets the same colours, so people recognise each other. */

/** FNV-1a over UTF-16 code units: tiny, stable, well spread for short ids. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export interface AvatarLook {
  readonly initials: string;
  readonly background: string;
  readonly foreground: string;
}

/** One or two characters: the first CJK character, or the initials of up to two Latin words. */
export function initialsOf(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') return '?';
  const first = Array.from(trimmed)[0] ?? '?';
  if (/[\u3400-\u9fff\uac00-\ud7af\u3040-\u30ff]/.test(first)) return first;
  const words = trimmed.split(/[\s._-]+/).filter((w) => w !== '');
  const letters = words.slice(0, 2).map((w) => Array.from(w)[0] ?? '');
  return letters.join('').toUpperCase() || first.toUpperCase();
}

/** The hue generated from an id (what a person gets until they choose one). */
export function defaultHue(id: string): number {
  return hashText(id) % 360;
}

export function avatarLook(id: string, name: string, chosenHue?: number): AvatarLook {
  const hash = hashText(id);
  const hue = chosenHue ?? hash % 360;
  const shift = 25 + ((hash >>> 9) % 30);
  return {
    initials: initialsOf(name),
    // Dark enough behind white initials (WCAG AA for large text at every hue).
    background: `linear-gradient(135deg, hsl(${hue} 65% 42%), hsl(${(hue + shift) % 360} 70% 34%))`,
    foreground: '#ffffff',
  };
}
