import type { Interface } from 'node:readline';
import type { PacketChatNode } from '../net/node';
import { NodeError } from '../net/node';
import { assertNever } from '../../shared/assert-never';
import {
  errorEvent,
  messageEvent,
  parseCommand,
  peerEvent,
  peerJson,
  readyEvent,
  statusEvent,
  strangerEvent,
  warningEvent,
  type Command,
} from './json-protocol';

export type Write = (event: object) => void;

/** Wires node events to JSON lines on stdout and JSON commands on stdin to node calls. */
export function runJsonMode(
  node: PacketChatNode,
  lines: Interface,
  write: Write,
  quit: () => void,
): void {
  node.on('ready', (info) => write(readyEvent(info)));
  node.on('peer', (change) => write(peerEvent(change)));
  node.on('message', (message) => write(messageEvent(message)));
  node.on('status', (update) => write(statusEvent(update)));
  node.on('warning', (warning) => write(warningEvent(warning)));
  node.on('stranger', ({ stranger }) => write(strangerEvent(stranger)));
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    const parsed = parseCommand(line);
    if (!parsed.ok) {
      write(errorEvent(parsed.message, 'bad-command'));
      return;
    }
    try {
      runCommand(node, parsed.command, write, quit);
    } catch (error) {
      const code = error instanceof NodeError ? error.code : 'failed';
      write(errorEvent(error instanceof Error ? error.message : String(error), code));
    }
  });
}

function runCommand(node: PacketChatNode, command: Command, write: Write, quit: () => void): void {
  switch (command.cmd) {
    case 'send': {
      const { id, to, transport } = node.sendText(command.to, command.text);
      write({ type: 'sent', id, to, transport });
      return;
    }
    case 'retry':
      node.retry(command.id);
      write({ type: 'retried', id: command.id });
      return;
    case 'packets':
      write({ type: 'packets', packets: node.packets(command.limit) });
      return;
    case 'sockets':
      write({ type: 'sockets', ...node.sockets() });
      return;
    case 'peers':
      write({ type: 'peers', peers: node.peerList().map(peerJson) });
      return;
    case 'add': {
      const endpoint = node.addPeer(command.address);
      write({ type: 'added', address: endpoint.address, port: endpoint.port });
      return;
    }
    case 'info':
      write({ ...readyEvent(node.info()), type: 'info', counters: node.info().counters });
      return;
    case 'nick':
      node.setProfile({ nick: command.nick });
      write({ type: 'nick', nick: command.nick });
      return;
    case 'quit':
      quit();
      return;
    default:
      assertNever(command, 'command');
  }
}
