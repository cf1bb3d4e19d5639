// The friendly terminal chat: a transport over the same call handlers as --json mode. Plain lines
// go to the selected peer.
import type { Contact } from '../../shared/domain';
import type {
  CallChannel,
  CallHandlers,
  CallResults,
  EventChannel,
  EventPayloads,
} from '../../shared/ipc/contract';
import { invokeCall } from '../../shared/ipc/invoke';
import { isStrangerId } from '../../shared/stranger-id';
import type { CliTransport } from './transport';

export type Print = (line: string) => void;

const HELP = `Commands:
  /peers              list peers (number, nickname, IP:port, online)
  /to N|ID|IP:PORT    talk to that peer (an IP:PORT that is no peer gets plain UDP text)
  @N text             send one message to peer N
  /add IP[:PORT]      announce to an address (a peer on another subnet)
  /nick NAME          change your nickname
  /help, /quit`;

const label = (c: Pick<Contact, 'nick' | 'address' | 'port'>): string =>
  `${c.nick} ${c.address}:${String(c.port)}`;

export function createInteractive(print: Print): CliTransport {
  const contacts = new Map<string, Contact>();
  let current: string | undefined;
  let greeted = false;
  const peers = (): Contact[] =>
    [...contacts.values()]
      .filter((c) => c.kind === 'peer')
      .sort((a, b) => a.firstSeen - b.firstSeen || a.id.localeCompare(b.id));

  function onEvent<E extends EventChannel>(event: E, payload: EventPayloads[E]): void {
    const e = { event, payload } as {
      [K in EventChannel]: { event: K; payload: EventPayloads[K] };
    }[EventChannel];
    if (e.event === 'self' && !greeted) {
      greeted = true;
      const self = e.payload;
      print(
        `PacketChat: you are ${self.nick}, talking from port ${self.clientPort}` +
          ` (server port ${self.serverPort}${self.tcpPort === null ? ', TCP off' : `, TCP ${self.tcpPort}`})`,
      );
      print(
        `Your addresses: ${self.interfaces.map((i) => `${i.address}:${self.clientPort}`).join('  ')}`,
      );
      print('Type /help for commands.');
    } else if (e.event === 'contact') {
      const { change, peer, kind, previous } = e.payload;
      contacts.set(peer.id, { ...peer, kind });
      if (kind === 'stranger') {
        current ??= peer.id;
        print(
          `? a stranger at ${peer.address}:${peer.port} wrote; reply with /to ${peer.address}:${peer.port}`,
        );
        return;
      }
      if (change === 'added' || change === 'online')
        print(`+ ${label(peer)} is online (${peer.host})`);
      if (change === 'offline') print(`- ${label(peer)} went offline`);
      if (change === 'moved' && previous !== undefined)
        print(
          `~ ${peer.nick} moved from ${previous.address}:${previous.port} to ${peer.address}:${peer.port}`,
        );
      if (current === undefined && peer.online) current = peer.id;
    } else if (e.event === 'message') {
      const m = e.payload;
      const who = isStrangerId(m.peerId) ? 'stranger' : (contacts.get(m.peerId)?.nick ?? '?');
      print(`[${who} ${m.remote}] ${m.text}`);
    } else if (e.event === 'message-state') {
      if (e.payload.state === 'failed') print(`! message ${e.payload.id} was not delivered`);
      if (e.payload.state === 'pending')
        print(`… message ${e.payload.id} is waiting for the peer to come back`);
    } else if (e.event === 'key-changed') {
      const who = contacts.get(e.payload.peer)?.nick ?? e.payload.peer;
      print(
        `! ${who}'s key changed (was ${e.payload.previous}, now ${e.payload.fingerprint}). Messages to ${who} are held until you accept the new key.`,
      );
    } else if (e.event === 'warning') {
      print(`(warning: ${e.payload.message})`);
    } else if (e.event === 'notice') {
      print(`! ${e.payload.message}`);
    }
  }

  return {
    emit: onEvent,
    run(handlers: CallHandlers, lines, quit) {
      const call = async <C extends CallChannel>(
        channel: C,
        args: unknown,
      ): Promise<CallResults[C]> => {
        const result = await invokeCall(handlers, channel, args);
        if (!result.ok) throw new Error(result.error.message);
        return result.value as CallResults[C];
      };
      void call('contacts:list', undefined).then(
        (list) => {
          for (const c of list) if (!contacts.has(c.id)) contacts.set(c.id, c);
        },
        () => undefined,
      );
      /** A peer by number, id or address; an IP:PORT that is no peer is a stranger (plain UDP). */
      const resolve = (ref: string): { to: string; label: string } | undefined => {
        const n = Number(ref);
        const byNumber = Number.isInteger(n) && n >= 1 ? peers()[n - 1] : undefined;
        const peer =
          byNumber ??
          contacts.get(ref) ??
          peers().find((p) => `${p.address}:${String(p.port)}` === ref || p.address === ref);
        if (peer !== undefined) return { to: peer.id, label: label(peer) };
        if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(ref)) return { to: ref, label: `stranger ${ref}` };
        return undefined;
      };
      const handle = async (line: string): Promise<string | undefined> => {
        const [word = '', ...rest] = line.split(/\s+/);
        const arg = rest.join(' ');
        if (word === '/quit') {
          quit();
          return undefined;
        }
        if (word === '/help') return HELP;
        if (word === '/peers') {
          const list = peers();
          if (list.length === 0) return 'No peers yet. Waiting for announces…';
          return list
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
          const added = await call('contacts:add', { address: arg });
          return `Announced to ${added.address}:${added.port}`;
        }
        if (word === '/nick') {
          if (arg === '') return '! /nick needs a name';
          const settings = await call('settings:set', { nick: arg });
          return `You are now ${settings.nick}`;
        }
        if (word.startsWith('@')) {
          const target = resolve(word.slice(1));
          if (target === undefined) return `! no such peer: ${word.slice(1)}`;
          if (arg !== '') await call('messages:send', { peerId: target.to, text: arg });
          return undefined;
        }
        if (word.startsWith('/')) return `! unknown command ${word}; /help lists them`;
        if (current === undefined) return '! nobody selected yet: /peers, then /to N';
        await call('messages:send', { peerId: current, text: line });
        return undefined;
      };
      lines.on('line', (raw) => {
        const line = raw.trim();
        if (line === '') return;
        handle(line).then(
          (reply) => {
            if (reply !== undefined) print(reply);
          },
          (error: unknown) => print(`! ${error instanceof Error ? error.message : String(error)}`),
        );
      });
    },
  };
}
