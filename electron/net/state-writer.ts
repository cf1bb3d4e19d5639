import type { MessageStateChange } from '../../shared/domain';
import type { NodePersistence } from './persistence';
import type { StorageGuard } from './storage-guard';

/**
 * Writes sent messages' state changes in groups: every change of one event-loop turn in one
 * transaction, after the turn (one fsync for a burst of acks instead of one per ack). Only the
 * states after the first transmission come here: a new message itself is stored at once, before
 * it is sent. Reads of the outbox flush first, so they never see an older state.
 *
 * `carrier`, when given, is asked first when the turn ends: it returns true when it has written
 * the queued changes itself, inside a transaction it had to make anyway (the sender's group
 * commit of new texts, text-sender.ts). So a text sent right after an ack waits for one commit,
 * not two, and the changes are still written before anything later in the turn's end runs.
 */
export class DeliveryStateWriter {
  private queued: MessageStateChange[] = [];
  private scheduled: ReturnType<typeof setImmediate> | undefined;

  constructor(
    private readonly store: NodePersistence,
    private readonly storage: StorageGuard,
    private readonly carrier?: () => boolean,
  ) {}

  write(change: MessageStateChange): void {
    if (this.store.updateOutgoingMany === undefined) {
      this.storage.run('record a delivery state', () => this.store.updateOutgoing(change));
      return;
    }
    this.queued.push(change);
    this.scheduled ??= setImmediate(() => {
      this.scheduled = undefined;
      if (this.carrier?.() !== true) this.flush();
    });
  }

  /** Writes what is queued now. */
  flush(): void {
    const changes = this.take();
    if (changes.length === 0) return;
    const many = this.store.updateOutgoingMany?.bind(this.store);
    if (many === undefined) return;
    this.storage.run('record delivery states', () => many(changes));
  }

  /**
   * Takes what is queued, for the caller to write with `writeWithin()` inside a transaction it
   * opens anyway (and to give back with `restore()` if that transaction fails).
   */
  take(): MessageStateChange[] {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const changes = this.queued;
    this.queued = [];
    return changes;
  }

  /** Writes taken changes; call inside the caller's open transaction. */
  writeWithin(changes: readonly MessageStateChange[]): void {
    if (changes.length > 0) this.store.updateOutgoingMany?.(changes);
  }

  /** The caller's transaction failed: its changes are queued again, before any newer ones. */
  restore(changes: readonly MessageStateChange[]): void {
    if (changes.length === 0) return;
    this.queued = [...changes, ...this.queued];
    this.scheduled ??= setImmediate(() => this.flush());
  }
}
