/**
 * Test-only: one file-engine endpoint in its own process, so a test can SIGKILL it.
 * Usage: node --import tsx endpoint-child.ts <peerId> <storeDir> <listenHost> [jsonOptions]
 *
 * It speaks JSON lines with its parent, which plays the node's stored message stream:
 *   child → parent: {t:'ready',address} {t:'control',to,messageId,body} {t:'handled',messageId}
 *                   {t:'transfer',transfer} {t:'done',event} {t:'offered',result} {t:'result',result}
 *                   {t:'memory',rss,cpu}
 *   parent → child: {t:'control',from,messageId,body} {t:'delivered',peerId,messageId}
 *                   {t:'peer',id,address} {t:'offer',to,paths} {t:'accept',id,dir} {t:'memory'}
 * and, for the benchmark's baseline in the same processes (raw-copy.ts):
 *   parent → child: {t:'raw-serve',files} {t:'raw-fetch',address,dst}
 *   child → parent: {t:'raw-address',address} {t:'raw-done',files,bytes,ms}
 * A control message is durable once its line is written (the parent keeps it until handled).
 * The data channel is the plain TCP one; `{"seal":true}` wraps it in AES-256-GCM (sealed-channel.ts).
 */
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createFileEngine } from '../../../../../electron/net/files/engine';
import type { FileEngineOptions } from '../../../../../electron/net/files/engine-types';
import { JsonFileTransferStore } from '../../../../../electron/net/files/json-file-store';
import { MemoryTransferStore } from '../../../../../electron/net/files/memory-store';
import {
  createPlainTcpChannel,
  type PeerAddress,
} from '../../../../../electron/net/files/plain-tcp-channel';
import type {
  ControlChannel,
  DataChannel,
  IncomingControl,
} from '../../../../../electron/net/files/ports';
import { rawFetch, rawServe, type RawFile } from './raw-copy';
import { sealDataChannel } from './sealed-channel';

const [peerId = 'peer', storeDir = '.', host = '127.0.0.1', optionsJson = '{}'] =
  process.argv.slice(2);
const extra = JSON.parse(optionsJson) as Partial<FileEngineOptions> & {
  seal?: boolean;
  sealKey?: string;
  /** Keep the engine's state in memory (the benchmark: store costs are the app's SQLite's). */
  memoryStore?: boolean;
};

const pause = new Int32Array(new SharedArrayBuffer(4));

function send(line: object): void {
  // writeSync: the line is in the pipe when this returns, so a SIGKILL right after loses nothing.
  // The pipe is non-blocking: when the parent lags, wait a millisecond and write the rest.
  let bytes = Buffer.from(`${JSON.stringify(line)}\n`, 'utf8');
  while (bytes.byteLength > 0) {
    try {
      bytes = bytes.subarray(writeSync(1, bytes));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

const addresses = new Map<string, PeerAddress>();
let messageHandler: ((message: IncomingControl) => Promise<void>) | undefined;
let nextId = 1;
const control: ControlChannel = {
  send(to, body) {
    const messageId = `${peerId}-${process.pid}-${nextId++}`;
    send({ t: 'control', to, messageId, body });
    return { ok: true, messageId };
  },
  onMessage(handler) {
    messageHandler = handler;
    return () => (messageHandler = undefined);
  },
  onDelivered(handler) {
    deliveredHandler = handler;
    return () => (deliveredHandler = undefined);
  },
};
let deliveredHandler: ((peerId: string, messageId: string) => void) | undefined;

const channel = createPlainTcpChannel({
  localPeerId: peerId,
  host,
  resolve: (id) => addresses.get(id),
});
const { seal, sealKey, memoryStore, ...engineOptions } = extra;
const data: DataChannel =
  seal === true ? sealDataChannel(channel, Buffer.from(sealKey ?? '', 'hex')) : channel;
const engine = createFileEngine({
  reconnectInitialMs: 50,
  reconnectMaxMs: 400,
  ...engineOptions,
  control,
  data,
  store: memoryStore === true ? new MemoryTransferStore() : new JsonFileTransferStore(storeDir),
});
engine.on('transfer', (transfer) => send({ t: 'transfer', transfer }));
engine.on('done', (event) => send({ t: 'done', event }));

type Command =
  | { t: 'control'; from: string; messageId: string; body: unknown }
  | { t: 'delivered'; peerId: string; messageId: string }
  | { t: 'peer'; id: string; address: PeerAddress }
  | { t: 'offer'; to: string; paths: string[] }
  | { t: 'accept'; id: string; dir: string }
  | { t: 'memory' }
  | { t: 'raw-serve'; files: RawFile[] }
  | { t: 'raw-fetch'; address: PeerAddress; dst: string };

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

async function handle(command: Command): Promise<void> {
  switch (command.t) {
    case 'control':
      await messageHandler?.({
        peerId: command.from,
        messageId: command.messageId,
        body: command.body,
      });
      send({ t: 'handled', messageId: command.messageId });
      return;
    case 'delivered':
      deliveredHandler?.(command.peerId, command.messageId);
      return;
    case 'peer':
      addresses.set(command.id, command.address);
      engine.peerReachable(command.id);
      return;
    case 'offer':
      send({ t: 'offered', result: await engine.sendFiles(command.to, command.paths) });
      return;
    case 'accept':
      send({ t: 'result', result: await engine.accept(command.id, command.dir) });
      return;
    case 'memory':
      send({ t: 'memory', rss: process.memoryUsage().rss, cpu: cpuMicros() });
      return;
    case 'raw-serve':
      send({ t: 'raw-address', address: await rawServe(command.files, host) });
      return;
    case 'raw-fetch': {
      const started = performance.now();
      const result = await rawFetch(command.address, command.dst);
      send({ t: 'raw-done', ...result, ms: performance.now() - started });
      return;
    }
  }
}

const address = await channel.listen();
engine.start();
send({ t: 'ready', address });
// Control messages are handled one at a time, in order, as the node's stream delivers them.
let chain = Promise.resolve();
createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line) as Command;
  chain = chain.then(() => handle(command));
});
process.stdin.on('end', () => {
  void engine.close().then(() => channel.close().then(() => process.exit(0)));
});
