/**
 * Child process for the flood test: sends `count` junk datagrams from ONE socket on 127.0.0.1 to
 * the given ports over about `durationMs`, then reports how many it sent on stdout and exits.
 * Usage: node --import tsx flood-sender.ts <ports,comma-separated> <count> <durationMs> <seed>
 * Loopback only, bounded in count and time.
 */
import { createSocket } from 'node:dgram';
import { mulberry32 } from '../helpers/impairment-proxy';

const [portList = '', countText = '0', durationText = '0', seedText = '1'] = process.argv.slice(2);
const ports = portList.split(',').map(Number);
const count = Math.min(1_000_000, Number(countText));
const durationMs = Math.min(60_000, Number(durationText));
const random = mulberry32(Number(seedText));
const TICK_MS = 5;
/** Most datagrams in one tick, when catching up after a late timer. */
const MAX_PER_TICK = 2_000;

const hex = (n: number): string =>
  Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');

/** A mix of what a hostile or broken host might send. */
function junk(): Buffer {
  const r = random();
  if (r < 0.35)
    return Buffer.from(
      Array.from({ length: 1 + Math.floor(random() * 1400) }, () => Math.floor(random() * 256)),
    );
  if (r < 0.5) return Buffer.alloc(1_300 + Math.floor(random() * 200), 0x7b); // oversize
  if (r < 0.65) return Buffer.from(`{"proto":"pchat","v":1,"kind":"text","from":"${hex(32)}","te`);
  if (r < 0.75)
    return Buffer.from(`{"proto":"pchat","v":1,"kind":"text","from":"${hex(32)}","seq":-1}`);
  if (r < 0.85)
    return Buffer.from(`{"proto":"pchat","v":9,"kind":"future-${hex(4)}","from":"${hex(32)}"}`);
  if (r < 0.95) return Buffer.from(`\u0001\u0002 binary-ish ${hex(20)}`);
  // Well-formed texts from made-up ids: they pass the codec and cost the node real work.
  return Buffer.from(
    JSON.stringify({
      proto: 'pchat',
      v: 1,
      kind: 'text',
      from: hex(32),
      id: hex(12),
      epoch: hex(8),
      seq: 1,
      floor: 1,
      ts: Date.now(),
      text: 'spam',
    }),
  );
}

const socket = createSocket('udp4');
socket.bind(0, '127.0.0.1', () => {
  socket.setSendBufferSize(4 * 1024 * 1024);
  let sent = 0;
  let failed = 0;
  const started = Date.now();
  const deadline = started + durationMs * 2;
  const tick = (): void => {
    // Keep to the planned rate: send what is due by now (a late timer sends more, within bounds).
    const due = Math.min(count, Math.ceil((count * (Date.now() - started + TICK_MS)) / durationMs));
    const burst = Math.min(MAX_PER_TICK, due - sent);
    for (let i = 0; i < burst; i += 1, sent += 1) {
      socket.send(junk(), ports[sent % ports.length], '127.0.0.1', (error) => {
        if (error) failed += 1;
      });
    }
    if (sent < count && Date.now() < deadline) {
      setTimeout(tick, TICK_MS);
      return;
    }
    const ms = Date.now() - started;
    // A moment for the last sends' callbacks, then report and exit.
    setTimeout(() => {
      process.stdout.write(`${JSON.stringify({ sent, failed, ms })}\n`);
      socket.close();
    }, 50);
  };
  tick();
});
