import type { MessageStateChange } from '../../shared/domain';
import type { NodePersistence } from './persistence';
import type { StorageGuard } from './storage-guard';

/**
 * Writes sent messages' state changes in groups: every change of one event-loop turn in one
 * transaction, after the turn (one fsync for a burst of acks instead of one per ack). Only the
 * states after the first transmission come here: a new message itself is stored at once, before
 * it is sent. Reads of the outbox flush first, so they never see an older state.
 */
export class DeliveryStateWriter {
  private queued: MessageStateChange[] = [];
  private scheduled: ReturnType<typeof setImmediate> | undefined;

  constructor(
    private readonly store: NodePersistence,
    private readonly storage: StorageGuard,
  ) {}

  write(change: MessageStateChange): void {
    if (this.store.updateOutgoingMany === undefined) {
      this.storage.run('record a delivery state', () => this.store.updateOutgoing(change));
      return;
    }
    this.queued.push(change);
    this.scheduled ??= setImmediate(() => this.flush());
  }

  /** Writes what is queued now. */
  flush(): void {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const changes = this.queued;
    if (changes.length === 0) return;
    this.queued = [];
    const many = this.store.updateOutgoingMany?.bind(this.store);
    if (many === undefined) return;
    this.storage.run('record delivery states', () => many(changes));
  }
}
