// File transfers in the terminal chat (issue 14): /send, /accept, /transfers, a line per change of
// a transfer's state, and a progress bar while bytes move. The calls are the same files:* calls
// as the --json mode's (docs/FILES.md, "IPC and CLI").
import path from 'node:path';
import { isIpmsgPeerId } from '../../shared/ipmsg-id';
import type { TransferEvent, TransferInfo } from '../../shared/transfers';
import type { Ui } from './format';
import { safeName } from './terminal-text';

/** The progress bar is drawn at most this often (the engine's events come at most every 500 ms). */
export const PROGRESS_INTERVAL_MS = 500;
const BAR_CELLS = 20;
/** Top-level names shown in a line; the rest is "…". */
const NAMES_SHOWN = 3;

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** `0 B`, `512 B`, `1.5 KiB`, `12.0 MiB`, `1.00 GiB`. */
export function sizeText(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  return `${value.toFixed(value < 10 && unit >= 3 ? 2 : 1)} ${UNITS[unit] ?? ''}`;
}

/** `45 s`, `3 min 20 s`, `2 h 5 min`. */
export function durationText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** The offer's top-level names, safe for the terminal, the first few of them. */
export function namesText(t: Pick<TransferInfo, 'names' | 'files'>): string {
  const names = t.names.slice(0, NAMES_SHOWN).map(safeName);
  const more = t.names.length > NAMES_SHOWN ? ', …' : '';
  return names.length === 0 ? '?' : `${names.join(', ')}${more}`;
}

/** `1 file, 6.0 MiB`, `3 files, 32.0 MiB`. */
export function whatText(ui: Ui, t: Pick<TransferInfo, 'files' | 'bytes'>): string {
  const size = sizeText(t.bytes);
  return t.files === 1
    ? ui.t('oneFileWhat', { size })
    : ui.t('filesWhat', { files: t.files, size });
}

/**
 * One line, without colours: `⇣ 照片 [██████░░░░░░░░░░░░░░]  31%  10.0/32.0 MiB  4.0 MiB/s  5 s left`.
 */
export function progressText(ui: Ui, t: TransferInfo): string {
  const share = t.bytes === 0 ? 1 : Math.min(1, t.bytesDone / t.bytes);
  const full = Math.round(share * BAR_CELLS);
  const bar = `${'█'.repeat(full)}${'░'.repeat(BAR_CELLS - full)}`;
  const arrow = t.direction === 'send' ? '⇡' : '⇣';
  const parts = [
    `${arrow} ${namesText(t)} [${bar}]`,
    `${String(Math.floor(share * 100)).padStart(3)}%`,
    `${sizeText(t.bytesDone)}/${sizeText(t.bytes)}`,
  ];
  if (t.rate > 0) {
    parts.push(`${sizeText(t.rate)}/s`);
    parts.push(ui.t('timeLeft', { time: durationText((t.bytes - t.bytesDone) / t.rate) }));
  }
  return parts.join('  ');
}

/** Terminal cells a string takes: wide East Asian characters and emoji 2, marks and joiners 0. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += cellsOf(ch.codePointAt(0) ?? 0);
  return width;
}

function cellsOf(cp: number): number {
  if (cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0x300 && cp <= 0x36f)) return 0;
  if (cp >= 0x1f3fb && cp <= 0x1f3ff) return 0; // skin tones join the emoji before them
  const wide =
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd);
  return wide ? 2 : 1;
}

/** Cut to at most `cells` terminal cells, with "…" when something was cut. */
export function fitWidth(text: string, cells: number): string {
  if (displayWidth(text) <= cells) return text;
  let out = '';
  let width = 0;
  for (const ch of text) {
    const w = cellsOf(ch.codePointAt(0) ?? 0);
    if (width + w > cells - 1) break;
    out += ch;
    width += w;
  }
  return `${out}…`;
}

/** What a reason means, in words. */
function reasonText(ui: Ui, t: TransferInfo, peer: string): string {
  switch (t.reason) {
    case undefined:
      return '';
    case 'disk-full':
      return ui.t('reasonDiskFull');
    case 'peer-paused':
      return ui.t('reasonPeerPaused', { peer });
    case 'peer-unreachable':
      return ui.t('reasonPeerUnreachable', { peer });
    case 'relay-unreachable':
      return ui.t('reasonRelayUnreachable');
    default:
      return safeName(t.reason);
  }
}

/**
 * The line for a transfer that changed state, or nothing (progress has its bar; an offer we made
 * was already answered by /send).
 */
export function transferStateLine(ui: Ui, event: TransferEvent, peer: string): string | undefined {
  const { transfer: t } = event;
  const { paint } = ui;
  const names = namesText(t);
  const what = whatText(ui, t);
  const incoming = t.direction === 'receive';
  switch (t.state) {
    case 'offered':
      if (!incoming) return undefined;
      return paint('cyan', ui.t('offerIn', { peer, what, names, id: shortId(t.id) }));
    case 'accepted':
      return paint(
        'dim',
        incoming
          ? ui.t('acceptedIn', { names, dir: safeName(t.dir ?? '') })
          : ui.t('acceptedOut', { peer, names }),
      );
    case 'active':
      return undefined;
    case 'paused':
      return paint('yellow', ui.t('pausedLine', { names, reason: reasonText(ui, t, peer) }));
    case 'done':
      return paint(
        'green',
        incoming
          ? ui.t('doneIn', { peer, what, dir: safeName(t.dir ?? '') })
          : ui.t('doneOut', { peer, what, names }),
      );
    case 'failed':
      return paint(
        'red',
        ui.t('failedLine', {
          names,
          failed: t.filesFailed,
          reason: reasonText(ui, t, peer) || safeName(t.reason ?? ''),
        }),
      );
    case 'declined':
      return paint('dim', ui.t(incoming ? 'declinedIn' : 'declinedOut', { peer, names }));
    case 'cancelled':
      return paint('dim', ui.t('cancelledLine', { names }));
  }
}

