/**
 * Benchmark baseline: a plain TCP copy of files, file → socket → file, as `tar | nc` would do it.
 * The server streams every file as [u16 path length][path][u64 size][bytes]; the client writes
 * each to disk as it arrives. No hashing, no resume, no fsync: the floor the engine is compared to.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import type { PeerAddress } from '../../../../../electron/net/files/plain-tcp-channel';

export interface RawFile {
  readonly path: string;
  readonly rel: string;
  readonly size: number;
}

async function writeAll(socket: Socket, data: Buffer): Promise<void> {
  if (!socket.write(data)) await new Promise((r) => socket.once('drain', r));
}

async function sendFiles(socket: Socket, files: readonly RawFile[]): Promise<void> {
  for (const file of files) {
    const name = Buffer.from(file.rel, 'utf8');
    const header = Buffer.alloc(2 + name.byteLength + 8);
    header.writeUInt16BE(name.byteLength, 0);
    name.copy(header, 2);
    header.writeBigUInt64BE(BigInt(file.size), 2 + name.byteLength);
    await writeAll(socket, header);
    if (file.size === 0) continue;
    for await (const chunk of createReadStream(file.path, { highWaterMark: 1024 * 1024 }))
      await writeAll(socket, chunk as Buffer);
  }
  socket.end();
}

/** Serves `files` to every client that connects; resolves with the address. */
export async function rawServe(files: readonly RawFile[], host: string): Promise<PeerAddress> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    void sendFiles(socket, files).finally(() => server.close());
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const bound = server.address();
  if (bound === null || typeof bound === 'string') throw new Error('no address');
  return { host: bound.address, port: bound.port };
}

class Writer {
  private handle: FileHandle | undefined;
  private left = 0;
  private header = Buffer.alloc(0);
  private readonly dirs = new Set<string>();
  files = 0;
  bytes = 0;

  constructor(private readonly dst: string) {}

  async push(chunk: Buffer): Promise<void> {
    let data = chunk;
    while (data.byteLength > 0) {
      if (this.handle === undefined) data = await this.readHeader(data);
      else data = await this.writeBody(data);
    }
  }

  private async readHeader(chunk: Buffer): Promise<Buffer> {
    this.header = Buffer.concat([this.header, chunk]);
    if (this.header.byteLength < 2) return Buffer.alloc(0);
    const nameLength = this.header.readUInt16BE(0);
    if (this.header.byteLength < 2 + nameLength + 8) return Buffer.alloc(0);
    const rel = this.header.toString('utf8', 2, 2 + nameLength);
    this.left = Number(this.header.readBigUInt64BE(2 + nameLength));
    const rest = this.header.subarray(2 + nameLength + 8);
    this.header = Buffer.alloc(0);
    const path = join(this.dst, rel);
    const dir = dirname(path);
    if (!this.dirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.dirs.add(dir);
    }
    this.handle = await open(path, 'w');
    this.files += 1;
    if (this.left === 0) await this.finishFile();
    return rest;
  }

  private async writeBody(chunk: Buffer): Promise<Buffer> {
    const take = Math.min(this.left, chunk.byteLength);
    await this.handle?.write(chunk, 0, take);
    this.left -= take;
    this.bytes += take;
    if (this.left === 0) await this.finishFile();
    return chunk.subarray(take);
  }

  private async finishFile(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}

/** Fetches everything the server at `address` sends into `dst`. */
export async function rawFetch(
  address: PeerAddress,
  dst: string,
): Promise<{ files: number; bytes: number }> {
  const socket = connect(address);
  const writer = new Writer(dst);
  for await (const chunk of socket) await writer.push(chunk as Buffer);
  return { files: writer.files, bytes: writer.bytes };
}
