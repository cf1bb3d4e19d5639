import type { FileCard } from '../../shared/domain';
import { CONTROL_NAMES } from '../../shared/protocol/packets';
import type { TextPacket } from '../../shared/protocol/packets';
import { BoundedSet } from './bounded-set';

/** One control message as its consumer gets it (docs/PROTOCOL.md, "Control messages"). */
export interface ControlMessage {
  /** The authenticated sender. */
  readonly peerId: string;
  readonly messageId: string;
  /** The message as the sender wrote it (for `file`: the JSON of a FileControlMessage). */
  readonly body: string;
}

/** Whoever handles one kind of control message (the file engine handles `file`). */
export interface ControlConsumer {
  /**
   * Handles one message. The node acknowledges it only after this settled (a rejection counts as
   * handled: the consumer had its chance), so the sender's "delivered" means "handled".
   */
  handle(message: ControlMessage): Promise<void>;
  /** The card the conversation shows for this message (a file offer), or undefined. */
  card(body: string): FileCard | undefined;
}

/** Packets from one peer that arrived while its control messages were being handled. */
const MAX_QUEUED_PER_PEER = 256;
/** Messages handled but not yet committed with their stream (a store failure, a restart). */
const HANDLED_MEMORY = 4_096;

/**
 * The control side of the text receiver: who consumes which control messages, which ones have
 * been handled, and one peer at a time while a consumer works. A message is handled in stream
 * order, before its place in the stream is committed and acknowledged; handling twice (a crash
 * between the two) is harmless by the consumers' own rule (docs/FILES.md, "Control messages").
 */
export class ControlInbox {
  private readonly consumers = new Map<string, ControlConsumer>();
  private readonly handled = new BoundedSet<string>(HANDLED_MEMORY);
  /** Peers whose messages are being handled, with what arrived from them meanwhile. */
  private readonly busy = new Map<string, (() => void)[]>();
  private closed = false;

  register(name: string, consumer: ControlConsumer): () => void {
    this.consumers.set(name, consumer);
    return () => {
      if (this.consumers.get(name) === consumer) this.consumers.delete(name);
    };
  }

  consumer(name: string): ControlConsumer | undefined {
    return this.consumers.get(name);
  }

  /**
   * Whether a delivered control message can be committed: handled already, or for a consumer
   * this version does not have (acknowledged and ignored, so the sender's stream moves on). A
   * message for a known consumer that is not registered yet (the node runs, the file engine is
   * still starting) waits: it is not acknowledged, and the sender sends it again.
   */
  ready(message: TextPacket): boolean {
    if (message.control === undefined || this.handled.has(message.id)) return true;
    return !this.known(message.control);
  }

  /** Whether `message` waits for a consumer that is not registered yet. */
  unserved(message: TextPacket): boolean {
    const name = message.control;
    return name !== undefined && this.known(name) && !this.consumers.has(name);
  }

  /** The message is committed with its stream: it need not be remembered as handled. */
  committed(id: string): void {
    this.handled.delete(id);
  }

  /** Whether `peerId`'s control messages are being handled (then its packets wait: `defer`). */
  isBusy(peerId: string): boolean {
    return this.busy.has(peerId);
  }

  /** True while `peerId`'s messages are being handled: `later` runs once they are done. */
  defer(peerId: string, later: () => void): boolean {
    const queue = this.busy.get(peerId);
    if (queue === undefined) return false;
    if (queue.length < MAX_QUEUED_PER_PEER) queue.push(later);
    return true; // beyond the bound the packet is dropped: unacknowledged, the sender repeats it
  }

  /**
   * Hands `waiting` to their consumers one by one, in order, then runs `retry` (the packet that
   * released them, now committable) and whatever arrived from the peer meanwhile.
   */
  run(peerId: string, waiting: readonly TextPacket[], retry: () => void): void {
    this.busy.set(peerId, []);
    void this.handleAll(peerId, waiting).then(() => {
      const queued = this.busy.get(peerId) ?? [];
      this.busy.delete(peerId);
      if (this.closed) return;
      retry();
      for (const later of queued) later();
    });
  }

  close(): void {
    this.closed = true;
  }

  private async handleAll(peerId: string, waiting: readonly TextPacket[]): Promise<void> {
    for (const message of waiting) {
      if (this.closed) return;
      const consumer =
        message.control === undefined ? undefined : this.consumers.get(message.control);
      if (consumer === undefined) continue; // unregistered meanwhile: not handled, so not committed
      try {
        await consumer.handle({ peerId, messageId: message.id, body: message.text });
      } catch {
        // The consumer's own failure: it had the message; acknowledging stops the repeats.
      }
      this.handled.add(message.id);
    }
  }

  private known(name: string): boolean {
    return (CONTROL_NAMES as readonly string[]).includes(name);
  }
}
