// Fetches an offered folder with GETDIRFILES and writes the stream (dir-stream.ts) under a new
// folder in the chosen one. Every name is made safe (safe-path.ts) and every path checked to stay
// inside; files are created exclusively and never through a symbolic link. The protocol has no
// offset for folders: an interrupted folder is fetched again from the start into a new folder.
// Every name inside that is saved under another name is logged (rename-log.ts) and reported with
// the item's end (TransferProgress.renamedInside), as a top-level item's new name is.
import { constants } from 'node:fs';
import type { Socket } from 'node:net';
import { lstat, mkdir, open, utimes, type FileHandle } from 'node:fs/promises';
import { MAX_DIR_DEPTH, MAX_DIR_ENTRIES } from './constants';
import { DirStreamError, DirStreamParser, type DirEvent } from './dir-stream';
import { connectTo } from './file-download';
import { RenameLog } from './rename-log';
import { resolveInside, safeComponent, safeComponentWhy, uniqueName } from './safe-path';
import type { PathIssueReason } from '../../../shared/files/types';
import type { TransferReport } from './transfer-report';
import { IpmsgError } from './types';

export interface FolderRequest {
  readonly address: string;
  readonly port: number;
  readonly name: string;
  readonly destDir: string;
  readonly request: Uint8Array;
  readonly decode: (bytes: Uint8Array) => string;
  readonly report: TransferReport;
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly localAddress: string | undefined;
  readonly sockets: Set<Socket>;
}

export interface FolderResult {
  readonly path: string;
  readonly bytes: number;
  readonly files: number;
  /** The names inside that were saved under another name (also in the report's final event). */
  readonly renames: RenameLog;
}

/** The offered folder: the sender's name for it and the one it was saved as, under destDir. */
interface FolderRoot {
  readonly path: string;
  readonly senderName: string;
  readonly savedName: string;
}

interface OpenFile {
  readonly handle: FileHandle | undefined;
  readonly path: string;
  readonly mtime: number;
}

/** Applies folder stream events to the disk, one at a time. */
class FolderWriter {
  /** Saved names of the folders entered below the root, and the sender's names for them. */
  readonly stack: string[] = [];
  private readonly senderStack: string[] = [];
  readonly renames = new RenameLog();
  started = false;
  done = false;
  bytes = 0;
  files = 0;
  private entries = 0;
  private current: OpenFile | undefined;

  private readonly root: string;

  constructor(private readonly folder: FolderRoot) {
    this.root = folder.path;
  }

  async apply(event: DirEvent): Promise<void> {
    if (this.done) return; // anything after the closing RETPARENT is ignored
    if (event.type !== 'data' && event.type !== 'end-of-file' && ++this.entries > MAX_DIR_ENTRIES) {
      throw new DirStreamError('folder stream: too many entries');
    }
    switch (event.type) {
      case 'enter':
        return this.enter(event.name);
      case 'leave':
        if (this.stack.length === 0) this.done = true;
        else {
          this.stack.pop();
          this.senderStack.pop();
        }
        return;
      case 'file':
        return this.openFile(event.name, event.mtime);
      case 'skip':
        this.current = { handle: undefined, path: '', mtime: 0 };
        return;
      case 'data':
        await this.current?.handle?.write(event.bytes);
        this.bytes += event.bytes.byteLength;
        return;
      case 'end-of-file':
        return this.closeFile();
    }
  }

  async abort(): Promise<void> {
    await this.current?.handle?.close().catch(() => undefined);
    this.current = undefined;
  }

  private async enter(name: string): Promise<void> {
    if (!this.started) {
      this.started = true; // the offered folder itself: already made, under our own name
      return;
    }
    if (this.stack.length >= MAX_DIR_DEPTH) throw new DirStreamError('folder stream: too deep');
    const safe = this.safe(name);
    const dir = resolveInside(this.root, [...this.stack, safe.name]);
    const existing = await lstat(dir).catch(() => undefined);
    if (existing === undefined) await mkdir(dir);
    else if (!existing.isDirectory())
      throw new IpmsgError('bad-path', `${dir} exists and is not a folder`);
    this.logRename(name, safe.name, safe.reasons);
    this.stack.push(safe.name);
    this.senderStack.push(name);
  }

  private async openFile(name: string, mtime: number): Promise<void> {
    if (!this.started) throw new DirStreamError('folder stream: a file before the folder');
    const parent = resolveInsideOrRoot(this.root, this.stack);
    const safe = this.safe(name);
    const unique = await uniqueName(parent, safe.name);
    const path = resolveInside(this.root, [...this.stack, unique]);
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    this.current = { handle: await open(path, flags, 0o644), path, mtime };
    const clash = unique === safe.name ? [] : (['clash'] as const);
    this.logRename(name, unique, [...safe.reasons, ...clash]);
  }

  /** An entry of the current folder was saved as `saved`: logged when that is not its name. */
  private logRename(name: string, saved: string, reasons: readonly PathIssueReason[]): void {
    if (saved === name) return;
    const { senderName, savedName } = this.folder;
    this.renames.add({
      path: [senderName, ...this.senderStack, name].join('/'),
      reasons,
      renamedTo: [savedName, ...this.stack, saved].join('/'),
    });
  }

  private async closeFile(): Promise<void> {
    const file = this.current;
    this.current = undefined;
    if (file?.handle === undefined) return;
    await file.handle.close();
    this.files += 1;
    if (file.mtime > 0) await utimes(file.path, file.mtime, file.mtime).catch(() => undefined);
  }

  private safe(name: string): NonNullable<ReturnType<typeof safeComponentWhy>> {
    const safe = safeComponentWhy(name);
    if (safe === undefined)
      throw new IpmsgError('bad-path', `unsafe name in folder stream: ${JSON.stringify(name)}`);
    return safe;
  }
}

function resolveInsideOrRoot(root: string, stack: readonly string[]): string {
  return stack.length === 0 ? root : resolveInside(root, stack);
}

export async function downloadFolder(req: FolderRequest): Promise<FolderResult> {
  const safe = safeComponent(req.name);
  if (safe === undefined)
    throw new IpmsgError('bad-path', `unsafe folder name from peer: ${JSON.stringify(req.name)}`);
  const savedName = await uniqueName(req.destDir, safe);
  const root = resolveInside(req.destDir, [savedName]);
  await mkdir(root);
  const writer = new FolderWriter({ path: root, senderName: req.name, savedName });
  req.report.renames = writer.renames; // a folder that fails halfway keeps what it wrote
  const parser = new DirStreamParser(req.decode);
  const socket = await connectTo(req);
  try {
    socket.write(req.request);
    for await (const chunk of socket as AsyncIterable<Buffer>) {
      for (const event of parser.push(chunk)) await writer.apply(event);
      req.report.running(writer.bytes);
      if (writer.done) break;
    }
  } finally {
    socket.destroy();
    await writer.abort();
  }
  if (!writer.done)
    throw new Error(`the folder stream ended early (${writer.files} files written)`);
  return { path: root, bytes: writer.bytes, files: writer.files, renames: writer.renames };
}
