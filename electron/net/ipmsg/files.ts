// Files and folders both ways: offers in SENDMSG with FILEATTACHOPT, fetched over TCP with
// GETFILEDATA (files, resumable) and GETDIRFILES (folders), declined with RELEASEFILES.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Server, Socket } from 'node:net';
import type { Endpoint } from '../../../shared/address';
import type { ChatMessage } from '../../../shared/domain';
import { ipmsgAddress } from '../../../shared/ipmsg-id';
import type { WarningCode } from '../types';
import type { IpmsgPacket } from './codec';
import type { PacketComposer } from './compose';
import {
  Command,
  MAX_FILES_PER_OFFER,
  MAX_INCOMING_OFFERS,
  MAX_OFFERS,
  OFFER_TTL_MS,
  Option,
} from './constants';
import { downloadFolder } from './dir-download';
import { downloadFile } from './file-download';
import { formatFileEntry, parseFileList } from './file-list';
import { describeFiles, fileAttr, IncomingOffers, OutgoingOffers } from './file-offers';
import { FileServer } from './file-server';
import { randomToken } from '../ids';
import type { SendOptions } from './message-sender';
import { encodeText } from './text-encoding';
import { TransferReport } from './transfer-report';
import {
  IpmsgError,
  type IncomingOffer,
  type IpmsgPeer,
  type OfferReleased,
  type OutgoingOffer,
  type TransferProgress,
} from './types';

export interface FilesDeps {
  readonly now: () => number;
  readonly composer: PacketComposer;
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /** Our bound address (undefined for 0.0.0.0): file connections leave from it. */
  readonly localAddress: string | undefined;
  peerByAddress(address: string): IpmsgPeer | undefined;
  decode(peer: IpmsgPeer | undefined, bytes: Uint8Array): string;
  send(peer: IpmsgPeer, text: string, options: SendOptions): ChatMessage;
  reply(to: Endpoint, peer: IpmsgPeer, command: number, body: string): void;
  logRequest(packet: IpmsgPacket, local: Endpoint, remote: Endpoint, size: number): void;
  offered(offer: IncomingOffer): void;
  /** A peer sent RELEASEFILES for one of our offers. */
  released(release: OfferReleased): void;
  report(progress: TransferProgress): void;
  counted(direction: 'send' | 'receive'): void;
  warn(code: WarningCode, message: string, remote?: Endpoint): void;
}

export class IpmsgFiles {
  private readonly outgoing = new OutgoingOffers(MAX_OFFERS, OFFER_TTL_MS);
  private readonly incoming = new IncomingOffers(MAX_INCOMING_OFFERS);
  /** Peers seen to ignore the GETFILEDATA offset: no resume attempts for them. Bounded. */
  private readonly ignoresOffset = new Set<string>();
  /** Connections of downloads under way, closed by close(). */
  private readonly downloads = new Set<Socket>();
  private readonly server: FileServer;

  constructor(private readonly deps: FilesDeps) {
    this.server = new FileServer({
      now: deps.now,
      offers: this.outgoing,
      encode: (address, text) => encodeText(text, deps.peerByAddress(address)?.encoding ?? 'utf-8'),
      logRequest: (packet, local, remote, size) => {
        deps.logRequest(packet, local, remote, size);
      },
      report: (progress) => {
        deps.report(progress);
      },
      sent: () => {
        deps.counted('send');
      },
      warn: (code, message, remote) => {
        deps.warn(code, message, remote);
      },
    });
  }

  attach(server: Server): void {
    this.server.attach(server);
  }

  close(): void {
    this.server.close();
    for (const socket of this.downloads) socket.destroy();
    this.downloads.clear();
  }

  /** An offer arrived with a message (MessageReceiver): remembered and reported. */
  received(peer: IpmsgPeer, packet: IpmsgPacket, list: string): string | undefined {
    const entries = parseFileList(list);
    if (entries.length === 0) return undefined;
    const shared = (packet.options & Option.IPTUX_SHAREDOPT) !== 0;
    const offer = this.incoming.add(
      peer.id,
      peer.address,
      packet.packetNo,
      entries,
      shared,
      this.deps.now(),
    );
    this.deps.offered(offer);
    return offer.offerId;
  }

  /**
   * Offers files and folders to a peer with an optional text; they are served until released.
   * Folders are refused for iptux before 0.9.4, which crashes receiving one, unless `force`.
   */
  async offer(
    peer: IpmsgPeer,
    paths: readonly string[],
    text: string,
    force = false,
  ): Promise<OutgoingOffer> {
    if (paths.length === 0 || paths.length > MAX_FILES_PER_OFFER) {
      throw new IpmsgError(
        'too-long',
        `offer 1 to ${MAX_FILES_PER_OFFER} files, not ${paths.length}`,
      );
    }
    const files = await describeFiles(paths, 0);
    if (!force && files.some((f) => f.kind === 'folder') && crashesOnFolders(peer.version)) {
      const client = peer.version.replace(/^1_/, '');
      throw new IpmsgError(
        'unsupported',
        `${peer.nick} runs ${client}, which crashes when it receives a folder (iptux bug #472, fixed in 0.9.4): send the files in it instead`,
      );
    }
    const list = files
      .map((f) =>
        formatFileEntry({
          fileId: f.fileId,
          name: f.name,
          size: f.size,
          mtime: f.mtime,
          attr: fileAttr(f.kind),
        }),
      )
      .join('');
    const offerId = `${peer.id}#out-${randomToken(6)}`;
    const served = {
      offerId,
      peerId: peer.id,
      address: peer.address,
      packetNo: undefined as number | undefined,
      files,
      createdAt: this.deps.now(),
    };
    this.outgoing.add(served);
    const shown =
      text !== ''
        ? text
        : files.map((f) => (f.kind === 'folder' ? `${f.name}/` : f.name)).join(', ');
    const message = this.deps.send(peer, shown, {
      wireText: text,
      sections: [list],
      extraOptions: Option.FILEATTACHOPT,
      onPacketNo: (packetNo) => (served.packetNo = packetNo),
    });
    return {
      offerId,
      peerId: peer.id,
      files: files.map(({ fileId, path: p, kind, size }) => ({ fileId, path: p, kind, size })),
      message,
    };
  }

