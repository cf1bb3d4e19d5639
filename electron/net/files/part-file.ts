/**
 * A file being received: `NAME.pchat-part`, written strictly in order, with a running SHA-256 of
 * everything in it. Opening an existing part re-reads it to rebuild the hash (Node cannot save a
 * hash state), so what is on disk is what gets verified: the prefix hash goes to the sender with
 * the first request, and the final hash covers every byte (docs/FILES.md, "Resume").
 * Appends are batched into writes of about 1 MiB; a failed write truncates the part back to its
 * previous end, so a part on disk is always a prefix of the file, all of it hashed.
 */
import { createHash, type Hash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

const READ_CHUNK_BYTES = 1024 * 1024;
/** O_NOFOLLOW where the platform has it: a planted symlink named like our part is not followed. */
const NO_FOLLOW = (constants as Partial<typeof constants>).O_NOFOLLOW ?? 0;

/** Appended bytes are written in batches of about this size (one writev each). */
export const PART_FLUSH_BYTES = 1024 * 1024;

export class PartFile {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** The write under way (one at a time, so the disk writes while the network reads). */
  private writing: Promise<void> | undefined;
  private writingBytes = 0;

  private constructor(
    private readonly handle: FileHandle,
    private hash: Hash,
    private written: number,
    readonly path: string,
  ) {}

  /** Bytes in the part, counting appended bytes not yet written. */
  get offset(): number {
    return this.written + this.writingBytes + this.pendingBytes;
  }

  /** SHA-256 of the bytes on disk (the prefix); call after flush(). */
  prefixDigest(): Uint8Array {
    return this.hash.copy().digest();
  }

  /**
   * Appends. Once about PART_FLUSH_BYTES are waiting they are written in the background; the
   * next batch waits for that write (back-pressure). Throws the fs error of a failed write.
   */
  async append(payload: Uint8Array): Promise<void> {
    this.pending.push(payload);
    this.pendingBytes += payload.byteLength;
    if (this.pendingBytes < PART_FLUSH_BYTES) return;
    await this.settle();
    const writing = this.writeOut();
    writing.catch(() => undefined); // observed here so it is never "unhandled"; settle() rethrows it
    this.writing = writing;
  }

  /** Writes everything appended so far. Throws the fs error of a failed write. */
  async flush(): Promise<void> {
    await this.settle();
    await this.writeOut();
  }

  private async settle(): Promise<void> {
    const writing = this.writing;
    this.writing = undefined;
    await writing;
  }

  /**
   * One writev of the waiting bytes. On any failure (ENOSPC…) the part is truncated back to its
   * previous end and everything not written is dropped, so the part stays a verified prefix.
   */
  private async writeOut(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const chunks = this.pending;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.writingBytes = bytes;
    try {
      const { bytesWritten } = await this.handle.writev(chunks, this.written);
      if (bytesWritten !== bytes) throw shortWrite(bytesWritten, bytes);
    } catch (error) {
      this.discardPending();
      await this.handle.truncate(this.written).catch(() => undefined); // best effort: the next open re-verifies anyway
      throw error;
    } finally {
      this.writingBytes = 0;
    }
    for (const chunk of chunks) this.hash.update(chunk);
    this.written += bytes;
  }

  /** Forgets appended bytes that were not written (they will be fetched again). */
  discardPending(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Empties the part: its bytes did not match the sender's (or it is longer than the file). */
  async reset(): Promise<void> {
    await this.settle().catch(() => undefined); // a failed write is moot: everything goes
    this.discardPending();
    await this.handle.truncate(0);
    this.hash = createHash('sha256');
    this.written = 0;
  }

  /** Final digest in hex, after flush(); the part must not be appended to afterwards. */
  digestHex(): string {
    return this.hash.digest('hex');
  }

  async sync(): Promise<void> {
    await this.handle.sync();
  }

  async close(): Promise<void> {
    await this.settle().catch(() => undefined); // reported to whoever appended; the part is a prefix
    await this.handle.close().catch(() => undefined); // closing twice, or after an I/O error
  }

  /** Opens (creating if absent) and hashes what is there. Throws fs errors. */
  static async open(path: string): Promise<PartFile> {
    const hash = createHash('sha256');
    const create = constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW;
    try {
      return new PartFile(await open(path, create, 0o644), hash, 0, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    // A part from before (a restart, a pause): continue from what it holds.
    const handle = await open(path, constants.O_RDWR | NO_FOLLOW);
    try {
      const size = await hashHandle(handle, hash);
      return new PartFile(handle, hash, size, path);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }
}

async function hashHandle(handle: FileHandle, hash: Hash): Promise<number> {
  const { size } = await handle.stat();
  if (size === 0) return 0;
  const buffer = Buffer.allocUnsafe(Math.min(size, READ_CHUNK_BYTES));
  let position = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, position);
    if (bytesRead === 0) return position;
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
}

function shortWrite(written: number, wanted: number): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`short write: ${written} of ${wanted} bytes`);
  error.code = 'ENOSPC';
  return error;
}
