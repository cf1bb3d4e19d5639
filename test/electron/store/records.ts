import type { IncomingRecord } from '../../../electron/net/persistence';

/** A received text from bob as the store takes it (stream `e1`, sent and received at `seq`). */
export function incoming(
  id: string,
  seq: number,
  text = `text ${id}`,
  held = false,
): IncomingRecord {
  return {
    id,
    peerId: 'bob',
    epoch: 'e1',
    seq,
    text,
    transport: 'udp',
    sentAt: seq,
    receivedAt: seq,
    remote: '10.0.0.2:4000',
    held,
  };
}
