/**
 * What a file lane carried (TCP or relay), counted per record type between two packet-log
 * entries: the log gets one summary per lane and second, not one entry per 64 KiB record.
 */
const RECORD_NAMES = ['?', 'GET', 'DATA', 'FILE_END', 'ERROR', 'MANIFEST_GET', 'MANIFEST_DATA'];

export interface RecordTally {
  records: number;
  bytes: number;
  readonly byType: number[];
}

export const emptyTally = (): RecordTally => ({
  records: 0,
  bytes: 0,
  byType: [0, 0, 0, 0, 0, 0, 0],
});

/** Counts one record (its first byte is its type) of `bytes` on the wire. */
export function tally(t: RecordTally, record: Uint8Array, bytes: number): void {
  t.records += 1;
  t.bytes += bytes;
  const type = record[0] ?? 0;
  const slot = type >= 1 && type <= 6 ? type : 0;
  t.byType[slot] = (t.byType[slot] ?? 0) + 1;
}

/**
 * The lane's two directions since the last call, as packet-log entries ("DATA ×16, GET ×1 (17
 * records)"), each reported through `log`; the counts start again from zero.
 */
export function drainTallies(
  sent: RecordTally,
  received: RecordTally,
  log: (direction: 'in' | 'out', bytes: number, summary: string) => void,
): void {
  for (const [direction, t] of [
    ['out', sent],
    ['in', received],
  ] as const) {
    if (t.records === 0) continue;
    const parts = t.byType
      .map((n, type) => (n === 0 ? '' : `${RECORD_NAMES[type] ?? '?'} ×${String(n)}`))
      .filter((part) => part !== '');
    log(direction, t.bytes, `${parts.join(', ')} (${String(t.records)} records)`);
    t.records = 0;
    t.bytes = 0;
    t.byType.fill(0);
  }
}
