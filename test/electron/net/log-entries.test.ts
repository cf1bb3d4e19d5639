import { describe, expect, it } from 'vitest';
import { forLog, LOGGED_TEXT_CHARS } from '../../../electron/net/log-entries';
import { packetFields, packetSummary } from '../../../electron/net/packet-log';
import type { Packet } from '../../../shared/protocol/packets';

const text = (body: string): Packet => ({
  kind: 'text',
  from: '0123456789abcdef0123456789abcdef',
  id: 'msg1',
  epoch: 'epoch1',
  seq: 3,
  floor: 1,
  ts: 1_700_000_000_000,
  text: body,
});

describe('forLog', () => {
  it('cuts a long text to what the entry shows: the same summary and fields', () => {
    for (const body of [
      'a'.repeat(65_536),
      'line one\n\n  line two\t'.repeat(3_000),
      '你好😀 '.repeat(10_000),
    ]) {
      const packet = text(body);
      const cut = forLog(packet);
      expect(cut.kind === 'text' && cut.text.length).toBe(LOGGED_TEXT_CHARS);
      expect(packetSummary(cut)).toBe(packetSummary(packet));
      expect(packetFields(cut)).toEqual(packetFields(packet));
    }
  });

  it('leaves a short text and other packets as they are', () => {
    const short = text('x'.repeat(LOGGED_TEXT_CHARS));
    expect(forLog(short)).toBe(short);
    const ack: Packet = { kind: 'ack', from: '0'.repeat(32), id: 'a', epoch: 'e', seq: 1 };
    expect(forLog(ack)).toBe(ack);
  });
});
