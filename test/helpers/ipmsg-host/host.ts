/**
 * An IPMsg node as a process of its own, so that it can run inside a network namespace
 * (`ip netns exec NS node --import tsx host.ts OPTIONS`). Events go to stdout as JSON lines;
 * commands come on stdin as JSON lines and are answered with their `id`. Closing stdin closes
 * the node (BR_EXIT) and ends the process.
 */
import { createInterface } from 'node:readline';
import {
  createIpmsgNode,
  MemoryIpmsgPersistence,
  type IpmsgOptions,
} from '../../../electron/net/ipmsg/index';

const options = JSON.parse(process.argv[2] ?? '{}') as IpmsgOptions;
const node = createIpmsgNode({ ...options, persistence: new MemoryIpmsgPersistence() });

function out(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

node.on('peer', (change) => out({ event: 'peer', ...change }));
node.on('message', (message, meta) => out({ event: 'message', message, meta }));
node.on('message-state', (change) => out({ event: 'message-state', change }));
node.on('file-offer', (offer) => out({ event: 'file-offer', offer }));
node.on('transfer', (progress) => out({ event: 'transfer', progress }));
node.on('warning', (warning) => out({ event: 'warning', warning }));
node.on('port-unavailable', (unavailable) => out({ event: 'port-unavailable', unavailable }));

type Command = Record<string, unknown> & { id?: number; cmd?: string };

async function run(command: Command): Promise<Record<string, unknown>> {
  const text = (key: string): string => {
    const value = command[key];
    return typeof value === 'string' ? value : '';
  };
  switch (command.cmd) {
    case 'start':
      return { result: await node.start() };
    case 'send':
      return { message: node.sendText(text('to'), text('text')) };
    case 'offer':
      return {
        offer: await node.offerFiles(text('to'), command['paths'] as string[], text('text'), {
          force: command['force'] === true,
        }),
      };
    case 'accept':
      return {
        progress: await node.acceptFile(text('offerId'), Number(command['fileId']), text('dir')),
      };
    case 'peers':
      return { peers: node.peerList() };
    case 'packets':
      return { packets: node.packets() };
    case 'close':
      await node.close();
      return {};
    default:
      throw new Error(`unknown command ${String(command.cmd)}`);
  }
}

createInterface({ input: process.stdin })
  .on('line', (line) => {
    let command: Command;
    try {
      command = JSON.parse(line) as Command;
    } catch {
      return;
    }
    run(command).then(
      (answer) => out({ id: command.id, ok: true, ...answer }),
      (error: unknown) => out({ id: command.id, ok: false, error: String(error) }),
    );
  })
  .on('close', () => {
    void node.close().then(() => process.exit(0));
  });
out({ event: 'spawned', pid: process.pid });
