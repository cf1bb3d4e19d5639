/**
 * Storage figures (run inside a worker process): the app's store (electron/store) next to raw
 * node:sqlite with the same pragmas, on the same disk, in the same run.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { storePersistence } from '../../electron/app/persistence-adapter';
import { openStore } from '../../electron/store/open-store';
import type { IncomingRecord } from '../../electron/net/persistence';
import { openRawDatabase } from './raw-sqlite';
import { median, percentile, seeded, timeRuns } from './stats';

const PEER = 'b'.repeat(32);
const WORDS = Array.from(
  'lorem ipsum dolor sit amet lunch meeting tomorrow printer coffee build deploy review 你好 明天 开会 ok thanks 👍 see you later please check the logs'.split(
    ' ',
  ),
);
/** In 1 % of the messages. */
export const COMMON_WORD = 'zebrafish';
/** In exactly one message, early in the conversation. */
export const RARE_WORD = 'quokka';
/** Two characters (too short for the trigram index), in exactly one message: a full scan. */
export const RARE_SHORT = '猫狗';

function messageText(i: number, random: () => number): string {
  const length = 3 + Math.floor(random() * 25);
  const words = Array.from({ length }, () => WORDS[Math.floor(random() * WORDS.length)]!);
  if (i % 100 === 7) words.splice(1, 0, COMMON_WORD);
  if (i === 1_234) words.splice(2, 0, RARE_WORD, RARE_SHORT);
  return `${words.join(' ')} #${i}`;
}

function record(i: number, text: string): IncomingRecord {
  return {
    id: `m${i}`,
    peerId: PEER,
    epoch: 'bench',
    seq: i + 1,
    text,
    transport: 'udp',
    sentAt: 1_700_000_000_000 + i,
    receivedAt: 1_700_000_000_000 + i,
    remote: '127.0.0.1:4000',
    held: false,
  };
}

export interface Timing {
  readonly p50: number;
  readonly p99: number;
}

const timing = (samples: readonly number[]): Timing => ({
  p50: median(samples),
  p99: percentile(samples, 99),
});

export interface StorageResult {
  readonly messages: number;
  /** Messages per second, each in its own durable transaction. */
  readonly durable: { store: number; raw: number; fsyncOnly: number };
  /** Messages per second, 1,000 per transaction. */
  readonly batched: { store: number; raw: number };
  readonly newestPage: { store: Timing; raw: Timing };
  readonly middlePage: { store: Timing; raw: Timing };
  readonly searchCommon: { store: Timing; raw: Timing; hits: number };
  readonly searchRare: { store: Timing; raw: Timing; hits: number };
  readonly searchShort: { store: Timing; raw: Timing; hits: number };
}

export function storageBench(o: {
  messages: number;
  durable: number;
  dir: string;
  rawDir: string;
}): StorageResult {
  const { store } = openStore(o.dir);
  const raw = openRawDatabase(o.rawDir, { fts: true });
  const persistence = storePersistence(store);
  const random = seeded(7);
  const texts = Array.from({ length: o.messages }, (_, i) => messageText(i, random));
  try {
    // Durable, one transaction per message, as a receiving node stores each text before its ack.
    // Alternating blocks, so both see the same disk weather.
    let storeMs = 0;
    let rawMs = 0;
    let fsyncMs = 0;
    const blocks = 4;
    const perBlock = Math.floor(o.durable / blocks);
    const probe = openSync(join(o.rawDir, 'fsync-probe'), 'w');
    let next = 0;
    for (let b = 0; b < blocks; b += 1) {
      let t = performance.now();
      for (let k = 0; k < perBlock; k += 1, next += 1) {
        persistence.recordInbound({
          record: record(next, texts[next]!),
          released: [],
          stream: { peerId: PEER, epoch: 'bench', expected: next + 2 },
          at: Date.now(),
        });
      }
      // The search index is written after the commit (migration 9): the work is moved, not
      // removed, so the store pays it here as the raw side pays its FTS insert.
      store.fts.indexAll();
      storeMs += performance.now() - t;
      t = performance.now();
      for (let k = 0; k < perBlock; k += 1) {
        const i = next - perBlock + k;
        raw.batch(() => raw.insert(i, texts[i]!, PEER));
      }
      rawMs += performance.now() - t;
      t = performance.now();
      for (let k = 0; k < perBlock; k += 1) {
        writeSync(probe, texts[k]!);
        fsyncSync(probe);
      }
      fsyncMs += performance.now() - t;
    }
    closeSync(probe);
    const durableCount = perBlock * blocks;
    const durable = {
      store: (durableCount * 1_000) / storeMs,
      raw: (durableCount * 1_000) / rawMs,
      fsyncOnly: (durableCount * 1_000) / fsyncMs,
    };

    // The rest in transactions of 1,000 (how a history import or a catch-up would write).
    storeMs = 0;
    rawMs = 0;
    const start = next;
    while (next < o.messages) {
      const end = Math.min(o.messages, next + 1_000);
      let t = performance.now();
      store.transaction(() => {
        for (let i = next; i < end; i += 1) store.insertIncoming(record(i, texts[i]!));
      });
      store.fts.indexAll(); // as above: the index after the commit
      storeMs += performance.now() - t;
      t = performance.now();
      raw.batch(() => {
        for (let i = next; i < end; i += 1) raw.insert(i, texts[i]!, PEER);
      });
      rawMs += performance.now() - t;
      next = end;
    }
    const batched = {
      store: ((o.messages - start) * 1_000) / storeMs,
      raw: ((o.messages - start) * 1_000) / rawMs,
    };

    const runs = 200;
    const middle = Math.floor(o.messages / 2);
    const pageCheck = store.reads.history(PEER, { limit: 50 });
    if (pageCheck.messages.length !== 50) throw new Error('history returned a short page');
    const newestPage = {
      store: timing(timeRuns(() => store.reads.history(PEER, { limit: 50 }), runs)),
      raw: timing(timeRuns(() => raw.page(PEER, 50), runs)),
    };
    const middlePage = {
      store: timing(
        timeRuns(() => store.reads.history(PEER, { limit: 50, before: String(middle) }), runs),
      ),
      raw: timing(timeRuns(() => raw.page(PEER, 50, middle), runs)),
    };
    const search = (query: string, count: number, short = false) => {
      const hits = store.reads.search(query, 50).length;
      return {
        store: timing(timeRuns(() => store.reads.search(query, 50), count)),
        raw: timing(timeRuns(() => (short ? raw.like(query, 50) : raw.search(query, 50)), count)),
        hits,
      };
    };
    return {
      messages: o.messages,
      durable,
      batched,
      newestPage,
      middlePage,
      searchCommon: search(COMMON_WORD, 50),
      searchRare: search(RARE_WORD, 50),
      searchShort: search(RARE_SHORT, 20, true),
    };
  } finally {
    store.close();
    raw.close();
  }
}
