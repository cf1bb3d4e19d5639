// Offers both ways. Outgoing: the files and folders we offered, by (peer address, packet number,
// file id), served over TCP until the peer releases them or they expire. Incoming: what peers
// offered us, until accepted, declined or expired. Both bounded.
import { lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { FileKind, MAX_DIR_ENTRIES } from './constants';
import { entryKind, parseDecimal, parseHex, type FileEntry } from './file-list';
import type { IncomingFile, IncomingOffer } from './types';

export interface ServedFile {
  readonly fileId: number;
  readonly path: string;
  readonly name: string;
  readonly kind: 'file' | 'folder';
  readonly size: number;
  readonly mtime: number;
}

export interface ServedOffer {
  readonly offerId: string;
  readonly peerId: string;
  readonly address: string;
  packetNo: number | undefined;
  readonly files: readonly ServedFile[];
  readonly createdAt: number;
}

export class OutgoingOffers {
  private readonly offers = new Map<string, ServedOffer>();

  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
  ) {}

  add(offer: ServedOffer): void {
    this.offers.set(offer.offerId, offer);
    while (this.offers.size > this.max) {
      const oldest = this.offers.keys().next();
      if (oldest.done === true) break;
      this.offers.delete(oldest.value);
    }
  }

  get(offerId: string): ServedOffer | undefined {
    return this.offers.get(offerId);
  }

  /**
   * The file a TCP request names (packet number and file id in hex, iptux-style decimal id too),
   * with the id of the offer it belongs to.
   */
  find(
    address: string,
    packetText: string,
    fileText: string,
    now: number,
  ): { readonly offerId: string; readonly file: ServedFile } | undefined {
    const packetNo = parseHex(packetText);
    const offer = [...this.offers.values()].find(
      (o) => o.address === address && o.packetNo === packetNo && now - o.createdAt < this.ttlMs,
    );
    if (offer === undefined) return undefined;
    const byId = (id: number | undefined): ServedFile | undefined =>
      id === undefined ? undefined : offer.files.find((f) => f.fileId === id);
    const file = byId(parseHex(fileText)) ?? byId(parseDecimal(fileText));
    return file === undefined ? undefined : { offerId: offer.offerId, file };
  }

  /** RELEASEFILES: the peer does not want them (or has them all). Returns the offer released. */
  release(address: string, packetNo: number): ServedOffer | undefined {
    for (const [id, offer] of this.offers) {
      if (offer.address === address && offer.packetNo === packetNo) {
        this.offers.delete(id);
        return offer;
      }
    }
    return undefined;
  }

  /** We take an offer back: later requests for its files are refused. */
  delete(offerId: string): boolean {
    return this.offers.delete(offerId);
  }
}

export class IncomingOffers {
  private readonly offers = new Map<string, IncomingOffer & { readonly address: string }>();

  constructor(private readonly max: number) {}

  add(
    peerId: string,
    address: string,
    packetNo: number,
    entries: readonly FileEntry[],
    shared: boolean,
    at: number,
  ): IncomingOffer {
    const files: IncomingFile[] = entries.map((e) => ({
      fileId: e.fileId,
      name: e.name,
      size: e.size,
      mtime: e.mtime,
      kind: entryKind(e.attr),
    }));
    const offer = {
      offerId: `${peerId}#${packetNo}`,
      peerId,
      packetNo,
      files,
      shared,
      at,
      address,
    };
    this.offers.delete(offer.offerId);
    this.offers.set(offer.offerId, offer);
    this.trim();
    const { address: _address, ...visible } = offer;
    return visible;
  }

  /** An offer received in an earlier run (the app keeps them): known again, not reported again. */
  restore(offer: IncomingOffer, address: string): void {
    if (this.offers.has(offer.offerId)) return;
    this.offers.set(offer.offerId, { ...offer, address });
    this.trim();
  }

  get(offerId: string): (IncomingOffer & { readonly address: string }) | undefined {
    return this.offers.get(offerId);
  }

  delete(offerId: string): void {
    this.offers.delete(offerId);
  }

  private trim(): void {
    while (this.offers.size > this.max) {
      const oldest = this.offers.keys().next();
      if (oldest.done === true) break;
      this.offers.delete(oldest.value);
    }
  }
}

/** What we offer for `paths`: regular files and folders, with sizes (a folder's is its total). */
export async function describeFiles(
  paths: readonly string[],
  firstId: number,
): Promise<ServedFile[]> {
  const files: ServedFile[] = [];
  for (const [i, given] of paths.entries()) {
    const full = path.resolve(given);
    const info = await stat(full);
    const name = path.basename(full);
    const mtime = Math.floor(info.mtimeMs / 1000);
    if (info.isFile()) {
      files.push({ fileId: firstId + i, path: full, name, kind: 'file', size: info.size, mtime });
    } else if (info.isDirectory()) {
      files.push({
        fileId: firstId + i,
        path: full,
        name,
        kind: 'folder',
        size: await folderSize(full),
        mtime,
      });
    } else {
      throw new Error(`${full} is neither a file nor a folder`);
    }
  }
  return files;
}

export function fileAttr(kind: 'file' | 'folder'): number {
  return kind === 'file' ? FileKind.REGULAR : FileKind.DIR;
}

/** Sum of the regular files below `dir` (symbolic links not followed), bounded. */
async function folderSize(dir: string): Promise<number> {
  let total = 0;
  let seen = 0;
  const pending = [dir];
  while (pending.length > 0 && seen < MAX_DIR_ENTRIES) {
    const current = pending.pop() ?? dir;
    for (const entry of await readdir(current, { withFileTypes: true })) {
      seen += 1;
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (entry.isFile()) total += (await lstat(full)).size;
    }
  }
  return total;
}
