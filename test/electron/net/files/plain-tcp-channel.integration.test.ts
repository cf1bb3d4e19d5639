import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createPlainTcpChannel,
  type PeerAddress,
  type PlainTcpChannel,
} from '../../../../electron/net/files/plain-tcp-channel';
import type { RecordStream } from '../../../../electron/net/files/ports';
import { RecordDecoder } from '../../../../electron/net/files/record-decoder';
import { MAX_DATA_RECORD_BYTES } from '../../../../shared/files/limits';

const channels: PlainTcpChannel[] = [];
afterEach(async () => {
  for (const channel of channels.splice(0)) await channel.close();
});

async function pair(): Promise<{
  opener: RecordStream;
  acceptor: RecordStream;
  address: PeerAddress;
}> {
  const addresses = new Map<string, PeerAddress>();
  const a = createPlainTcpChannel({ localPeerId: 'a', resolve: (id) => addresses.get(id) });
  const b = createPlainTcpChannel({ localPeerId: 'b', resolve: (id) => addresses.get(id) });
  channels.push(a, b);
  const address = await b.listen();
  addresses.set('b', address);
  const incoming = new Promise<RecordStream>((resolve) => b.onIncoming(resolve));
  const opened = await a.open('b');
  if (!opened.ok) throw new Error(opened.error.message);
  return { opener: opened.stream, acceptor: await incoming, address };
}

describe('plain TCP data channel', () => {
  it('carries records whole and in order both ways, and names the opener', async () => {
    const { opener, acceptor } = await pair();
    expect(acceptor.peerId).toBe('a');
    const sizes = [1, 100, 65_536, MAX_DATA_RECORD_BYTES, 3];
    for (const [i, size] of sizes.entries()) await opener.write(Buffer.alloc(size, i));
    for (const [i, size] of sizes.entries()) {
      const record = await acceptor.read();
      expect(record?.byteLength).toBe(size);
      expect(record?.[0]).toBe(i);
    }
    await acceptor.write(Buffer.from('back'));
    expect(Buffer.from((await opener.read()) ?? []).toString()).toBe('back');
  });

  it('refuses empty and oversized records as values', async () => {
    const { opener } = await pair();
    expect(await opener.write(new Uint8Array(0))).toMatchObject({
      ok: false,
      error: { code: 'too-large' },
    });
    expect(await opener.write(new Uint8Array(MAX_DATA_RECORD_BYTES + 1))).toMatchObject({
      ok: false,
    });
  });

  it('pushes back on a writer whose reader does not read', async () => {
    const { opener } = await pair();
    let written = 0;
    const writing = (async () => {
      for (;;) {
        const result = await opener.write(Buffer.alloc(65_536));
        if (!result.ok) return;
        written += 65_536;
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    // Kernel buffers, the socket's queue and the reader's high-water mark: megabytes, not more.
    expect(written).toBeLessThan(32 * 1024 * 1024);
    opener.close();
    await writing;
  });

  it('ends reads and settles `closed` when the other side closes', async () => {
    const { opener, acceptor } = await pair();
    acceptor.close();
    expect(await opener.read()).toBeUndefined();
    expect((await opener.closed).by).not.toBe('local');
    expect(await opener.write(Buffer.alloc(1))).toMatchObject({ ok: false });
  });

  it('drops a connection that sends garbage instead of a hello', async () => {
    const { address } = await pair();
    const socket = connect(address);
    await new Promise((r) => socket.once('connect', r));
    socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3]));
    await new Promise((r) => socket.once('close', r));
  });

  it('unreachable peers are a value, not a throw', async () => {
    const channel = createPlainTcpChannel({ localPeerId: 'x', resolve: () => undefined });
    channels.push(channel);
    expect(await channel.open('nobody')).toMatchObject({
      ok: false,
      error: { code: 'unreachable' },
    });
    const refused = createPlainTcpChannel({
      localPeerId: 'x',
      resolve: () => ({ host: '127.0.0.1', port: 1 }),
    });
    channels.push(refused);
    expect(await refused.open('closed-port')).toMatchObject({ ok: false });
  });
});

describe('RecordDecoder', () => {
  const frame = (body: Buffer): Buffer => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.byteLength);
    return Buffer.concat([head, body]);
  };

  it('reassembles records however the stream is split', () => {
    const stream = Buffer.concat([
      frame(Buffer.alloc(60_000, 1)),
      frame(Buffer.from('hi')),
      frame(Buffer.alloc(5, 2)),
    ]);
    for (const cut of [1, 3, 4, 5, 1000, 65_536, 60_003, stream.byteLength]) {
      const decoder = new RecordDecoder(MAX_DATA_RECORD_BYTES);
      const records: Buffer[] = [];
      for (let at = 0; at < stream.byteLength; at += cut) {
        const step = decoder.push(stream.subarray(at, at + cut));
        if ('error' in step) throw new Error(step.error);
        records.push(...step.records);
      }
      expect(records.map((r) => r.byteLength)).toEqual([60_000, 2, 5]);
    }
  });

  it('reports a zero or oversized length as an error value', () => {
    expect(new RecordDecoder(10).push(Buffer.from([0, 0, 0, 0]))).toHaveProperty('error');
    expect(new RecordDecoder(10).push(Buffer.from([0, 0, 0, 11]))).toHaveProperty('error');
  });
});
