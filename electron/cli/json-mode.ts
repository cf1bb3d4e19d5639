import type { Interface } from 'node:readline';
import type { Session } from '../app/session';
import type { PacketChatNode } from '../net/node';
import { isStrangerId } from '../net/strangers';
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
  session: Session,
  lines: Interface,
  write: Write,
  quit: () => void,
): void {
  const node = session.node;
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
      runCommand(session, parsed.command, write, quit);
    } catch (error) {
      const code = error instanceof NodeError ? error.code : 'failed';
      write(errorEvent(error instanceof Error ? error.message : String(error), code));
    }
  });
}

/** A peer id, a known peer's IP[:PORT], or a stranger's IP:PORT: the conversation's id. */
function conversationId(node: PacketChatNode, ref: string): string {
  const peer = node.findPeer(ref);
  if (peer !== undefined) return peer.id;
  if (isStrangerId(ref)) return ref;
  return /^\d+\.\d+\.\d+\.\d+:\d+$/.test(ref) ? `stranger:${ref}` : ref;
}

function runCommand(session: Session, command: Command, write: Write, quit: () => void): void {
  const node = session.node;
  switch (command.cmd) {
    case 'send': {
      const { id, to, transport } = session.send(command.to, command.text);
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
      session.setProfile({ nick: command.nick });
      write({ type: 'nick', nick: command.nick });
      return;
    case 'history': {
      const page = session.store.history(conversationId(node, command.with), {
        limit: command.limit,
        ...(command.before === undefined ? {} : { before: command.before }),
      });
      write({ type: 'history', messages: page.messages, nextCursor: page.nextCursor });
      return;
    }
    case 'search':
      write({ type: 'search', results: session.store.search(command.query, command.limit) });
      return;
    case 'read': {
      const peerId = conversationId(node, command.with);
      session.store.markRead(peerId);
      write({ type: 'read', with: peerId, unread: session.store.unreadTotal() });
      return;
    }
    case 'quit':
      quit();
      return;
    default:
      assertNever(command, 'command');
  }
}
