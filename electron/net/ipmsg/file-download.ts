// Fetches one offered file with GETFILEDATA into the chosen folder, streaming to `<name>.part`
// and renaming it when complete. A `.part` left by an interrupted download is resumed by asking
// for its length as the offset, but receivers in practice always ask for 0 and iptux's sender
// ignores the offset, so what arrives is checked: more bytes than the rest of the file means the
// sender started over at 0, and the download restarts cleanly from 0.
import { constants } from 'node:fs';
import { lstat, open, rename, utimes, type FileHandle } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { resolveInside, safeComponent, truncateBytes, uniqueName } from './safe-path';
import type { TransferReport } from './transfer-report';
import { IpmsgError } from './types';

export interface DownloadRequest {
  readonly address: string;
  readonly port: number;
  readonly size: number;
  readonly mtime: number;
  readonly name: string;
  readonly destDir: string;
  /** The GETFILEDATA packet asking for bytes from `offset` on. */
  readonly request: (offset: number) => Uint8Array;
  readonly report: TransferReport;
  /** False when the peer is known to ignore the offset (iptux): do not even try to resume. */
  readonly resume: boolean;
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /** Our bound address, when we are bound to one: peers check where requests come from. */
  readonly localAddress: string | undefined;
  /** Open connections are kept here while they last (closing the module destroys them). */
  readonly sockets: Set<Socket>;
}

export interface DownloadResult {
  readonly path: string;
  readonly bytes: number;
  /** The sender ignored a resume offset; the file was fetched again from 0. */
  readonly restarted: boolean;
  /** The sender honoured a resume offset (undefined when none was asked for). */
  readonly offsetHonoured: boolean | undefined;
}

type Attempt =
  { kind: 'complete' } | { kind: 'short'; received: number } | { kind: 'ignored-offset' };

const MAX_ATTEMPTS = 3;
const PART_SUFFIX = '.part';

export async function downloadFile(req: DownloadRequest): Promise<DownloadResult> {
  const safe = safeComponent(req.name);
  if (safe === undefined)
    throw new IpmsgError('bad-path', `unsafe file name from peer: ${JSON.stringify(req.name)}`);
  const partName = truncateBytes(safe, 250) + PART_SUFFIX;
  const partPath = resolveInside(req.destDir, [partName]);
  const handle = await openPart(partPath);
  let restarted = false;
  let offsetHonoured: boolean | undefined;
  try {
    let offset = req.resume ? Math.min((await handle.stat()).size, req.size) : 0;
    for (let attempt = 0; attempt < MAX_ATTEMPTS && offset < req.size; attempt += 1) {
      if (offset === 0) await handle.truncate(0);
      const result = await fetchRange(req, handle, offset);
      if (result.kind === 'ignored-offset') {
        restarted = true;
        offsetHonoured = false;
        req.report.restarted = true;
        offset = 0;
        continue;
      }
      if (offset > 0) offsetHonoured ??= true;
      offset = result.kind === 'complete' ? req.size : offset + result.received;
      if (!req.resume && offset < req.size) offset = 0; // this peer cannot resume: start over
    }
    if (offset < req.size)
      throw new Error(`the connection ended after ${offset} of ${req.size} bytes`);
    await handle.truncate(req.size);
  } finally {
    await handle.close();
  }
  const finalPath = resolveInside(req.destDir, [await uniqueName(req.destDir, safe)]);
  await rename(partPath, finalPath);
  if (req.mtime > 0) await utimes(finalPath, req.mtime, req.mtime).catch(() => undefined);
  return { path: finalPath, bytes: req.size, restarted, offsetHonoured };
}

/** A regular file we may write: never through a symbolic link. */
async function openPart(partPath: string): Promise<FileHandle> {
  const existing = await lstat(partPath).catch(() => undefined);
  if (existing !== undefined && !existing.isFile()) {
    throw new IpmsgError('bad-path', `${partPath} exists and is not a regular file`);
  }
  return open(partPath, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o644);
}

async function fetchRange(
  req: DownloadRequest,
  handle: FileHandle,
  offset: number,
): Promise<Attempt> {
  const socket = await connectTo(req);
  const expected = req.size - offset;
  let received = 0;
  let diskError: unknown;
  const store = async (chunk: Buffer, length: number): Promise<void> => {
    try {
      await handle.write(chunk, 0, length, offset + received);
    } catch (error) {
      diskError = error;
      throw error;
    }
  };
  try {
    socket.write(req.request(offset));
    for await (const chunk of socket as AsyncIterable<Buffer>) {
      if (received + chunk.byteLength > expected) {
        if (offset > 0) return { kind: 'ignored-offset' };
        await store(chunk, expected - received); // bytes beyond the file's size are ignored
        return { kind: 'complete' };
      }
      await store(chunk, chunk.byteLength);
      received += chunk.byteLength;
      req.report.running(offset + received);
      if (received === expected) return { kind: 'complete' };
    }
    return { kind: 'short', received };
  } catch (error) {
    if (diskError !== undefined) throw error;
    return { kind: 'short', received }; // reset or timed out: what arrived is kept, try again
  } finally {
    socket.destroy();
  }
}

export function connectTo(req: {
  address: string;
  port: number;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  localAddress: string | undefined;
  sockets: Set<Socket>;
}): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const where = { host: req.address, port: req.port };
    const socket = connect(
      req.localAddress === undefined ? where : { ...where, localAddress: req.localAddress },
    );
    const timer = setTimeout(
      () => socket.destroy(new Error(`no TCP connection to ${req.address}:${req.port}`)),
      req.connectTimeoutMs,
    );
    req.sockets.add(socket);
    socket.once('close', () => req.sockets.delete(socket));
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.setTimeout(req.idleTimeoutMs, () =>
        socket.destroy(new Error('the sender went silent')),
      );
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
