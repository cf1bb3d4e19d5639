/**
 * Safe names for received files: one rule set that is safe on Linux, Windows and macOS at once
 * (docs/FILES.md, "Path rules"). A path from a manifest is either refused (traversal, absolute,
 * drive letter, empty or too deep) or turned into a safe relative path, with the reasons for every
 * change, so the user can be told. Pure: the receiver uses it to plan, the sender to warn.
 */
import { MAX_NAME_BYTES, MAX_PATH_DEPTH, MAX_RELATIVE_PATH_BYTES, PART_SUFFIX } from './limits';
import type { PathIssueReason } from './types';
import { utf8Length } from '../utf8';

export type SafePathResult =
  | {
      readonly ok: true;
      /** '/'-separated, NFC, every component safe. */
      readonly path: string;
      readonly components: readonly string[];
      /** Why it differs from the input; empty when it is the input (after NFC). */
      readonly reasons: readonly PathIssueReason[];
    }
  | { readonly ok: false; readonly reasons: readonly PathIssueReason[] };

/** Windows device names, reserved with any extension and in any case ("con.txt" too). */
const RESERVED_BASE =
  /^(con|prn|aux|nul|conin\$|conout\$|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])$/i;
/** Characters Windows forbids in names (the separators '/' and '\' among them). */
const FORBIDDEN_CHARS = new Set(['<', '>', ':', '"', '|', '?', '*', '\\', '/']);
/**
 * Invisible characters that only serve to disguise a name: bidirectional overrides and marks
 * (the "gnp.exe" trick), zero-width space, word joiner, byte order mark, Mongolian vowel
 * separator. Zero-width (non-)joiners stay: emoji sequences and several scripts need them.
 */
const INVISIBLE = /[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\u180e]/gu;

function isControl(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

/** Replaces forbidden, control and unpaired-surrogate characters with '_'. */
function replaceBadCharacters(name: string, reasons: Set<PathIssueReason>): string {
  let out = '';
  for (const char of name) {
    const code = char.codePointAt(0) ?? 0;
    const lone = char.length === 1 && code >= 0xd800 && code <= 0xdfff;
    if (isControl(code) || FORBIDDEN_CHARS.has(char) || lone) {
      reasons.add('bad-character');
      out += '_';
    } else {
      out += char;
    }
  }
  return out;
}

function trimTrailingDotsAndSpaces(name: string, reasons: Set<PathIssueReason>): string {
  const trimmed = name.replace(/[. ]+$/u, '');
  if (trimmed !== name) reasons.add('trailing-dot-or-space');
  return trimmed;
}

/** Splits "name.ext" at the last dot; a leading dot (".bashrc") is part of the base. */
export function splitExtension(name: string): { base: string; ext: string } {
  const tar = /\.tar\.[a-z0-9]{1,4}$/i.exec(name);
  const dot = tar === null ? name.lastIndexOf('.') : tar.index;
  if (dot <= 0 || name.length - dot > 16) return { base: name, ext: '' };
  return { base: name.slice(0, dot), ext: name.slice(dot) };
}

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a code point. */
function cutUtf8(text: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const char of text) {
    const size = utf8Length(char);
    if (bytes + size > maxBytes) break;
    out += char;
    bytes += size;
  }
  return out;
}

function shorten(name: string, reasons: Set<PathIssueReason>): string {
  if (utf8Length(name) <= MAX_NAME_BYTES) return name;
  reasons.add('too-long');
  const { base, ext } = splitExtension(name);
  const keepExt = utf8Length(ext) <= MAX_NAME_BYTES / 4 ? ext : '';
  return cutUtf8(base, MAX_NAME_BYTES - utf8Length(keepExt)) + keepExt;
}

function isReserved(name: string): boolean {
  const base = name.split('.')[0] ?? name;
  return RESERVED_BASE.test(base.replace(/ +$/u, ''));
}

/**
 * One name component made safe; `.` and `..` are not names and must be refused by the caller.
 * The result is never empty, never reserved, at most MAX_NAME_BYTES of UTF-8.
 */
export function safeName(raw: string): { name: string; reasons: PathIssueReason[] } {
  const reasons = new Set<PathIssueReason>();
  let name = raw.normalize('NFC');
  const visible = name.replace(INVISIBLE, '');
  if (visible !== name) reasons.add('invisible-character');
  name = replaceBadCharacters(visible, reasons);
  name = trimTrailingDotsAndSpaces(shorten(name, reasons), reasons);
  if (name === '') {
    reasons.add('empty');
    name = '_';
  }
  if (isReserved(name)) {
    reasons.add('reserved-name');
    name = `_${name}`;
  }
  if (name.toLowerCase().endsWith(PART_SUFFIX)) {
    reasons.add('reserved-suffix');
    name = `${name}_`;
  }
  return { name, reasons: [...reasons] };
}

function refusal(path: string): PathIssueReason | undefined {
  if (path === '') return 'empty';
  if (path.startsWith('/') || path.startsWith('\\')) return 'absolute';
  if (/^[A-Za-z]:/u.test(path)) return 'drive-letter';
  return undefined;
}

/** A manifest path ('/'-separated, relative) as the receiver will write it, or why it cannot. */
export function safeRelativePath(wirePath: string): SafePathResult {
  const path = wirePath.normalize('NFC');
  const refused = refusal(path);
  if (refused !== undefined) return { ok: false, reasons: [refused] };
  const parts = path.split('/');
  if (parts.length > MAX_PATH_DEPTH) return { ok: false, reasons: ['too-deep'] };
  if (parts.some((p) => p === '.' || p === '..')) return { ok: false, reasons: ['traversal'] };
  if (parts.some((p) => p === '')) return { ok: false, reasons: ['empty'] };
  const reasons = new Set<PathIssueReason>();
  const components = parts.map((part) => {
    const safe = safeName(part);
    for (const reason of safe.reasons) reasons.add(reason);
    return safe.name;
  });
  const joined = components.join('/');
  if (utf8Length(joined) > MAX_RELATIVE_PATH_BYTES) return { ok: false, reasons: ['too-long'] };
  return { ok: true, path: joined, components, reasons: [...reasons] };
}

/**
 * The n-th alternative for a name that is taken: "report.pdf" → "report (1).pdf",
 * "photos" → "photos (1)", ".bashrc" → ".bashrc (1)", "a.tar.gz" → "a (1).tar.gz".
 */
export function clashName(name: string, n: number, isFolder = false): string {
  if (n === 0) return name;
  const { base, ext } = isFolder ? { base: name, ext: '' } : splitExtension(name);
  return `${base} (${n})${ext}`;
}

/**
 * The key under which two names are the same file on a case-insensitive, normalising file system
 * (Windows, macOS by default): siblings with equal keys clash.
 */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}
