/**
 * Attack 4, tampering: sealed records alice sent to bob are captured on the wire and withheld (so
 * their counters are still fresh at bob and every variant reaches the AES-GCM check), then every
 * truncation and every single-bit flip of them goes to bob from mallory's socket. Not one is
 * accepted: bob logs no authenticated packet for any variant, shows no message and no stranger.
 * The unmodified records, sent afterwards from alice's address, are accepted: the control that
 * shows the variants were one bit away from valid.
 *
 * `npm test` flips every bit of 12 records and truncates 120 of them at every length (about
 * 60,000 variants); PACKETCHAT_ATTACK_SOAK=1 does both to all 300 (about 400,000).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PacketLogEntry } from '../../shared/domain';
import { waitUntil } from '../helpers/wait';
import { report } from './measure';
import { startTrio, type Trio } from './trio';

const SOAK = process.env['PACKETCHAT_ATTACK_SOAK'] === '1';
const RECORDS = 300;
const FLIPPED_RECORDS = SOAK ? RECORDS : 12;
const TRUNCATED_RECORDS = SOAK ? RECORDS : 120;
/** Inbound log kinds that only an authenticated record produces. */
const AUTHENTICATED = new Set([
  'hello',
  'bye',
  'text',
  'frag',
  'ack',
  'acks',
  'bundle',
  'handshake',
]);

let trio: Trio | undefined;
afterEach(async () => {
  await trio?.close();
  trio = undefined;
});

function variants(records: readonly Buffer[]): { flips: Buffer[]; truncations: Buffer[] } {
  const flips: Buffer[] = [];
  const truncations: Buffer[] = [];
  records.forEach((record, r) => {
    if (r < TRUNCATED_RECORDS)
      for (let length = 1; length < record.length; length += 1)
        truncations.push(record.subarray(0, length));
    if (r >= FLIPPED_RECORDS) return;
    for (let bit = 0; bit < record.length * 8; bit += 1) {
      const copy = Buffer.from(record);
      copy[bit >> 3] = (copy[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      flips.push(copy);
    }
  });
  return { flips, truncations };
}

describe('attack 4: tampered sealed records', () => {
  it(
    'no single-bit flip and no truncation of a captured record is accepted',
    async () => {
      trio = await startTrio();
      const t = trio;
      // Capture and withhold: bob never sees these records, so their counters stay fresh.
      const withheld: Buffer[] = [];
      t.toBob.filter = (direction, bytes) => {
        if (direction !== 'forward' || bytes[0] !== 0xfb) return true;
        if (withheld.length < RECORDS) withheld.push(Buffer.from(bytes));
        return false;
      };
      // Records of several sizes: texts of 1 to ~600 characters, and hellos. One per event-loop
      // turn: the packets of one turn would share a bundle (docs/PROTOCOL.md).
      const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
      for (let i = 0; i < 20; i += 1) {
        await t.alice.sendText(t.bob.id, 'x'.repeat(1 + i * 31));
        await nextTurn();
      }
      for (let i = 0; i < RECORDS; i += 1) {
        t.alice.setProfile({ nick: `alice ${i % 7}` });
        await nextTurn();
      }
      await waitUntil(() => withheld.length >= RECORDS, 10_000, `${RECORDS} captured records`);

      const inbound: PacketLogEntry[] = [];
      const malloryAt = `127.0.0.1:${t.mallory.address().port}`;
      const alicePeer = t.bob.peerList().find((p) => p.id === t.alice.id);
      const aliceAt = `${alicePeer?.address ?? '?'}:${alicePeer?.port ?? 0}`;
      t.bob.on('packet', (entry) => {
        if (entry.direction === 'in' && (entry.remote === malloryAt || entry.remote === aliceAt))
          inbound.push(entry);
      });
      const messagesBefore = t.received.get(t.bob)?.length ?? 0;
      const before = t.bob.info().counters;
      const { flips, truncations } = variants(withheld);
      const started = performance.now();
      await t.inject(t.bob, t.bob.info().clientPort, truncations);
      await t.inject(t.bob, t.bob.info().clientPort, flips);
      const seconds = (performance.now() - started) / 1000;
      const after = t.bob.info().counters;

      const accepted = inbound.filter((e) => AUTHENTICATED.has(e.kind));
      const kinds = new Map<string, number>();
      for (const e of inbound) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
      const authFailures = inbound.filter((e) => e.summary.includes('auth-failed')).length;
      expect(accepted, 'variants accepted as authenticated packets').toEqual([]);
      expect(inbound.length, 'every variant was handled and logged').toBeGreaterThanOrEqual(
        flips.length + truncations.length,
      );
      expect((t.received.get(t.bob)?.length ?? 0) - messagesBefore).toBe(0);
      expect(after.plainReceived - before.plainReceived, 'variants shown as plain text').toBe(0);
      expect(t.bob.strangerList()).toEqual([]);
      // Most variants were fresh and went all the way to the tag check.
      expect(authFailures).toBeGreaterThan(flips.length / 2);

      // Control: the untouched records are authentic and fresh, and bob takes them.
      const acceptedBefore = accepted.length;
      const originals = inbound.length;
      for (let start = 0; start < withheld.length; start += 100) {
        const chunk = withheld.slice(start, start + 100);
        for (const record of chunk) t.toBob.inject('forward', record);
        await waitUntil(
          () => inbound.length - originals >= start + chunk.length,
          10_000,
          'the untouched records to be handled',
        );
      }
      const controls = inbound.slice(originals).filter((e) => AUTHENTICATED.has(e.kind)).length;
      expect(controls).toBe(withheld.length);
      report('4 bit flips and truncations', {
        records: withheld.length,
        flips: flips.length,
        truncations: truncations.length,
        accepted: acceptedBefore,
        authFailed: authFailures,
        rejectedRecords: after.recordsRejected - before.recordsRejected,
        junk: after.junkDropped - before.junkDropped,
        datagramsPerSecond: Math.round((flips.length + truncations.length) / seconds),
        untouchedAccepted: controls,
      });
      console.log(`[attack] 4 inbound kinds: ${JSON.stringify(Object.fromEntries(kinds))}`);
    },
    SOAK ? 600_000 : 60_000,
  );
});
