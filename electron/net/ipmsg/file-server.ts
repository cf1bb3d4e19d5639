// The TCP side of port 2425: peers fetch what we offered. GETFILEDATA gets the file's bytes from
// the requested offset (honoured, unlike iptux), GETDIRFILES gets the folder stream. Only the
// peer an offer went to may fetch it; connections, request size and idle time are bounded.
import type { Server, Socket } from 'node:net';
import { open } from 'node:fs/promises';
import type { Endpoint } from '../../../shared/address';
import type { IpmsgPacket } from './codec';
import {
  Command,
  FileKind,
  MAX_TCP_CONNECTIONS,
  MAX_TCP_REQUEST_BYTES,
  TCP_IDLE_TIMEOUT_MS,
  TCP_REQUEST_TIMEOUT_MS,
} from './constants';
import { formatDirHeader } from './dir-stream';
import { walkFolder } from './dir-walk';
import type { OutgoingOffers, ServedFile } from './file-offers';
import { parseHex } from './file-list';
import { ipmsgPeerId } from '../../../shared/ipmsg-id';
import { readRequest } from './tcp-request';
import { TransferReport } from './transfer-report';
import type { TransferProgress } from './types';
import type { WarningCode } from '../types';

export interface FileServerDeps {
  readonly now: () => number;
  readonly offers: OutgoingOffers;
  /** The peer's encoding for names in folder streams. */
  encode(address: string, text: string): Buffer;
  logRequest(packet: IpmsgPacket, local: Endpoint, remote: Endpoint, size: number): void;
  report(progress: TransferProgress): void;
  sent(): void;
  warn(code: WarningCode, message: string, remote?: Endpoint): void;
}

const CHUNK_BYTES = 64 * 1024;

export class FileServer {
  private readonly connections = new Set<Socket>();
  private server: Server | undefined;

  constructor(private readonly deps: FileServerDeps) {}

  attach(server: Server): void {
    this.server = server;
    server.on('connection', (socket) => this.accept(socket));
    server.on('error', (error) =>
      this.deps.warn('socket-error', `IPMsg TCP listener: ${error.message}`),
    );
  }

  get openConnections(): number {
    return this.connections.size;
  }

  close(): void {
    for (const socket of this.connections) socket.destroy();
    this.connections.clear();
    this.server = undefined;
  }

  private accept(socket: Socket): void {
    socket.on('error', () => undefined); // reported through the transfer that failed, if any
    if (this.server === undefined || this.connections.size >= MAX_TCP_CONNECTIONS) {
      socket.destroy();
      return;
    }
    this.connections.add(socket);
    socket.on('close', () => this.connections.delete(socket));
    socket.setTimeout(TCP_IDLE_TIMEOUT_MS, () => socket.destroy());
    this.serve(socket).catch((error: unknown) => {
      this.deps.warn('tcp', `IPMsg file request: ${String(error)}`, remoteOf(socket));
      socket.destroy();
    });
  }

  private async serve(socket: Socket): Promise<void> {
    const remote = remoteOf(socket);
    const packet = await readRequest(socket, TCP_REQUEST_TIMEOUT_MS, MAX_TCP_REQUEST_BYTES);
    if (packet === undefined) {
      this.deps.warn('junk', 'IPMsg TCP connection without a valid request', remote);
      socket.destroy();
      return;
    }
    this.deps.logRequest(packet, localOf(socket), remote, packet.extra.byteLength);
    const [packetText = '', fileText = '', offsetText = '0'] = Buffer.from(packet.body)
      .toString('latin1')
      .split(':');
    const found = this.deps.offers.find(remote.address, packetText, fileText, this.deps.now());
    const file = found?.file;
    const wanted = packet.mode === Command.GETDIRFILES ? 'folder' : 'file';
    if (
      file === undefined ||
      file.kind !== wanted ||
      (packet.mode !== Command.GETFILEDATA && packet.mode !== Command.GETDIRFILES)
    ) {
      this.deps.warn(
        'tcp',
        `IPMsg request for nothing we offered (${packetText}:${fileText})`,
        remote,
      );
      socket.destroy();
      return;
    }
    const report = this.report(remote.address, packetText, found?.offerId ?? '', file);
    try {
      const bytes =
        wanted === 'file'
          ? await this.sendFile(
              socket,
              file,
              Math.min(parseHex(offsetText) ?? 0, file.size),
              report,
            )
          : await this.sendFolder(socket, file, report);
      await endSocket(socket);
      this.deps.sent();
      report.done(bytes, file.path);
    } catch (error) {
      report.failed(0, String(error));
      socket.destroy();
    }
  }

