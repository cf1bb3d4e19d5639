// The one way main talks to the renderer. Events wait in a bounded queue until the renderer says
// `app:ready` (its listeners are attached), then go out in order. Packet-log entries are batched
// here and only here: one `packets` event per interval with at most the newest `maxPacketBatch`
// entries, so a flood of junk costs the renderer a bounded amount (the inspector sees the gap in
// the entries' `seq` numbers and can read the whole log with `inspector:packets`).
import { EVENTS_DROPPED_NOTICE, eventChannel } from '../../shared/ipc/channels';
import type { PacketLogEntry } from '../../shared/domain';
import type { EventChannel, EventPayloads, EventSink } from '../../shared/ipc/contract';

export interface EmitterOptions {
  /** Sends one event to the renderer; false when there is no window to send to. */
  readonly send: (channel: string, payload: unknown) => boolean;
  /** Most events kept while the renderer is not ready; the oldest are dropped beyond it. */
  readonly maxQueue?: number;
  /** How long packet-log entries are collected before they go out as one `packets` event. */
  readonly packetBatchMs?: number;
  /** Most entries per batch: beyond it the oldest of the interval are dropped. */
  readonly maxPacketBatch?: number;
}

export interface Emitter {
  readonly emit: EventSink;
  /** The renderer has attached its listeners: flush the queue, then send directly. */
  ready(): void;
  /** The renderer is (re)loading or gone: queue again. */
  unready(): void;
  /** Events dropped because the queue was full (the renderer reads its state again on the notice). */
  readonly dropped: number;
  close(): void;
}

interface Queued {
  readonly channel: EventChannel;
  readonly payload: unknown;
}

export const DEFAULT_MAX_QUEUE = 2_000;
export const DEFAULT_PACKET_BATCH_MS = 250;
export const DEFAULT_MAX_PACKET_BATCH = 500;

export function createEmitter(options: EmitterOptions): Emitter {
  const maxQueue = options.maxQueue ?? DEFAULT_MAX_QUEUE;
  const batchMs = options.packetBatchMs ?? DEFAULT_PACKET_BATCH_MS;
  const maxBatch = options.maxPacketBatch ?? DEFAULT_MAX_PACKET_BATCH;
  const queue: Queued[] = [];
  let isReady = false;
  let closed = false;
  let dropped = 0;
  let droppedSinceNotice = 0;
  let batch: PacketLogEntry[] = [];
  let batchTimer: ReturnType<typeof setTimeout> | undefined;

  function deliver(item: Queued): void {
    if (isReady && options.send(eventChannel(item.channel), item.payload)) return;
    // Not ready, or the window vanished between checks: keep it for the next ready().
    isReady = false;
    queue.push(item);
    if (queue.length > maxQueue) {
      queue.shift();
      dropped += 1;
      droppedSinceNotice += 1;
    }
  }

  function flushBatch(): void {
    if (batchTimer !== undefined) clearTimeout(batchTimer);
    batchTimer = undefined;
    if (batch.length === 0) return;
    const entries = batch;
    batch = [];
    deliver({ channel: 'packets', payload: entries });
  }

  function addPackets(entries: readonly PacketLogEntry[]): void {
    batch.push(...entries);
    if (batch.length > maxBatch) batch = batch.slice(-maxBatch);
    batchTimer ??= setTimeout(flushBatch, batchMs);
  }

  const emit = <E extends EventChannel>(channel: E, payload: EventPayloads[E]): void => {
    if (closed) return;
    if (channel === 'packets') {
      addPackets(payload as EventPayloads['packets']);
      return;
    }
    // Keep order: packets collected before this event go out before it.
    flushBatch();
    deliver({ channel, payload });
  };

  return {
    emit,
    ready() {
      if (closed) return;
      isReady = true;
      flushBatch();
      if (droppedSinceNotice > 0) {
        const count = droppedSinceNotice;
        droppedSinceNotice = 0;
        queue.push({
          channel: 'notice',
          payload: {
            level: 'warning',
            code: EVENTS_DROPPED_NOTICE,
            message: `${count} updates were dropped while the window was not ready.`,
          } satisfies EventPayloads['notice'],
        });
      }
      while (queue.length > 0 && isReady) {
        const item = queue.shift();
        if (item === undefined) break;
        if (!options.send(eventChannel(item.channel), item.payload)) {
          queue.unshift(item);
          isReady = false;
        }
      }
    },
    unready() {
      isReady = false;
    },
    get dropped() {
      return dropped;
    },
    close() {
      closed = true;
      if (batchTimer !== undefined) clearTimeout(batchTimer);
      batchTimer = undefined;
      batch = [];
      queue.length = 0;
    },
  };
}
