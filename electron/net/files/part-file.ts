/**
 * A file being received: `NAME.pchat-part`, written strictly in order, with a running SHA-256 of
 * everything in it. Opening an existing part re-reads it to rebuild the hash (Node cannot save a
 * hash state), so what is on disk is what gets verified: the prefix hash goes to the sender with
 * the first request, and the final hash covers every byte (docs/FILES.md, "Resume").
 * A failed write truncates the part back to the last whole record, so a part is always a prefix.
 */
import { createHash, type Hash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

const READ_CHUNK_BYTES = 1024 * 1024;
/** O_NOFOLLOW where the platform has it: a planted symlink named like our part is not followed. */
const NO_FOLLOW = (constants as Partial<typeof constants>).O_NOFOLLOW ?? 0;

export class PartFile {
  private constructor(
    private readonly handle: FileHandle,
    private hash: Hash,
    private written: number,
    readonly path: string,
  ) {}

  /** Bytes in the part, all of them hashed. */
  get offset(): number {
    return this.written;
  }

  /** SHA-256 of the bytes so far (the prefix), leaving the running hash untouched. */
  prefixDigest(): Uint8Array {
    return this.hash.copy().digest();
  }

  /** Appends; on any failure (ENOSPC…) truncates back to the previous end and rethrows. */
  async append(payload: Uint8Array): Promise<void> {
    const length = payload.byteLength;
    try {
      const { bytesWritten } = await this.handle.write(payload, 0, length, this.written);
      if (bytesWritten !== length) throw shortWrite(bytesWritten, length);
    } catch (error) {
      await this.handle.truncate(this.written).catch(() => undefined); // best effort: the next open re-verifies anyway
      throw error;
    }
    this.hash.update(payload);
    this.written += length;
  }

  /** Empties the part: its bytes did not match the sender's (or it is longer than the file). */
  async reset(): Promise<void> {
    await this.handle.truncate(0);
    this.hash = createHash('sha256');
    this.written = 0;
  }

  /** Final digest in hex; the part must not be appended to afterwards. */
  digestHex(): string {
    return this.hash.digest('hex');
  }

  async sync(): Promise<void> {
    await this.handle.sync();
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined); // closing twice, or after an I/O error
  }

  /** Opens (creating if absent) and hashes what is there. Throws fs errors. */
  static async open(path: string): Promise<PartFile> {
    let handle: FileHandle;
    try {
      handle = await open(path, constants.O_RDWR | NO_FOLLOW);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      handle = await open(
        path,
        constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW,
        0o644,
      );
    }
    try {
      const hash = createHash('sha256');
      const size = await hashHandle(handle, hash);
      return new PartFile(handle, hash, size, path);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }
}

async function hashHandle(handle: FileHandle, hash: Hash): Promise<number> {
  const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
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