  private report(
    address: string,
    packetText: string,
    offerId: string,
    file: ServedFile,
  ): TransferReport {
    const peerId = ipmsgPeerId(address);
    const base = {
      transferId: `send:${peerId}#${packetText}:${file.fileId}:${this.deps.now()}`,
      direction: 'send' as const,
      peerId,
      offerId,
      fileId: file.fileId,
      name: file.name,
    };
    return new TransferReport(base, file.size, this.deps.now, (p) => this.deps.report(p));
  }

  private async sendFile(
    socket: Socket,
    file: ServedFile,
    offset: number,
    report: TransferReport,
  ): Promise<number> {
    return (
      offset +
      (await copyBytes(socket, file.path, offset, file.size, (n) => report.running(offset + n)))
    );
  }

  private async sendFolder(
    socket: Socket,
    folder: ServedFile,
    report: TransferReport,
  ): Promise<number> {
    let total = 0;
    const encode = (text: string): Buffer => this.deps.encode(remoteOf(socket).address, text);
    for await (const item of walkFolder(folder.path)) {
      if (item.type === 'enter') {
        await write(
          socket,
          formatDirHeader(
            { name: item.name, size: 0, attr: FileKind.DIR, mtime: item.mtime },
            encode,
          ),
        );
      } else if (item.type === 'leave') {
        await write(
          socket,
          formatDirHeader(
            { name: '.', size: 0, attr: FileKind.RETPARENT, mtime: item.mtime },
            encode,
          ),
        );
      } else {
        await write(
          socket,
          formatDirHeader(
            { name: item.name, size: item.size, attr: FileKind.REGULAR, mtime: item.mtime },
            encode,
          ),
        );
        const before = total;
        total += await copyBytes(socket, item.path, 0, item.size, (n) =>
          report.running(before + n),
        );
      }
    }
    return total;
  }
}

/** Writes bytes [start, end) of `file` to the socket, exactly that many, with backpressure. */
async function copyBytes(
  socket: Socket,
  file: string,
  start: number,
  end: number,
  progress: (n: number) => void,
): Promise<number> {
  const handle = await open(file, 'r');
  try {
    let position = start;
    while (position < end) {
      const buffer = Buffer.alloc(Math.min(CHUNK_BYTES, end - position));
      const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, position);
      if (bytesRead === 0) throw new Error(`${file} is shorter than offered`);
      await write(socket, buffer.subarray(0, bytesRead));
      position += bytesRead;
      progress(position - start);
    }
    return position - start;
  } finally {
    await handle.close();
  }
}

function write(socket: Socket, bytes: Uint8Array): Promise<void> {
  if (socket.destroyed) return Promise.reject(new Error('connection closed'));
  if (socket.write(bytes)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      socket.off('drain', onDrain);
      socket.off('close', onClose);
    };
    const onDrain = (): void => {
      cleanup();
      resolve();
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('connection closed'));
    };
    socket.on('drain', onDrain);
    socket.on('close', onClose);
  });
}

function endSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) {
      resolve();
      return;
    }
    socket.end(() => resolve());
  });
}

function remoteOf(socket: Socket): Endpoint {
  return {
    address: (socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
    port: socket.remotePort ?? 0,
  };
}

function localOf(socket: Socket): Endpoint {
  return {
    address: (socket.localAddress ?? '').replace(/^::ffff:/, ''),
    port: socket.localPort ?? 0,
  };
}
