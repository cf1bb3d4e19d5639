/**
 * The sender's side of one data stream: answers GET with DATA records read straight from disk
 * (one chunk in memory at a time, each write awaited: back-pressure), FILE_END with the SHA-256 of
 * the whole file, and MANIFEST_GET with slices of the encoded manifest. A resumed request carries
 * the receiver's prefix hash, which is checked against the sender's own file before anything is
 * sent. Every bad request is answered with an ERROR record or ends the stream; nothing throws.
 */
import { createHash, timingSafeEqual, type Hash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { DATA_CHUNK_BYTES } from '../../../shared/files/limits';
import type { ManifestFile } from '../../../shared/files/manifest';
import type { RecordStream } from './ports';
import {
  DATA_HEADER_BYTES,
  decodeRecord,
  encodeRecord,
  writeDataHeader,
  type DataRecord,
  type RecordErrorCode,
} from './records';

/** Bytes read from disk at once; sent as DATA records of DATA_CHUNK_BYTES. */
const READ_BLOCK_BYTES = 256 * 1024;
/** Files one stream may hold open at once (the receiver needs far fewer). */
const MAX_OPEN_PER_STREAM = 64;
const NO_FOLLOW = (constants as Partial<typeof constants>).O_NOFOLLOW ?? 0;

export interface ServeSource {
  file(index: number): ManifestFile | undefined;
  localPath(index: number): string | undefined;
  manifestBytes(): Buffer;
}

export type ServeLookup =
  | { readonly ok: true; readonly source: ServeSource }
  | { readonly ok: false; readonly code: RecordErrorCode };

export interface ServeContext {
  /** Whether `peerId` may fetch from `transfer` now (the first fetch starts the transfer). */
  lookup(peerId: string, transfer: string): ServeLookup;
  onServed(transfer: string, file: number, end: number): void;
  onFileEnd(transfer: string, file: number, sha256: string): void;
  warn(peerId: string, message: string): void;
}

interface OpenSource {
  readonly handle: FileHandle;
  readonly hash: Hash;
  position: number;
}

type Get = Extract<DataRecord, { type: 'get' }>;
type Outcome = 'ok' | 'closed';

class StreamServer {
  private readonly open = new Map<string, OpenSource>();

  constructor(
    private readonly stream: RecordStream,
    private readonly ctx: ServeContext,
  ) {}

  async run(): Promise<void> {
    try {
      for (;;) {
        const bytes = await this.stream.read();
        if (bytes === undefined || (await this.handle(bytes)) === 'closed') return;
      }
    } finally {
      this.stream.close();
      for (const source of this.open.values()) await source.handle.close().catch(() => undefined);
      this.open.clear();
    }
  }

  private async handle(bytes: Uint8Array): Promise<Outcome> {
    const decoded = decodeRecord(bytes);
    if (decoded.ok && decoded.record.type === 'get') return this.serveGet(decoded.record);
    if (decoded.ok && decoded.record.type === 'manifest-get') {
      const { transfer, offset, length } = decoded.record;
      return this.serveManifest(transfer, offset, length);
    }
    this.ctx.warn(this.stream.peerId, decoded.ok ? 'unexpected record' : decoded.error);
    return 'closed';
  }

  private async error(transfer: string, file: number, code: RecordErrorCode): Promise<Outcome> {
    const result = await this.stream.write(encodeRecord({ type: 'error', transfer, file, code }));
    return result.ok ? 'ok' : 'closed';
  }

  private async serveGet(get: Get): Promise<Outcome> {
    const lookup = this.ctx.lookup(this.stream.peerId, get.transfer);
    if (!lookup.ok) return this.error(get.transfer, get.file, lookup.code);
    const entry = lookup.source.file(get.file);
    if (entry === undefined || get.offset + get.length > entry.size)
      return this.error(get.transfer, get.file, 'bad-request');
    const source = await this.sourceFor(get, entry, lookup.source);
    if (typeof source === 'string') return this.error(get.transfer, get.file, source);
    return this.send(get, entry, source);
  }

  private async sourceFor(
    get: Get,
    entry: ManifestFile,
    src: ServeSource,
  ): Promise<OpenSource | RecordErrorCode> {
    const key = `${get.transfer}:${get.file}`;
    const known = this.open.get(key);
    if (known !== undefined) {
      if (known.position === get.offset && prefixMatches(known.hash, get.prefix)) return known;
      await this.drop(key);
      return 'bad-request';
    }
    if (get.offset > 0 && get.prefix === undefined) return 'bad-request';
    const path = src.localPath(get.file);
    if (path === undefined) return 'source-unreadable';
    const opened = await openSource(path, entry, get);
    if (typeof opened === 'string') return opened;
    if (this.open.size >= MAX_OPEN_PER_STREAM) await this.drop(this.open.keys().next().value ?? '');
    this.open.set(key, opened);
    return opened;
  }

  private async drop(key: string): Promise<void> {
    const source = this.open.get(key);
    this.open.delete(key);
    await source?.handle.close().catch(() => undefined);
  }

  private async send(get: Get, entry: ManifestFile, source: OpenSource): Promise<Outcome> {
    const end = get.offset + get.length;
    let next = readAhead(source, end);
    while (next !== undefined) {
      const read = await next;
      if (read === undefined) {
        await this.drop(`${get.transfer}:${get.file}`);
        return this.error(get.transfer, get.file, 'source-changed');
      }
      next = readAhead(source, end); // the disk reads the next block while this one is sent
      const outcome = await this.sendAllowed(get, read);
      if (outcome !== 'ok') {
        await next?.catch(() => undefined);
        return outcome;
      }
    }
    if (end < entry.size) return 'ok';
    return this.finishFile(get, entry, source);
  }

  private async sendAllowed(get: Get, read: Block): Promise<Outcome> {
    const allowed = this.ctx.lookup(this.stream.peerId, get.transfer);
    if (!allowed.ok) return this.error(get.transfer, get.file, allowed.code);
    return this.sendBlock(get, read);
  }

  /** One block read from disk, already cut into DATA records; each write awaited. */
  private async sendBlock(get: Get, read: Block): Promise<Outcome> {
    let offset = read.at;
    for (const record of read.records) {
      writeDataHeader(record, get.transfer, get.file, offset);
      offset += record.byteLength - DATA_HEADER_BYTES;
      if (!(await this.stream.write(record)).ok) return 'closed';
      this.ctx.onServed(get.transfer, get.file, offset);
    }
    return 'ok';
  }

  private async finishFile(get: Get, entry: ManifestFile, source: OpenSource): Promise<Outcome> {
    await this.drop(`${get.transfer}:${get.file}`);
    const digest = source.hash.digest();
    const hex = digest.toString('hex');
    if (entry.sha256 !== undefined && entry.sha256 !== hex)
      return this.error(get.transfer, get.file, 'source-changed');
    const record = { type: 'file-end' as const, transfer: get.transfer, file: get.file };
    const result = await this.stream.write(
      encodeRecord({ ...record, size: entry.size, sha256: digest }),
    );
    if (result.ok) this.ctx.onFileEnd(get.transfer, get.file, hex);
    return result.ok ? 'ok' : 'closed';
  }

  private async serveManifest(transfer: string, offset: number, length: number): Promise<Outcome> {
    const lookup = this.ctx.lookup(this.stream.peerId, transfer);
    if (!lookup.ok) return this.error(transfer, 0, lookup.code);
    const bytes = lookup.source.manifestBytes();
    if (offset + length > bytes.byteLength) return this.error(transfer, 0, 'bad-request');
    for (let at = offset; at < offset + length; at += DATA_CHUNK_BYTES) {
      const payload = bytes.subarray(at, Math.min(at + DATA_CHUNK_BYTES, offset + length));
      const record = {
        type: 'manifest-data' as const,
        transfer,
        offset: at,
        total: bytes.byteLength,
      };
      if (!(await this.stream.write(encodeRecord({ ...record, payload }))).ok) return 'closed';
    }
    return 'ok';
  }
}

function prefixMatches(hash: Hash, prefix: Uint8Array | undefined): boolean {
  return prefix === undefined || timingSafeEqual(hash.copy().digest(), prefix);
}

interface Block {
  readonly at: number;
  /** DATA records with room for the header, the file's bytes already in place. */
  readonly records: readonly Buffer[];
}

/**
 * Starts reading the next block of the request straight into DATA records (one readv, no copy);
 * undefined when the request is all read. Each read starts after the previous one finished, so
 * the running hash sees the bytes in order. A short read (the file shrank) gives undefined.
 */
function readAhead(source: OpenSource, end: number): Promise<Block | undefined> | undefined {
  const at = source.position;
  if (at >= end) return undefined;
  const size = Math.min(READ_BLOCK_BYTES, end - at);
  source.position += size;
  const records: Buffer[] = [];
  for (let left = size; left > 0; left -= DATA_CHUNK_BYTES)
    records.push(Buffer.allocUnsafe(DATA_HEADER_BYTES + Math.min(left, DATA_CHUNK_BYTES)));
  const payloads = records.map((r) => r.subarray(DATA_HEADER_BYTES));
  return source.handle.readv(payloads, at).then(({ bytesRead }) => {
    if (bytesRead !== size) return undefined;
    for (const payload of payloads) source.hash.update(payload);
    return { at, records };
  });
}

/** Opens the local file, checks it is still what was offered, and hashes up to the offset. */
async function openSource(
  path: string,
  entry: ManifestFile,
  get: Get,
): Promise<OpenSource | RecordErrorCode> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | NO_FOLLOW);
  } catch {
    return 'source-unreadable';
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size !== entry.size || Math.floor(stat.mtimeMs) !== entry.mtime) {
      await handle.close();
      return 'source-changed';
    }
    const hash = createHash('sha256');
    await hashRange(handle, hash, get.offset);
    if (!prefixMatches(hash, get.prefix)) {
      await handle.close();
      return 'prefix-mismatch';
    }
    return { handle, hash, position: get.offset };
  } catch {
    await handle.close().catch(() => undefined);
    return 'source-unreadable';
  }
}

async function hashRange(handle: FileHandle, hash: Hash, length: number): Promise<void> {
  if (length === 0) return;
  const buffer = Buffer.allocUnsafe(Math.min(length, 1024 * 1024));
  for (let at = 0; at < length;) {
    const want = Math.min(buffer.byteLength, length - at);
    const { bytesRead } = await handle.read(buffer, 0, want, at);
    if (bytesRead === 0) throw new Error('file shorter than expected');
    hash.update(buffer.subarray(0, bytesRead));
    at += bytesRead;
  }
}

/** Serves one incoming stream until it closes. Never rejects. */
export async function serveStream(stream: RecordStream, ctx: ServeContext): Promise<void> {
  try {
    await new StreamServer(stream, ctx).run();
  } catch (error) {
    // A local I/O failure mid-stream (the disk went away): the stream is closed; the receiver retries.
    ctx.warn(stream.peerId, `serving failed: ${String(error)}`);
  }
}
