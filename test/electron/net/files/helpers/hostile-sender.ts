/**
 * A peer that offers whatever manifest a test writes, with no files behind it: its data channel
 * answers every GET with bytes of 'A' and the right FILE_END, and MANIFEST_GET with the encoded
 * manifest. Offers go straight into the ControlHub, as a hostile or buggy peer would send them.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  createPlainTcpChannel,
  type PlainTcpChannel,
} from '../../../../../electron/net/files/plain-tcp-channel';
import type { RecordStream } from '../../../../../electron/net/files/ports';
import {
  decodeRecord,
  encodeRecord,
  type DataRecord,
} from '../../../../../electron/net/files/records';
import { DATA_CHUNK_BYTES, INLINE_MANIFEST_MAX_BYTES } from '../../../../../shared/files/limits';
import { encodeManifest, summarize, type Manifest } from '../../../../../shared/files/manifest';
import type { TestNet } from './peers';

const FILL = 0x41;

export class HostileSender {
  private readonly manifests = new Map<string, { manifest: Manifest; bytes: Buffer }>();
  private channel: PlainTcpChannel | undefined;

  constructor(
    readonly id: string,
    private readonly net: TestNet,
  ) {}

  async start(): Promise<this> {
    this.channel = createPlainTcpChannel({ localPeerId: this.id, resolve: () => undefined });
    this.net.addresses.set(this.id, await this.channel.listen());
    this.channel.onIncoming((stream) => void this.serve(stream));
    return this;
  }

  async stop(): Promise<void> {
    await this.channel?.close();
  }

  /** Offers `manifest` to `to`; returns the transfer id. */
  offer(to: string, manifest: Manifest): string {
    const transfer = randomBytes(16).toString('hex');
    const bytes = Buffer.from(encodeManifest(manifest), 'utf8');
    this.manifests.set(transfer, { manifest, bytes });
    this.net.hub.inject(this.id, to, {
      type: 'file-offer',
      v: 1,
      transfer,
      summary: summarize(manifest),
      manifestSha256: createHash('sha256').update(bytes).digest('hex'),
      manifestBytes: bytes.byteLength,
      ...(bytes.byteLength <= INLINE_MANIFEST_MAX_BYTES ? { manifest } : {}),
    });
    return transfer;
  }

  private async serve(stream: RecordStream): Promise<void> {
    for (;;) {
      const bytes = await stream.read();
      if (bytes === undefined) return;
      const decoded = decodeRecord(bytes);
      if (!decoded.ok) {
        stream.close();
        return;
      }
      for (const reply of this.answer(decoded.record)) await stream.write(encodeRecord(reply));
    }
  }

  private answer(record: DataRecord): DataRecord[] {
    const known = this.manifests.get(record.transfer);
    const { transfer } = record;
    if (known === undefined)
      return [{ type: 'error', transfer, file: 0, code: 'unknown-transfer' }];
    if (record.type === 'manifest-get') {
      const payload = known.bytes.subarray(record.offset, record.offset + record.length);
      const total = known.bytes.byteLength;
      return chunks(payload).map((p, i) => ({
        type: 'manifest-data',
        transfer,
        offset: record.offset + i * DATA_CHUNK_BYTES,
        total,
        payload: p,
      }));
    }
    if (record.type !== 'get') return [];
    const size = known.manifest.files[record.file]?.size ?? 0;
    const { file, offset, length } = record;
    const data = chunks(Buffer.alloc(length, FILL)).map((payload, i): DataRecord => ({
      type: 'data',
      transfer,
      file,
      offset: offset + i * DATA_CHUNK_BYTES,
      payload,
    }));
    if (offset + length < size) return data;
    const sha256 = createHash('sha256').update(Buffer.alloc(size, FILL)).digest();
    return [...data, { type: 'file-end', transfer, file, size, sha256 }];
  }
}

function chunks(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.byteLength; at += DATA_CHUNK_BYTES)
    out.push(bytes.subarray(at, at + DATA_CHUNK_BYTES));
  return out;
}
