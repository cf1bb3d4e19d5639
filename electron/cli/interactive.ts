import type { Interface } from 'node:readline';
import { formatEndpoint } from '../../shared/address';
import type { PeerInfo } from '../../shared/domain';
import type { PacketChatNode } from '../net/node';

export type Print = (line: string) => void;

const HELP = `Commands:
  /peers              list peers (number, nickname, IP:port, online)
  /to N|ID|IP:PORT    talk to that peer (an IP:PORT that is no peer gets plain UDP text)
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
  /** A peer by number, id or address; an IP:PORT that is no peer is a stranger (plain UDP). */
  const resolve = (ref: string): { to: string; label: string } | undefined => {
    const n = Number(ref);
    const peer = Number.isInteger(n) && n >= 1 ? numbered()[n - 1] : node.findPeer(ref);
    if (peer !== undefined) return { to: peer.id, label: label(peer) };
    if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(ref))
      return { to: `stranger:${ref}`, label: `stranger ${ref}` };
    return undefined;
  };
  const send = (to: string, text: string): string | undefined => {
    try {
      node.sendText(to, text);
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
  node.on('message', (m) => {
    const who = m.from.startsWith('stranger:') ? 'stranger' : m.nick;
    print(`[${who} ${m.address}:${m.port}] ${m.text}`);
  });
  node.on('stranger', ({ stranger }) => {
    current ??= stranger.id;
    print(
      `? a stranger at ${stranger.address}:${stranger.port} wrote; reply with /to ${stranger.address}:${stranger.port}`,
    );
  });
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
      const target = resolve(arg);
      if (target === undefined) return `! no such peer: ${arg}`;
      current = target.to;
      return `Talking to ${target.label}`;
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
      const target = resolve(word.slice(1));
      if (target === undefined) return `! no such peer: ${word.slice(1)}`;
      return arg === '' ? undefined : send(target.to, arg);
    }
    if (word.startsWith('/')) return `! unknown command ${word}; /help lists them`;
    if (current === undefined) return '! nobody selected yet: /peers, then /to N';
    return send(current, line);
  };

  lines.on('line', (raw) => {
    const line = raw.trim();
    if (line === '') return;
    const reply = handle(line);
    if (reply !== undefined) print(reply);
  });
}
