/**
 * A plain (unsealed, unauthenticated) DataChannel over TCP: for tests, the benchmark, and as the
 * shape the v2 core's sealed channel takes. The opener's first frame is a hello naming its peer
 * id (`pchat-files/1 <peerId>`); after it, every frame is one record. Protocol v2 replaces the
 * hello with its Noise session and seals every frame (docs/FILES.md).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { MAX_DATA_RECORD_BYTES } from '../../../shared/files/limits';
import { encodeFrame } from '../framing';
import type { DataChannel, Disposer, OpenResult, RecordStream } from './ports';
import { RecordDecoder } from './record-decoder';
import { createSocketRecordStream, socketErrorCode } from './socket-record-stream';

const HELLO_PREFIX = 'pchat-files/1 ';
const PEER_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

export interface PlainTcpChannelOptions {
  readonly localPeerId: string;
  /** Where to listen; default 127.0.0.1 and any free port. */
  readonly host?: string;
  readonly port?: number;
  /** Where a peer can be reached now (asked on every open, so an address may change). */
  readonly resolve: (peerId: string) => PeerAddress | undefined;
  readonly connectTimeoutMs?: number;
  readonly helloTimeoutMs?: number;
  readonly highWaterBytes?: number;
}

export interface PlainTcpChannel extends DataChannel {
  listen(): Promise<PeerAddress>;
  close(): Promise<void>;
}

export function createPlainTcpChannel(options: PlainTcpChannelOptions): PlainTcpChannel {
  const sockets = new Set<Socket>();
  const handlers = new Set<(stream: RecordStream) => void>();
  const streamOptions =
    options.highWaterBytes === undefined ? {} : { highWaterBytes: options.highWaterBytes };
  let server: Server | undefined;

  function track(socket: Socket): void {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000);
  }

  function accept(socket: Socket): void {
    track(socket);
    const decoder = new RecordDecoder(MAX_DATA_RECORD_BYTES);
    const timer = setTimeout(() => socket.destroy(), options.helloTimeoutMs ?? 5_000);
    const onData = (chunk: Buffer): void => {
      const step = decoder.push(chunk);
      if ('error' in step) {
        socket.destroy(); // a bad length before the hello: not one of ours
        return;
      }
      const frames = step.records;
      const [hello, ...rest] = frames;
      if (hello === undefined) return;
      clearTimeout(timer);
      socket.off('data', onData);
      const text = hello.toString('utf8');
      const peerId = text.slice(HELLO_PREFIX.length);
      if (!text.startsWith(HELLO_PREFIX) || !PEER_ID.test(peerId) || handlers.size === 0) {
        socket.destroy();
        return;
      }
      const stream = createSocketRecordStream(socket, peerId, {
        ...streamOptions,
        decoder,
        pending: rest,
      });
      for (const handler of handlers) handler(stream);
    };
    socket.on('data', onData);
    socket.on('error', () => undefined); // 'close' follows; the stream reports errors once it exists
  }

  function open(peerId: string): Promise<OpenResult> {
    const address = options.resolve(peerId);
    if (address === undefined)
      return Promise.resolve({
        ok: false,
        error: { code: 'unreachable', message: `no address for ${peerId}` },
      });
    return new Promise((resolve) => {
      const socket = connect({ host: address.host, port: address.port });
      track(socket);
      const timer = setTimeout(() => {
        socket.destroy();
        resolve({ ok: false, error: { code: 'timeout', message: 'connect timed out' } });
      }, options.connectTimeoutMs ?? 3_000);
      const onError = (error: NodeJS.ErrnoException): void => {
        clearTimeout(timer);
        resolve({ ok: false, error: { code: socketErrorCode(error), message: error.message } });
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        socket.write(encodeFrame(Buffer.from(HELLO_PREFIX + options.localPeerId, 'utf8')));
        resolve({ ok: true, stream: createSocketRecordStream(socket, peerId, streamOptions) });
      });
    });
  }

  function onIncoming(handler: (stream: RecordStream) => void): Disposer {
    handlers.add(handler);
    return () => handlers.delete(handler);
  }

  function listen(): Promise<PeerAddress> {
    return new Promise((resolve, reject) => {
      const srv = createServer(accept);
      server = srv;
      srv.once('error', reject);
      srv.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        const bound = srv.address();
        if (bound === null || typeof bound === 'string') reject(new Error('no address'));
        else resolve({ host: bound.address, port: bound.port });
      });
    });
  }

  async function close(): Promise<void> {
    for (const socket of sockets) socket.destroy();
    const srv = server;
    server = undefined;
    if (srv?.listening === true) await new Promise((resolve) => srv.close(resolve));
  }

  return { open, onIncoming, listen, close };
}
