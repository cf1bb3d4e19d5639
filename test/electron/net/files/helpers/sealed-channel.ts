/**
 * Test and benchmark only: a DataChannel whose every record is sealed with AES-256-GCM through the
 * v2 crypto provider (electron/net/crypto), in the v2 transport record layout (0xFB, 4-byte index,
 * 8-byte counter as associated data; 12-byte nonce of 4 zero bytes and the counter; 16-byte tag).
 * Keys per direction come from one shared test key, so the cost is what protocol v2 will add;
 * the real channel gets its keys from the Noise session instead.
 */
import { createNodeCryptoProvider } from '../../../../../electron/net/crypto/node-crypto';
import type { AeadKey } from '../../../../../electron/net/crypto/primitives';
import type {
  DataChannel,
  OpenResult,
  RecordStream,
} from '../../../../../electron/net/files/ports';

const HEADER_BYTES = 13;
const provider = createNodeCryptoProvider();

function keyFor(shared: Uint8Array, label: string): AeadKey {
  const info = new TextEncoder().encode(label);
  return provider.aesGcm(provider.hkdfSha256(new Uint8Array(0), shared, info, 32));
}

function nonceOf(header: Buffer): Buffer {
  const nonce = Buffer.alloc(12);
  header.copy(nonce, 4, 5, 13);
  return nonce;
}

function sealStream(stream: RecordStream, send: AeadKey, receive: AeadKey): RecordStream {
  let sent = 0n;
  let expected = 0n;
  return {
    peerId: stream.peerId,
    closed: stream.closed,
    close: () => stream.close(),
    write(record) {
      const header = Buffer.alloc(HEADER_BYTES);
      header[0] = 0xfb;
      header.writeBigUInt64BE(sent, 5);
      sent += 1n;
      const sealed = send.seal(nonceOf(header), header, record);
      return stream.write(Buffer.concat([header, sealed]));
    },
    async read() {
      const bytes = await stream.read();
      if (bytes === undefined) return undefined;
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const header = buf.subarray(0, HEADER_BYTES);
      if (buf.byteLength < HEADER_BYTES || header.readBigUInt64BE(5) !== expected) {
        stream.close();
        return undefined;
      }
      expected += 1n;
      const inner = receive.open(nonceOf(header), header, buf.subarray(HEADER_BYTES));
      if (inner === undefined) stream.close();
      return inner;
    },
  };
}

export function sealDataChannel(channel: DataChannel, sharedKey: Uint8Array): DataChannel {
  const forward = keyFor(sharedKey, 'opener to acceptor');
  const backward = keyFor(sharedKey, 'acceptor to opener');
  return {
    async open(peerId): Promise<OpenResult> {
      const opened = await channel.open(peerId);
      return opened.ok
        ? { ok: true, stream: sealStream(opened.stream, forward, backward) }
        : opened;
    },
    onIncoming(handler) {
      return channel.onIncoming((stream) => handler(sealStream(stream, backward, forward)));
    },
  };
}