  /** iptux only: ask for its shared files; the answer comes as a `file-offer` with `shared`. */
  askShared(peer: IpmsgPeer): void {
    this.deps.reply(peer, peer, Command.IPTUX_ASKSHARED, '');
  }

  /** RELEASEFILES from a peer: it will not fetch that offer (any more). */
  released(address: string, packetNo: number): void {
    const offer = this.outgoing.release(address, packetNo);
    if (offer !== undefined) this.deps.released({ offerId: offer.offerId, peerId: offer.peerId });
  }

  /** An offer received in an earlier run: false when its id does not name an IPMsg peer's IP. */
  restore(offer: IncomingOffer): boolean {
    const address = ipmsgAddress(offer.peerId);
    if (address === undefined || offer.offerId !== `${offer.peerId}#${String(offer.packetNo)}`)
      return false;
    this.incoming.restore(offer, address);
    return true;
  }

  /** Takes one of our offers back; false when it is not (or no longer) offered. */
  withdraw(offerId: string): boolean {
    return this.outgoing.delete(offerId);
  }

  decline(offerId: string): void {
    const offer = this.incoming.get(offerId);
    if (offer === undefined) throw new IpmsgError('not-found', `no offer ${offerId}`);
    const peer = this.deps.peerByAddress(offer.address);
    if (peer !== undefined)
      this.deps.reply(peer, peer, Command.RELEASEFILES, String(offer.packetNo));
    this.incoming.delete(offerId);
  }

  /** Fetches one file or folder of an offer into `destDir`; resolves with the final progress. */
  async accept(offerId: string, fileId: number, destDir: string): Promise<TransferProgress> {
    const offer = this.incoming.get(offerId);
    const file = offer?.files.find((f) => f.fileId === fileId);
    const peer = offer === undefined ? undefined : this.deps.peerByAddress(offer.address);
    if (offer === undefined || file === undefined || peer === undefined)
      throw new IpmsgError('not-found', `no file ${fileId} in offer ${offerId}`);
    if (file.kind === 'other')
      throw new IpmsgError('bad-path', `${file.name} is neither a file nor a folder`);
    await checkFolder(destDir);
    let final: TransferProgress | undefined;
    const report = new TransferReport(
      {
        transferId: `receive:${offerId}:${fileId}:${randomToken(4)}`,
        direction: 'receive',
        peerId: peer.id,
        offerId,
        fileId,
        name: file.name,
      },
      file.size,
      this.deps.now,
      (progress) => {
        if (progress.state !== 'running') final = progress;
        this.deps.report(progress);
      },
    );
    const request = (command: number, body: string): Uint8Array =>
      this.deps.composer.compose({ command, encoding: peer.encoding, body }).bytes;
    const hex = (n: number): string => n.toString(16);
    const common = {
      address: peer.address,
      port: peer.port,
      name: file.name,
      destDir,
      report,
      connectTimeoutMs: this.deps.connectTimeoutMs,
      idleTimeoutMs: this.deps.idleTimeoutMs,
      localAddress: this.deps.localAddress,
      sockets: this.downloads,
    };
    try {
      if (file.kind === 'file') {
        const result = await downloadFile({
          ...common,
          size: file.size,
          mtime: file.mtime,
          resume: peer.client !== 'iptux' && !this.ignoresOffset.has(peer.address),
          request: (offset) =>
            request(Command.GETFILEDATA, `${hex(offer.packetNo)}:${hex(fileId)}:${hex(offset)}:`),
        });
        if (result.offsetHonoured === false) {
          if (this.ignoresOffset.size >= MAX_INCOMING_OFFERS) this.ignoresOffset.clear();
          this.ignoresOffset.add(peer.address);
        }
        report.done(result.bytes, result.path);
      } else {
        const result = await downloadFolder({
          ...common,
          request: request(Command.GETDIRFILES, `${hex(offer.packetNo)}:${hex(fileId)}:`),
          decode: (bytes) => this.deps.decode(peer, bytes),
        });
        report.done(result.bytes, result.path);
      }
      this.deps.counted('receive');
    } catch (error) {
      report.failed(0, error instanceof Error ? error.message : String(error));
    }
    if (final === undefined) throw new Error('transfer ended without a result'); // not reached
    return final;
  }
}

/**
 * iptux 0.8.0 to 0.9.3: AnalogFS::mkdir calls g_mkdir, a macro for mkdir, i.e. itself, and
 * overflows the stack on the first folder that does not exist yet (github.com/iptux-src/iptux
 * issue #472, fixed by commit ec45ec3 in 0.9.4).
 */
export function crashesOnFolders(version: string): boolean {
  const match = /iptux\s+(\d+)\.(\d+)\.(\d+)/i.exec(version);
  if (match === null) return false;
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return major === 0 && (minor === 8 || (minor === 9 && patch < 4));
}

async function checkFolder(dir: string): Promise<void> {
  if (!path.isAbsolute(dir)) throw new IpmsgError('bad-path', `not an absolute folder: ${dir}`);
  const info = await stat(dir).catch(() => undefined);
  if (info?.isDirectory() !== true) throw new IpmsgError('bad-path', `not a folder: ${dir}`);
}
