import { formatEndpoint, parseEndpoint, type Endpoint } from '../../shared/address';
import type { ChatMessage, MessageStateChange, NodeCounters, Via } from '../../shared/domain';
import { MAX_DATAGRAM_BYTES } from '../../shared/protocol/constants';
import { isStrangerId, strangerEndpoint, strangerId } from '../../shared/stranger-id';
import { randomToken } from './ids';
import { PLAIN_EPOCH, type NodePersistence } from './persistence';
import type { StorageGuard } from './storage-guard';
import { splitUtf8, StrangerTable } from './strangers';
import { NodeError, type Stranger } from './types';
import type { Wire } from './wire';

export interface PlainTextDeps {
  readonly now: () => number;
  readonly serverPort: number;
  readonly counters: NodeCounters;
  readonly wire: Wire;
  readonly persistence?: NodePersistence | undefined;
  readonly storage: StorageGuard;
  received(message: ChatMessage): void;
  stranger(seen: { stranger: Stranger; added: boolean }): void;
  stateChanged(change: MessageStateChange): void;
}

const encoder = new TextEncoder();

/**
 * Text with strangers: plain UTF-8 datagrams to and from tools such as `nc -u`, stored through
 * the same persistence as PacketChat text. Nothing acknowledges plain text, so a send ends
 * `delivered` when the kernel took every datagram ("Sent" in the UI) and `failed` when it refused.
 */
export class PlainText {
  private readonly strangers = new StrangerTable();

  constructor(private readonly deps: PlainTextDeps) {}

  list(): Stranger[] {
    return this.strangers.list();
  }

  /** The stranger for `stranger:IP:PORT` or a bare `IP:PORT`, known or new. */
  resolve(to: string): Stranger | undefined {
    const endpoint = isStrangerId(to)
      ? strangerEndpoint(to)
      : to.includes(':')
        ? parseEndpoint(to.trim(), this.deps.serverPort)
        : undefined;
    if (endpoint === undefined) return undefined;
    const known = this.strangers.get(strangerId(endpoint));
    return known ?? this.strangers.observe(endpoint, 'client', this.deps.now()).stranger;
  }

  receive(raw: string, from: Endpoint, via: Via): void {
    const now = this.deps.now();
    this.deps.counters.plainReceived += 1;
    const seen = this.strangers.observe(from, via, now);
    if (seen.added) this.deps.stranger({ stranger: seen.stranger, added: true });
    const message: ChatMessage = {
      id: randomToken(),
      peerId: seen.stranger.id,
      direction: 'in',
      text: raw.replace(/\r?\n$/, ''), // line-based tools (nc) end each datagram with a newline
      transport: 'udp',
      state: 'received',
      seq: 1,
      sentAt: now,
      receivedAt: now,
      remote: formatEndpoint(from),
    };
    // Anyone can write from thousands of ports: nothing is stored until a person looks at the
    // conversation or answers (keep()), or it already has stored history.
    const id = seen.stranger.id;
    if (seen.kept || this.deps.persistence?.hasConversation(id) === true) {
      this.strangers.keep(id);
      this.store([message]);
    } else {
      this.strangers.hold(id, message);
    }
    this.deps.received(message);
  }

  /** A person looked at the stranger's conversation: what it sent so far is stored, and from now on. */
  keep(id: string): void {
    this.store(this.strangers.keep(id));
  }

  private store(messages: readonly ChatMessage[]): void {
    const store = this.deps.persistence;
    if (store === undefined) return;
    // Nothing waits for an ack here: a message that cannot be stored is still shown.
    for (const message of messages)
      this.deps.storage.run('store a stranger’s message', () =>
        store.recordInbound({
          record: { ...message, epoch: PLAIN_EPOCH, held: false },
          released: [],
          at: message.receivedAt,
        }),
      );
  }

  /** Stores the message, then sends it as datagrams from the socket the stranger wrote to. */
  send(stranger: Stranger, text: string): ChatMessage {
    const now = this.deps.now();
    this.keep(stranger.id); // answering is looking
    const message: ChatMessage = {
      id: randomToken(),
      peerId: stranger.id,
      direction: 'out',
      text,
      transport: 'udp',
      state: 'sending',
      seq: 1,
      sentAt: now,
      receivedAt: now,
      remote: formatEndpoint(stranger),
    };
    try {
      this.deps.persistence?.recordOutgoing({
        ...message,
        epoch: PLAIN_EPOCH,
        state: 'sending',
        attempts: 0,
      });
    } catch (error) {
      this.deps.storage.fail('store a sent message', error);
      throw new NodeError('storage', `the message could not be stored: ${String(error)}`, {
        cause: error,
      });
    }
    this.deps.counters.messagesSent += 1;
    // Line-based tools print what arrives as is: end the reply with a newline, as a typed line does.
    const pieces = splitUtf8(`${text}\n`, MAX_DATAGRAM_BYTES);
    void Promise.all(
      pieces.map((piece) =>
        this.deps.wire.sendUdpAsync(
          encoder.encode(piece),
          stranger,
          { kind: 'plain', summary: piece.slice(0, 60), peerId: stranger.id },
          stranger.via,
          false,
        ),
      ),
    ).then((sent) => {
      const change: MessageStateChange = {
        id: message.id,
        peerId: stranger.id,
        state: sent.every(Boolean) ? 'delivered' : 'failed',
        transport: 'udp',
        attempts: 1,
      };
      const store = this.deps.persistence;
      if (store !== undefined)
        this.deps.storage.run('record a delivery state', () => store.updateOutgoing(change));
      this.deps.stateChanged(change);
    });
    return message;
  }
}
