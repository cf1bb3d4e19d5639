/**
 * An in-memory stand-in for the node's reliable, ordered, stored message stream: per destination
 * a queue that outlives the endpoints (a restarted peer gets what it had not acknowledged), one
 * message at a time, acknowledged only after the handler settled. Messages go through JSON, as
 * they would on the wire.
 */
import type {
  ControlChannel,
  ControlSendResult,
  Disposer,
  IncomingControl,
} from '../../../../../electron/net/files/ports';
import type { FileControlMessage } from '../../../../../shared/files/control';

interface Queued {
  readonly from: string;
  readonly messageId: string;
  readonly body: unknown;
}

interface Endpoint {
  readonly id: string;
  message?: (message: IncomingControl) => Promise<void>;
  delivered?: (peerId: string, messageId: string) => void;
}

export class ControlHub {
  private readonly queues = new Map<string, Queued[]>();
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly pumping = new Set<string>();
  private nextId = 1;
  /** Every message ever sent, for assertions. */
  readonly log: { from: string; to: string; body: FileControlMessage }[] = [];

  /** The channel of peer `id`; a second call replaces the first (a restarted node). */
  endpoint(id: string): ControlChannel {
    const endpoint: Endpoint = { id };
    this.endpoints.set(id, endpoint);
    const send = (to: string, body: FileControlMessage): ControlSendResult => {
      if (this.endpoints.get(id) !== endpoint)
        return { ok: false, code: 'closed', message: 'endpoint replaced' };
      const messageId = `m${this.nextId++}`;
      this.log.push({ from: id, to, body });
      const queue = this.queues.get(to) ?? [];
      queue.push({ from: id, messageId, body: JSON.parse(JSON.stringify(body)) as unknown });
      this.queues.set(to, queue);
      setImmediate(() => void this.pump(to));
      return { ok: true, messageId };
    };
    const onMessage = (handler: Endpoint['message'] & object): Disposer => {
      endpoint.message = handler;
      setImmediate(() => void this.pump(id));
      return () => delete endpoint.message;
    };
    const onDelivered = (handler: Endpoint['delivered'] & object): Disposer => {
      endpoint.delivered = handler;
      return () => delete endpoint.delivered;
    };
    return { send, onMessage, onDelivered };
  }

  /** Peer `id` went away: its messages wait in the queue until a new endpoint listens. */
  detach(id: string): void {
    this.endpoints.delete(id);
  }

  /** Injects a raw message, as a hostile peer could send it. */
  inject(from: string, to: string, body: unknown): void {
    const queue = this.queues.get(to) ?? [];
    queue.push({ from, messageId: `m${this.nextId++}`, body });
    this.queues.set(to, queue);
    setImmediate(() => void this.pump(to));
  }

  private async pump(to: string): Promise<void> {
    if (this.pumping.has(to)) return;
    this.pumping.add(to);
    try {
      for (;;) {
        const endpoint = this.endpoints.get(to);
        const queue = this.queues.get(to) ?? [];
        const head = queue[0];
        if (head === undefined || endpoint?.message === undefined) return;
        await endpoint.message({ peerId: head.from, messageId: head.messageId, body: head.body });
        if (this.endpoints.get(to) !== endpoint) continue; // restarted meanwhile: deliver again
        queue.shift();
        this.endpoints.get(head.from)?.delivered?.(to, head.messageId);
      }
    } finally {
      this.pumping.delete(to);
    }
  }
}