/**
 * Transfer ids are 32 hex digits; 8 are enough to name one in /accept. An IPMsg transfer's id
 * (`ipmsg:IP#packetNo`) is shown whole: its first 8 characters are the same for every one.
 */
export function shortId(id: string): string {
  return isIpmsgPeerId(id) ? id : id.slice(0, 8);
}

/** The /transfers list, oldest first. */
export function transfersList(
  ui: Ui,
  list: readonly TransferInfo[],
  peerName: (id: string) => string,
): string {
  if (list.length === 0) return ui.t('transfersNone');
  return [...list]
    .sort((a, b) => a.createdAt - b.createdAt)
    .map((t) => {
      const arrow = t.direction === 'send' ? '⇡' : '⇣';
      const share = t.bytes === 0 ? 100 : Math.floor((t.bytesDone / t.bytes) * 100);
      const reason = t.reason === undefined ? '' : ` (${safeName(t.reason)})`;
      return `${shortId(t.id)} ${arrow} ${peerName(t.peerId)}: ${namesText(t)} · ${whatText(ui, t)} · ${t.state}${reason} ${share}%`;
    })
    .join('\n');
}

/**
 * Splits a command's argument into words: spaces separate them, "double" or 'single' quotes keep
 * spaces in a word, a backslash keeps the next character.
 */
export function splitWords(arg: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < arg.length; i += 1) {
    const ch = arg[i] ?? '';
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < arg.length) {
      i += 1;
      word += arg[i] ?? '';
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** A path typed by the user, against the node's working directory (`~/` is the home folder). */
export function typedPath(typed: string, cwd: string, home: string): string {
  const expanded =
    typed === '~' ? home : typed.startsWith('~/') ? path.join(home, typed.slice(2)) : typed;
  return path.resolve(cwd, expanded);
}

/**
 * Which transfer `/accept` means: the one whose id starts with `ref` (at least 4 hex digits), or
 * without `ref` the newest offer waiting. Only incoming offers count.
 */
export function offerFor(
  list: readonly TransferInfo[],
  ref: string | undefined,
): { ok: true; transfer: TransferInfo } | { ok: false; problem: 'none' | 'unknown' | 'ambiguous' } {
  const offers = list.filter((t) => t.direction === 'receive' && t.state === 'offered');
  if (ref === undefined) {
    const newest = [...offers].sort((a, b) => b.createdAt - a.createdAt)[0];
    return newest === undefined ? { ok: false, problem: 'none' } : { ok: true, transfer: newest };
  }
  const matches = offers.filter((t) => t.id.startsWith(ref.toLowerCase()));
  if (matches.length > 1) return { ok: false, problem: 'ambiguous' };
  const [match] = matches;
  return match === undefined ? { ok: false, problem: 'unknown' } : { ok: true, transfer: match };
}

/**
 * The transfer whose id starts with `ref` (any case), as /transfers shows ids: the first 8 hex
 * digits, or more of it; an IPMsg transfer by its whole id (`ipmsg:IP#N`).
 */
export function transferFor(
  list: readonly TransferInfo[],
  ref: string,
): { ok: true; transfer: TransferInfo } | { ok: false; problem: 'unknown' | 'ambiguous' } {
  const key = ref.toLowerCase();
  const exact = list.find((t) => t.id.toLowerCase() === key);
  if (exact !== undefined) return { ok: true, transfer: exact };
  const matches = list.filter((t) => t.id.toLowerCase().startsWith(key));
  if (matches.length > 1) return { ok: false, problem: 'ambiguous' };
  const [match] = matches;
  return match === undefined ? { ok: false, problem: 'unknown' } : { ok: true, transfer: match };
}

/** Whether a word looks like (the start of) a transfer id rather than a folder. */
export const looksLikeId = (word: string): boolean =>
  /^[0-9a-f]{4,32}$/i.test(word) || /^ipmsg:[^\s/\\]+#\d+$/i.test(word);

/**
 * Turns transfer events into lines: a state line when the state (or its reason) changes, and the
 * progress bar at most every PROGRESS_INTERVAL_MS while bytes move. The bar is one status line:
 * on a terminal it is redrawn in place, through a pipe each drawing is a line of its own.
 */
export class TransferLinesPrinter {
  private readonly seen = new Map<string, string>();
  private lastDraw = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly ui: Ui,
    private readonly out: {
      print(text: string): void;
      status(text: string | undefined): void;
      columns(): number | undefined;
    },
    private readonly now: () => number,
  ) {}

  onTransfer(event: TransferEvent, peer: string): void {
    const t = event.transfer;
    const key = `${t.state}:${t.reason ?? ''}`;
    const changed = this.seen.get(t.id) !== key;
    this.seen.set(t.id, key);
    if (this.seen.size > 1_024) this.seen.delete(this.seen.keys().next().value ?? '');
    if (t.state === 'active') {
      this.progress(t);
      return;
    }
    if (!changed) return;
    this.out.status(undefined);
    this.lastDraw = Number.NEGATIVE_INFINITY;
    const line = transferStateLine(this.ui, event, peer);
    if (line !== undefined) this.out.print(line);
  }

  private progress(t: TransferInfo): void {
    const at = this.now();
    if (at - this.lastDraw < PROGRESS_INTERVAL_MS) return;
    this.lastDraw = at;
    const columns = this.out.columns();
    const text = progressText(this.ui, t);
    this.out.status(
      this.ui.paint('cyan', columns === undefined ? text : fitWidth(text, columns - 1)),
    );
  }
}
