// Noto Color Emoji (SIL Open Font License 1.1), shipped with the app so emoji never show as
// boxes on a system without a colour emoji font. The files come from
// @infolektuell/noto-color-emoji: the COLRv1 build that Chromium (so Electron) draws;
// @fontsource/noto-color-emoji ships only OpenType-SVG tables, which Chromium leaves blank.
// Vite emits the 11 woff2 slices as assets (2.0 MiB); each has its unicode-range, so the
// browser loads a slice only when a text needs it. The family has its own name and comes after
// the system's emoji fonts (base.css): an OS emoji font, where there is one, is used first.
import css from '@infolektuell/noto-color-emoji/index.css?raw';

const files = import.meta.glob<string>(
  '../../../node_modules/@infolektuell/noto-color-emoji/files/*.woff2',
  { query: '?url', import: 'default', eager: true },
);

export const EMOJI_FONT_FAMILY = 'PacketChat Emoji';

/** `[file name, unicode-range]` of each @font-face in the package's stylesheet. */
export function emojiSlices(stylesheet: string): [string, string][] {
  const slices: [string, string][] = [];
  for (const block of stylesheet.split('@font-face').slice(1)) {
    const file = /url\(\.\/files\/([\w-]+\.woff2)\)/.exec(block)?.[1];
    const range = /unicode-range:\s*([^;}]+)/.exec(block)?.[1]?.trim();
    if (file !== undefined && range !== undefined) slices.push([file, range]);
  }
  return slices;
}

/** Registers the slices with the document's fonts (no-op where FontFace does not exist). */
export function installEmojiFont(): number {
  if (typeof FontFace === 'undefined' || typeof document === 'undefined') return 0;
  const urls = new Map(Object.entries(files).map(([path, url]) => [path.split('/').pop(), url]));
  let added = 0;
  for (const [file, range] of emojiSlices(css)) {
    const url = urls.get(file);
    if (url === undefined) continue;
    // tech(): a browser without COLRv1 skips the face and keeps its own emoji font.
    const face = new FontFace(EMOJI_FONT_FAMILY, `url(${url}) format('woff2') tech(color-COLRv1)`, {
      unicodeRange: range,
      display: 'swap',
    });
    document.fonts.add(face);
    added += 1;
  }
  return added;
}
