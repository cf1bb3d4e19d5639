import type { Interface } from 'node:readline';
import { formatEndpoint } from '../../shared/address';
import type { PeerInfo } from '../../shared/domain';
import type { PacketChatNode } from '../net/node';

export type Print = (line: string) => void;

const HELP = `Commands:
  /peers              list peers (number, nickname, IP:port, online)
  /to N|ID|IP:PORT    talk to that peer; plain lines are then sent to it
  @N text             send one message to peer N
  /add IP[:PORT]      announce to an address (a peer on another subnet)
  /nick NAME          change your nickname
  /help, /quit`;

/** The friendly terminal chat: plain lines go to the selected peer. */
export function runInteractive(
  node: PacketChatNode,
  lines: Interface,
  print: Print,
  quit: () => void,
): void {
  let current: string | undefined;
  const numbered = (): PeerInfo[] =>
    node.peerList().sort((a, b) => a.firstSeen - b.firstSeen || a.id.localeCompare(b.id));
  const label = (p: PeerInfo): string => `${p.nick} ${formatEndpoint(p)}`;
  const resolve = (ref: string): PeerInfo | undefined => {
    const n = Number(ref);
    if (Number.isInteger(n) && n >= 1) return numbered()[n - 1];
    return node.findPeer(ref);
  };
  const send = (peer: PeerInfo, text: string): string | undefined => {
    try {
      node.sendText(peer.id, text);
      return undefined;
    } catch (error) {
      return `! ${error instanceof Error ? error.message : String(error)}`;
    }
  };

  node.on('ready', (info) => {
    print(
      `PacketChat: you are ${info.nick}, talking from port ${info.clientPort}` +
        ` (server port ${info.serverPort}${info.tcpPort === null ? ', TCP off' : `, TCP ${info.tcpPort}`})`,
    );
    const addresses = info.interfaces.map((i) => `${i.address}:${info.clientPort}`).join('  ');
    print(`Your addresses: ${addresses}`);
    print('Type /help for commands.');
  });
  node.on('peer', ({ change, peer, previous }) => {
    if (change === 'added' || change === 'online')
      print(`+ ${label(peer)} is online (${peer.host})`);
    if (change === 'offline') print(`- ${label(peer)} went offline`);
    if (change === 'moved' && previous !== undefined) {
      print(`~ ${peer.nick} moved from ${formatEndpoint(previous)} to ${formatEndpoint(peer)}`);
    }
    if (current === undefined && peer.online) current = peer.id;
  });
  node.on('message', (m) => print(`[${m.nick} ${m.address}:${m.port}] ${m.text}`));
  node.on('status', (s) => {
    if (s.status === 'failed') print(`! message ${s.id} was not delivered`);
    if (s.status === 'pending') print(`… message ${s.id} is waiting for the peer to come back`);
  });
  node.on('warning', (w) => print(`(warning: ${w.message})`));

  /** Runs one typed line; returns what to print, if anything. */
  const handle = (line: string): string | undefined => {
    const [word = '', ...rest] = line.split(/\s+/);
    const arg = rest.join(' ');
    if (word === '/quit') {
      quit();
      return undefined;
    }
    if (word === '/help') return HELP;
    if (word === '/peers') {
      const peers = numbered();
      if (peers.length === 0) return 'No peers yet. Waiting for announces…';
      return peers
        .map(
          (p, i) =>
            `${i + 1}. ${label(p)} ${p.online ? 'online' : 'offline'}${p.id === current ? ' <' : ''}`,
        )
        .join('\n');
    }
    if (word === '/to') {
      const peer = resolve(arg);
      if (peer === undefined) return `! no such peer: ${arg}`;
      current = peer.id;
      return `Talking to ${label(peer)}`;
    }
    if (word === '/add') {
      try {
        return `Announced to ${formatEndpoint(node.addPeer(arg))}`;
      } catch (error) {
        return `! ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    if (word === '/nick') {
      if (arg === '') return '! /nick needs a name';
      node.setProfile({ nick: arg });
      return `You are now ${arg}`;
    }
    if (word.startsWith('@')) {
      const peer = resolve(word.slice(1));
      if (peer === undefined) return `! no such peer: ${word.slice(1)}`;
      return arg === '' ? undefined : send(peer, arg);
    }
    if (word.startsWith('/')) return `! unknown command ${word}; /help lists them`;
    const peer = current === undefined ? undefined : node.findPeer(current);
    if (peer === undefined) return '! nobody selected yet: /peers, then /to N';
    return send(peer, line);
  };

  lines.on('line', (raw) => {
    const line = raw.trim();
    if (line === '') return;
    const reply = handle(line);
    if (reply !== undefined) print(reply);
  });
}
