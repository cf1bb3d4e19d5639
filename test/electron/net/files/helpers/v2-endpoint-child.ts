/**
 * Benchmark-only: one real protocol v2 node with its file engine in its own process
 * (`createNode` + `createNodeFileEngine`): offers through the node's reliable sealed stream, data
 * over sealed TCP lanes, exactly as the app and the CLI run them (with an in-memory transfer store:
 * the SQLite store's cost is the app's). Spoken to by child-endpoints.ts' ChildEndpoint with the
 * same JSON lines as endpoint-child.ts, except that control messages never pass through the
 * parent (the nodes carry them) and peers are found by discovery on 127.255.255.255.
 * Usage: node --import tsx v2-endpoint-child.ts <nick> <unused> <host> <jsonOptions>
 *   jsonOptions: {serverPort, clientPort, ...file engine options}
 *   child → parent: {t:'ready',address,nodeId} {t:'peer',id} {t:'transfer',transfer}
 *                   {t:'offered',result} {t:'result',result} {t:'memory',rss,cpu}
 *                   {t:'raw-address',address} {t:'raw-done',files,bytes,ms}
 *   parent → child: {t:'offer',to,paths} {t:'accept',id,dir} {t:'memory'}
 *                   {t:'raw-serve',files} {t:'raw-fetch',address,dst}
 */
import { createInterface } from 'node:readline';
import {
  createNode,
  createNodeFileEngine,
  MemoryTransferStore,
} from '../../../../../electron/net/index';
import type { FileEngineOptions } from '../../../../../electron/net/files/engine-types';
import type { PeerAddress } from '../../../../../electron/net/files/plain-tcp-channel';
import { rawFetch, rawServe, type RawFile } from './raw-copy';

const [nick = 'peer', , host = '127.0.0.1', optionsJson = '{}'] = process.argv.slice(2);
const { serverPort, clientPort, ...engineOptions } = JSON.parse(optionsJson) as Partial<
  Omit<FileEngineOptions, 'control' | 'data' | 'store'>
> & { serverPort: number; clientPort: number };

const send = (line: object): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

const node = createNode({ serverPort, clientPort, nick, broadcast: ['127.255.255.255'] });
const files = createNodeFileEngine(node, {
  reconnectInitialMs: 50,
  reconnectMaxMs: 400,
  ...engineOptions,
  store: new MemoryTransferStore(),
});
files.engine.on('transfer', (transfer) => send({ t: 'transfer', transfer }));
node.on('peer', ({ change, peer }: { change: string; peer: { id: string; online: boolean } }) => {
  if (peer.online && (change === 'added' || change === 'online')) send({ t: 'peer', id: peer.id });
});

type Command =
  | { t: 'offer'; to: string; paths: string[] }
  | { t: 'accept'; id: string; dir: string }
  | { t: 'memory' }
  | { t: 'raw-serve'; files: RawFile[] }
  | { t: 'raw-fetch'; address: PeerAddress; dst: string };

async function handle(command: Command): Promise<void> {
  switch (command.t) {
    case 'offer':
      send({ t: 'offered', result: await files.engine.sendFiles(command.to, command.paths) });
      return;
    case 'accept':
      send({ t: 'result', result: await files.engine.accept(command.id, command.dir) });
      return;
    case 'memory': {
      const { user, system } = process.cpuUsage();
      send({ t: 'memory', rss: process.memoryUsage().rss, cpu: user + system });
      return;
    }
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

await node.start();
files.engine.start();
send({ t: 'ready', address: { host, port: clientPort }, nodeId: node.id });
let chain = Promise.resolve();
createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line) as Command;
  chain = chain.then(() => handle(command));
});
process.stdin.on('end', () => {
  void files.close().then(() => node.close().then(() => process.exit(0)));
});
