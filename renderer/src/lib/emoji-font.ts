// Noto Color Emoji (SIL Open Font License 1.1, from @fontsource/noto-color-emoji), shipped with
// the app so emoji never show as boxes on a system without a colour emoji font. Only the woff2
// files are bundled (Vite emits them as assets: 3.8 MiB in 11 slices); each slice has its
// unicode-range, so the browser loads a slice only when a text needs it.
import ranges from '@fontsource/noto-color-emoji/unicode.json';

// The numbered slices only: the package's one-file "emoji" variant would add 5.8 MB again.
const files = import.meta.glob<string>(
  [
    '../../../node_modules/@fontsource/noto-color-emoji/files/*-[0-9]-400-normal.woff2',
    '../../../node_modules/@fontsource/noto-color-emoji/files/*-[0-9][0-9]-400-normal.woff2',
  ],
  { query: '?url', import: 'default', eager: true },
);

export const EMOJI_FONT_FAMILY = 'Noto Color Emoji';

/** Registers the slices with the document's fonts (no-op where FontFace does not exist). */
export function installEmojiFont(): number {
  if (typeof FontFace === 'undefined' || typeof document === 'undefined') return 0;
  let added = 0;
  for (const [path, url] of Object.entries(files)) {
    const slice = /noto-color-emoji-(\d+)-400-normal\.woff2$/.exec(path)?.[1];
    const range =
      slice === undefined ? undefined : (ranges as Record<string, string>)[`[${slice}]`];
    if (range === undefined) continue;
    const face = new FontFace(EMOJI_FONT_FAMILY, `url(${url}) format('woff2')`, {
      unicodeRange: range,
      display: 'swap',
    });
    document.fonts.add(face);
    added += 1;
  }
  return added;
}
