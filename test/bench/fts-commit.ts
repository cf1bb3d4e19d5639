/**
 * What one stored 64 KiB text costs the commit that stands before its send or ack (issue 18,
 * docs/BENCHMARKS.md "Fourth pass"): a real store file, one received message per transaction, as
 * the receiver stores it. Prints the median wall and CPU time per commit, the WAL bytes per
 * commit (automatic checkpoints off) and the first search after them (which indexes what is
 * pending, migration 9).
 *
 *   tsx test/bench/fts-commit.ts [--count=40] [--bytes=65536]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DATABASE_FILE, openStore } from '../../electron/store/open-store';
import { round } from './stats';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '40' },
    bytes: { type: 'string', default: '65536' },
  },
});
const count = Number(values.count);
const dir = mkdtempSync(join(tmpdir(), 'packetchat-fts-'));
const { store } = openStore(dir);
store.sql.run('PRAGMA wal_autocheckpoint = 0');
const wal = join(dir, `${DATABASE_FILE}-wal`);
const walSize = (): number => statSync(wal, { throwIfNoEntry: false })?.size ?? 0;
// Varied words, so the trigram index has real work (not one trigram repeated).
const words = Array.from({ length: 4096 }, (_, i) => `w${(i * 7919).toString(36)}`);
const text = (n: number): string => {
  let s = '';
  for (let i = 0; s.length < Number(values.bytes); i += 1)
    s += `${words[(i * 31 + n) % 4096] ?? ''} `;
  return s.slice(0, Number(values.bytes));
};
const wall: number[] = [];
const cpu: number[] = [];
const walBefore = walSize();
for (let i = 1; i <= count; i += 1) {
  const body = text(i);
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  store.insertIncoming({
    id: `m${String(i)}`,
    peerId: 'bob',
    epoch: 'e1',
    seq: i,
    text: body,
    transport: 'tcp',
    sentAt: i,
    receivedAt: i,
    remote: '127.0.0.1:4000',
    held: false,
  });
  const c = process.cpuUsage(c0);
  wall.push(Number(process.hrtime.bigint() - t0) / 1000);
  cpu.push(c.user + c.system);
}
const walPerCommit = (walSize() - walBefore) / count;
const s0 = process.hrtime.bigint();
const hits = store.reads.search(words[5] ?? 'w', 100).length;
const searchMs = Number(process.hrtime.bigint() - s0) / 1e6;
const s1 = process.hrtime.bigint();
store.reads.search(words[6] ?? 'w', 100);
const searchAgainMs = Number(process.hrtime.bigint() - s1) / 1e6;
store.close();
rmSync(dir, { recursive: true, force: true });
const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
console.log(
  `${String(count)} commits of ${values.bytes} bytes: median ${String(round(median(wall)))} µs wall, ${String(round(median(cpu)))} µs CPU; WAL ${String(round(walPerCommit / 1024))} KiB per commit; first search ${String(round(searchMs))} ms (${String(hits)} hits), next ${String(round(searchAgainMs))} ms`,
);
